/** Loads the optional native TensorFlow backends (tfjs-node, tfjs-node-gpu) that deploy/native/setup.sh provisions, and says in one line why when it cannot. */

import type * as Tf from '@tensorflow/tfjs';

export type NativeBackendKind = 'tensorflow' | 'tensorflow-gpu';

export type NativeBackendResult = { ok: true; detail: string } | { ok: false; reason: string };

/** The name both native packages register their backend under in tfjs-core. */
export const NATIVE_BACKEND_NAME = 'tensorflow';

const PACKAGE_OF: Record<NativeBackendKind, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

const NOT_PROVISIONED = 'not provisioned: run npm run setup:native';

/** Shape of the native backend object we read after registration (tfjs-node's NodeJSKernelBackend). */
interface NativeKernelBackend {
  isUsingGpuDevice?: boolean;
}

/** Both packages register under one name and load their own libtensorflow, so only one may ever load. */
let loaded: { kind: NativeBackendKind; result: NativeBackendResult } | undefined;

/**
 * Imports the native package so that it registers the 'tensorflow' backend into the project's
 * tfjs-core, initialises it, and leaves the active backend as it was (when one was set): picking
 * the backend is the caller's job (`tf.setBackend('tensorflow')`). Never throws.
 */
export async function loadNativeBackend(kind: NativeBackendKind): Promise<NativeBackendResult> {
  if (loaded !== undefined) {
    if (loaded.kind === kind) return loaded.result;
    return { ok: false, reason: `${loaded.kind} native backend already loaded in this process` };
  }
  const result = await importAndCheck(kind);
  // A failed import can be retried after provisioning; a successful one is final for the process.
  if (result.ok) loaded = { kind, result };
  return result;
}

async function importAndCheck(kind: NativeBackendKind): Promise<NativeBackendResult> {
  const tf: typeof Tf = await import('@tensorflow/tfjs');
  const previous = activeBackendName(tf);
  const pkg = PACKAGE_OF[kind];
  try {
    // A string variable keeps TypeScript from resolving a package that is usually absent.
    const specifier: string = pkg;
    await import(specifier);
  } catch (error) {
    return { ok: false, reason: reasonFor(pkg, error) };
  }
  try {
    // The package switches the active backend as a side effect; let that settle, then undo it.
    await tf.ready();
    const backend = tf.findBackend(NATIVE_BACKEND_NAME) as NativeKernelBackend | null;
    if (backend === null) {
      return { ok: false, reason: `${pkg} loaded but did not register '${NATIVE_BACKEND_NAME}'` };
    }
    if (previous !== null && previous !== NATIVE_BACKEND_NAME) await tf.setBackend(previous);
    if (kind === 'tensorflow-gpu' && backend.isUsingGpuDevice !== true) {
      return { ok: false, reason: `${pkg} loaded but libtensorflow sees no CUDA GPU` };
    }
    const device = backend.isUsingGpuDevice === true ? 'GPU' : 'CPU';
    return { ok: true, detail: `${pkg} ${tf.version_core} on ${device} (libtensorflow 2.9.1)` };
  } catch (error) {
    return { ok: false, reason: `${pkg} failed to initialise: ${firstLine(error)}` };
  }
}

/** The engine's current backend name without initialising one as a side effect. */
function activeBackendName(tf: typeof Tf): string | null {
  return tf.engine().backendName ?? null;
}

function reasonFor(pkg: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = firstLine(error);
  const missingPackage =
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(pkg);
  if (missingPackage) return NOT_PROVISIONED;
  // tfjs-node throws this when the package is present but its addon was never built.
  if (message.includes('tfjs_binding.node') && message.includes('can not be found')) {
    return `${NOT_PROVISIONED} (addon not built)`;
  }
  return message;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).trim();
}
