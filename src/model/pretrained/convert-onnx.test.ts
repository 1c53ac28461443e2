// Checks the ONNX → encoder conversion on a tiny synthetic BERT graph, fp32 and dynamically quantized: weights named by the bias after their product, (q − zero point) × scale per column, and the config read off the graph.

import { describe, expect, it } from 'vitest';
import { TINY_ENCODER } from '../../../test/support/tiny-encoder.ts';
import { convertOnnx } from './convert-onnx.ts';
import { checkComplete, expectedShapes } from './encoder-weights.ts';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-reader.ts';

const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
/** Small distinct values, so a tensor put in the wrong place shows. */
const ramp = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => ((from + i) % 23) - 11);

function floatTensor(
  name: string,
  dims: number[],
  values = ramp(count(dims), name.length),
): OnnxTensor {
  return { name, dims, type: 'float32', values: Float32Array.from(values) };
}

function node(opType: string, inputs: string[], outputs: string[]): OnnxNode {
  return { opType, name: outputs[0] ?? opType, inputs, outputs };
}

/** A one-layer BERT graph as the exporter writes it; `quantized` stores matrices as int8 per column. */
function tinyGraph(quantized: boolean): OnnxGraph {
  const tensors = new Map<string, OnnxTensor>();
  const nodes: OnnxNode[] = [];
  const add = (t: OnnxTensor) => tensors.set(t.name, t);
  for (const [name, shape] of expectedShapes(TINY_ENCODER)) {
    if (/\.(query|key|value|dense)\.weight$/.test(name)) continue;
    if (quantized && name === 'embeddings.word_embeddings.weight') {
      add({
        name: `${name}_quantized`,
        dims: shape,
        type: 'uint8',
        values: Uint8Array.from(ramp(count(shape), 20), (v) => v + 11),
      });
      add(floatTensor(`${name}_scale`, [], [0.5]));
      add({ name: `${name}_zero_point`, dims: [], type: 'uint8', values: Uint8Array.of(3) });
    } else add(floatTensor(name, shape));
  }
  let n = 100;
  for (const [name, shape] of expectedShapes(TINY_ENCODER)) {
    if (!/\.(query|key|value|dense)\.weight$/.test(name)) continue;
    const weight = `onnx::MatMul_${n++}`;
    const out = shape[1] ?? 0;
    const bias = name.replace(/weight$/, 'bias');
    if (quantized) {
      add({
        name: `${weight}_quantized`,
        dims: shape,
        type: 'int8',
        values: Int8Array.from(ramp(count(shape), n)),
      });
      add(
        floatTensor(
          `${weight}_scale`,
          [out],
          ramp(out, 1).map((v) => (v + 12) / 100),
        ),
      );
      add({
        name: `${weight}_zero_point`,
        dims: [out],
        type: 'int8',
        values: Int8Array.from(ramp(out, 5)),
      });
      nodes.push(
        node('DynamicQuantizeLinear', [`in_${n}`], [`in_${n}_q`, `in_${n}_s`, `in_${n}_z`]),
      );
      nodes.push(
        node(
          'MatMulInteger',
          [`in_${n}_q`, `${weight}_quantized`, `in_${n}_z`, `${weight}_zero_point`],
          [`m_${n}`],
        ),
      );
      nodes.push(node('Cast', [`m_${n}`], [`c_${n}`]));
      nodes.push(node('Mul', [`c_${n}`, `s_${n}`], [`p_${n}`]));
    } else {
      add(floatTensor(weight, shape));
      nodes.push(node('MatMul', [`in_${n}`, weight], [`p_${n}`]));
    }
    nodes.push(node('Add', [bias, `p_${n}`], [`a_${n}`]));
  }
  // Attention's own products take two activations; they are not weights.
  nodes.push(node('MatMul', ['q', 'kT'], ['/encoder/layer.0/attention/self/MatMul_output_0']));
  add(floatTensor('div', [], [Math.SQRT2]));
  nodes.push(
    node(
      'Div',
      ['/encoder/layer.0/attention/self/MatMul_output_0', 'div'],
      ['/encoder/layer.0/attention/self/Div_output_0'],
    ),
  );
  add(floatTensor('eps', [], [1e-12]));
  nodes.push(node('Add', ['variance', 'eps'], ['/embeddings/LayerNorm/Add_output_0']));
  return { nodes, tensors };
}

describe('ONNX → encoder conversion', () => {
  it('reads an fp32 graph: every tensor named, config from shapes and constants', () => {
    const graph = tinyGraph(false);
    const { config, tensors, dequantized } = convertOnnx(graph);
    expect(config).toEqual({ ...TINY_ENCODER, layerNormEps: Math.fround(1e-12) });
    expect(dequantized).toBe(false);
    expect(() => checkComplete(config, tensors, 'tiny')).not.toThrow();
    // The first matrix is the query's: named by the bias its product meets.
    const query = graph.tensors.get('onnx::MatMul_100');
    expect(tensors.get('encoder.layer.0.attention.self.query.weight')?.values).toEqual(
      query?.values,
    );
  });

  it('dequantizes int8 matrices per column and uint8 embeddings per tensor', () => {
    const graph = tinyGraph(true);
    const { config, tensors, dequantized } = convertOnnx(graph);
    expect(dequantized).toBe(true);
    expect(config.dynamicQuantization).toBe(true);
    expect(() => checkComplete(config, tensors, 'tiny')).not.toThrow();

    const q = graph.tensors.get('onnx::MatMul_100_quantized')?.values;
    const scale = graph.tensors.get('onnx::MatMul_100_scale')?.values;
    const zero = graph.tensors.get('onnx::MatMul_100_zero_point')?.values;
    const got = tensors.get('encoder.layer.0.attention.self.query.weight')?.values;
    // Row 1, column 2 of a [4, 4] matrix.
    const at = 1 * 4 + 2;
    expect(got?.[at]).toBeCloseTo(((q?.[at] ?? 0) - (zero?.[2] ?? 0)) * (scale?.[2] ?? 0), 6);

    const word = tensors.get('embeddings.word_embeddings.weight')?.values;
    const wq = graph.tensors.get('embeddings.word_embeddings.weight_quantized')?.values;
    expect(word?.[7]).toBe(((wq?.[7] ?? 0) - 3) * 0.5);
  });

  it('names the product whose bias it cannot find', () => {
    const graph = tinyGraph(false);
    graph.nodes = graph.nodes.filter(
      (n) => !(n.opType === 'Add' && n.inputs[0]?.includes('query')),
    );
    expect(() => convertOnnx(graph)).toThrow('no named bias follows MatMul node p_101');
  });
});
