/** The consuming phase the score and sink commands share: start, report ready, log progress until SIGINT/SIGTERM, stop. */
import type { Logger } from '../core/logger.ts';
import type { StageCounters } from '../core/stage-counters.ts';
import { untilAborted } from '../core/until-aborted.ts';
import { logProgress } from '../pipeline/stage-process.ts';
import type { StageStartup } from '../pipeline/stage-startup.ts';

export interface ConsumingStage {
  start(): Promise<void>;
  /** Finishes or abandons the batch in flight without committing it, and leaves the group. */
  stop(): Promise<void>;
  readonly counters: StageCounters;
}

/** Call once the stage's services are connected; returns after the stage has stopped. */
export async function consumeUntilStopped(options: {
  name: string;
  stage: ConsumingStage;
  startup: StageStartup;
  signal: AbortSignal;
  logger: Logger;
  /** What the stage consumes, for the "consuming" log line. */
  input: { group: string; topic: string };
}): Promise<void> {
  const { name, stage, startup, signal, logger } = options;
  await stage.start();
  startup.started();
  logger.info(options.input, `${name}: consuming`);
  const stopLogging = logProgress(name, stage.counters, logger);
  await untilAborted(signal);
  stopLogging();
  await stage.stop();
}
