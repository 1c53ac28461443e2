/** The fine-tuning schedule: linear warm-up then linear decay to zero, and layer-wise rate scales (lower encoder layers learn slower). */
import { EMBEDDINGS_LAYER, encoderLayerName } from './architecture.ts';

/** Rate at 1-based `step` of `total`: rises linearly over `warmup` steps to `peak`, then falls linearly to 0. */
export function rateAt(step: number, total: number, warmup: number, peak: number): number {
  if (step <= warmup) return (peak * step) / Math.max(1, warmup);
  return (peak * Math.max(0, total - step)) / Math.max(1, total - warmup);
}

export interface LayerRates {
  /** Peak rate of the top encoder layer. */
  encoderRate: number;
  /** Each layer down multiplies the rate by this (1 = one rate for the whole encoder). */
  layerDecay: number;
  /** Peak rate of the freshly initialized layers above the encoder (BiLSTM, head). */
  headRate: number;
  encoderLayers: number;
}

/**
 * Multiplier of the step's rate (whose peak is `headRate`) for a layer: encoder layer i of L gets
 * encoderRate · decay^(L−1−i), the embeddings one step below layer 0, everything else 1.
 */
export function layerRateScale(layerName: string, rates: LayerRates): number {
  const { encoderRate, layerDecay, headRate, encoderLayers } = rates;
  const depth = (below: number) => (encoderRate * layerDecay ** below) / headRate;
  if (layerName === EMBEDDINGS_LAYER) return depth(encoderLayers);
  for (let i = 0; i < encoderLayers; i++) {
    if (layerName === encoderLayerName(i)) return depth(encoderLayers - 1 - i);
  }
  return 1;
}
