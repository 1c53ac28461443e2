// The health probe answers in bounded time, and only three finite probabilities count as scoring.
import { describe, expect, it } from 'vitest';
import { PROBE_TEXT, probeScorer } from './health-probe.ts';

describe('probeScorer', () => {
  it('is healthy when the model scores the known-good text', async () => {
    const seen: string[] = [];
    const health = await probeScorer(async (texts) => {
      seen.push(...texts);
      return Float32Array.from([0.1, 0.8, 0.1]);
    }, 'model');
    expect(health).toEqual({ ok: true, detail: 'model scores' });
    expect(seen).toEqual([PROBE_TEXT]);
  });

  it('is unhealthy on an error, on a malformed answer, and on no answer in time', async () => {
    const failing = await probeScorer(async () => {
      throw new Error('kernel gone');
    }, 'model');
    expect(failing).toEqual({ ok: false, detail: 'model: kernel gone' });
    const malformed = await probeScorer(async () => Float32Array.from([Number.NaN, 0, 1]), 'model');
    expect(malformed.ok).toBe(false);
    const started = Date.now();
    const stuck = await probeScorer(() => new Promise<Float32Array>(() => {}), 'worker 0', 50);
    expect(stuck).toEqual({ ok: false, detail: 'worker 0: no answer within 50 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
