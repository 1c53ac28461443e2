/** Which code this process runs — the compiled build in dist/ (made by `npm run build`) or the TypeScript sources through tsx — and where its worker-thread modules are. */

/** Every module of a process comes from the same layout, so this module's own extension tells which. */
export const RUNS_COMPILED = !import.meta.url.endsWith('.ts');

/**
 * The module a worker thread starts for `<name>.ts` beside `base` (the caller's import.meta.url): compiled,
 * `<name>.js` itself; from the sources, the plain-JS `<name>-entry.js` that registers tsx in the thread first,
 * because loader flags do not reach worker threads reliably.
 */
export function workerModuleUrl(name: string, base: string): URL {
  return new URL(RUNS_COMPILED ? `./${name}.js` : `./${name}-entry.js`, base);
}
