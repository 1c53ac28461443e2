// Runs the rollup migration contract on the embedded engine (chdb) in a temporary data dir of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runRollupMigrationContract } from '../../../test/contracts/rollup-migration-contract.ts';
import { ChdbEngine } from './chdb-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-rollup-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runRollupMigrationContract('embedded', () => new ChdbEngine(dir));
