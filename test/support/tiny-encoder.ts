/** The config of a one-layer BERT small enough to write out by hand, shared by the encoder format, conversion and accurate-model tests, and seeded weights for it. */
import { seededRandom } from '../../src/core/random.ts';
import {
  type EncoderConfig,
  type EncoderWeights,
  expectedShapes,
  type NamedTensor,
} from '../../src/model/pretrained/encoder-weights.ts';

export const TINY_ENCODER: EncoderConfig = {
  layers: 1,
  hidden: 4,
  heads: 2,
  intermediate: 8,
  vocabSize: 10,
  maxPositions: 6,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  dynamicQuantization: false,
};

/** Every tensor of `config` filled with seeded values in ±0.5 (layer-norm gains around 1, as pretrained ones are). */
export function tinyEncoderWeights(config: EncoderConfig = TINY_ENCODER, seed = 7): EncoderWeights {
  const random = seededRandom(seed);
  const tensors = new Map<string, NamedTensor>();
  for (const [name, shape] of expectedShapes(config)) {
    const gain = name.includes('LayerNorm.weight') ? 1 : 0;
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(
      () => gain + random() - 0.5,
    );
    tensors.set(name, { shape, values });
  }
  const source = { id: 'tiny', package: 'g:a:1', sha256: 'ab', dequantized: false };
  return { source, config, tensors };
}
