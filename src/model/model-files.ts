/**
 * Saves and loads a model directory without tfjs-node: model.json + weights.bin (the tfjs-node layout),
 * plus tokenizer.json and meta.json. Pure tfjs in Node has no file:// handler, so this is ours.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { AccurateConfig } from './accurate/architecture.ts';
import { registerAccurateLayers } from './accurate/architecture.ts';
import type { ArchitectureConfig } from './architecture.ts';
import { WordPieceInput } from './pretrained/wordpiece-input.ts';
import { Tokenizer, type TokenizerJson } from './tokenizer.ts';
import {
  decodeInt8Weights,
  encodeWeights,
  type StoredWeightSpec,
  type WeightsDtype,
} from './weight-storage.ts';

export interface ModelMeta {
  /** Stored with every score, so re-scored history stays distinguishable. */
  version: string;
  labels: readonly string[];
  architecture: ArchitectureConfig | AccurateConfig;
  /** Which tokenizer tokenizer.json holds; absent = the project's BPE one. */
  tokenizer?: 'bpe' | 'wordpiece';
  /** How weights.bin stores the weights when not float32 (loading converts them back to float32); set by saveModelDir. */
  weightsDtype?: Exclude<WeightsDtype, 'float32'>;
  createdAt: string;
}

export interface SaveOptions {
  /**
   * float16: half the size, values rounded to 11 significant bits. int8: a quarter for the large matrices
   * (one scale per column), the small weights kept float32. Default float32.
   */
  weights?: WeightsDtype;
}

export interface LoadedModel {
  model: tf.LayersModel;
  tokenizer: Tokenizer | WordPieceInput;
  meta: ModelMeta;
}

interface ModelJson {
  format: string;
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: StoredWeightSpec[] }>;
}

function toBuffer(data: tf.io.WeightData | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  const joined = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return Buffer.from(joined);
}

/** Anything whose JSON form is what tokenizer.json should hold (the BPE tokenizer, or a WordPiece file as read). */
export interface TokenizerFile {
  toJSON(): unknown;
}

/** `meta` saying its weights are stored in `dtype` (float32, the default, is not written). */
export function withWeightsDtype<M extends ModelMeta>(meta: M, dtype: WeightsDtype): M {
  return metaWithDtype(meta, dtype);
}

function metaWithDtype<M extends object>(meta: M, dtype: WeightsDtype): M {
  const { weightsDtype: _, ...rest } = meta as M & { weightsDtype?: unknown };
  return (dtype === 'float32' ? rest : { ...rest, weightsDtype: dtype }) as M;
}

/**
 * Writes model.json, weights.bin, meta.json and (given one) tokenizer.json. A model that reads another
 * model's tokens (the entity head reads the accurate encoder's) passes no tokenizer.
 */
export async function saveModelDir<M extends object>(
  dir: string,
  model: tf.LayersModel,
  tokenizer: TokenizerFile | undefined,
  meta: M,
  options: SaveOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const dtype = options.weights ?? 'float32';
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const plain = { specs: artifacts.weightSpecs ?? [], data: toBuffer(artifacts.weightData) };
      const { specs, data } =
        dtype === 'float32' ? plain : encodeWeights(plain.specs, plain.data, dtype);
      const json: ModelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
      };
      await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      await writeFile(path.join(dir, 'weights.bin'), data);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (tokenizer) {
    await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
  }
  // meta.json says what weights.bin holds, so it cannot disagree with the bytes.
  const written = metaWithDtype(meta, dtype);
  await writeFile(path.join(dir, 'meta.json'), `${JSON.stringify(written, null, 2)}\n`);
}

export async function loadModelDir(dir: string): Promise<LoadedModel> {
  const meta = await readModelMeta(dir);
  const model = await loadLayersFrom(dir);
  const file = path.join(dir, 'tokenizer.json');
  const json: unknown = JSON.parse(await readFile(file, 'utf8'));
  const tokenizer =
    meta.tokenizer === 'wordpiece'
      ? WordPieceInput.fromJson(json, file)
      : Tokenizer.fromJSON(json as TokenizerJson);
  return { model, tokenizer, meta };
}

/** The network alone from model.json + weights.bin (float16 and int8 weights come back as float32). */
export async function loadLayersFrom(dir: string): Promise<tf.LayersModel> {
  registerAccurateLayers();
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const manifest = json.weightsManifest[0];
  if (!manifest) throw new Error(`${dir}/model.json has no weights manifest`);
  const weights = await readFile(path.join(dir, manifest.paths[0] ?? 'weights.bin'));
  const stored = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const { specs, data } = decodeInt8Weights(manifest.weights, stored);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data }),
  );
}

/** The model's meta.json alone: its version and architecture, without loading any weights. */
export async function readModelMeta(dir: string): Promise<ModelMeta> {
  return JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as ModelMeta;
}
