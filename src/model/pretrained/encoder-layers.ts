/** The pretrained BERT encoder as trainable, serializable layers: one for the embeddings, one per encoder layer, so layers can be frozen, cached or given their own learning rate. */
import * as tf from '@tensorflow/tfjs';
import { first, paddingMask, type Shape, second, shapeList, valuesInitializer } from '../layers.ts';
import { BertMath } from './bert-encoder.ts';
import { type EncoderConfig, type EncoderWeights, expectedShapes } from './encoder-weights.ts';

interface BertPartConfig {
  encoder: EncoderConfig;
  name?: string;
}

/**
 * Holds the encoder weights whose reference names start with `prefix`, under those names. Built for
 * training from `weights`; a loaded model starts from zeros and reads its values from weights.bin.
 */
abstract class BertPart extends tf.layers.Layer {
  protected readonly cfg: BertPartConfig;
  private readonly initial: EncoderWeights | undefined;
  private readonly vars = new Map<string, tf.LayerVariable>();
  protected readonly math: BertMath;

  constructor(config: BertPartConfig, initial?: EncoderWeights) {
    super(config.name ? { name: config.name } : {});
    this.cfg = config;
    this.initial = initial;
    this.math = new BertMath(config.encoder, (name) => this.read(name));
  }

  protected abstract readonly prefix: string;

  override build(): void {
    for (const [name, shape] of expectedShapes(this.cfg.encoder)) {
      if (!name.startsWith(this.prefix)) continue;
      const values = this.initial?.tensors.get(name)?.values;
      const init = values ? valuesInitializer(values, 'BwPretrained') : tf.initializers.zeros();
      this.vars.set(name, this.addWeight(name, shape, 'float32', init));
    }
    this.built = true;
  }

  private read(name: string): tf.Tensor {
    const v = this.vars.get(name);
    if (!v) throw new Error(`${this.name}: encoder weight ${name} missing`);
    return v.read();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeList(inputShape)[0] ?? [null, null];
    return [s[0] ?? null, s[1] ?? null, this.cfg.encoder.hidden];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      encoder: { ...this.cfg.encoder } as unknown as tf.serialization.ConfigDict,
    };
  }
}

/** ids [B, T] (0 = padding) → normalized word + position embeddings [B, T, hidden]. */
export class BertEmbeddings extends BertPart {
  static className = 'BwBertEmbeddings';
  protected readonly prefix = 'embeddings.';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.math.embed({ ids: tf.cast(first(inputs), 'int32') as tf.Tensor2D }));
  }
}

export interface BertLayerConfig extends BertPartConfig {
  index: number;
}

/** Encoder layer `index`: [x [B, T, hidden], ids [B, T]] → x; padding keys get no attention. */
export class BertLayer extends BertPart {
  static className = 'BwBertLayer';
  protected readonly prefix: string;
  private readonly index: number;
  /** Set for a scorer's model only (markForScoring): on wasm its attention takes this project's kernel. */
  forScoring = false;

  constructor(config: BertLayerConfig, initial?: EncoderWeights) {
    super(config, initial);
    this.index = config.index;
    this.prefix = `encoder.layer.${config.index}.`;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs?: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const ids = second(inputs);
      const scoring = this.forScoring && kwargs?.training !== true;
      return this.math.layer(
        first(inputs),
        BertMath.maskBias(paddingMask(ids)),
        this.index,
        scoring ? ids : undefined,
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), index: this.index };
  }
}
