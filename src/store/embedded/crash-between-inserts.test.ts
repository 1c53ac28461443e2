// Runs the crash-between-inserts contract on the embedded engine (chdb) in a temporary data dir of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runCrashBetweenInsertsContract } from '../../../test/contracts/crash-between-inserts-contract.ts';
import { ChdbEngine } from './chdb-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runCrashBetweenInsertsContract('embedded', () => new ChdbEngine(dir));
