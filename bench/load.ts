/**
 * bench:load — the pipeline at a chosen load rather than at saturation: an open-loop generator pushes the
 * fixture generator's text to the HTTP push endpoint on a clock, and the run reports offered vs achieved rate,
 * due→stored latency (HDR-style), consumer lag, RSS, heap and handles over time.
 *
 *   npm run bench:load -- --rate 300 --duration 30 [--bus kafka --store clickhouse] [--json]
 *   npm run bench:load -- --sweep [--capacity 600] [--duration 20]    25/50/80/100/150 % of capacity
 *   npm run bench:load -- --overload [--capacity 600]                  150 % for 60 s, then 50 % for 60 s
 * Batching can be tried per run: --scoring-batch N --scoring-linger MS --sink-batch N --sink-linger MS; the
 * overload bounds too: --bus-capacity N (memory bus) --max-pending N (ingest.http.maxPendingItems).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { probeCapacity } from './load/capacity.ts';
import type { LoadHarness, LoadRunResult } from './load/load-harness.ts';
import { formatRun } from './load/report.ts';
import { startLoadHarness } from './load/start-harness.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string' },
    duration: { type: 'string', default: '30' },
    bus: { type: 'string' },
    store: { type: 'string' },
    sweep: { type: 'boolean', default: false },
    percents: { type: 'string', default: '25,50,80,100,150' },
    overload: { type: 'boolean', default: false },
    'overload-seconds': { type: 'string', default: '60' },
    after: { type: 'string', default: '60' },
    capacity: { type: 'string' },
    'probe-start': { type: 'string', default: '50' },
    'probe-seconds': { type: 'string', default: '10' },
    'scoring-batch': { type: 'string' },
    'scoring-linger': { type: 'string' },
    'sink-batch': { type: 'string' },
    'sink-linger': { type: 'string' },
    'bus-capacity': { type: 'string' },
    'max-pending': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const positive = (name: string, text: string | undefined): number => {
  const value = Number(text);
  if (!(value > 0))
    throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
};
const say = (text: string) => {
  if (!values.json) process.stdout.write(`${text}\n`);
};
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

async function capacityOf(harness: LoadHarness): Promise<number> {
  if (values.capacity) return positive('capacity', values.capacity);
  const plan = {
    startPerSecond: positive('probe-start', values['probe-start']),
    seconds: positive('probe-seconds', values['probe-seconds']),
    maxPerSecond: 8_000,
  };
  const capacity = await probeCapacity(harness, plan, (offered, stored) =>
    say(`probe: offered ${offered}/s for ${plan.seconds} s, stored ${stored}/s`),
  );
  say(`capacity ≈ ${capacity} items/s (load average ${load().join(' ')})`);
  return capacity;
}

/** Seconds from the end of the overload until backlog + lag fell to one second of the after-load. */
function drainAfter(
  run: LoadRunResult,
  overloadSeconds: number,
  afterRate: number,
): number | undefined {
  const drained = run.samples.find((s) => s.t >= overloadSeconds && s.backlog + s.lag <= afterRate);
  return drained ? Number((drained.t - overloadSeconds).toFixed(1)) : undefined;
}

const harness = await startLoadHarness(values);
const report: Record<string, unknown> = { setup: harness.label, backend: harness.backend };
try {
  say(`bench:load — ${harness.label} (${harness.backend}), load average ${load().join(' ')}`);
  const duration = positive('duration', values.duration);
  if (values.sweep) {
    const capacity = await capacityOf(harness.harness);
    const steps: unknown[] = [];
    for (const percent of values.percents.split(',').map((p) => positive('percents', p))) {
      const rate = Math.max(1, Math.round((capacity * percent) / 100));
      const loadBefore = load();
      const run = await harness.harness.run([{ itemsPerSecond: rate, seconds: duration }]);
      say(formatRun(`${percent} % of capacity (load average ${loadBefore.join(' ')})`, run));
      steps.push({ percent, rate, loadAverage: loadBefore, ...run });
    }
    Object.assign(report, { capacity, steps });
  } else if (values.overload) {
    const capacity = await capacityOf(harness.harness);
    const overloadSeconds = positive('overload-seconds', values['overload-seconds']);
    const high = Math.round(capacity * 1.5);
    const low = Math.round(capacity * 0.5);
    const loadBefore = load();
    const run = await harness.harness.run([
      { itemsPerSecond: high, seconds: overloadSeconds },
      { itemsPerSecond: low, seconds: positive('after', values.after) },
    ]);
    const atEnd = run.samples.findLast((s) => s.t <= overloadSeconds);
    const excess = (atEnd?.backlog ?? 0) + (atEnd?.lag ?? 0);
    const overload = {
      capacity,
      high,
      low,
      loadAverage: loadBefore,
      excessAtEnd: excess,
      drainSeconds: drainAfter(run, overloadSeconds, low),
      expectedDrainSeconds: Number((excess / (capacity - low)).toFixed(1)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    say(formatRun(`${high}/s (150 %) for ${overloadSeconds} s, then ${low}/s (50 %)`, run));
    say(
      `  overload: ${excess} items behind when it ended; drained in ${overload.drainSeconds ?? 'not'} s ` +
        `(at the measured spare capacity ${capacity - low}/s: ${overload.expectedDrainSeconds} s); ` +
        `offered ${run.offered} = stored ${run.stored}: ${run.offered === run.stored ? 'yes' : 'NO'}; peak RSS ${overload.peakRssMb} MB`,
    );
    Object.assign(report, { overload, run });
  } else {
    const rate = positive('rate', values.rate);
    const loadBefore = load();
    const run = await harness.harness.run([{ itemsPerSecond: rate, seconds: duration }]);
    say(formatRun(`${rate}/s for ${duration} s (load average ${loadBefore.join(' ')})`, run));
    Object.assign(report, { loadAverage: loadBefore, run });
  }
} finally {
  await harness.stop();
}
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
