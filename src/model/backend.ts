/** Picks the TensorFlow.js backend (native GPU → native CPU → wasm → JS cpu), logging what it got and why it skipped the rest. */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../config/model.ts';
import type { Logger } from '../core/logger.ts';
import { patchWasmKernels } from './wasm-kernels.ts';
import { registerWasmSimdKernels, wasmSimdProblem } from './wasm-simd/register.ts';

export type ConcreteBackend = Exclude<BackendChoice, 'auto'>;

export const AUTO_ORDER: readonly ConcreteBackend[] = [
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
];

export interface BackendSelection {
  tf: typeof Tf;
  backend: ConcreteBackend;
  skipped: Array<{ backend: ConcreteBackend; reason: string }>;
}

export type TryResult = { ok: true } | { ok: false; reason: string };

let tfModule: typeof Tf | undefined;

/** Imports tfjs once, quietly: its "hi there" banner about tfjs-node goes to stdout otherwise. */
export async function loadTf(): Promise<typeof Tf> {
  if (tfModule) return tfModule;
  const tf = await import('@tensorflow/tfjs');
  tf.env().set('IS_NODE', true);
  tf.env().set('PROD', true);
  tfModule = tf;
  return tf;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).trim();
}

async function tryNative(tf: typeof Tf, kind: 'tensorflow' | 'tensorflow-gpu'): Promise<TryResult> {
  let mod: { loadNativeBackend?: (k: typeof kind) => Promise<TryResult> };
  try {
    const specifier: string = './native-backend.ts';
    mod = await import(specifier);
  } catch (error) {
    return { ok: false, reason: `native loader unavailable: ${firstLine(error)}` };
  }
  if (typeof mod.loadNativeBackend !== 'function') {
    return { ok: false, reason: 'native loader exports no loadNativeBackend' };
  }
  const result = await mod.loadNativeBackend(kind);
  if (!result.ok) return result;
  if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: 'setBackend refused' };
  return { ok: true };
}

async function tryWasm(tf: typeof Tf): Promise<TryResult> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The binaries ship inside the package; point at them so nothing is ever fetched.
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${dist}${path.sep}`);
    patchWasmKernels(tf);
    await registerWasmSimdKernels(tf);
    if (!(await tf.setBackend('wasm')))
      return { ok: false, reason: 'wasm backend failed to start' };
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: firstLine(error) };
  }
}

/** Loads `backend` if needed and makes it the active one; says why when it cannot. */
export async function activateBackend(tf: typeof Tf, backend: ConcreteBackend): Promise<TryResult> {
  switch (backend) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNative(tf, backend);
    case 'wasm':
      return tryWasm(tf);
    case 'cpu':
      return (await tf.setBackend('cpu')) ? { ok: true } : { ok: false, reason: 'cpu refused' };
  }
}

/**
 * Frees an inactive backend's instance (wasm keeps its whole heap otherwise) while keeping it
 * registered, so it can start again later. A backend still holding tensors is left alone.
 */
export function releaseBackend(tf: typeof Tf, backend: ConcreteBackend): void {
  // Both native packages register under one name.
  const name = backend === 'tensorflow-gpu' ? 'tensorflow' : backend;
  if (name === tf.getBackend()) return;
  const instance = tf.engine().registry[name];
  const factory = tf.findBackendFactory(name);
  if (instance === undefined || factory === null || instance.numDataIds() > 0) return;
  tf.removeBackend(name);
  tf.registerBackend(name, factory);
}

/** Activates the requested backend, or the first that works for `auto`. Throws when an explicit choice fails. */
export async function selectBackend(
  choice: BackendChoice,
  logger: Logger,
): Promise<BackendSelection> {
  const tf = await loadTf();
  const order = choice === 'auto' ? AUTO_ORDER : [choice];
  const skipped: BackendSelection['skipped'] = [];
  for (const backend of order) {
    const result = await activateBackend(tf, backend);
    if (result.ok) {
      await tf.ready();
      for (const s of skipped)
        logger.info({ backend: s.backend }, `skipped ${s.backend}: ${s.reason}`);
      logger.info({ backend, choice }, `tfjs backend: ${backend}`);
      const problem = backend === 'wasm' ? wasmSimdProblem() : undefined;
      if (problem) logger.warn({ backend }, `${problem}; scoring keeps the stock formulations`);
      return { tf, backend, skipped };
    }
    skipped.push({ backend, reason: result.reason });
  }
  const reasons = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
  throw new Error(`no usable tfjs backend (${reasons})`);
}
