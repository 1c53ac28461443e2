// Runs the Store contract (and its entity-sentiment part) on the embedded engine (chdb) in a temporary data dir owned by this test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runEntityStoreContract } from '../../../test/contracts/entity-store-contract.ts';
import { runStoreContract } from '../../../test/contracts/store-contract.ts';
import { silentLogger } from '../../core/logger.ts';
import { createEmbeddedStore } from './embedded-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const makeStore = async () =>
  createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
runStoreContract('embedded', makeStore);
runEntityStoreContract('embedded', makeStore);
