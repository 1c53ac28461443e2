// The built-in dashboard in a real browser (Debian's chromium via playwright-core) while a simulated replay writes items and an alert fires: the page must update in place.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { Store } from '../../src/core/store.ts';
import { createEmbeddedStore } from '../../src/store/embedded/embedded-store.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';
import { ARTIFACTS, browserAvailable, launchChromium } from '../support/browser.ts';
import { teslaSlumpsFordGains } from '../support/entity-items.ts';
import { syntheticShockTransitions, syntheticStream } from '../support/synthetic-items.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 14, 0, 0);
const STEPS = 6;
const STEP_MS = 5 * MIN;

// A machine without the browser skips, unless told the browser is required (CI sets this).
const available = browserAvailable();

describe.skipIf(!available)('built-in dashboard in chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-browser-'));
  const clock = new ManualClock(T0);
  let store: Store;
  let server: WebServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
    await store.connect();
    // Calm history before the replay starts.
    await store.writeScored(syntheticStream({ startMs: T0 - 6 * HOUR, endMs: T0, gapMs: 45_000 }));
    server = await startWebServer({
      store,
      port: 0,
      logger: silentLogger,
      clock,
      snapshotIntervalMs: 250,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Generous: `npm test` runs files in parallel on a small machine.
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('updates chart, tables and alerts live while a replay runs', async () => {
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => failedRequests.push(r.url()));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${server.url}/#t=ticker:XOM,sector:Energy`);
    await page.waitForSelector('#status[data-state="live"]');
    await page.waitForSelector('.chart[data-topic="ticker:XOM"] canvas');
    await page.waitForSelector('#items tbody tr');
    // A marker on window: it survives only if the page never reloads.
    await page.evaluate(() => Object.assign(window, { bellwetherMarker: 42 }));
    const pointsBefore = Number(
      await page.getAttribute('.chart[data-topic="ticker:XOM"]', 'data-points'),
    );
    expect(pointsBefore).toBeGreaterThan(0);
    expect(await page.locator('#alerts li').count()).toBe(0);

    // Replay: batches of shocked news, the clock following the stream, an alert on the way.
    let newestId = '';
    for (let step = 1; step <= STEPS; step++) {
      const from = T0 + (step - 1) * STEP_MS;
      const batch = syntheticStream({
        startMs: from,
        endMs: from + STEP_MS,
        gapMs: 12_000,
        shock: { ticker: 'XOM', fromMs: T0, toMs: T0 + STEPS * STEP_MS },
        seed: step,
      });
      await store.writeScored(batch);
      newestId = batch.at(-1)?.id ?? '';
      clock.set(from + STEP_MS);
      if (step === 3) {
        await store.appendAlertTransitions(
          syntheticShockTransitions('XOM', from + MIN, from + 3 * MIN),
        );
      }
      await page.waitForSelector(`#items tbody tr[data-id="${newestId}"]`);
    }

    await page.waitForSelector('#alerts li[data-state="firing"]');
    const firing = page.locator('#alerts li[data-state="firing"]');
    expect(await firing.textContent()).toContain('XOM');
    expect(await page.textContent('#kpi-firing')).toBe('1');
    expect(await page.getAttribute('#items tbody tr:first-child', 'data-id')).toBe(newestId);
    await page.waitForFunction(
      (before) =>
        Number(
          document.querySelector('.chart[data-topic="ticker:XOM"]')?.getAttribute('data-points'),
        ) > before,
      pointsBefore,
    );
    const negativeMovers = await page
      .locator('#movers-negative tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-topic')));
    expect(negativeMovers).toContain('ticker:XOM');
    expect(await page.textContent('#status-text')).toContain(
      new Date(T0 + STEPS * STEP_MS).toISOString().slice(11, 16),
    );
    expect(
      await page.evaluate(
        () => (window as unknown as { bellwetherMarker?: number }).bellwetherMarker,
      ),
    ).toBe(42);
    expect(pageErrors).toEqual([]);
    expect(failedRequests.filter((u) => !u.includes('/api/v1/events'))).toEqual([]);

    // The analyst adds a topic by typing its ticker and drops another: charts follow, the hash keeps the choice.
    await page.fill('#topic-input', 'cvx');
    await page.press('#topic-input', 'Enter');
    await page.waitForSelector('.chart[data-topic="ticker:CVX"][data-points]');
    expect(
      Number(await page.getAttribute('.chart[data-topic="ticker:CVX"]', 'data-points')),
    ).toBeGreaterThan(0);
    await page.click('.chart[data-topic="sector:Energy"] button.topic-remove');
    await page.waitForSelector('.chart[data-topic="sector:Energy"]', { state: 'detached' });
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe('#t=ticker:XOM,ticker:CVX');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  }, 180_000);

  it('issue 15.3 — a headline’s story badge opens the story with its copies', async () => {
    const endMs = T0 + STEPS * STEP_MS;
    const storyId = '00000000005e1';
    const copies = syntheticStream({ startMs: endMs - 2 * MIN, endMs, gapMs: 40_000, seed: 99 })
      .slice(0, 2)
      .map((item, i) => ({
        ...item,
        id: `story-copy-${i}`,
        title:
          i === 0 ? 'Exxon halts refinery after fire' : 'UPDATE 1-Exxon halts refinery after fire',
        story: { storyId, firstOfStory: i === 0, storyItems1h: i, storyItems24h: i },
      }));
    await store.writeScored(copies);
    const badge = page.locator('#items tbody tr[data-id="story-copy-1"] .story-badge');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('copy +1');
    await badge.click();
    await page.waitForSelector('#story-card:not([hidden]) #story-items tbody tr');
    expect(await page.textContent('#story-title')).toBe(`Story ${storyId}: 2 items`);
    const rows = await page
      .locator('#story-items tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(rows).toEqual(['story-copy-0', 'story-copy-1']);
    // The story card opens below the headlines, not on top of them (both once shared one grid area).
    const headlinesBox = await page.locator('#items').boundingBox();
    const storyBox = await page.locator('#story-card').boundingBox();
    expect(storyBox?.y).toBeGreaterThanOrEqual(
      (headlinesBox?.y ?? 0) + (headlinesBox?.height ?? 0),
    );
  }, 60_000);

  it('issue 15.5 — a headline shows each company’s own sentiment, and a topic’s headlines the score it got', async () => {
    const endMs = T0 + STEPS * STEP_MS;
    // Near-neutral headline (+0.05): Tesla −0.80, Ford +0.70.
    await store.writeScored([teslaSlumpsFordGains('tesla-ford', 'synthetic-1', endMs - 10_000)]);
    const row = page.locator('#items tbody tr[data-id="tesla-ford"]');
    await row.waitFor();
    const chips = await row
      .locator('.chip.entity')
      .evaluateAll((spans) =>
        spans.map((s) => [s.textContent, s.getAttribute('data-label'), s.className]),
      );
    expect(chips).toEqual([
      ['TSLA \u25bc \u22120.80', 'negative', 'chip entity neg'],
      ['F \u25b2 +0.70', 'positive', 'chip entity pos'],
    ]);
    // The companies an entity chip stands for get no plain chip beside it; the headline keeps its own score.
    expect(await row.locator('.chip:not(.entity)').count()).toBe(0);
    expect(await row.locator('td.score').textContent()).toBe('+0.05');

    // Ford's chip charts ticker:F; its headlines list the score ticker:F got, beside the headline's.
    await row.locator('.chip.entity[data-ticker="F"]').click();
    await page.waitForSelector('.chart[data-topic="ticker:F"]');
    await page.click('.chart[data-topic="ticker:F"] button.topic-headlines');
    const listed = page.locator('#topic-items-card:not([hidden]) tr[data-id="tesla-ford"]');
    await listed.waitFor();
    expect(await page.textContent('#topic-items-title')).toBe('Headlines about ticker:F');
    expect(await listed.getAttribute('data-from-entity')).toBe('true');
    expect(await listed.locator('td.score').allTextContents()).toEqual(['+0.70', '+0.05']);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-entities.png'), fullPage: true });
  }, 60_000);
});
