/** Builds a load harness from bench flags: the engines, batching and bound overrides, the fixture text; started. */
import type { Config } from '../../src/config/schema.ts';
import { LoadHarness } from './load-harness.ts';
import { fixtureTexts, loadSetup } from './setup.ts';

export interface HarnessFlags {
  bus?: string | undefined;
  store?: string | undefined;
  'scoring-batch'?: string | undefined;
  'scoring-linger'?: string | undefined;
  'sink-batch'?: string | undefined;
  'sink-linger'?: string | undefined;
  /** Memory bus only: messages a topic holds before publishers wait (bus.capacity). */
  'bus-capacity'?: string | undefined;
  /** ingest.http.maxPendingItems: pushed items that may wait for room before requests get 429. */
  'max-pending'?: string | undefined;
}

/** A flag as a whole number ≥ min, or the config's value when the flag is absent. */
function integerFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function applyOverrides(config: Config, flags: HarnessFlags): void {
  config.scoring.maxBatchSize = integerFlag(
    'scoring-batch',
    flags['scoring-batch'],
    config.scoring.maxBatchSize,
    1,
  );
  config.scoring.lingerMs = integerFlag(
    'scoring-linger',
    flags['scoring-linger'],
    config.scoring.lingerMs,
    0,
  );
  config.sink.maxBatchSize = integerFlag(
    'sink-batch',
    flags['sink-batch'],
    config.sink.maxBatchSize,
    1,
  );
  config.sink.lingerMs = integerFlag('sink-linger', flags['sink-linger'], config.sink.lingerMs, 0);
  if (config.bus.type === 'memory') {
    config.bus.capacity = integerFlag(
      'bus-capacity',
      flags['bus-capacity'],
      config.bus.capacity,
      1,
    );
  } else if (flags['bus-capacity'] !== undefined) {
    throw new Error('--bus-capacity applies to the memory bus only');
  }
  config.ingest.http.maxPendingItems = integerFlag(
    'max-pending',
    flags['max-pending'],
    config.ingest.http.maxPendingItems,
    1,
  );
}

export async function startLoadHarness(
  flags: HarnessFlags,
): Promise<{ harness: LoadHarness; label: string; backend: string; stop(): Promise<void> }> {
  const setup = loadSetup(flags);
  applyOverrides(setup.config, flags);
  const harness = new LoadHarness(setup.config, await fixtureTexts());
  try {
    await harness.start();
  } catch (error) {
    setup.cleanup();
    throw error;
  }
  const { scoring, sink } = setup.config;
  return {
    harness,
    label:
      `${setup.label}, scoring batch ${scoring.maxBatchSize}/${scoring.lingerMs} ms, sink batch ${sink.maxBatchSize}/${sink.lingerMs} ms` +
      `${setup.config.bus.type === 'memory' ? `, bus capacity ${setup.config.bus.capacity}` : ''}, push maxPendingItems ${setup.config.ingest.http.maxPendingItems}`,
    backend: harness.backend,
    stop: async () => {
      await harness.stop();
      setup.cleanup();
    },
  };
}
