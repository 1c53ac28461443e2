// Validates the Grafana dashboards and executes every panel's, variable's and annotation's SQL on the embedded store, macros expanded as the ClickHouse plugin expands them.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { silentLogger } from '../../src/core/logger.ts';
import type { Store } from '../../src/core/store.ts';
import { createEmbeddedStore } from '../../src/store/embedded/embedded-store.ts';
import { exxonChevronItems } from '../support/dashboard-entity-items.ts';
import {
  dashboardSchema,
  layoutProblems,
  type ParsedDashboard,
} from '../support/grafana-dashboard-schema.ts';
import { expandGrafanaSql, type GrafanaQueryContext } from '../support/grafana-macros.ts';
import { syntheticShockTransitions, syntheticStream } from '../support/synthetic-items.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DASHBOARD_DIR = join(ROOT, 'dashboards');
const DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'bellwether-clickhouse' };

const HOUR = 3_600_000;
const END = Date.UTC(2026, 2, 2, 12, 0, 0);
const SHOCK = { ticker: 'XOM', fromMs: END - 90 * 60_000, toMs: END };
const MODEL = 'dash-test-1';

/** The columns each panel must return (its visualization reads them by name). */
const EXPECTED_COLUMNS: Record<string, Record<string, readonly string[]>> = {
  'market-overview.json': {
    'Items scored': ['items'],
    'Negative share': ['negative_share'],
    'Mean sentiment score': ['mean_score'],
    'Alerts firing': ['firing'],
    'Sentiment index: watchlist': ['time', 'watchlist'],
    'Sentiment index by sector': ['time', 'sector', 'score'],
    'Item volume by label': ['time', 'negative', 'neutral', 'positive'],
    'Negative share by ticker': ['time', 'ticker', 'negative_share'],
    'Top negative movers': ['kind', 'key', 'mentions', 'negative_share', 'mean_score', 'change'],
    'Top positive movers': ['kind', 'key', 'mentions', 'negative_share', 'mean_score', 'change'],
    'Latest headlines': ['time', 'source', 'title', 'label', 'score', 'topics', 'url'],
  },
  'topic-drilldown.json': {
    Mentions: ['mentions'],
    'Negative share': ['negative_share'],
    'Mean score': ['mean_score'],
    'Alert state': ['rule', 'state'],
    'Negative share vs 24 h baseline': ['time', 'negative_share', 'baseline_24h'],
    'Sentiment score vs 24 h baseline': ['time', 'mean_score', 'baseline_24h'],
    'Volume by source': ['time', 'source', 'mentions'],
    'Alerts for this topic': ['time', 'rule', 'from_state', 'to_state', 'severity', 'value'],
    'Headlines by bucket': ['bucket', 'time', 'source', 'title', 'label', 'score', 'url'],
    'Company sentiment in headlines': [
      'time',
      'source',
      'title',
      'company',
      'ticker',
      'mention',
      'entity_label',
      'entity_score',
      'headline_label',
      'headline_score',
      'url',
    ],
  },
};

const dashboardFiles = readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json'));
const loaded = new Map<string, ParsedDashboard>();
for (const file of dashboardFiles) {
  loaded.set(
    file,
    dashboardSchema.parse(JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8'))),
  );
}

function dashboard(file: string): ParsedDashboard {
  const d = loaded.get(file);
  if (d === undefined) throw new Error(`missing dashboard ${file}`);
  return d;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));

