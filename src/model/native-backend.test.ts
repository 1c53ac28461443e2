// Checks the native TensorFlow loader: when provisioned (npm run setup:native), its kernels must agree with the JS cpu backend; when not, it must say so in one line.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/support/float-compare.ts';
import { loadNativeBackend, NATIVE_BACKEND_NAME } from './native-backend.ts';

const require = createRequire(import.meta.url);

function resolves(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

const provisioned = resolves('@tensorflow/tfjs-node');
// CI sets this after running setup:native so that a broken provisioning cannot pass as "absent".
const required = process.env.BELLWETHER_REQUIRE_NATIVE === '1';

/** Deterministic values in [-1, 1) from a linear congruential generator; no backend involved. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Runs the same computation on two backends and returns both results as plain arrays. */
async function onBoth(
  compute: () => tf.Tensor,
): Promise<{ native: Float32Array; cpu: Float32Array }> {
  await tf.setBackend('cpu');
  const cpu = compute();
  const cpuData = (await cpu.data()) as Float32Array;
  cpu.dispose();
  expect(await tf.setBackend(NATIVE_BACKEND_NAME)).toBe(true);
  expect(tf.getBackend()).toBe(NATIVE_BACKEND_NAME);
  const native = compute();
  const nativeData = (await native.data()) as Float32Array;
  native.dispose();
  return { native: nativeData, cpu: cpuData };
}

describe.skipIf(provisioned)('native backend, not provisioned', () => {
  it('fails with the one-line provisioning hint', async () => {
    expect(required, 'BELLWETHER_REQUIRE_NATIVE=1 but tfjs-node is not installed').toBe(false);
    const result = await loadNativeBackend('tensorflow');
    expect(result).toEqual({ ok: false, reason: 'not provisioned: run npm run setup:native' });
  });
});

describe.skipIf(!provisioned)('native backend, provisioned', () => {
  it('registers tensorflow into the project tfjs-core without switching the active backend', async () => {
    await tf.setBackend('cpu');
    const result = await loadNativeBackend('tensorflow');
    expect(result.ok, result.ok ? '' : result.reason).toBe(true);
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.findBackend(NATIVE_BACKEND_NAME)).not.toBeNull();
    // Loading twice returns the same answer and does not load a second libtensorflow.
    expect(await loadNativeBackend('tensorflow')).toEqual(result);
  });

  it('multiplies matrices like the cpu backend', async () => {
    const a = values(96 * 160, 1);
    const b = values(160 * 48, 2);
    const { native, cpu } = await onBoth(() =>
      tf.matMul(tf.tensor2d(a, [96, 160]), tf.tensor2d(b, [160, 48])),
    );
    expect(maxAbsDiff(native, cpu)).toBeLessThan(1e-4);
    // Sanity: a real product, not zeros on both sides.
    expect(Math.max(...cpu.map(Math.abs))).toBeGreaterThan(1);
  });

  it('convolves like the cpu backend', async () => {
    const image = values(2 * 20 * 20 * 3, 3);
    const filter = values(3 * 3 * 3 * 8, 4);
    const { native, cpu } = await onBoth(() =>
      tf.relu(
        tf.conv2d(tf.tensor4d(image, [2, 20, 20, 3]), tf.tensor4d(filter, [3, 3, 3, 8]), 1, 'same'),
      ),
    );
    expect(maxAbsDiff(native, cpu)).toBeLessThan(1e-4);
  });

  it('runs an LSTM layer like the cpu backend', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({
          inputShape: [12, 6],
          units: 10,
          recurrentActivation: 'sigmoid',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
          recurrentInitializer: tf.initializers.orthogonal({ seed: 6 }),
          biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 7 }),
        }),
      ],
    });
    const input = values(4 * 12 * 6, 8);
    const { native, cpu } = await onBoth(
      () => model.predict(tf.tensor3d(input, [4, 12, 6])) as tf.Tensor,
    );
    model.dispose();
    expect(cpu.length).toBe(4 * 10);
    expect(maxAbsDiff(native, cpu)).toBeLessThan(1e-5);
  });
});
