/**
 * Measures a pipeline's capacity open-loop: offers a rate for a while and reads the stored rate once warm,
 * doubling the offer while the pipeline keeps up, so the backlog a probe leaves behind stays about one
 * probe's worth of the capacity (it drains in seconds, not minutes).
 */
import type { LoadHarness } from './load-harness.ts';
import { slope } from './sampler.ts';

/** Below this share of the offer stored, the pipeline is saturated and the stored rate is its capacity. */
const KEEPS_UP = 0.9;

export interface ProbePlan {
  /** The first rate offered; each next probe offers twice the last. */
  startPerSecond: number;
  /** Seconds each probe offers its rate. */
  seconds: number;
  /** Stop doubling here (the bench machine's ceiling). */
  maxPerSecond: number;
}

export async function probeCapacity(
  harness: LoadHarness,
  plan: ProbePlan,
  onProbe: (offered: number, stored: number) => void = () => {},
): Promise<number> {
  let offered = plan.startPerSecond;
  for (;;) {
    const run = await harness.run([{ itemsPerSecond: offered, seconds: plan.seconds }], {
      stopAtEnd: true,
    });
    // The first seconds fill the batches and warm the model: leave them out.
    const warm = run.samples.filter((s) => s.t >= plan.seconds / 4 && s.t <= plan.seconds);
    const stored = Math.round(slope(warm.map((s) => [s.t, s.stored] as const)));
    if (!(stored > 0)) throw new Error(`capacity probe stored nothing measurable at ${offered}/s`);
    onProbe(offered, stored);
    if (stored < offered * KEEPS_UP || offered * 2 > plan.maxPerSecond) return stored;
    offered *= 2;
  }
}
