/** Real embedded (chdb) stores for tests: one opened around a block of work, or one a test file owns. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { Store } from '../../src/core/store.ts';
import { createEmbeddedStore } from '../../src/store/embedded/embedded-store.ts';

/** Opens the store in `path` (say, a CLI run's data dir), runs `use`, and closes it: one process holds a dir at a time. */
export async function withEmbeddedStore<T>(
  path: string,
  use: (store: Store) => Promise<T>,
): Promise<T> {
  const store = createEmbeddedStore({ type: 'embedded', path }, { logger: silentLogger });
  await store.connect();
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** A store in a temporary dir of the calling test file's own, connected before its tests and removed after. */
export function fileEmbeddedStore(prefix: string): () => Store {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let store: Store | undefined;
  beforeAll(async () => {
    store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
    await store.connect();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!store) throw new Error('the file store is connected in beforeAll');
    return store;
  };
}
