// `bellwether alerts backtest --replay <stream>` with the shipped model and the default rules: the shock
// streams fire for their topics inside the manifest's range, and the calm day fires nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/cli.ts';

interface Manifest {
  expected: { alerts: { topic: { kind: string; key: string }; from: string; to: string }[] };
}
interface BacktestEvent {
  at: string;
  event: 'firing' | 'resolved';
  rule: string;
  topic: { kind: string; key: string };
}

const manifest = (stream: string) =>
  JSON.parse(
    readFileSync(join(repoRoot, 'fixtures/streams', stream, 'manifest.json'), 'utf8'),
  ) as Manifest;

async function backtest(stream: string): Promise<BacktestEvent[]> {
  const result = await runCli(
    ['alerts', 'backtest', '--replay', `fixtures/streams/${stream}`, '--step', '2m', '--json'],
    {},
    240_000,
  );
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { events: BacktestEvent[] }).events;
}

describe('alerts backtest over replayed fixture streams', () => {
  it('fires nothing on the calm day', async () => {
    expect(await backtest('calm-day')).toEqual([]);
  }, 300_000);

  for (const stream of ['shock-tsla', 'shock-ba']) {
    it(`fires for the shocked topics of ${stream} inside the manifest range, and for nothing else`, async () => {
      const events = await backtest(stream);
      const firings = events.filter((event) => event.event === 'firing');
      const expected = manifest(stream).expected.alerts;
      for (const { topic, from, to } of expected) {
        const first = firings.find(
          (event) => event.topic.kind === topic.kind && event.topic.key === topic.key,
        );
        expect(first, `${topic.kind}:${topic.key} should fire`).toBeDefined();
        expect(Date.parse(first?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(from));
        expect(Date.parse(first?.at ?? '')).toBeLessThanOrEqual(Date.parse(to));
      }
      const allowed = new Set(expected.map(({ topic }) => `${topic.kind}:${topic.key}`));
      expect(
        firings.filter((event) => !allowed.has(`${event.topic.kind}:${event.topic.key}`)),
      ).toEqual([]);
    }, 300_000);
  }
});
