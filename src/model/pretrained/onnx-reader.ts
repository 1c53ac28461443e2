/** Reads an ONNX model file into its graph's nodes and its named constant tensors (initializers and Constant nodes), using the schema subset in onnx-subset.proto. */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
}

/** ONNX element types this project reads (TensorProto.DataType). */
const ELEMENT_TYPES = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64' } as const;
export type OnnxElementType = (typeof ELEMENT_TYPES)[keyof typeof ELEMENT_TYPES];

export interface OnnxTensor {
  name: string;
  dims: number[];
  type: OnnxElementType;
  /** int64 values are narrowed to float64 numbers: here they are only shapes and indices. */
  values: Float32Array | Uint8Array | Int8Array | Int32Array | Float64Array;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  tensors: Map<string, OnnxTensor>;
}

type Int64 = number | { toNumber(): number };
interface RawTensor {
  name: string;
  dims: Int64[];
  dataType: number;
  rawData: Uint8Array;
  floatData: number[];
  int32Data: number[];
  int64Data: Int64[];
  dataLocation: number;
}
interface RawModel {
  graph?: {
    node: Array<{
      input: string[];
      output: string[];
      name: string;
      opType: string;
      attribute: Array<{ name: string; t?: RawTensor }>;
    }>;
    initializer: RawTensor[];
  };
}

const SCHEMA = fileURLToPath(new URL('./onnx-subset.proto', import.meta.url));

function int64(value: Int64): number {
  return typeof value === 'number' ? value : value.toNumber();
}

/** Copies little-endian raw bytes into a fresh, aligned typed array of the element type. */
function fromRaw(raw: Uint8Array, type: OnnxElementType): OnnxTensor['values'] {
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  switch (type) {
    case 'float32':
      return new Float32Array(copy.buffer);
    case 'uint8':
      return copy;
    case 'int8':
      return new Int8Array(copy.buffer);
    case 'int32':
      return new Int32Array(copy.buffer);
    case 'int64':
      return Float64Array.from(new BigInt64Array(copy.buffer), Number);
  }
}

function fromFields(raw: RawTensor, type: OnnxElementType): OnnxTensor['values'] {
  switch (type) {
    case 'float32':
      return Float32Array.from(raw.floatData);
    case 'uint8':
      return Uint8Array.from(raw.int32Data);
    case 'int8':
      return Int8Array.from(raw.int32Data);
    case 'int32':
      return Int32Array.from(raw.int32Data);
    case 'int64':
      return Float64Array.from(raw.int64Data, int64);
  }
}

function toTensor(raw: RawTensor, file: string): OnnxTensor {
  const type = ELEMENT_TYPES[raw.dataType as keyof typeof ELEMENT_TYPES];
  if (!type)
    throw new Error(
      `${file}: tensor ${raw.name} has ONNX data type ${raw.dataType}, not one this reader handles`,
    );
  if (raw.dataLocation === 1)
    throw new Error(
      `${file}: tensor ${raw.name} is stored in an external file, which this reader does not follow`,
    );
  const dims = raw.dims.map(int64);
  const values = raw.rawData.byteLength > 0 ? fromRaw(raw.rawData, type) : fromFields(raw, type);
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new Error(
      `${file}: tensor ${raw.name} has ${values.length} values for shape [${dims.join(', ')}]`,
    );
  }
  return { name: raw.name, dims, type, values };
}

/** Decodes an ONNX file; throws with the file's name when it is not a model this reader understands. */
export async function readOnnx(file: string): Promise<OnnxGraph> {
  // ONNX stores raw tensor bytes little-endian; reinterpreting them in place needs a host that agrees.
  if (os.endianness() !== 'LE') throw new Error('reading ONNX weights needs a little-endian host');
  const root = await protobuf.load(SCHEMA);
  const ModelProto = root.lookupType('bellwether_onnx.ModelProto');
  const bytes = await readFile(file);
  let model: RawModel;
  try {
    model = ModelProto.decode(bytes) as unknown as RawModel;
  } catch (error) {
    throw new Error(`${file}: not an ONNX model (${(error as Error).message})`, { cause: error });
  }
  if (!model.graph || model.graph.node.length === 0)
    throw new Error(`${file}: the ONNX model has no graph`);
  const tensors = new Map<string, OnnxTensor>();
  for (const raw of model.graph.initializer) tensors.set(raw.name, toTensor(raw, file));
  const nodes: OnnxNode[] = [];
  for (const node of model.graph.node) {
    nodes.push({ opType: node.opType, name: node.name, inputs: node.input, outputs: node.output });
    // Exporters also put weights and scales in Constant nodes; they are constants all the same.
    const value =
      node.opType === 'Constant' ? node.attribute.find((a) => a.name === 'value')?.t : undefined;
    const output = node.output[0];
    if (value && output !== undefined)
      tensors.set(output, toTensor({ ...value, name: output }, file));
  }
  return { nodes, tensors };
}
