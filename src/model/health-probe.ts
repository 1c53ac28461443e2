/** The scorer's health probe: one known-good headline through the model, answered in time with three finite probabilities. */
import { describeError } from '../core/errors.ts';
import type { Health } from '../core/lifecycle.ts';

/** Plain, short and in every vocabulary: a model that cannot score this cannot score anything. */
export const PROBE_TEXT = 'Shares of the company were little changed in early trading';

/** A readiness probe answers within seconds; a slower answer counts as a failure (the request runs on). */
const PROBE_WAIT_MS = 5_000;

export async function probeScorer(
  score: (texts: readonly string[]) => Promise<Float32Array>,
  what: string,
  waitMs = PROBE_WAIT_MS,
): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${waitMs} ms`)), waitMs);
  });
  try {
    const rows = await Promise.race([score([PROBE_TEXT]), late]);
    if (rows.length === 3 && rows.every(Number.isFinite))
      return { ok: true, detail: `${what} scores` };
    return {
      ok: false,
      detail: `${what} answered the probe with ${rows.length} values, not 3 finite ones`,
    };
  } catch (error) {
    return { ok: false, detail: `${what}: ${describeError(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
