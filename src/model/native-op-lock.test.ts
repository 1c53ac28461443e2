// The process-wide lock around native TensorFlow passes: real worker threads contend for it, and two native
// scoring threads of one process (the entity and sentiment scorers' case) run without crashing it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/cli.ts';
import { loadNativeBackend } from './native-backend.ts';
import { NativeOpLock } from './native-op-lock.ts';

const LOCK_MODULE = fileURLToPath(new URL('./native-op-lock.ts', import.meta.url));
const CHILD = fileURLToPath(new URL('../../test/support/native-threads-child.ts', import.meta.url));
const native = await loadNativeBackend('tensorflow');
if (!native.ok) console.info(`native-op-lock: the native run is skipped: ${native.reason}`);

/**
 * Each pass marks itself inside a shared counter for 50 µs and counts the passes it found already inside.
 * The contenders wait at a start line (counter 2) until all have loaded: loading tsx takes far longer than
 * the passes, so without it one thread could finish before the other began, and the control would see no
 * overlap (a CI run under load failed that way).
 */
const CONTENDER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { register } = await import('tsx/esm/api');
  register();
  const { NativeOpLock } = await import(workerData.module);
  const lock = workerData.lock ? new NativeOpLock(workerData.lock) : undefined;
  const counters = new Int32Array(workerData.counters);
  Atomics.add(counters, 2, 1);
  Atomics.notify(counters, 2);
  for (let ready; (ready = Atomics.load(counters, 2)) < workerData.threads; ) Atomics.wait(counters, 2, ready, 100);
  const pass = () => {
    if (Atomics.add(counters, 0, 1) > 0) Atomics.add(counters, 1, 1);
    const end = performance.now() + 0.05;
    while (performance.now() < end) {}
    Atomics.sub(counters, 0, 1);
  };
  for (let i = 0; i < workerData.passes; i++) lock ? lock.run(pass) : pass();
  parentPort.postMessage('done');
})();
`;

/** Passes that found another thread's pass inside, over `threads` threads of `passes` passes each. */
async function overlaps(
  lock: NativeOpLock | undefined,
  threads = 2,
  passes = 1_000,
): Promise<number> {
  const counters = new SharedArrayBuffer(12);
  await Promise.all(
    Array.from({ length: threads }, () => {
      const worker = new Worker(CONTENDER, {
        eval: true,
        workerData: { module: LOCK_MODULE, lock: lock?.buffer, counters, passes, threads },
      });
      return new Promise<void>((resolve, reject) => {
        worker.once('message', () => void worker.terminate().then(() => resolve()));
        worker.once('error', reject);
      });
    }),
  );
  return new Int32Array(counters)[1] ?? -1;
}

describe('native op lock', () => {
  it('lets one thread at a time into a pass; without it the same threads overlap', async () => {
    // The control shows the contenders do run at once, so the zero below is the lock's doing.
    expect(await overlaps(undefined)).toBeGreaterThan(0);
    expect(await overlaps(new NativeOpLock(new SharedArrayBuffer(4)))).toBe(0);
  }, 60_000);

  it('is re-entrant within a thread: a pass inside an async load does not wait for itself', async () => {
    const lock = new NativeOpLock(new SharedArrayBuffer(4));
    const value = await lock.runAsync(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return lock.run(() => 42);
    });
    expect(value).toBe(42);
    expect(Atomics.load(new Int32Array(lock.buffer), 0)).toBe(0);
  });

  it.skipIf(!native.ok)(
    'two native scoring threads of one process load and score at once without crashing it',
    () => {
      // Without the lock a run like this died with SIGSEGV in the binding about one time in four.
      for (let run = 0; run < 2; run++) {
        const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD, '2'], {
          cwd: repoRoot,
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(child.signal, child.stderr.slice(-2_000)).toBeNull();
        expect(child.status, child.stderr.slice(-2_000)).toBe(0);
        expect(child.stdout).toContain('scored 2304 texts in 2 rounds');
      }
    },
    300_000,
  );
});
