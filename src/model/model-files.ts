/**
 * Saves and loads a model directory without tfjs-node: model.json + weights.bin (the tfjs-node layout),
 * plus tokenizer.json and meta.json. Pure tfjs in Node has no file:// handler, so this is ours.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ArchitectureConfig } from './architecture.ts';
import { registerLayers } from './layers.ts';
import { Tokenizer, type TokenizerJson } from './tokenizer.ts';

export interface ModelMeta {
  /** Stored with every score, so re-scored history stays distinguishable. */
  version: string;
  labels: readonly string[];
  architecture: ArchitectureConfig;
  createdAt: string;
}

export interface LoadedModel {
  model: tf.LayersModel;
  tokenizer: Tokenizer;
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

export async function saveModelDir(
  dir: string,
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  meta: ModelMeta,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json: ModelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      await writeFile(path.join(dir, 'weights.bin'), toBuffer(artifacts.weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
  await writeFile(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

export async function loadModelDir(dir: string): Promise<LoadedModel> {
  registerLayers();
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const manifest = json.weightsManifest[0];
  if (!manifest) throw new Error(`${dir}/model.json has no weights manifest`);
  const weights = await readFile(path.join(dir, manifest.paths[0] ?? 'weights.bin'));
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  );
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: manifest.weights,
      weightData,
    }),
  );
  const tokenizer = Tokenizer.fromJSON(
    JSON.parse(await readFile(path.join(dir, 'tokenizer.json'), 'utf8')) as TokenizerJson,
  );
  return { model, tokenizer, meta: await readModelMeta(dir) };
}

/** The model's meta.json alone: its version and architecture, without loading any weights. */
export async function readModelMeta(dir: string): Promise<ModelMeta> {
  return JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as ModelMeta;
}
