// The watchlist loader: JSON and YAML files, every problem named with its path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { loadWatchlist } from './watchlist.ts';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-watchlist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(path: string): readonly string[] {
  try {
    loadWatchlist(path);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`${path} loaded without error`);
}

describe('loadWatchlist', () => {
  it('loads the default watchlist with its tricky tickers', () => {
    const list = loadWatchlist(
      fileURLToPath(new URL('../../config/watchlist.json', import.meta.url)),
    );
    expect(list.companies.length).toBeGreaterThanOrEqual(60);
    const tickers = new Set(list.companies.map((c) => c.ticker));
    for (const t of ['GE', 'F', 'T', 'BRK.B', 'META', 'GOOGL'])
      expect(tickers.has(t), t).toBe(true);
  });

  it('reads YAML and fills defaults', () => {
    const path = write(
      'list.yaml',
      'companies:\n  - ticker: XOM\n    name: Exxon Mobil\n    aliases: [Exxon]\n    sector: Energy\n',
    );
    const list = loadWatchlist(path);
    expect(list.companies[0]).toMatchObject({ ticker: 'XOM', aliases: ['Exxon'], keywords: [] });
  });

  it('names every problem with its path at once', () => {
    const path = write(
      'bad.json',
      JSON.stringify({
        companies: [
          { ticker: 'aapl', name: 'Apple', sector: 'Information Technology' },
          { ticker: 'MSFT', sector: 'Information Technology' },
          {
            ticker: 'GOOGL',
            name: 'Alphabet',
            sector: 'Communication Services',
            altTickers: ['MSFT'],
          },
          { ticker: 'TSLA', name: 'Tesla', sector: 'Consumer Discretionary', colour: 'red' },
        ],
      }),
    );
    const problems = problemsOf(path).join('\n');
    expect(problems).toMatch(/companies\.0\.ticker: expected an upper-case ticker/);
    expect(problems).toMatch(/companies\.1\.name/);
    expect(problems).toMatch(/companies\.2\.ticker: ticker MSFT already used by companies\.1/);
    expect(problems).toMatch(/companies\.3.*colour/);
  });

  it('reports unreadable and unparsable files', () => {
    expect(problemsOf(join(dir, 'missing.json'))[0]).toMatch(/file not found/);
    expect(problemsOf(write('broken.json', '{"companies": ['))[0]).toMatch(/not valid JSON/);
    expect(problemsOf(write('broken.yaml', 'companies: [\n'))[0]).toMatch(/not valid YAML/);
    expect(problemsOf(write('empty.yaml', 'companies: []\n'))[0]).toMatch(/^companies:/);
  });
});
