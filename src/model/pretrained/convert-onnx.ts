/** Turns an exported BERT encoder's ONNX graph (fp32, or dynamically quantized int8) into named float32 weights and the encoder's config. */
import type { EncoderConfig, NamedTensor } from './encoder-weights.ts';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-reader.ts';

const QUANTIZED = '_quantized';

function floats(t: OnnxTensor): Float32Array {
  return t.values instanceof Float32Array ? t.values : Float32Array.from(t.values);
}

/**
 * (q − zero point) × scale, with one scale per tensor or one per output column of an [in, out]
 * matrix — the two layouts dynamic quantization writes.
 */
function dequantize(graph: OnnxGraph, base: string): NamedTensor {
  const q = graph.tensors.get(base + QUANTIZED);
  const scale = graph.tensors.get(`${base}_scale`);
  if (!q || !scale) throw new Error(`quantized weight ${base} has no ${base}_scale`);
  const zero = graph.tensors.get(`${base}_zero_point`);
  const columns = q.dims.at(-1) ?? 1;
  const perColumn = scale.values.length > 1;
  if (perColumn && scale.values.length !== columns) {
    throw new Error(`${base}_scale has ${scale.values.length} values for ${columns} columns`);
  }
  const out = new Float32Array(q.values.length);
  for (let i = 0; i < out.length; i++) {
    const c = perColumn ? i % columns : 0;
    out[i] = ((q.values[i] ?? 0) - (zero?.values[c] ?? 0)) * (scale.values[c] ?? 0);
  }
  return { shape: q.dims, values: out };
}

/** A float weight as stored, or dequantized when the graph keeps it as `<name>_quantized`. */
function weight(graph: OnnxGraph, name: string): NamedTensor | undefined {
  const plain = graph.tensors.get(name);
  if (plain?.type === 'float32') return { shape: plain.dims, values: floats(plain) };
  return graph.tensors.has(name + QUANTIZED) ? dequantize(graph, name) : undefined;
}

function consumersOf(graph: OnnxGraph): Map<string, OnnxNode[]> {
  const consumers = new Map<string, OnnxNode[]>();
  for (const node of graph.nodes) {
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  }
  return consumers;
}

/**
 * The exporter names matrix weights `onnx::MatMul_NNN`; the product's result (through the casts and
 * rescaling of a quantized graph) meets an Add with the layer's named bias, which names the weight.
 */
function biasAfter(start: OnnxNode, consumers: Map<string, OnnxNode[]>, graph: OnnxGraph): string {
  let frontier = [start];
  for (let depth = 0; depth < 6 && frontier.length > 0; depth++) {
    const next: OnnxNode[] = [];
    for (const node of frontier) {
      const bias = node.opType === 'Add' ? node.inputs.find((i) => i.endsWith('.bias')) : undefined;
      if (bias && graph.tensors.has(bias)) return bias;
      for (const output of node.outputs) next.push(...(consumers.get(output) ?? []));
    }
    frontier = next;
  }
  throw new Error(`no named bias follows ${start.opType} node ${start.name}`);
}

/** A scalar constant fed to the first node whose output name contains `marker`. */
function scalarAt(graph: OnnxGraph, marker: string, what: string): number {
  for (const node of graph.nodes) {
    if (!node.outputs.some((o) => o.includes(marker))) continue;
    for (const input of node.inputs) {
      const t = graph.tensors.get(input);
      if (t?.values.length === 1 && t.type === 'float32') return t.values[0] ?? Number.NaN;
    }
  }
  throw new Error(`the graph has no ${what} (no constant feeds a node named like ${marker})`);
}

function dim(tensors: Map<string, NamedTensor>, name: string, axis: number): number {
  const size = tensors.get(name)?.shape[axis];
  if (size === undefined) throw new Error(`the graph has no ${name}`);
  return size;
}

/** Reads the config off the weights' shapes and two constants of the graph. */
function configOf(graph: OnnxGraph, tensors: Map<string, NamedTensor>): EncoderConfig {
  const hidden = dim(tensors, 'embeddings.word_embeddings.weight', 1);
  // Attention scores are divided by √(head size); the head count follows from it.
  const divisor = scalarAt(graph, '/encoder/layer.0/attention/self/Div', 'attention scale');
  const headSize = Math.round(divisor * divisor);
  if (headSize <= 0 || hidden % headSize !== 0) {
    throw new Error(`attention scale ${divisor} does not divide hidden size ${hidden} into heads`);
  }
  const layers = new Set([...tensors.keys()].map((n) => /^encoder\.layer\.(\d+)\./.exec(n)?.[1]));
  layers.delete(undefined);
  return {
    layers: layers.size,
    hidden,
    heads: hidden / headSize,
    intermediate: dim(tensors, 'encoder.layer.0.intermediate.dense.bias', 0),
    vocabSize: dim(tensors, 'embeddings.word_embeddings.weight', 0),
    maxPositions: dim(tensors, 'embeddings.position_embeddings.weight', 0),
    typeVocabSize: dim(tensors, 'embeddings.token_type_embeddings.weight', 0),
    layerNormEps: scalarAt(graph, '/embeddings/LayerNorm/Add_output_0', 'LayerNorm epsilon'),
    dynamicQuantization: graph.nodes.some((n) => n.opType === 'DynamicQuantizeLinear'),
  };
}

export interface ConvertedEncoder {
  config: EncoderConfig;
  tensors: Map<string, NamedTensor>;
  dequantized: boolean;
}

/** Collects the named parameters (embeddings, biases, norms) and the matrix weights named by their biases. */
export function convertOnnx(graph: OnnxGraph): ConvertedEncoder {
  const tensors = new Map<string, NamedTensor>();
  const names = [...graph.tensors.keys()].map((n) =>
    n.endsWith(QUANTIZED) ? n.slice(0, -QUANTIZED.length) : n,
  );
  for (const name of names) {
    if (!/^(embeddings|encoder)\..*\.(weight|bias)$/.test(name)) continue;
    const tensor = weight(graph, name);
    if (tensor) tensors.set(name, tensor);
  }
  const consumers = consumersOf(graph);
  for (const node of graph.nodes) {
    if (node.opType !== 'MatMul' && node.opType !== 'MatMulInteger') continue;
    const input = node.inputs[1] ?? '';
    const base = input.endsWith(QUANTIZED) ? input.slice(0, -QUANTIZED.length) : input;
    const tensor = weight(graph, base);
    if (!tensor) continue; // a product of two activations (attention), not a weight
    const name = biasAfter(node, consumers, graph).replace(/\.bias$/, '.weight');
    if (tensors.has(name)) throw new Error(`two matrix weights resolve to ${name}`);
    tensors.set(name, tensor);
  }
  const dequantized = [...graph.tensors.keys()].some((n) => n.endsWith(QUANTIZED));
  return { config: configOf(graph, tensors), tensors, dequantized };
}
