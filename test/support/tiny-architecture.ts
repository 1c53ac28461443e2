/** The smallest hybrid architecture worth building in a test: every branch present, milliseconds to run. */
import type { ArchitectureConfig } from '../../src/model/architecture.ts';

export function tinyArchitecture(overrides: Partial<ArchitectureConfig> = {}): ArchitectureConfig {
  return {
    vocabSize: 50,
    maxLen: 12,
    dim: 8,
    blocks: 1,
    heads: 2,
    ffDim: 16,
    lstmUnits: 4,
    fusion: 'gate',
    hidden: 8,
    dropout: 0,
    ngramBuckets: 32,
    ngramDim: 4,
    ...overrides,
  };
}
