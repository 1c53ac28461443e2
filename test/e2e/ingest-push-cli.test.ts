// `bellwether ingest --http` as a user runs it: the push endpoint will not listen beyond loopback without a token.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('issue 14.2 — ingest refuses to serve HTTP push on all interfaces without a token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-push-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 naming ingest.http.token and the variable that sets it', async () => {
    const config = join(dir, 'exposed.yaml');
    writeFileSync(config, 'ingest:\n  http:\n    host: 0.0.0.0\n    port: 0\n');
    const run = await runCli(['ingest', '--http', '--port', '0', '--config', config], {}, 60_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /ingest\.http\.token: required when ingest\.http\.host \(0\.0\.0\.0\)/,
    );
    expect(run.stderr).toContain('BELLWETHER_PUSH_TOKEN');
  });
});
