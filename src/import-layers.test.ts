/** The layering of src/ (DESIGN.md §2) checked over the real import graph: no module imports from a higher layer, and no product module imports vitest. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/**
 * Lowest first. A module may import from its own folder and from folders of strictly lower layers; folders
 * of one layer stay independent of each other (they meet through the ports in core/).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['config'],
  ['topics', 'model', 'bus', 'store', 'ingest'],
  ['stories'],
  ['scoring', 'sink', 'alerts', 'web'],
  ['pipeline'],
  ['cli'],
];

const layerOf = new Map(LAYERS.flatMap((folders, rank) => folders.map((f) => [f, rank] as const)));

/** Static imports, export-from, side-effect imports and dynamic import() with a literal specifier. */
const SPECIFIER_PATTERNS = [
  /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function specifiersOf(text: string): string[] {
  return SPECIFIER_PATTERNS.flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => match[1] ?? ''),
  );
}

const isTest = (file: string): boolean => file.endsWith('.test.ts');

/** Product modules under src/ (tests beside the code are left out), as paths relative to src/. */
function productModules(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|js)$/.test(file) && !isTest(file))
    .map((file) => file.split(sep).join('/'));
}

interface Edge {
  from: string;
  specifier: string;
}

function edges(): Edge[] {
  return productModules().flatMap((from) =>
    specifiersOf(readFileSync(join(SRC, from), 'utf8')).map((specifier) => ({ from, specifier })),
  );
}

const topFolder = (path: string): string => path.split('/')[0] ?? '';

/** Why `edge` breaks the layering, or undefined when it is allowed. */
function layeringProblem(edge: Edge): string | undefined {
  if (!edge.specifier.startsWith('.')) return undefined;
  const target = relative(SRC, resolve(SRC, dirname(edge.from), edge.specifier))
    .split(sep)
    .join('/');
  if (target.startsWith('..')) return `${edge.from} imports ${edge.specifier}, outside src/`;
  const fromFolder = topFolder(edge.from);
  const toFolder = topFolder(target);
  if (fromFolder === toFolder) return undefined;
  const fromRank = layerOf.get(fromFolder);
  const toRank = layerOf.get(toFolder);
  if (fromRank === undefined || toRank === undefined) {
    return `${edge.from} imports ${target}: a folder without a layer`;
  }
  if (toRank >= fromRank) {
    return `${edge.from} (layer ${fromRank}) imports ${target} (layer ${toRank})`;
  }
  return undefined;
}

describe('issue 16.6 — no import from a higher layer, no product module importing vitest', () => {
  const graph = edges();

  it('reads the real graph (the parser finds static, export-from and dynamic imports)', () => {
    expect(specifiersOf("import a from './a.ts';\nexport { b } from '../b.ts';")).toEqual([
      './a.ts',
      '../b.ts',
    ]);
    expect(specifiersOf("import {\n  c,\n} from './c.ts';\nawait import('./d.ts');")).toEqual([
      './c.ts',
      './d.ts',
    ]);
    expect(graph.length).toBeGreaterThan(200);
    expect(graph).toContainEqual({ from: 'cli/main.ts', specifier: '../core/errors.ts' });
  });

  it('gives every folder of src/ a layer', () => {
    const folders = new Set(productModules().map(topFolder));
    expect([...folders].filter((folder) => !layerOf.has(folder))).toEqual([]);
  });

  it('flags an import upwards, sideways within a layer, and out of src/', () => {
    expect(layeringProblem({ from: 'scoring/x.ts', specifier: '../pipeline/y.ts' })).toMatch(
      /layer 4\) imports pipeline\/y\.ts \(layer 5\)/,
    );
    expect(layeringProblem({ from: 'bus/x.ts', specifier: '../store/y.ts' })).toBeDefined();
    expect(layeringProblem({ from: 'web/x.ts', specifier: '../../test/y.ts' })).toMatch(/outside/);
    expect(layeringProblem({ from: 'sink/x.ts', specifier: '../core/y.ts' })).toBeUndefined();
  });

  it('has no module importing from a higher layer', () => {
    const problems = graph.map(layeringProblem).filter((problem) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  it('has no product module importing vitest (test-only code lives under test/)', () => {
    const offenders = graph
      .filter(({ specifier }) => specifier === 'vitest' || specifier.startsWith('vitest/'))
      .map(({ from }) => from);
    expect(offenders).toEqual([]);
  });
});
