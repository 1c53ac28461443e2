/** The scorer's health probe: one known-good headline through the model, answered with three finite probabilities. */
import { describeError } from '../core/errors.ts';
import type { Health } from '../core/lifecycle.ts';

/** Plain, short and in every vocabulary: a model that cannot score this cannot score anything. */
export const PROBE_TEXT = 'Shares of the company were little changed in early trading';

export async function probeScorer(
  score: (texts: readonly string[]) => Promise<Float32Array>,
  what: string,
): Promise<Health> {
  try {
    const rows = await score([PROBE_TEXT]);
    if (rows.length === 3 && rows.every(Number.isFinite))
      return { ok: true, detail: `${what} scores` };
    return {
      ok: false,
      detail: `${what} answered the probe with ${rows.length} values, not 3 finite ones`,
    };
  } catch (error) {
    return { ok: false, detail: `${what}: ${describeError(error)}` };
  }
}
