// `bellwether alerts check-rules` and `alerts backtest --scored` as child processes: exit codes, JSON output, located problems.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'bin/bellwether.js');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, BELLWETHER_LOG_LEVEL: 'warn' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('BELLWETHER_') && key !== 'BELLWETHER_LOG_LEVEL') delete env[key];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'bellwether-alerts-cli-'));

describe('bellwether alerts', () => {
  it('check-rules accepts the default rules and lists every problem of a broken file, exiting non-zero', async () => {
    const ok = await cli(['alerts', 'check-rules', 'config/rules.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/3 rules OK/);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'rules:\n  - name: A\n    detector: { type: negative-share-spike, minCount: 1 }\n  - name: A\n    select: { sectors: [Atlantis] }\n    detector: { type: nope }\n',
    );
    const json = await cli(['alerts', 'check-rules', bad, '--json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(4);
    expect(report.problems.join('\n')).toMatch(
      /rules\[0\] "A" › detector\.minCount \(line 3, col \d+\)/,
    );
    expect(report.problems.join('\n')).toMatch(
      /rules\[1\] "A" › name \(line 4, col 11\): duplicate/,
    );
    expect(report.problems.join('\n')).toMatch(
      /select\.sectors\.0 \(line 5, col \d+\): unknown sector "Atlantis"/,
    );

    const text = await cli(['alerts', 'check-rules', bad]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/has 4 problems/);
  });

  it('backtest --scored prints the firing and resolution of a shocked ticker', async () => {
    const t0 = Date.parse('2026-03-10T00:00:00Z');
    const lines: string[] = [];
    const item = (ms: number, n: number, negative: boolean) => {
      const at = new Date(ms).toISOString();
      lines.push(
        JSON.stringify({
          id: `i${n}`,
          source: 'wire',
          title: `Acme ${negative ? 'slumps' : 'steady'} ${n}`,
          publishedAt: at,
          fetchedAt: at,
          modelVersion: 'm1',
          label: negative ? 'negative' : 'neutral',
          probs: { negative: negative ? 0.9 : 0.1, neutral: 0.8, positive: 0.1 },
          score: negative ? -0.8 : 0,
          topics: [{ kind: 'ticker', key: 'ACME' }],
          scoredAt: at,
        }),
      );
    };
    let n = 0;
    for (let m = 0; m < 28 * 60; m += 10) item(t0 + m * 60_000, n++, m % 50 === 0);
    for (let i = 0; i < 30; i++) item(t0 + (26 * 60 + i) * 60_000, n++, i % 6 !== 0);
    lines.push('not json');
    const file = join(dir, 'scored.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await cli([
      'alerts',
      'backtest',
      '--scored',
      file,
      '--from',
      '2026-03-11T01:00:00Z',
      '--to',
      '2026-03-11T04:00:00Z',
      '--step',
      '2m',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.skipped).toHaveLength(1);
    const spike = report.events.filter((e: { rule: string }) => e.rule === 'CompanyNegativeSpike');
    expect(
      spike.map((e: { event: string; topic: { key: string } }) => `${e.event}:${e.topic.key}`),
    ).toEqual(['firing:ACME', 'resolved:ACME']);
    expect(Date.parse(spike[0].at)).toBeGreaterThanOrEqual(t0 + 26 * 3_600_000);
  });
});
