// The whole pipeline seen through the built-in dashboard: the real `bellwether run` replays the TSLA shock stream while chromium watches the page update in place and the shock alert arrive.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserAvailable, CHROMIUM, launchChromium } from '../support/browser.ts';
import { repoRoot, startCli } from '../support/cli.ts';

interface Manifest {
  start: string;
  expected: { alerts: { topic: { kind: string; key: string }; from: string; to: string }[] };
}

const STREAM = 'fixtures/streams/shock-tsla';
// 400× reaches the shock (10 h into the stream) in about 90 s. Faster, the alert engine (one evaluation per
// stream minute, each a few store queries) falls behind stream time on a busy two-core machine: at 600× the
// alert still arrives during the replay, but with the page already hours of stream time past the shock.
const SPEED = '400';
const TSLA_CHART = '.chart[data-topic="ticker:TSLA"]';

const manifest = JSON.parse(
  readFileSync(join(repoRoot, STREAM, 'manifest.json'), 'utf8'),
) as Manifest;
// The alert feed shows a ticker as its bare key and other kinds as kind:key (and summaries name the key).
const expectedAlertKeys = manifest.expected.alerts.map((a) => a.topic.key);
const alertRange = manifest.expected.alerts.map((a) => ({
  from: Date.parse(a.from),
  to: Date.parse(a.to),
}));

interface LogLine {
  msg?: string;
  url?: string;
}

/** The CLI's JSON log lines on stderr, kept (bounded) for assertions and for the failure message. */
class CliLog {
  readonly lines: LogLine[] = [];
  private readonly tail: string[] = [];
  private partial = '';

  push(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.tail.push(line);
      if (this.tail.length > 40) this.tail.shift();
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        // Not every stderr line is a log record (e.g. a crash trace); the tail keeps it.
      }
    }
  }

  recent(): string {
    return [...this.tail, this.partial].join('\n');
  }
}

/** Resolves with the dashboard URL once the CLI logs it; rejects if the CLI exits or takes too long. */
function dashboardUrl(child: ChildProcess, log: CliLog, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(check, 100);
    const deadline = Date.now() + timeoutMs;
    function check() {
      const url = log.lines.find((l) => l.msg === 'dashboard ready')?.url;
      if (url) {
        clearInterval(timer);
        resolve(url);
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(timer);
        reject(
          new Error(`no "dashboard ready" log line (exit ${child.exitCode}):\n${log.recent()}`),
        );
      }
    }
  });
}

