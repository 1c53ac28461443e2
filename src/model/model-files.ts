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
import { toFloat16 } from './float16.ts';
import { WordPieceInput } from './pretrained/wordpiece-input.ts';
import { Tokenizer, type TokenizerJson } from './tokenizer.ts';

export interface ModelMeta {
  /** Stored with every score, so re-scored history stays distinguishable. */
  version: string;
  labels: readonly string[];
  architecture: ArchitectureConfig | AccurateConfig;
  /** Which tokenizer tokenizer.json holds; absent = the project's BPE one. */
  tokenizer?: 'bpe' | 'wordpiece';
  /** Set when weights.bin holds float16 values (loading converts them back to float32). */
  weightsDtype?: 'float16';
  createdAt: string;
}

export interface SaveOptions {
  /** Store the weights as float16: half the size, values rounded to 11 significant bits. */
  float16?: boolean;
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
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

function toBuffer(data: tf.io.WeightData | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  const joined = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return Buffer.from(joined);
}

/** The float32 weights as float16, each spec marked so tfjs's decoder converts it back. */
function halve(
  specs: tf.io.WeightsManifestEntry[],
  data: Buffer,
): { specs: tf.io.WeightsManifestEntry[]; data: Buffer } {
  const bad = specs.filter((s) => s.dtype !== 'float32' || s.quantization);
  if (bad.length > 0) {
    throw new Error(`float16 storage needs float32 weights; not: ${bad.map((s) => s.name)}`);
  }
  const floats = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  return {
    specs: specs.map((s) => ({ ...s, quantization: { dtype: 'float16' } })),
    data: Buffer.from(toFloat16(floats).buffer),
  };
}

/** Anything whose JSON form is what tokenizer.json should hold (the BPE tokenizer, or a WordPiece file as read). */
export interface TokenizerFile {
  toJSON(): unknown;
}

export async function saveModelDir(
  dir: string,
  model: tf.LayersModel,
  tokenizer: TokenizerFile,
  meta: ModelMeta,
  options: SaveOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const plain = { specs: artifacts.weightSpecs ?? [], data: toBuffer(artifacts.weightData) };
      const { specs, data } = options.float16 ? halve(plain.specs, plain.data) : plain;
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
  await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
  await writeFile(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
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

/** The network alone from model.json + weights.bin (float16 weights come back as float32). */
export async function loadLayersFrom(dir: string): Promise<tf.LayersModel> {
  registerAccurateLayers();
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const manifest = json.weightsManifest[0];
  if (!manifest) throw new Error(`${dir}/model.json has no weights manifest`);
  const weights = await readFile(path.join(dir, manifest.paths[0] ?? 'weights.bin'));
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  );
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: manifest.weights,
      weightData,
    }),
  );
}

/** The model's meta.json alone: its version and architecture, without loading any weights. */
export async function readModelMeta(dir: string): Promise<ModelMeta> {
  return JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as ModelMeta;
}
