/** The on-disk record of backend probes (one per model version, with the machine it ran on), and this machine's fingerprint and load. */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { BACKENDS } from '../config/model.ts';
import type { CachedChoice, Machine } from './backend-choice.ts';

const FILE = 'backend-choice.json';
/** Versions of old models are dropped beyond this many, newest kept. */
const KEEP = 16;
/** Packages whose version changes what a probe would measure. */
const PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
] as const;

const concrete = z.enum(BACKENDS).exclude(['auto']);
const entrySchema = z.object({
  modelVersion: z.string(),
  machine: z.object({
    cpu: z.string(),
    cores: z.number(),
    platform: z.string(),
    backends: z.record(z.string(), z.string()),
  }),
  probe: z.string(),
  figures: z.partialRecord(concrete, z.number().positive()),
  backend: concrete,
  measuredAt: z.string(),
  loadPerCore: z.number().nonnegative(),
});
const fileSchema = z.record(z.string(), entrySchema);

export interface ChoiceCache {
  /** Cached probes by model version. */
  entries: Record<string, CachedChoice>;
  /** Why an existing file could not be used (it is then rewritten). */
  problem?: string;
}

function installedVersion(pkg: string): string {
  const require = createRequire(import.meta.url);
  try {
    const json = JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as {
      version?: unknown;
    };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    // Unresolvable means not installed: the native packages are optional.
    return 'absent';
  }
}

export function currentMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    platform: `${process.platform}-${process.arch}`,
    backends: Object.fromEntries(PACKAGES.map((pkg) => [pkg, installedVersion(pkg)])),
  };
}

/** The one-minute load average per core: how much other work competes with a probe. */
export function loadPerCore(): number {
  const [oneMinute = 0] = loadavg();
  return Math.round((oneMinute / availableParallelism()) * 100) / 100;
}

export async function readChoiceCache(dir: string): Promise<ChoiceCache> {
  const file = path.join(dir, FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: {} };
    return { entries: {}, problem: `${file} unreadable: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { entries: {}, problem: `${file} is not JSON: ${(error as Error).message}` };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      entries: {},
      problem: `${file} has an unexpected shape at ${issue?.path.join('.') ?? '(root)'}: ${issue?.message ?? ''}`,
    };
  }
  return { entries: parsed.data };
}

/** Records `entry` beside the others (newest KEEP kept); written whole and renamed, so readers never see half a file. */
export async function writeChoiceCache(
  dir: string,
  entries: Record<string, CachedChoice>,
  entry: CachedChoice,
): Promise<void> {
  const all = { ...entries, [entry.modelVersion]: entry };
  const kept = Object.values(all)
    .sort((a, b) => b.measuredAt.localeCompare(a.measuredAt))
    .slice(0, KEEP);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  const json = Object.fromEntries(kept.map((e) => [e.modelVersion, e]));
  await writeFile(temporary, `${JSON.stringify(json, null, 2)}\n`);
  await rename(temporary, file);
}
