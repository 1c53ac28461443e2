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

/** What the one native import of this process left behind: both packages register under one name and each loads its own libtensorflow, so a second import must never happen. */
let imported: { pkg: string; gpu: boolean; detail: string } | undefined;
/**
 * tfjs-node's int64 scalar class, kept from the one import: the only way its kernel backend takes an int64
 * input, which TensorFlow's BlockLSTM needs (native-lstm.ts). Undefined when not imported, not found, or
 * on a GPU.
 */
let int64Scalar: (new (value: number) => object) | undefined;
/** Set when a package imported (its libtensorflow is in the process) but its backend would not start. */
let brokenImport: string | undefined;

/**
 * Imports the native package so that it registers the 'tensorflow' backend into the project's
 * tfjs-core, initialises it, and leaves the active backend as it was (when one was set): picking
 * the backend is the caller's job (`tf.setBackend('tensorflow')`). Never throws.
 *
 * 'tensorflow-gpu' succeeds only when libtensorflow sees a CUDA GPU. If the GPU package loaded but
 * saw none, a later 'tensorflow' request succeeds on that same (CPU-capable) library.
 */
export async function loadNativeBackend(kind: NativeBackendKind): Promise<NativeBackendResult> {
  if (brokenImport !== undefined) return { ok: false, reason: brokenImport };
  if (imported === undefined) {
    const failure = await importAndCheck(kind);
    if (failure !== undefined) return { ok: false, reason: failure };
  }
  if (imported === undefined) return { ok: false, reason: 'native backend state lost' };
  if (kind === 'tensorflow-gpu' && !imported.gpu) {
    return imported.pkg === PACKAGE_OF['tensorflow-gpu']
      ? { ok: false, reason: `${imported.pkg} loaded but libtensorflow sees no CUDA GPU` }
      : { ok: false, reason: `${imported.pkg} (CPU) is already loaded in this process` };
  }
  return { ok: true, detail: imported.detail };
}

/** Returns why the import failed, or undefined after recording what loaded. */
async function importAndCheck(kind: NativeBackendKind): Promise<string | undefined> {
  const tf: typeof Tf = await import('@tensorflow/tfjs');
  const previous = activeBackendName(tf);
  const pkg = PACKAGE_OF[kind];
  // libtensorflow logs oneDNN/CPU-feature notices at INFO on load; keep warnings and errors.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  try {
    // A string variable keeps TypeScript from resolving a package that is usually absent.
    const specifier: string = pkg;
    await import(specifier);
  } catch (error) {
    return reasonFor(pkg, error);
  }
  try {
    // The package switches the active backend as a side effect; let that settle, then undo it.
    await tf.ready();
    const backend = tf.findBackend(NATIVE_BACKEND_NAME) as NativeKernelBackend | null;
    if (backend === null) {
      brokenImport = `${pkg} loaded but did not register '${NATIVE_BACKEND_NAME}'`;
      return brokenImport;
    }
    if (previous !== null && previous !== NATIVE_BACKEND_NAME) await tf.setBackend(previous);
    const gpu = backend.isUsingGpuDevice === true;
    // CPU only: BlockLSTM on a GPU is untested here (no GPU machine was lent), so a GPU scorer keeps the
    // BiLSTM's step loop.
    if (!gpu) int64Scalar = await importInt64Scalar(pkg);
    const detail = `${pkg} ${tf.version_core} on ${gpu ? 'GPU' : 'CPU'} (libtensorflow 2.9.1)`;
    imported = { pkg, gpu, detail };
    return undefined;
  } catch (error) {
    brokenImport = `${pkg} failed to initialise: ${firstLine(error)}`;
    return brokenImport;
  }
}

/** The int64 scalar class of the imported native package, when there is one (see `int64Scalar`). */
export function nativeInt64Scalar(): (new (value: number) => object) | undefined {
  return int64Scalar;
}

/** A file of the package's own layout: missing in another version, which only turns the fused LSTM off. */
async function importInt64Scalar(
  pkg: string,
): Promise<(new (value: number) => object) | undefined> {
  try {
    const specifier: string = `${pkg}/dist/int64_tensors.js`;
    const module = (await import(specifier)) as { Int64Scalar?: new (value: number) => object };
    return module.Int64Scalar;
  } catch {
    return undefined;
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
