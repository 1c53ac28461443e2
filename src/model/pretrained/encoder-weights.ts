/** The project's format for a pretrained BERT encoder's weights — a JSON manifest (config, provenance, tensor table) beside one little-endian float32 file — and its reader and writer. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ENCODER_FORMAT = 'bellwether-encoder/1';
export const MANIFEST_FILE = 'encoder.json';
export const DATA_FILE = 'encoder.bin';

export interface EncoderConfig {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocabSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  /**
   * True when the source graph quantizes each dense layer's input to uint8 on the fly (ONNX
   * DynamicQuantizeLinear, one scale per tensor) before an integer product; the encoder can
   * reproduce that rounding to agree with the graph.
   */
  dynamicQuantization: boolean;
}

export interface EncoderSource {
  id: string;
  /** Registry package the weights came from (group:artifact:version) and its jar's SHA-256. */
  package: string;
  sha256: string;
  /** True when the graph stored int8/uint8 weights that were dequantized into float32 here. */
  dequantized: boolean;
}

export interface NamedTensor {
  shape: number[];
  values: Float32Array;
}

interface TensorEntry {
  name: string;
  shape: number[];
  /** Position in the data file, in float32 elements. */
  offset: number;
}

interface Manifest {
  format: string;
  source: EncoderSource;
  config: EncoderConfig;
  tensors: TensorEntry[];
}

export interface EncoderWeights {
  source: EncoderSource;
  config: EncoderConfig;
  tensors: Map<string, NamedTensor>;
}

/** Every tensor a BERT encoder of this config has, named as the reference checkpoint names them; matrices are [in, out]. */
export function expectedShapes(c: EncoderConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>([
    ['embeddings.word_embeddings.weight', [c.vocabSize, c.hidden]],
    ['embeddings.position_embeddings.weight', [c.maxPositions, c.hidden]],
    ['embeddings.token_type_embeddings.weight', [c.typeVocabSize, c.hidden]],
    ['embeddings.LayerNorm.weight', [c.hidden]],
    ['embeddings.LayerNorm.bias', [c.hidden]],
  ]);
  const dense = (name: string, inputs: number, outputs: number) => {
    shapes.set(`${name}.weight`, [inputs, outputs]);
    shapes.set(`${name}.bias`, [outputs]);
  };
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layer.${l}`;
    for (const part of ['query', 'key', 'value'])
      dense(`${p}.attention.self.${part}`, c.hidden, c.hidden);
    dense(`${p}.attention.output.dense`, c.hidden, c.hidden);
    dense(`${p}.intermediate.dense`, c.hidden, c.intermediate);
    dense(`${p}.output.dense`, c.intermediate, c.hidden);
    for (const norm of [`${p}.attention.output.LayerNorm`, `${p}.output.LayerNorm`]) {
      shapes.set(`${norm}.weight`, [c.hidden]);
      shapes.set(`${norm}.bias`, [c.hidden]);
    }
  }
  return shapes;
}

/** Throws listing every missing, unexpected or misshapen tensor at once. */
export function checkComplete(
  config: EncoderConfig,
  tensors: Map<string, NamedTensor>,
  where: string,
): void {
  const expected = expectedShapes(config);
  const problems: string[] = [];
  for (const [name, shape] of expected) {
    const got = tensors.get(name);
    if (!got) problems.push(`missing ${name}`);
    else if (got.shape.join('x') !== shape.join('x')) {
      problems.push(`${name} is [${got.shape}], expected [${shape}]`);
    }
  }
  for (const name of tensors.keys()) if (!expected.has(name)) problems.push(`unexpected ${name}`);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
}

/** Writes the manifest and data file into `dir` (the tensors must be complete for the config). */
export async function writeEncoderWeights(dir: string, weights: EncoderWeights): Promise<void> {
  checkComplete(weights.config, weights.tensors, dir);
  const entries: TensorEntry[] = [];
  let total = 0;
  for (const [name, tensor] of weights.tensors) {
    entries.push({ name, shape: tensor.shape, offset: total });
    total += tensor.values.length;
  }
  const data = new Float32Array(total);
  for (const entry of entries)
    data.set(weights.tensors.get(entry.name)?.values ?? [], entry.offset);
  const manifest: Manifest = {
    format: ENCODER_FORMAT,
    source: weights.source,
    config: weights.config,
    tensors: entries,
  };
  await writeFile(path.join(dir, DATA_FILE), new Uint8Array(data.buffer));
  await writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
}

/** Reads an encoder written by writeEncoderWeights; the tensors are views on one buffer (no copies). */
export async function readEncoderWeights(dir: string): Promise<EncoderWeights> {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
  if (manifest.format !== ENCODER_FORMAT) {
    throw new Error(`${manifestFile}: format ${manifest.format}, expected ${ENCODER_FORMAT}`);
  }
  const bytes = await readFile(path.join(dir, DATA_FILE));
  if (bytes.byteLength % 4 !== 0)
    throw new Error(`${DATA_FILE} in ${dir} is not whole float32 values`);
  // A file this size gets a buffer of its own, aligned: view it in place; copy only if it is not.
  const data =
    bytes.byteOffset % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
      : new Float32Array(new Uint8Array(bytes).buffer);
  const tensors = new Map<string, NamedTensor>();
  for (const { name, shape, offset } of manifest.tensors) {
    const length = shape.reduce((a, b) => a * b, 1);
    if (offset + length > data.length) {
      throw new Error(
        `${manifestFile}: ${name} runs past the end of ${DATA_FILE} (truncated file?)`,
      );
    }
    tensors.set(name, { shape, values: data.subarray(offset, offset + length) });
  }
  checkComplete(manifest.config, tensors, manifestFile);
  return { source: manifest.source, config: manifest.config, tensors };
}
