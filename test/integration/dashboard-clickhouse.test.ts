// Every Grafana dashboard query, and the built-in dashboard's API, on a real ClickHouse server (Debian's 18.16) through the clickhouse store adapter.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { Store } from '../../src/core/store.ts';
import { createClickhouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';
import { exxonChevronItems } from '../support/dashboard-entity-items.ts';
import { dashboardSchema } from '../support/grafana-dashboard-schema.ts';
import { expandGrafanaSql } from '../support/grafana-macros.ts';
import { syntheticShockTransitions, syntheticStream } from '../support/synthetic-items.ts';

const SCRIPT = fileURLToPath(new URL('../../deploy/clickhouse/clickhouse.sh', import.meta.url));
const URL_ = process.env.BELLWETHER_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DATABASE = 'bellwether_dashboards';
const HOUR = 3_600_000;
const MIN = 60_000;
const END = Date.UTC(2026, 2, 2, 12, 0, 0);
const MODEL = 'dash-ch-1';

async function pingOk(): Promise<boolean> {
  try {
    return (await fetch(`${URL_}/ping`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

const dashboards = ['market-overview.json', 'topic-drilldown.json'].map((file) => ({
  file,
  dashboard: dashboardSchema.parse(
    JSON.parse(readFileSync(new URL(`../../dashboards/${file}`, import.meta.url), 'utf8')),
  ),
}));

let store: Store;
let server: WebServer;

beforeAll(async () => {
  if (!(await pingOk())) execFileSync(SCRIPT, ['start'], { stdio: 'inherit', timeout: 280_000 });
  // A database of its own, emptied first, so the annotation and alert counts are this run's.
  const drop = await fetch(URL_, { method: 'POST', body: `DROP DATABASE IF EXISTS ${DATABASE}` });
  expect(drop.ok).toBe(true);
  store = createClickhouseStore(
    {
      type: 'clickhouse',
      url: URL_,
      username: 'default',
      password: '',
      database: DATABASE,
      requestTimeoutMs: 30_000,
    },
    { logger: silentLogger },
  );
  await store.connect();
  const items = syntheticStream({
    startMs: END - 30 * HOUR,
    endMs: END,
    gapMs: 40_000,
    shock: { ticker: 'XOM', fromMs: END - 90 * MIN, toMs: END },
    modelVersion: MODEL,
  });
  for (let i = 0; i < items.length; i += 2_000) await store.writeScored(items.slice(i, i + 2_000));
  // Headlines with per-company sentiment, so the company-sentiment panel has rows for XOM.
  await store.writeScored(exxonChevronItems(MODEL, END));
  await store.appendAlertTransitions(
    syntheticShockTransitions('XOM', END - 70 * MIN, END - 60 * MIN),
  );
  server = await startWebServer({
    store,
    port: 0,
    logger: silentLogger,
    clock: new ManualClock(END),
  });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('Grafana dashboard SQL on ClickHouse 18.16', () => {
  const ctx = {
    fromMs: END - 6 * HOUR,
    toMs: END,
    intervalMs: 5 * MIN,
    variables: { model: MODEL, kind: 'ticker', key: 'XOM' },
  };
  for (const { file, dashboard } of dashboards) {
    const queries = [
      ...dashboard.panels.flatMap((p) =>
        p.targets.map((t) => ({ name: p.title, sql: t.rawSql, type: t.queryType })),
      ),
      ...dashboard.templating.list.map((v) => ({
        name: `$${v.name}`,
        sql: v.query,
        type: 'table',
      })),
      ...dashboard.annotations.list.flatMap((a) =>
        a.target ? [{ name: a.name, sql: a.target.rawSql, type: 'table' }] : [],
      ),
    ];
    for (const q of queries) {
      it(`${file}: ${q.name}`, async () => {
        const rows = await store.query(expandGrafanaSql(q.sql, ctx));
        expect(rows.length).toBeGreaterThan(0);
        if (q.type === 'timeSeries') expect(Object.keys(rows[0] ?? {})).toContain('time');
      });
    }
  }
});

describe('company sentiment panel on ClickHouse 18.16 (issue 15.5)', () => {
  it('lists the chosen company’s entity score beside the headline’s, one row per headline', async () => {
    const drill = dashboards.find((d) => d.file === 'topic-drilldown.json')?.dashboard;
    const panel = drill?.panels.find((p) => p.title === 'Company sentiment in headlines');
    const sql = expandGrafanaSql(panel?.targets[0]?.rawSql ?? '', {
      fromMs: END - 6 * HOUR,
      toMs: END,
      intervalMs: 5 * MIN,
      variables: { model: MODEL, kind: 'ticker', key: 'CVX' },
    });
    const rows = await store.query<Record<string, unknown>>(sql);
    expect(
      rows.map((r) => [r.title, r.entity_label, Number(r.entity_score), Number(r.headline_score)]),
    ).toEqual(
      [0, 1, 2, 3].map((i) => [`Exxon slides as Chevron climbs ${i}`, 'positive', 0.6, 0.05]),
    );
  });
});

describe('built-in dashboard API over the clickhouse adapter', () => {
  it('answers series, movers, alerts, items and summary', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    const series = await get('/api/v1/topics/ticker/XOM/series?bucket=30m');
    expect(series.points).toHaveLength(12);
    const movers = (await get('/api/v1/movers?window=1h')) as {
      negative: Array<{ kind: string; key: string }>;
    };
    expect(movers.negative.find((m) => m.kind === 'ticker')?.key).toBe('XOM');
    const alerts = (await get('/api/v1/alerts')) as { alerts: Array<{ to: string }> };
    expect(alerts.alerts.map((a) => a.to)).toEqual(['firing', 'pending']);
    const items = (await get('/api/v1/items?kind=ticker&key=XOM&limit=3')) as { items: unknown[] };
    expect(items.items).toHaveLength(3);
    const summary = await get('/api/v1/summary');
    expect(summary).toMatchObject({ firing: 1, modelVersion: MODEL });
  });

  it('streams a snapshot', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/v1/events?topic=ticker:XOM`, {
      signal: controller.signal,
    });
    const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    for (let i = 0; i < 50 && !text.includes('event: snapshot'); i++)
      text += (await reader?.read())?.value ?? '';
    controller.abort();
    const data = text.slice(text.indexOf('data: ') + 6, text.indexOf('\n', text.indexOf('data: ')));
    const snapshot = JSON.parse(data) as { summary: { storedItems: number }; series: unknown[] };
    expect(snapshot.summary.storedItems).toBeGreaterThan(1_000);
    expect(snapshot.series).toHaveLength(1);
  });
});
