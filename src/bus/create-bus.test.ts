// createBus picks the adapter named by config and hands it its slice; building one connects to nothing.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.ts';
import { busConfigSchema } from '../config/bus.ts';
import { silentLogger } from '../core/logger.ts';
import { createBus } from './create-bus.ts';
import { KafkaBus } from './kafka/kafka-bus.ts';
import { MemoryBus } from './memory/memory-bus.ts';

describe('createBus', () => {
  it('builds the memory bus by default, with the configured topics ready on connect', async () => {
    const bus = createBus(busConfigSchema.parse(undefined), silentLogger);
    expect(bus).toBeInstanceOf(MemoryBus);
    expect(bus.type).toBe('memory');
    await bus.connect();
    const stats = (bus as MemoryBus).stats('news.raw');
    expect(stats?.partitions).toBe(4);
    expect((bus as MemoryBus).stats('news.dlq')).toBeDefined();
    const got: string[] = [];
    await bus.subscribe(
      { topic: 'news.raw', group: 'g', maxBatchSize: 10, lingerMs: 0 },
      async (b) => {
        got.push(...b.map((m) => m.value.toString()));
      },
    );
    await bus.publish('news.raw', [{ key: 'k', value: 'v' }]);
    await waitFor(() => got.length === 1, 2_000, 'the message');
    await bus.close();
  });

  it('builds the kafka bus from its slice without connecting', async () => {
    const config = busConfigSchema.parse({
      type: 'kafka',
      brokers: ['127.0.0.1:1'],
      partitions: 3,
    });
    const bus = createBus(config, silentLogger);
    expect(bus).toBeInstanceOf(KafkaBus);
    expect(bus.type).toBe('kafka');
    const health = await bus.healthcheck();
    expect(health.ok).toBe(false);
    await expect(bus.publish('news.raw', [{ value: 'x' }])).rejects.toThrow(/not connected/);
    await bus.close();
  });
});
