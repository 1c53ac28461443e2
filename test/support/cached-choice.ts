/** A cached `auto` backend decision as backend-choice-cache.ts stores it, for tests that plant or compare one. */
import { type CachedChoice, type Machine, PROBE_METHOD } from '../../src/model/backend-choice.ts';

export function cachedChoice(
  modelVersion: string,
  machine: Machine,
  overrides: Partial<CachedChoice> = {},
): CachedChoice {
  return {
    modelVersion,
    machine,
    probe: PROBE_METHOD,
    figures: { wasm: 825, cpu: 21 },
    backend: 'wasm',
    measuredAt: '2026-12-01T00:00:00.000Z',
    loadPerCore: 0.4,
    ...overrides,
  };
}
