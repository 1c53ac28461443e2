// One process per embedded data dir: a second process opening a held dir gets a clear, non-retriable error naming the holder.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { createEmbeddedStore } from './embedded-store.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'bellwether-lock-'));
const storeModule = fileURLToPath(new URL('./embedded-store.ts', import.meta.url));
const loggerModule = fileURLToPath(new URL('../../core/logger.ts', import.meta.url));

// The second process tries to connect and prints what it got as one JSON line.
const probe = `
const { createEmbeddedStore } = await import(${JSON.stringify(storeModule)});
const { silentLogger } = await import(${JSON.stringify(loggerModule)});
const store = createEmbeddedStore({ type: 'embedded', path: ${JSON.stringify(dir)} }, { logger: silentLogger });
try {
  await store.connect();
  console.log(JSON.stringify({ opened: true }));
  await store.close();
} catch (error) {
  console.log(JSON.stringify({ name: error.name, message: error.message, retriable: error.retriable }));
}
`;

describe('embedded data dir lock', () => {
  const store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second process with a message naming the holder', async () => {
    await store.connect();
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', probe],
      { timeout: 50_000 },
    );
    const lines = stdout.trim().split('\n');
    const outcome = JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
    expect(outcome.name).toBe('ServiceError');
    expect(outcome.retriable).toBe(false);
    expect(outcome.message).toContain(`in use by process ${process.pid}`);
    expect(outcome.message).toContain(dir);
  });
});
