/**
 * Owns a process's background tasks (work started and not awaited, like a replay): each failure is logged once
 * with its task's context and reported to whoever waits on the process, so it can drain and exit non-zero
 * instead of dying of an unhandled rejection.
 */
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface TaskFailure {
  task: string;
  error: unknown;
}

export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();
  private reportFailure: (failure: TaskFailure) => void = () => {};
  /** The first failure, once there is one. */
  failure: TaskFailure | undefined;
  /** Settles with the first failure; stays pending while every task succeeds. Never rejects. */
  readonly failed = new Promise<TaskFailure>((resolve) => {
    this.reportFailure = resolve;
  });

  constructor(private readonly logger: Logger) {}

  /** Starts `work` now; the returned promise settles when it ends and never rejects (failures go to `failed`). */
  run(task: string, context: Record<string, unknown>, work: () => Promise<void>): Promise<void> {
    const done = work()
      .catch((error: unknown) => {
        this.logger.error({ task, ...context, err: describeError(error) }, `${task} failed`);
        this.failure ??= { task, error };
        this.reportFailure(this.failure);
      })
      .finally(() => this.running.delete(done));
    this.running.add(done);
    return done;
  }

  /** Throws the first failure's error, if a task failed. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Resolves once every task started so far has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.running);
  }
}
