/**
 * npm run soak — the embedded pipeline at half its capacity for 30 minutes (not part of CI): heap and RSS are
 * sampled every second and their least-squares slope after the first tenth (warm-up) is reported in MB/hour,
 * with the active handle count at the start, end and peak, so a leak shows as a trend.
 *
 *   npm run soak [-- --minutes 30] [--capacity 600] [--json]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { probeCapacity } from './load/capacity.ts';
import { formatRun } from './load/report.ts';
import { type Sample, slope } from './load/sampler.ts';
import { startLoadHarness } from './load/start-harness.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    capacity: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0))
  throw new Error(`--minutes must be positive, got ${JSON.stringify(values.minutes)}`);
const say = (text: string) => {
  if (!values.json) process.stdout.write(`${text}\n`);
};

/** MB per hour over the samples after the warm-up tenth. */
const trend = (samples: readonly Sample[], pick: (s: Sample) => number, fromT: number) =>
  Number(
    (
      slope(samples.filter((s) => s.t >= fromT).map((s) => [s.t / 3600, pick(s)] as const)) || 0
    ).toFixed(2),
  );

const harness = await startLoadHarness({});
try {
  const capacity =
    Number(values.capacity) > 0
      ? Number(values.capacity)
      : await probeCapacity(harness.harness, {
          startPerSecond: 50,
          seconds: 10,
          maxPerSecond: 8_000,
        });
  const rate = Math.max(1, Math.round(capacity / 2));
  const loadBefore = loadavg().map((x) => Number(x.toFixed(2)));
  say(
    `soak: ${harness.label} (${harness.backend}) at ${rate}/s (50 % of ${capacity}/s) for ${minutes} min; load average ${loadBefore.join(' ')}`,
  );
  const run = await harness.harness.run([{ itemsPerSecond: rate, seconds: minutes * 60 }]);
  const warmUp = (minutes * 60) / 10;
  const handles = run.samples.map((s) => s.handles);
  const result = {
    rate,
    capacity,
    minutes,
    loadAverage: { before: loadBefore, after: loadavg().map((x) => Number(x.toFixed(2))) },
    heapSlopeMbPerHour: trend(run.samples, (s) => s.heapMb, warmUp),
    rssSlopeMbPerHour: trend(run.samples, (s) => s.rssMb, warmUp),
    handles: { first: handles[0], last: handles.at(-1), max: Math.max(...handles) },
    handlesSlopePerHour: trend(run.samples, (s) => s.handles, warmUp),
    offered: run.offered,
    stored: run.stored,
    latencyMs: run.latencyMs,
  };
  say(formatRun(`${rate}/s for ${minutes} min`, run));
  say(
    `  after the first ${warmUp.toFixed(0)} s: heap slope ${result.heapSlopeMbPerHour} MB/h, RSS slope ${result.rssSlopeMbPerHour} MB/h; ` +
      `handles ${result.handles.first} → ${result.handles.last} (max ${result.handles.max}, slope ${result.handlesSlopePerHour}/h)`,
  );
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await harness.stop();
}
