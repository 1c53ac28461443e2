// `bellwether run --replay <shock stream> --speed max --until-drained --json` end to end on embedded defaults:
// every manifest item stored once, the shocked ticker's negative share jumps in the shock window, the expected
// alerts fire inside the manifest's range and nothing else fires, and a second replay changes nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopicWindowCounts } from '../../src/core/rollup.ts';
import type { RunSummary } from '../../src/pipeline/pipeline.ts';
import { repoRoot, runCli } from '../support/cli.ts';
import { withEmbeddedStore } from '../support/embedded-store.ts';

interface Manifest {
  start: string;
  end: string;
  expected: {
    items: number;
    alerts: { topic: { kind: string; key: string }; from: string; to: string }[];
    shock: { topic: { kind: 'ticker'; key: string }; from: string; to: string };
  };
}

const stream = 'shock-tsla';
const manifest = JSON.parse(
  readFileSync(join(repoRoot, 'fixtures/streams', stream, 'manifest.json'), 'utf8'),
) as Manifest;
const dataDir = mkdtempSync(join(tmpdir(), 'bellwether-run-'));
const env = { BELLWETHER_STORE_PATH: dataDir };
const args = [
  'run',
  '--replay',
  `fixtures/${stream}`,
  '--speed',
  'max',
  '--until-drained',
  '--json',
  '--no-web',
];

const share = (row: TopicWindowCounts | undefined) =>
  row && row.count > 0 ? row.negatives / row.count : 0;

let first: RunSummary;
beforeAll(async () => {
  const result = await runCli(args, env, 300_000);
  expect(result.code, result.stderr).toBe(0);
  first = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as RunSummary;
}, 320_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe(`bellwether run --replay ${stream}`, () => {
  it('stores exactly the manifest item count, with nothing dead-lettered', () => {
    expect(first.ingested).toBe(manifest.expected.items);
    expect(first.scored).toBe(manifest.expected.items);
    expect(first.stored).toBe(manifest.expected.items);
    expect(first.inserted).toBe(manifest.expected.items);
    expect(first.dlq).toBe(0);
  });

  it('shows the shocked ticker far more negative in the shock window than the rest of its day', async () => {
    const { topic, from, to } = manifest.expected.shock;
    const [shock, calm] = await withEmbeddedStore(dataDir, (store) =>
      Promise.all([
        store.topicCounts({
          fromMs: Date.parse(from),
          toMs: Date.parse(to),
          kinds: ['ticker'],
          keys: [topic.key],
        }),
        store.topicCounts({
          fromMs: Date.parse(manifest.start),
          toMs: Date.parse(from),
          kinds: ['ticker'],
          keys: [topic.key],
        }),
      ]),
    );
    expect(shock[0]?.count ?? 0).toBeGreaterThanOrEqual(10);
    expect(share(shock[0])).toBeGreaterThan(0.5);
    expect(share(shock[0])).toBeGreaterThan(share(calm[0]) + 0.3);
  });

  it('issue 15.2 — stores each item with its story, and the Tesla alert text counts stories', async () => {
    const { topic, from, to } = manifest.expected.shock;
    const [transitions, shock] = await withEmbeddedStore(dataDir, (store) =>
      Promise.all([
        store.alertTransitions({
          fromMs: Date.parse(manifest.start),
          toMs: Date.parse(manifest.end) + 86_400_000,
          topic: { kind: 'ticker', key: topic.key },
          rule: 'CompanyNegativeSpike',
          limit: 50,
        }),
        store.topicCounts({
          fromMs: Date.parse(from),
          toMs: Date.parse(to),
          kinds: ['ticker'],
          keys: [topic.key],
        }),
      ]),
    );
    const stories = shock[0]?.stories ?? 0;
    expect(stories).toBeGreaterThan(0);
    expect(stories).toBeLessThanOrEqual(shock[0]?.count ?? 0);
    const firing = transitions.find((t) => t.to === 'firing');
    expect(firing?.annotations.description).toMatch(
      new RegExp(
        `^\\d+ of \\d+ ${topic.key} stories in the last 30m were negative \\(\\d+ stor(y|ies) \\(\\d+ items?\\);`,
      ),
    );
  });

  it('fires the expected alerts inside the manifest range and no others', () => {
    for (const expected of manifest.expected.alerts) {
      const fired = first.alerts.find(
        (alert) =>
          alert.topic.kind === expected.topic.kind && alert.topic.key === expected.topic.key,
      );
      expect(fired, `${expected.topic.kind}:${expected.topic.key} should fire`).toBeDefined();
      const at = Date.parse(fired?.firedAt ?? '');
      expect(at).toBeGreaterThanOrEqual(Date.parse(expected.from));
      expect(at).toBeLessThanOrEqual(Date.parse(expected.to));
    }
    const allowed = new Set(manifest.expected.alerts.map((a) => `${a.topic.kind}:${a.topic.key}`));
    const unexpected = first.alerts.filter(
      (alert) => !allowed.has(`${alert.topic.kind}:${alert.topic.key}`),
    );
    expect(unexpected).toEqual([]);
  });

  it('leaves every count and aggregate unchanged when the same stream is replayed again', async () => {
    const everything = { fromMs: 0, toMs: Date.UTC(2100, 0) };
    const before = await withEmbeddedStore(dataDir, async (store) => ({
      items: await store.itemCount(),
      counts: await store.topicCounts(everything),
    }));
    const again = await runCli(args, env, 300_000);
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout.trim().split('\n').pop() ?? '') as RunSummary;
    expect(second.inserted).toBe(0);
    expect(second.duplicates).toBe(manifest.expected.items);
    const after = await withEmbeddedStore(dataDir, async (store) => ({
      items: await store.itemCount(),
      counts: await store.topicCounts(everything),
    }));
    expect(after.items).toBe(manifest.expected.items);
    const sort = (rows: TopicWindowCounts[]) =>
      [...rows].sort((a, b) => `${a.kind}:${a.key}`.localeCompare(`${b.kind}:${b.key}`));
    expect(sort(after.counts)).toEqual(sort(before.counts));
  }, 320_000);
});
