/** The accurate model's own head (BiLSTM, pooling, softmax) run on encoder states it already has: the headline's label, for the baseline every entity would get without the entity head. */
import * as tf from '@tensorflow/tfjs';
import { encoderLayerName } from '../accurate/architecture.ts';
import type { TextStates } from './encoder-states.ts';
import { headInputs } from './entity-rows.ts';

/** From states entering encoder layer `fromLayer` of `layers`: the rest of the encoder, then the head. */
export function headlineProbs(
  encoderModel: tf.LayersModel,
  texts: readonly TextStates[],
  encoder: { hidden: number; layers: number },
  fromLayer: number,
  batchSize = 64,
): Float32Array {
  const { hidden } = encoder;
  const rows = texts.map((_, text) => ({ text, positions: [] }));
  const probs = new Float32Array(texts.length * 3);
  const order = [...texts.keys()].sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const values = tf
      .tidy(() => {
        const { states, real } = headInputs(texts, rows, batch, hidden);
        let h: tf.Tensor = states;
        for (let i = fromLayer; i < encoder.layers; i++) {
          h = encoderModel.getLayer(encoderLayerName(i)).apply([h, real]) as tf.Tensor;
        }
        h = encoderModel.getLayer('bilstm').apply([h, real]) as tf.Tensor;
        h = encoderModel.getLayer('pool').apply([h, real]) as tf.Tensor;
        return encoderModel.getLayer('probs').apply(h) as tf.Tensor;
      })
      .dataSync();
    batch.forEach((i, b) => {
      probs.set(values.subarray(b * 3, b * 3 + 3), i * 3);
    });
  }
  return probs;
}
