/**
 * An entity model directory: the head's model.json + weights.bin and a meta.json that names the encoder
 * model it reads (a path relative to this directory, and that model's version, which must match at load:
 * the head learned that encoder's states and no other's).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { UsageError } from '../../core/errors.ts';
import type { AccurateConfig } from '../accurate/architecture.ts';
import { type LoadedModel, loadLayersFrom, loadModelDir } from '../model-files.ts';
import { WordPieceInput } from '../pretrained/wordpiece-input.ts';
import type { EntityHeadConfig } from './entity-head.ts';
import { registerEntityLayers } from './entity-head.ts';

export interface EntityMeta {
  version: string;
  labels: readonly string[];
  architecture: EntityHeadConfig;
  encoder: {
    /** The encoder model's directory, relative to this one. */
    dir: string;
    version: string;
    /** WordPiece tokens per headline, [CLS] and [SEP] included. */
    maxLen: number;
  };
  createdAt: string;
}

export const ENTITY_META_FILE = 'meta.json';

export interface LoadedEntityModel {
  head: tf.LayersModel;
  meta: EntityMeta;
  encoder: LoadedModel & { tokenizer: WordPieceInput; config: AccurateConfig };
}

export async function readEntityMeta(dir: string): Promise<EntityMeta> {
  const file = path.join(dir, ENTITY_META_FILE);
  let meta: Partial<EntityMeta>;
  try {
    meta = JSON.parse(await readFile(file, 'utf8')) as Partial<EntityMeta>;
  } catch (error) {
    throw new UsageError(`cannot read the entity model's ${file}: ${(error as Error).message}`);
  }
  if (meta.architecture?.kind !== 'entity-head' || !meta.encoder || !meta.version) {
    throw new UsageError(
      `${file} is not an entity model's meta (no entity-head architecture or encoder)`,
    );
  }
  return meta as EntityMeta;
}

/** The head and the encoder model it names; a different encoder version is an error saying which. */
export async function loadEntityModel(dir: string): Promise<LoadedEntityModel> {
  const meta = await readEntityMeta(dir);
  const encoderDir = path.resolve(dir, meta.encoder.dir);
  const encoder = await loadModelDir(encoderDir).catch((error: unknown) => {
    throw new UsageError(
      `entity model ${dir} reads the encoder model ${encoderDir}, which cannot be loaded: ${(error as Error).message}`,
    );
  });
  if (encoder.meta.version !== meta.encoder.version) {
    encoder.model.dispose();
    throw new UsageError(
      `entity model ${dir} was trained on encoder ${meta.encoder.version} but ${encoderDir} holds ${encoder.meta.version}; retrain it (bellwether train-entities) or point it at that encoder`,
    );
  }
  const config = encoder.meta.architecture;
  if (!(encoder.tokenizer instanceof WordPieceInput) || !('kind' in config)) {
    encoder.model.dispose();
    throw new UsageError(`${encoderDir} is not a pretrained-encoder (accurate) model`);
  }
  registerEntityLayers();
  const head = await loadLayersFrom(dir);
  return {
    head,
    meta,
    encoder: { ...encoder, tokenizer: encoder.tokenizer, config },
  };
}
