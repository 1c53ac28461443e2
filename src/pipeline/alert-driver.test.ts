import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { ReplayAlertDriver } from './alert-driver.ts';

const MINUTE = 60_000;

function setup(options: { fromMs?: number; maxStepsPerTick?: number } = {}) {
  const evaluatedAt: number[] = [];
  let streamNow = 10 * MINUTE;
  let drained = false;
  const driver = new ReplayAlertDriver({
    engine: {
      evaluateOnce: async (nowMs) => {
        evaluatedAt.push(nowMs);
      },
    },
    streamNow: () => (drained ? streamNow : Number.NaN),
    stepMs: MINUTE,
    fromMs: options.fromMs,
    maxStepsPerTick: options.maxStepsPerTick,
    logger: silentLogger,
    tickMs: 5,
  });
  return {
    driver,
    evaluatedAt,
    setNow: (ms: number) => {
      streamNow = ms;
    },
    setDrained: (value: boolean) => {
      drained = value;
    },
  };
}

describe('ReplayAlertDriver', () => {
  it('evaluates every stream step from the replay start, only once the pipeline has drained', async () => {
    const { driver, evaluatedAt, setNow, setDrained } = setup({ fromMs: 2 * MINUTE + 30_000 });
    driver.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(evaluatedAt).toEqual([]);
    setDrained(true);
    await driver.flush();
    expect(evaluatedAt).toEqual([3, 4, 5, 6, 7, 8, 9, 10].map((m) => m * MINUTE));
    setNow(12 * MINUTE + 10_000);
    await driver.flush();
    await driver.stop();
    expect(evaluatedAt.slice(-2)).toEqual([11 * MINUTE, 12 * MINUTE]);
    expect(new Set(evaluatedAt).size).toBe(evaluatedAt.length);
  });

  it('without a start time, begins at the stream time it first sees', async () => {
    const { driver, evaluatedAt, setDrained } = setup();
    setDrained(true);
    await driver.flush();
    expect(evaluatedAt).toEqual([10 * MINUTE]);
  });

  it('strides over the grid when it falls behind, always reaching the present, then resumes every step', async () => {
    const { driver, evaluatedAt, setNow, setDrained } = setup({ fromMs: 0, maxStepsPerTick: 4 });
    setDrained(true);
    setNow(100 * MINUTE);
    driver.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(evaluatedAt.length).toBeLessThanOrEqual(5);
    expect(evaluatedAt.at(-1)).toBe(100 * MINUTE);
    setNow(102 * MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await driver.stop();
    expect(evaluatedAt.slice(-2)).toEqual([101 * MINUTE, 102 * MINUTE]);
  });

  it('issue 14.11 — a tick that throws is logged and the driver keeps evaluating, with no unhandled rejection', async () => {
    const lines: string[] = [];
    const evaluatedAt: number[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let reads = 0;
    const driver = new ReplayAlertDriver({
      engine: {
        evaluateOnce: async (nowMs) => {
          evaluatedAt.push(nowMs);
        },
      },
      streamNow: () => {
        reads += 1;
        if (reads === 1) throw new Error('watermark unreadable');
        return 10 * MINUTE;
      },
      stepMs: MINUTE,
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }),
      tickMs: 5,
    });
    try {
      driver.start();
      await new Promise((resolve) => setTimeout(resolve, 60));
      await driver.stop();
      expect(unhandled).toEqual([]);
      expect(evaluatedAt).toEqual([10 * MINUTE]);
      expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
        expect.objectContaining({ msg: 'alert driver tick failed', err: 'watermark unreadable' }),
      );
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
