/**
 * One lock per process around native TensorFlow passes. The tfjs-node binding keeps the attribute names
 * of ops in one process-wide set that it changes without a lock, so two threads running ops at once can
 * crash the process (SIGSEGV in AssignOpAttr, seen with two native scoring threads). Every thread that
 * runs native ops holds this lock for each pass; worker threads get the main thread's buffer in their
 * workerData, so they all wait on the same cell.
 */
const FREE = 0;
const HELD = 1;

export class NativeOpLock {
  private readonly cell: Int32Array;
  /** Passes of this thread inside the lock: async ones may overlap within a thread, never across. */
  private depth = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.cell = new Int32Array(buffer, 0, 1);
  }

  get buffer(): SharedArrayBuffer {
    return this.cell.buffer as SharedArrayBuffer;
  }

  run<T>(pass: () => T): T {
    this.enter();
    try {
      return pass();
    } finally {
      this.leave();
    }
  }

  /** Holds the lock across the awaits of `pass` (loading a model): other native threads wait meanwhile. */
  async runAsync<T>(pass: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await pass();
    } finally {
      this.leave();
    }
  }

  private enter(): void {
    if (this.depth++ > 0) return;
    while (Atomics.compareExchange(this.cell, 0, FREE, HELD) !== FREE) {
      Atomics.wait(this.cell, 0, HELD);
    }
  }

  private leave(): void {
    if (--this.depth > 0) return;
    Atomics.store(this.cell, 0, FREE);
    Atomics.notify(this.cell, 0, 1);
  }
}

let processLock: NativeOpLock | undefined;

/** The main thread's lock, made on first use; hand its `buffer` to every worker that runs native ops. */
export function nativeOpLock(): NativeOpLock {
  processLock ??= new NativeOpLock(new SharedArrayBuffer(4));
  return processLock;
}

/** Whether passes on this backend go through the native binding (and so must hold the lock). */
export function isNativeBackend(backend: string): boolean {
  return backend === 'tensorflow' || backend === 'tensorflow-gpu';
}
