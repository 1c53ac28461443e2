// bench:load's harness on the embedded pipeline: open-loop load through the real HTTP push endpoint, every
// offered item stored once, its due→stored latency measured, lag and memory sampled over the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadHarness, type LoadRunResult } from '../../bench/load/load-harness.ts';
import { fixtureTexts, type LoadSetup, loadSetup } from '../../bench/load/setup.ts';

let setup: LoadSetup;
let harness: LoadHarness;
let run: LoadRunResult;

beforeAll(async () => {
  setup = loadSetup({});
  harness = new LoadHarness(setup.config, await fixtureTexts());
  await harness.start();
  run = await harness.run([
    { itemsPerSecond: 40, seconds: 2 },
    { itemsPerSecond: 10, seconds: 1 },
  ]);
}, 240_000);

afterAll(async () => {
  await harness?.stop();
  setup?.cleanup();
});

describe('issue 16.1 — bench:load drives the real ingest path open-loop and measures due→stored latency', () => {
  it('stores every offered item once and measures each one', () => {
    expect(run).toMatchObject({
      offered: 90,
      offeredPerSecond: 30,
      accepted: 90,
      stored: 90,
      storedAgain: 0,
    });
    expect(run.latencyMs.count).toBe(90);
    expect(run.octaves.reduce((sum, [, , count]) => sum + count, 0)).toBe(90);
    expect(run.latencyMs.p50).toBeGreaterThan(0);
    expect(run.latencyMs.max).toBeGreaterThanOrEqual(run.latencyMs.p99);
  });

  it('samples lag, RSS, heap and handles over the run, ending with nothing in flight', () => {
    expect(run.samples.length).toBeGreaterThanOrEqual(3);
    const last = run.samples.at(-1);
    expect(last).toMatchObject({ backlog: 0, lag: 0, stored: 90 });
    expect(last?.rssMb).toBeGreaterThan(0);
    expect(last?.heapMb).toBeGreaterThan(0);
    expect(run.peakRssMb).toBeGreaterThanOrEqual(last?.rssMb ?? 0);
  });

  it('keeps a second run apart from the first (its own ids, its own tally)', async () => {
    const second = await harness.run([{ itemsPerSecond: 20, seconds: 1 }]);
    expect(second).toMatchObject({ offered: 20, stored: 20, storedAgain: 0 });
  });
});
