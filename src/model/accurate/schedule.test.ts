// The fine-tuning schedule: linear warm-up to the peak, linear decay to zero, and rate scales that fall by the layer decay per encoder layer down to the embeddings.
import { describe, expect, it } from 'vitest';
import { EMBEDDINGS_LAYER, encoderLayerName } from './architecture.ts';
import { layerRateScale, rateAt } from './schedule.ts';

describe('fine-tuning schedule', () => {
  it('warms up linearly to the peak, then decays linearly to zero at the last step', () => {
    expect([1, 5, 10, 55, 100].map((s) => rateAt(s, 100, 10, 1))).toEqual([0.1, 0.5, 1, 0.5, 0]);
  });

  it('gives encoder layer i of L encoderRate·decay^(L−1−i), the embeddings one step further, the head 1', () => {
    const rates = { encoderRate: 1e-4, layerDecay: 0.5, headRate: 1e-3, encoderLayers: 3 };
    const scale = (name: string) => Number(layerRateScale(name, rates).toPrecision(6));
    expect(scale(encoderLayerName(2))).toBe(0.1);
    expect(scale(encoderLayerName(1))).toBe(0.05);
    expect(scale(encoderLayerName(0))).toBe(0.025);
    expect(scale(EMBEDDINGS_LAYER)).toBe(0.0125);
    expect(scale('bilstm')).toBe(1);
  });
});
