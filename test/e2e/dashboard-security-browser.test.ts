// The built-in dashboard in chromium under its Content-Security-Policy: a stored javascript: url is never a link, and the page still works.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { Store } from '../../src/core/store.ts';
import { createEmbeddedStore } from '../../src/store/embedded/embedded-store.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { syntheticStream } from '../support/synthetic-items.ts';

const T0 = Date.UTC(2026, 5, 1, 14, 0, 0);
const HOUR = 3_600_000;

describe.skipIf(!browserAvailable())(
  'issue 14.4 — dashboard links and Content-Security-Policy in chromium',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'bellwether-csp-'));
    let store: Store;
    let server: WebServer;
    let browser: Browser;
    let evilTitle = '';

    beforeAll(async () => {
      store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
      await store.connect();
      // Written straight to the store, as an item stored before links were checked at ingest would be.
      const items = syntheticStream({ startMs: T0 - 2 * HOUR, endMs: T0, gapMs: 60_000 }).map(
        (item, i, all) =>
          i === all.length - 1
            ? { ...item, id: 'evil', url: 'javascript:alert(document.cookie)' }
            : i === all.length - 2
              ? { ...item, id: 'good', url: 'https://news.example/good' }
              : item,
      );
      evilTitle = items.at(-1)?.title ?? '';
      await store.writeScored(items);
      server = await startWebServer({
        store,
        port: 0,
        logger: silentLogger,
        clock: new ManualClock(T0),
        snapshotIntervalMs: 250,
      });
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sends a strict CSP with nosniff and no-referrer, renders no javascript: link, and still charts live', async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(30_000);
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      // Anything the policy blocks (a script, a style, a connection) is reported here.
      await page.addInitScript(() => {
        const seen: string[] = [];
        Object.assign(window, { cspViolations: seen });
        document.addEventListener('securitypolicyviolation', (e) =>
          seen.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });

      const response = await page.goto(`${server.url}/#t=ticker:XOM`);
      const headers = response?.headers() ?? {};
      const csp = headers['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');

      await page.waitForSelector('#status[data-state="live"]');
      await page.waitForSelector('.chart[data-topic="ticker:XOM"] canvas');
      await page.waitForSelector('#items tbody tr[data-id="evil"]');

      expect(await page.locator('#items tbody tr[data-id="evil"] a').count()).toBe(0);
      expect(await page.locator('#items tbody tr[data-id="evil"]').textContent()).toContain(
        evilTitle,
      );
      expect(await page.getAttribute('#items tbody tr[data-id="good"] a', 'href')).toBe(
        'https://news.example/good',
      );
      expect(
        await page
          .locator('#items a[href]')
          .evaluateAll((links) =>
            links.map((a) => a.getAttribute('href')).filter((href) => !/^https?:/.test(href ?? '')),
          ),
      ).toEqual([]);

      expect(
        await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
      ).toEqual([]);
      expect(pageErrors).toEqual([]);
      await page.close();
    }, 120_000);
  },
);