function exitCode(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`CLI still running ${timeoutMs} ms after SIGINT`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const pointsOf = (page: Page) =>
  page.getAttribute(TSLA_CHART, 'data-points').then((v) => Number(v ?? 'NaN'));
const firstHeadline = (page: Page) => page.getAttribute('#items tbody tr:first-child', 'data-id');
const moversText = (page: Page) =>
  page.locator('#movers-negative tbody, #movers-positive tbody').allInnerTexts();

const available = browserAvailable();
if (!available) {
  // Visible in the run's output, not only as a skipped title.
  console.warn(`pipeline-browser: skipped, ${CHROMIUM} is not installed`);
}

describe('bellwether run → built-in dashboard in chromium', () => {
  if (!available) {
    it.skip(`needs ${CHROMIUM} (set BELLWETHER_REQUIRE_BROWSER=1 to fail instead)`, () => {});
    return;
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'bellwether-pipeline-browser-'));
  const log = new CliLog();
  let cli: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    cli = startCli(['run', '--replay', STREAM, '--speed', SPEED, '--port', '0'], {
      BELLWETHER_STORE_PATH: dataDir,
      BELLWETHER_LOG_LEVEL: 'info',
    });
    // Always drained, so a chatty child never blocks on a full pipe.
    cli.stderr?.setEncoding('utf8').on('data', (chunk: string) => log.push(chunk));
    cli.stdout?.resume();
    [url, browser] = await Promise.all([dashboardUrl(cli, log, 90_000), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    // Generous: the pipeline, the browser and other suites share two cores.
    page.setDefaultTimeout(30_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (cli && cli.exitCode === null && cli.signalCode === null) {
      cli.kill('SIGKILL');
      await exitCode(cli, 10_000).catch(() => undefined);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the replay live: TSLA chart, headlines and movers update, the shock alert fires', async () => {
    try {
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      mkdirSync(ARTIFACTS, { recursive: true });

      await page.goto(url);
      await page.waitForSelector('#status[data-state="live"]');
      // A marker on window survives only if the page never reloads.
      await page.evaluate(() => Object.assign(window, { bellwetherMarker: 7 }));

      // The analyst picks TSLA the way the page offers: typing the ticker into the topic box.
      await page.fill('#topic-input', 'tsla');
      await page.press('#topic-input', 'Enter');
      await page.waitForSelector(`${TSLA_CHART} canvas`);
      expect(decodeURIComponent(new URL(page.url()).hash)).toContain('ticker:TSLA');

      // The first TSLA items arrive within seconds of stream time at this speed.
      await page.waitForFunction(
        (sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) > 0,
        TSLA_CHART,
        { timeout: 60_000 },
      );
      const pointsBefore = await pointsOf(page);
      await page.waitForSelector('#items tbody tr[data-id]');
      const headlineBefore = await firstHeadline(page);
      const moversBefore = await moversText(page);
      const statusBefore = await page.textContent('#status-text');

      // Stream time moves on: more TSLA items in the chart, newer headlines, other movers, a later "as of".
      await page.waitForFunction(
        ([sel, before]) =>
          Number(document.querySelector(String(sel))?.getAttribute('data-points')) > Number(before),
        [TSLA_CHART, pointsBefore] as const,
        { timeout: 60_000 },
      );
      await page.waitForFunction(
        (before) =>
          document.querySelector('#items tbody tr:first-child')?.getAttribute('data-id') !== before,
        headlineBefore,
        { timeout: 30_000 },
      );
      await expect
        .poll(() => moversText(page), { timeout: 30_000, interval: 500 })
        .not.toEqual(moversBefore);
      expect(await page.textContent('#status-text')).not.toBe(statusBefore);
      expect(await pointsOf(page)).toBeGreaterThan(pointsBefore);
      await page.screenshot({
        path: join(ARTIFACTS, 'pipeline-dashboard-mid.png'),
        fullPage: true,
      });

      // The shock (14:15–15:45 stream time): TSLA becomes a negative mover, then its alert fires.
      await page.waitForSelector('#movers-negative tbody tr[data-topic="ticker:TSLA"]', {
        timeout: 120_000,
      });
      const firing = page
        .locator('#alerts li[data-state="firing"]')
        .filter({ hasText: new RegExp(expectedAlertKeys.join('|')) });
      await firing.first().waitFor({ timeout: 120_000 });
      // The same snapshot counts it as firing, and its line carries the rule's summary.
      expect(Number(await page.textContent('#kpi-firing'))).toBeGreaterThanOrEqual(1);
      expect((await firing.allInnerTexts()).join('\n')).toMatch(/negative|score/);
      // Its time on the feed (MM-DD HH:mm, UTC) lies inside the manifest's range for it.
      const when = (await firing.first().locator('.when').textContent()) ?? '';
      const firedAt = Date.parse(`${manifest.start.slice(0, 4)}-${when.replace(' ', 'T')}:00Z`);
      expect(firedAt).toBeGreaterThanOrEqual(Math.min(...alertRange.map((r) => r.from)));
      expect(firedAt).toBeLessThanOrEqual(Math.max(...alertRange.map((r) => r.to)));
      // The CLI is still replaying: the alert was seen live, not after the fact.
      expect(log.lines.some((l) => l.msg === 'replay finished')).toBe(false);
      await page.screenshot({ path: join(ARTIFACTS, 'pipeline-dashboard.png'), fullPage: true });

      expect(
        await page.evaluate(
          () => (window as unknown as { bellwetherMarker?: number }).bellwetherMarker,
        ),
      ).toBe(7);
      expect(pageErrors).toEqual([]);

      // Ctrl-C with the page still connected: the CLI drains and exits 0.
      cli.kill('SIGINT');
      const code = await exitCode(cli, 60_000);
      expect(code, log.recent()).toBe(0);
    } catch (error) {
      // The CLI's last log lines say more than a timed-out selector does.
      throw new Error(
        `${(error as Error).message}\n--- bellwether stderr (tail) ---\n${log.recent()}`,
        {
          cause: error,
        },
      );
    }
  }, 240_000);
});
