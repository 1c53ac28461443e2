/** Prints a load run for people: rates, the latency distribution as HDR-style rows, and the sampled series. */
import type { LoadRunResult } from './load-harness.ts';
import type { Sample } from './sampler.ts';

const BAR_WIDTH = 40;

/** Every `everySeconds`-th sample (and the last), so a long run prints a readable series. */
function thin(samples: readonly Sample[], everySeconds: number): Sample[] {
  const out: Sample[] = [];
  let next = 0;
  for (const sample of samples) {
    if (sample.t >= next) {
      out.push(sample);
      next = sample.t + everySeconds;
    }
  }
  const last = samples.at(-1);
  if (last && out.at(-1) !== last) out.push(last);
  return out;
}

export function formatRun(label: string, r: LoadRunResult): string {
  const lines: string[] = [];
  const l = r.latencyMs;
  lines.push(
    `${label}: offered ${r.offered} items at ${r.offeredPerSecond}/s, took ${r.accepted} (${r.refused} requests answered 429 and retried), ` +
      `stored ${r.stored} once${r.storedAgain > 0 ? ` (+${r.storedAgain} redelivered, kept once)` : ''}, achieved ${r.achievedPerSecond}/s, drained ${r.drainSeconds.toFixed(1)} s after the schedule`,
  );
  lines.push(
    `  due→stored latency ms: p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  p99.9 ${l.p999}  max ${l.max}  (n=${l.count})`,
  );
  const largest = Math.max(1, ...r.octaves.map(([, , count]) => count));
  for (const [from, to, count] of r.octaves) {
    const bar = '#'.repeat(Math.max(count > 0 ? 1 : 0, Math.round((count / largest) * BAR_WIDTH)));
    lines.push(`  ${`${from}–${to} ms`.padStart(18)} ${String(count).padStart(8)} ${bar}`);
  }
  lines.push('      t s   backlog       lag   RSS MB  heap MB  handles');
  const every = Math.max(1, Math.round((r.samples.at(-1)?.t ?? 0) / 20));
  for (const s of thin(r.samples, every)) {
    lines.push(
      `  ${s.t.toFixed(0).padStart(7)} ${String(s.backlog).padStart(9)} ${String(s.lag).padStart(9)} ${s.rssMb.toFixed(0).padStart(8)} ${s.heapMb.toFixed(0).padStart(8)} ${String(s.handles).padStart(8)}`,
    );
  }
  lines.push(`  peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  return lines.join('\n');
}
