/**
 * A training-time token embedding that keeps a pretrained encoder's word vectors fixed: each token reads
 * its frozen full-width vector through a learned projection to the model's width, plus a learned correction
 * that starts at zero, plus the position embedding. Words the training text holds rarely or never keep
 * their pretrained place relative to the ones it holds often, because every word moves through the same
 * projection. At save the three fold into one token table (`foldProjectedEmbedding`), so the saved model
 * is the plain hybrid and inference costs what it always did.
 */
import * as tf from '@tensorflow/tfjs';
import { type ArchitectureConfig, buildModel, type TokenEmbeddingFactory } from './architecture.ts';
import {
  embeddingLookup,
  TokenPositionEmbedding,
  type TokenPositionEmbeddingConfig,
  valuesInitializer,
} from './layers.ts';

/** The frozen vectors (vocabulary × width, row-major) and the projection they start from (width × dim). */
export interface ProjectedEmbeddingInit {
  width: number;
  vectors: Float32Array;
  projection: Float32Array;
}

/** A TokenPositionEmbedding whose token vectors are vectors · projection + correction. */
export class ProjectedTokenEmbedding extends TokenPositionEmbedding {
  static override className = 'BwProjectedTokenEmbedding';
  private vectors?: tf.LayerVariable;
  private projection?: tf.LayerVariable;
  private correction?: tf.LayerVariable;

  constructor(
    config: TokenPositionEmbeddingConfig,
    private readonly init: ProjectedEmbeddingInit,
    seedOffset = 0,
  ) {
    super(config, seedOffset);
    const expected = config.vocabSize * init.width;
    if (init.vectors.length !== expected || init.projection.length !== init.width * config.dim) {
      throw new Error(
        `projected embedding: ${init.vectors.length} vector values for ${config.vocabSize} tokens × ${init.width}, ${init.projection.length} projection values for ${init.width} × ${config.dim}`,
      );
    }
  }

  protected override buildTokens(): void {
    const { vocabSize, dim } = this.cfg;
    const { width } = this.init;
    // Not trainable: no optimizer state and no gradient for the largest table.
    this.vectors = this.addWeight(
      'vectors',
      [vocabSize, width],
      'float32',
      valuesInitializer(this.init.vectors, 'PretrainedVectors'),
      undefined,
      false,
    );
    this.projection = this.addWeight(
      'projection',
      [width, dim],
      'float32',
      valuesInitializer(this.init.projection, 'PretrainedProjection'),
    );
    this.correction = this.addWeight(
      'correction',
      [vocabSize, dim],
      'float32',
      tf.initializers.zeros(),
    );
  }

  protected override tokens(ids: tf.Tensor): tf.Tensor {
    if (!this.vectors || !this.projection || !this.correction) {
      throw new Error('projected embedding not built');
    }
    const [b, t] = ids.shape as [number, number];
    const frozen = tf.reshape(tf.gather(this.vectors.read(), ids), [b * t, this.init.width]);
    const projected = tf.matMul(frozen as tf.Tensor2D, this.projection.read() as tf.Tensor2D);
    return tf.add(
      tf.reshape(projected, [b, t, this.cfg.dim]),
      embeddingLookup(this.correction.read(), ids),
    );
  }

  /** The folded token table: vectors · projection + correction (vocabulary × dim). */
  foldedTable(): tf.Tensor2D {
    return tf.tidy(() => {
      if (!this.vectors || !this.projection || !this.correction) {
        throw new Error('projected embedding not built');
      }
      return tf.add(
        tf.matMul(this.vectors.read() as tf.Tensor2D, this.projection.read() as tf.Tensor2D),
        this.correction.read(),
      ) as tf.Tensor2D;
    });
  }
}

/** Builds the hybrid's embedding as a ProjectedTokenEmbedding starting from `init`. */
export function projectedEmbedding(init: ProjectedEmbeddingInit): TokenEmbeddingFactory {
  return (config, seedOffset) => new ProjectedTokenEmbedding(config, init, seedOffset);
}

/**
 * The plain hybrid that computes what `trained` (built with a projected embedding) computes: every layer's
 * weights copied by name, the embedding's folded into one token table. `trained` is left as it was.
 */
export function foldProjectedEmbedding(
  trained: tf.LayersModel,
  cfg: ArchitectureConfig,
  seedOffset: number,
): tf.LayersModel {
  const plain = buildModel(cfg, seedOffset);
  for (const layer of trained.layers) {
    if (layer instanceof ProjectedTokenEmbedding) {
      const target = plain.getLayer(layer.name);
      if (
        target instanceof ProjectedTokenEmbedding ||
        !(target instanceof TokenPositionEmbedding)
      ) {
        throw new Error(`fold: ${layer.name} is not a plain token embedding in the plain model`);
      }
      const table = layer.foldedTable();
      target.setWeights([table, layer.positionTable()]);
      table.dispose();
    } else if (layer.weights.length > 0) {
      plain.getLayer(layer.name).setWeights(layer.getWeights());
    }
  }
  return plain;
}
