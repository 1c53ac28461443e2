/** The `--version` line: the package version and which code answers it — the compiled build (and when it was built) or the sources. */
import { readFileSync } from 'node:fs';
import { RUNS_COMPILED } from '../core/code-layout.ts';

function readJson<T>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

export function versionLine(): string {
  // src/cli/ and dist/cli/ both sit two levels below the package root.
  const { version } = readJson<{ version: string }>(new URL('../../package.json', import.meta.url));
  if (!RUNS_COMPILED) return `bellwether ${version} (TypeScript sources through tsx)`;
  const { builtAt } = readJson<{ builtAt: string }>(
    new URL('../build-stamp.json', import.meta.url),
  );
  return `bellwether ${version} (compiled build of ${builtAt})`;
}
