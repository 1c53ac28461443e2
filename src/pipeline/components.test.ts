// The parts a stage process is built from: its bus config with the stage's own Kafka session timeout.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { stageBusConfig } from './components.ts';

describe('issue 14.17 — the session timeout is configurable per stage', () => {
  const config = parseConfig({
    bus: { type: 'kafka', sessionTimeoutMs: 30_000 },
    scoring: { sessionTimeoutMs: 45_000 },
    sink: { sessionTimeoutMs: 10_000 },
  });

  it("a stage's sessionTimeoutMs replaces bus.sessionTimeoutMs for its consumers", () => {
    expect(stageBusConfig(config.bus, config.sink.sessionTimeoutMs)).toMatchObject({
      type: 'kafka',
      sessionTimeoutMs: 10_000,
    });
    expect(stageBusConfig(config.bus, config.scoring.sessionTimeoutMs)).toMatchObject({
      sessionTimeoutMs: 45_000,
    });
  });

  it('a stage that sets none keeps the bus default, and the memory bus has none to set', () => {
    const defaults = parseConfig({ bus: { type: 'kafka', sessionTimeoutMs: 20_000 } });
    expect(defaults.sink.sessionTimeoutMs).toBeUndefined();
    expect(stageBusConfig(defaults.bus, defaults.sink.sessionTimeoutMs)).toBe(defaults.bus);
    const memory = parseConfig({ sink: { sessionTimeoutMs: 10_000 } });
    expect(stageBusConfig(memory.bus, memory.sink.sessionTimeoutMs)).toBe(memory.bus);
  });

  it('rejects a session timeout under a second with its path', () => {
    expect(() => parseConfig({ sink: { sessionTimeoutMs: 500 } })).toThrow(
      /sink\.sessionTimeoutMs/,
    );
  });
});
