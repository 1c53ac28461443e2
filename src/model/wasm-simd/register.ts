/**
 * Registers this project's wasm SIMD kernels with tfjs once per thread (wasm-attention.ts, wasm-lstm.ts).
 * Should the module fail to compile, scoring keeps the stock formulations (slower on wasm, the same
 * probabilities) and wasmSimdProblem() says why.
 */
import type * as Tf from '@tensorflow/tfjs';
import { attentionKernelConfig } from '../wasm-attention.ts';
import { lstmKernelConfig } from '../wasm-lstm.ts';
import { type SimdKernels, simdKernels } from './module.ts';

let kernels: SimdKernels | undefined;
let failure: string | undefined;

export async function registerWasmSimdKernels(tf: typeof Tf): Promise<void> {
  if (kernels || failure) return;
  try {
    kernels = await simdKernels();
  } catch (error) {
    failure = `this project's wasm SIMD kernels did not compile: ${(error as Error).message}`;
    return;
  }
  tf.registerKernel(attentionKernelConfig(kernels));
  tf.registerKernel(lstmKernelConfig(kernels));
}

/** Why the kernels are not registered, if they failed to compile. */
export function wasmSimdProblem(): string | undefined {
  return failure;
}

/** Whether the kernels can run now: registered, and wasm the active backend. */
export function wasmSimdReady(tf: typeof Tf): boolean {
  return kernels !== undefined && tf.getBackend() === 'wasm';
}
