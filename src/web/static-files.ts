/** Serves the dashboard page and its vendored uPlot build from a fixed whitelist (no path from the URL ever reaches the filesystem). */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** uPlot is resolved through node's resolver, so it is found wherever npm placed it. */
const uplotDist = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

interface StaticAsset {
  file: string;
  type: string;
}

const ASSETS: Readonly<Record<string, StaticAsset>> = {
  '/': { file: join(here, 'static', 'index.html'), type: 'text/html; charset=utf-8' },
  '/index.html': { file: join(here, 'static', 'index.html'), type: 'text/html; charset=utf-8' },
  '/static/app.js': {
    file: join(here, 'static', 'app.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/static/style.css': { file: join(here, 'static', 'style.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uplot.js': {
    file: join(uplotDist, 'uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/vendor/uplot.css': { file: join(uplotDist, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** Files are read once and kept: the set is small and fixed. */
const cache = new Map<string, Buffer>();

export function isStaticPath(path: string): boolean {
  return Object.hasOwn(ASSETS, path);
}

export async function serveStatic(path: string, res: ServerResponse): Promise<void> {
  const asset = ASSETS[path];
  if (asset === undefined) throw new Error(`not a static asset: ${path}`);
  let body = cache.get(asset.file);
  if (body === undefined) {
    body = await readFile(asset.file);
    cache.set(asset.file, body);
  }
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': body.length,
    'cache-control': 'no-cache',
  });
  res.end(body);
}
