/** Decides `auto` from figures: a cached probe of this model version on this machine, else the fastest a fresh probe measured. */
import { AUTO_ORDER, type ConcreteBackend } from './backend.ts';

/** Texts/s of one model on each backend that loaded. */
export type ProbeFigures = Partial<Record<ConcreteBackend, number>>;

/** What a probe's figures depend on besides the model: the same model is probed again when one changes. */
export interface Machine {
  cpu: string;
  cores: number;
  platform: string;
  /** Package versions of tfjs-core and each backend package ('absent' when not installed). */
  backends: Record<string, string>;
}

export interface CachedChoice {
  modelVersion: string;
  machine: Machine;
  /** How the figures were measured (PROBE_METHOD at the time). */
  probe: string;
  figures: ProbeFigures;
  backend: ConcreteBackend;
  measuredAt: string;
  /** One-minute load average per core while probing. */
  loadPerCore: number;
}

/** Names how backend-probe.ts measures: change it with the method, so older figures are measured again. */
export const PROBE_METHOD = 'v2: 256 synthetic headlines, best of two';

/** Above this one-minute load per core other work competed with a probe: its figures stand only until a calmer start. */
export const BUSY_LOAD_PER_CORE = 1.5;

export type BackendPlan =
  | { kind: 'cached'; entry: CachedChoice }
  | { kind: 'probe'; reason: string };

/** The fastest backend measured; a tie goes to the one earlier in the auto order. */
export function pickFastest(figures: ProbeFigures): ConcreteBackend {
  let best: ConcreteBackend | undefined;
  for (const backend of AUTO_ORDER) {
    const value = figures[backend];
    if (value === undefined) continue;
    if (best === undefined || value > (figures[best] ?? 0)) best = backend;
  }
  if (best === undefined) throw new Error('no backend was measured');
  return best;
}

/** What differs between the machine a cached probe ran on and this one, field by field. */
function machineChanges(before: Machine, now: Machine): string[] {
  const changes: string[] = [];
  const note = (name: string, a: unknown, b: unknown) => {
    if (a !== b) changes.push(`${name} ${String(a)} → ${String(b)}`);
  };
  note('cpu', before.cpu, now.cpu);
  note('cores', before.cores, now.cores);
  note('platform', before.platform, now.platform);
  const packages = new Set([...Object.keys(before.backends), ...Object.keys(now.backends)]);
  for (const name of [...packages].sort())
    note(name, before.backends[name] ?? 'absent', now.backends[name] ?? 'absent');
  return changes;
}

/**
 * `auto` reuses a probe only for the same model version on the same machine, measured the same way,
 * and one made while the machine was busy only until a start finds it calm.
 */
export function planBackend(
  modelVersion: string,
  machine: Machine,
  loadPerCore: number,
  cached: CachedChoice | undefined,
): BackendPlan {
  if (cached === undefined) return { kind: 'probe', reason: `no probe cached for ${modelVersion}` };
  if (cached.modelVersion !== modelVersion) {
    return { kind: 'probe', reason: `model ${cached.modelVersion} → ${modelVersion}` };
  }
  if (cached.probe !== PROBE_METHOD) {
    return { kind: 'probe', reason: `probe method ${cached.probe} → ${PROBE_METHOD}` };
  }
  const changes = machineChanges(cached.machine, machine);
  if (changes.length > 0)
    return { kind: 'probe', reason: `machine changed: ${changes.join(', ')}` };
  if (cached.loadPerCore > BUSY_LOAD_PER_CORE && loadPerCore <= BUSY_LOAD_PER_CORE) {
    return {
      kind: 'probe',
      reason: `the cached probe ran under load ${cached.loadPerCore} per core, this start sees ${loadPerCore}`,
    };
  }
  return { kind: 'cached', entry: cached };
}

/** `wasm 830 texts/s, cpu 21 texts/s`, fastest first. */
export function describeFigures(figures: ProbeFigures): string {
  return Object.entries(figures)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([backend, value]) => `${backend} ${Math.round(value ?? 0)} texts/s`)
    .join(', ');
}