describe('Grafana dashboards: structure', () => {
  it('ships both dashboards', () => {
    expect(dashboardFiles.sort()).toEqual(['market-overview.json', 'topic-drilldown.json']);
  });

  it('rejects a malformed dashboard (the schema can fail)', () => {
    const good = JSON.parse(readFileSync(join(DASHBOARD_DIR, 'market-overview.json'), 'utf8'));
    type Loose = Record<string, unknown>;
    interface RawDashboard {
      schemaVersion?: unknown;
      panels: Array<Loose & { gridPos: Loose; targets: Loose[]; options: Loose }>;
      templating: { list: Loose[] };
    }
    const at = <T>(list: readonly T[], i: number): T => {
      const v = list[i];
      if (v === undefined) throw new Error(`no element ${i}`);
      return v;
    };
    const ofType = (d: RawDashboard, type: string) => {
      const panel = d.panels.find((p) => p.type === type);
      if (panel === undefined) throw new Error(`no ${type} panel`);
      return panel;
    };
    const breakages: Array<(d: RawDashboard) => void> = [
      (d) => delete d.schemaVersion,
      (d) => (at(d.panels, 0).type = 'sparkles'),
      (d) => (at(d.panels, 0).gridPos.w = 30),
      (d) => (at(d.panels, 1).gridPos = { x: 20, y: 0, w: 10, h: 4 }),
      (d) => (at(d.panels, 2).targets = []),
      (d) => delete at(at(d.panels, 3).targets, 0).rawSql,
      (d) => (at(at(d.panels, 4).targets, 0).format = 1),
      (d) => delete at(d.panels, 0).datasource,
      (d) => (at(d.templating.list, 0).type = 'nonsense'),
      (d) => (ofType(d, 'stat').options.colorMode = 'rainbow'),
      (d) => delete ofType(d, 'heatmap').options.showValue,
      (d) => delete ofType(d, 'table').options.showHeader,
      (d) => (ofType(d, 'timeseries').options.legend = { showLegend: true }),
    ];
    for (const breakIt of breakages) {
      const copy = structuredClone(good) as RawDashboard;
      breakIt(copy);
      expect(dashboardSchema.safeParse(copy).success).toBe(false);
    }
  });

  for (const file of dashboardFiles) {
    describe(file, () => {
      it('has unique panel ids and no overlapping panels', () => {
        expect(layoutProblems(dashboard(file))).toEqual([]);
      });

      it('uses the ClickHouse data source everywhere', () => {
        const d = dashboard(file);
        for (const panel of d.panels) {
          expect(panel.datasource, panel.title).toEqual(DATASOURCE);
          for (const t of panel.targets) expect(t.datasource, panel.title).toEqual(DATASOURCE);
        }
        for (const v of d.templating.list) expect(v.datasource, v.name).toEqual(DATASOURCE);
        const queries = d.annotations.list.filter((a) => a.builtIn !== 1);
        expect(queries.length).toBeGreaterThan(0);
        for (const a of queries) {
          expect(a.datasource).toEqual(DATASOURCE);
          expect(a.target?.datasource).toEqual(DATASOURCE);
        }
      });

      it('has a column expectation for every panel', () => {
        const titles = dashboard(file).panels.map((p) => p.title);
        expect(titles.sort()).toEqual(Object.keys(EXPECTED_COLUMNS[file] ?? {}).sort());
      });

      it('keeps to SQL that ClickHouse 18.16 runs ($__timeInterval expands to toStartOfInterval)', () => {
        const d = dashboard(file);
        const sqls = [
          ...d.panels.flatMap((p) => p.targets.map((t) => t.rawSql)),
          ...d.templating.list.map((v) => v.query),
        ];
        for (const sql of sqls) {
          expect(sql).not.toMatch(/\$__timeInterval|toStartOfInterval|DateTime64|LowCardinality/);
          // Untrusted topic keys reach SQL only through Grafana's quoting format.
          expect(sql).not.toMatch(/'\$\{?(kind|key|model)/);
        }
      });
    });
  }

  it('provisions the data source and the dashboards folder', () => {
    const ds = parseYaml(
      readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/clickhouse.yaml'), 'utf8'),
    );
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({ uid: DATASOURCE.uid, type: DATASOURCE.type });
    expect(ds.datasources[0].jsonData.host).toMatch(/\$\{\w+\}/);
    const provider = parseYaml(
      readFileSync(join(ROOT, 'deploy/grafana/provisioning/dashboards/bellwether.yaml'), 'utf8'),
    );
    expect(provider.providers[0]).toMatchObject({ type: 'file' });
    expect(provider.providers[0].options.path).toMatch(/dashboards/);
  });
});

describe('Grafana dashboards: every query runs on the embedded store', () => {
  let store: Store;
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-dash-sql-'));
  const ctx: GrafanaQueryContext = {
    fromMs: END - 6 * HOUR,
    toMs: END,
    intervalMs: 5 * 60_000,
    variables: { model: MODEL, kind: 'ticker', key: SHOCK.ticker },
  };
  const run = (sql: string, over: Partial<GrafanaQueryContext> = {}): Promise<Row[]> =>
    store.query<Row>(expandGrafanaSql(sql, { ...ctx, ...over }));

  beforeAll(async () => {
    store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
    await store.connect();
    // 30 h: the drill-down's 24 h baseline needs history before the 6 h range.
    const items = syntheticStream({
      startMs: END - 30 * HOUR,
      endMs: END,
      gapMs: 40_000,
      shock: SHOCK,
      modelVersion: MODEL,
    });
    for (let i = 0; i < items.length; i += 2_000)
      await store.writeScored(items.slice(i, i + 2_000));
    await store.writeScored(exxonChevronItems(MODEL, END));
    await store.appendAlertTransitions(
      syntheticShockTransitions(
        SHOCK.ticker,
        SHOCK.fromMs + 20 * 60_000,
        SHOCK.fromMs + 30 * 60_000,
      ),
    );
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const file of Object.keys(EXPECTED_COLUMNS)) {
    const d = dashboard(file);
    for (const panel of d.panels) {
      it(`${file}: "${panel.title}" returns its columns and rows`, async () => {
        for (const target of panel.targets) {
          const rows = await run(target.rawSql);
          expect(rows.length, panel.title).toBeGreaterThan(0);
          const expected = EXPECTED_COLUMNS[file]?.[panel.title] ?? [];
          expect(Object.keys(rows[0] ?? {}), panel.title).toEqual(
            expect.arrayContaining([...expected]),
          );
          if (target.queryType === 'timeSeries') {
            const times = rows.map((r) => Date.parse(`${String(r.time).replace(' ', 'T')}Z`));
            expect(times.every((t) => t >= ctx.fromMs - ctx.intervalMs && t <= ctx.toMs)).toBe(
              true,
            );
            expect([...times].sort((a, b) => a - b)).toEqual(times);
          }
        }
      });
    }

    for (const variable of d.templating.list) {
      it(`${file}: variable $${variable.name} lists values`, async () => {
        const rows = await run(variable.query);
        expect(rows.length).toBeGreaterThan(0);
        const values = rows.map((r) => Object.values(r)[0]);
        const expected = { model: MODEL, kind: 'ticker', key: SHOCK.ticker }[variable.name];
        expect(values).toContain(expected);
      });
    }

    for (const annotation of d.annotations.list.filter((a) => a.target !== undefined)) {
      it(`${file}: annotation "${annotation.name}" returns time, text and tags`, async () => {
        const rows = await run(annotation.target?.rawSql ?? '');
        expect(rows.map((r) => r.text)).toEqual([
          expect.stringContaining('inactive -> pending'),
          expect.stringContaining('pending -> firing'),
        ]);
        expect(Object.keys(rows[0] ?? {})).toEqual(['time', 'text', 'tags']);
      });
    }
  }

  it('variables chain: the key list follows the selected kind', async () => {
    const keyVar = dashboard('topic-drilldown.json').templating.list.find((v) => v.name === 'key');
    const sectors = await run(keyVar?.query ?? '', {
      variables: { model: MODEL, kind: 'sector', key: '' },
    });
    expect(sectors.map((r) => r.key)).toContain('Energy');
    expect(sectors.map((r) => r.key)).not.toContain('XOM');
  });

  it('the shocked ticker leads the negative movers and breaks above its 24 h baseline', async () => {
    const overview = dashboard('market-overview.json');
    const movers = overview.panels.find((p) => p.title === 'Top negative movers');
    const rows = await run(movers?.targets[0]?.rawSql ?? '', { fromMs: SHOCK.fromMs });
    expect(rows.find((r) => r.kind === 'ticker')).toMatchObject({ key: SHOCK.ticker });
    expect(num(rows.find((r) => r.key === SHOCK.ticker)?.change)).toBeLessThan(-0.2);

    const drill = dashboard('topic-drilldown.json');
    const baseline = drill.panels.find((p) => p.title === 'Negative share vs 24 h baseline');
    const series = await run(baseline?.targets[0]?.rawSql ?? '', { intervalMs: 30 * 60_000 });
    const inShock = series.filter(
      (r) => Date.parse(`${String(r.time).replace(' ', 'T')}Z`) >= SHOCK.fromMs,
    );
    const calm = series.filter(
      (r) => Date.parse(`${String(r.time).replace(' ', 'T')}Z`) < SHOCK.fromMs - 60 * 60_000,
    );
    expect(inShock.length).toBeGreaterThan(0);
    expect(calm.length).toBeGreaterThan(0);
    for (const r of inShock)
      expect(num(r.negative_share)).toBeGreaterThan(num(r.baseline_24h) + 0.2);
    for (const r of calm)
      expect(Math.abs(num(r.negative_share) - num(r.baseline_24h))).toBeLessThan(0.3);
  });

  it('issue 15.5 — company sentiment lists the entity score of the chosen company beside the headline score', async () => {
    const drill = dashboard('topic-drilldown.json');
    const panel = drill.panels.find((p) => p.title === 'Company sentiment in headlines');
    const sql = panel?.targets[0]?.rawSql ?? '';
    const listed = async (kind: string, key: string) =>
      (await run(sql, { variables: { model: MODEL, kind, key } })).map((r) => [
        r.title,
        r.company,
        r.entity_label,
        num(r.entity_score),
        r.headline_label,
        num(r.headline_score),
      ]);
    // Newest first; one row per headline even though each names two companies.
    const chevron = [0, 1, 2, 3].map((i) => [
      `Exxon slides as Chevron climbs ${i}`,
      'Chevron',
      'positive',
      0.6,
      'neutral',
      0.05,
    ]);
    expect(await listed('ticker', 'CVX')).toEqual(chevron);
    expect(await listed('company', 'Chevron')).toEqual(chevron);
    expect((await listed('ticker', 'XOM')).map((r) => [r[1], r[3]])).toEqual(
      Array(4).fill(['Exxon Mobil', -0.7]),
    );
    // A sector names no company, and a company key is not taken for a ticker.
    expect(await listed('sector', 'Energy')).toEqual([]);
    expect(await listed('ticker', 'Chevron')).toEqual([]);
    // A range that starts inside an item's minute still lists it.
    const newest = END - 10 * 60_000 + 30_000;
    const late = await run(sql, {
      fromMs: newest - 10_000,
      variables: { model: MODEL, kind: 'ticker', key: 'CVX' },
    });
    expect(late.map((r) => r.title)).toEqual(['Exxon slides as Chevron climbs 0']);
  });

  it('a topic key with quotes is bound safely through the sqlstring format', async () => {
    const drill = dashboard('topic-drilldown.json');
    const mentions = drill.panels.find((p) => p.title === 'Mentions');
    const rows = await run(mentions?.targets[0]?.rawSql ?? '', {
      variables: { model: MODEL, kind: 'ticker', key: "X' OR '1'='1" },
    });
    // No match for the odd key: sum over no rows is 0, not the whole table.
    expect(rows.map((r) => num(r.mentions))).toEqual([0]);
  });
});
