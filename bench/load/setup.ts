/**
 * The engines a load bench runs on: the embedded defaults in a scratch data dir, or `--bus kafka --store
 * clickhouse` on the deploy/ services with topics, groups and database named for this run; and the fixture
 * generator's text the load sends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { readStream } from '../../src/ingest/replay/read-stream.ts';
import type { LoadText } from './open-loop.ts';

export interface LoadSetup {
  label: string;
  config: Config;
  /** Removes the scratch data dir. */
  cleanup(): void;
}

export function loadSetup(engines: {
  bus?: string | undefined;
  store?: string | undefined;
}): LoadSetup {
  const dataDir = mkdtempSync(join(tmpdir(), 'bellwether-load-'));
  const env: Record<string, string> = { BELLWETHER_STORE_PATH: join(dataDir, 'store') };
  if (engines.bus) env.BELLWETHER_BUS = engines.bus;
  if (engines.store) env.BELLWETHER_STORE = engines.store;
  const { config } = loadConfig(undefined, env);
  // A run id keeps this run's topics, groups and database apart from earlier runs on the same services.
  const run = Date.now().toString(36);
  if (config.bus.type === 'kafka') {
    config.bus.topics = {
      raw: `load.${run}.raw`,
      scored: `load.${run}.scored`,
      dlq: `load.${run}.dlq`,
    };
    config.scoring.group = `load-${run}-scorer`;
    config.sink.group = `load-${run}-sink`;
  }
  if (config.store.type === 'clickhouse') config.store.database = `load_${run}`;
  return {
    label: `${engines.bus ?? 'memory'} bus + ${engines.store ?? 'embedded'} store`,
    config,
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** Headlines and summaries of a fixture stream (the fixture generator's text), to be cycled by the load. */
export async function fixtureTexts(dir = 'fixtures/streams/demo'): Promise<LoadText[]> {
  const { items } = await readStream(dir);
  if (items.length === 0) throw new Error(`${dir}: no items to take load text from`);
  return items.map((item) => ({ title: item.title, summary: item.summary }));
}
