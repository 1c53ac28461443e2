// Runs the Store contract on the embedded engine (chdb) in a temporary data dir owned by this test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runStoreContract } from '../../../test/contracts/store-contract.ts';
import { silentLogger } from '../../core/logger.ts';
import { createEmbeddedStore } from './embedded-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('embedded', async () =>
  createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger }),
);
