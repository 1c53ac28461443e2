// Measures a Bus end to end: messages/s from publish to a committed handler, and publish-to-handler latency.
//
// usage: npm run bench:bus -- [--bus memory|kafka] [--messages N] [--batch 500] [--bytes 300] [--json]
// (kafka: a broker on 127.0.0.1:9092, e.g. `npm run kafka -- start`; override with --brokers)
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { KafkaBus } from '../src/bus/kafka/kafka-bus.ts';
import { MemoryBus } from '../src/bus/memory/memory-bus.ts';
import type { Bus } from '../src/core/bus.ts';
import { silentLogger } from '../src/core/logger.ts';

const { values: args } = parseArgs({
  options: {
    bus: { type: 'string', default: 'memory' },
    messages: { type: 'string' },
    batch: { type: 'string', default: '500' },
    bytes: { type: 'string', default: '300' },
    brokers: { type: 'string', default: '127.0.0.1:9092' },
    json: { type: 'boolean', default: false },
  },
});
const kind = args.bus;
if (kind !== 'memory' && kind !== 'kafka') throw new Error('--bus takes memory or kafka');
const total = Number(args.messages ?? (kind === 'memory' ? 200_000 : 50_000));
const batch = Number(args.batch);
const bytes = Number(args.bytes);
for (const [name, v] of [
  ['messages', total],
  ['batch', batch],
  ['bytes', bytes],
] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} takes a positive integer`);
}

function makeBus(): Bus {
  if (kind === 'memory') return new MemoryBus({ partitions: 4, capacity: 10_000 }, silentLogger);
  return new KafkaBus(
    {
      brokers: (args.brokers ?? '').split(','),
      clientId: 'bellwether-bench',
      partitions: 4,
      replicationFactor: 1,
      compression: 'gzip',
      sessionTimeoutMs: 10_000,
      ssl: false,
    },
    silentLogger,
  );
}

const quantile = (sorted: Float64Array, q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const bus = makeBus();
  await bus.connect();
  const topic = `bw-bench-${randomUUID().slice(0, 8)}`;
  await bus.ensureTopics([{ name: topic, partitions: 4 }]);
  const latencies = new Float64Array(total);
  let received = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await bus.subscribe(
    { topic, group: `${topic}-g`, maxBatchSize: batch, lingerMs: 5 },
    async (messages) => {
      const now = performance.now();
      for (const m of messages) {
        if (received < total) latencies[received] = now - m.value.readDoubleLE(0);
        received++;
      }
      if (received >= total) done();
    },
  );

  const filler = Buffer.alloc(Math.max(bytes - 8, 0), 0x61);
  const started = performance.now();
  for (let sent = 0; sent < total; sent += batch) {
    const n = Math.min(batch, total - sent);
    const stamp = performance.now();
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const value = Buffer.allocUnsafe(8 + filler.length);
      value.writeDoubleLE(stamp, 0);
      filler.copy(value, 8);
      out[i] = { key: `k${(sent + i) % 64}`, value };
    }
    await bus.publish(topic, out);
  }
  const published = performance.now();
  const timeout = setTimeout(() => done(), 300_000);
  await finished;
  clearTimeout(timeout);
  const elapsed = performance.now() - started;
  await bus.close();

  const sorted = latencies.slice(0, Math.min(received, total)).sort();
  const result = {
    bus: kind,
    messages: total,
    received,
    batch,
    bytes,
    seconds: elapsed / 1000,
    messagesPerSecond: Math.round((received / elapsed) * 1000),
    publishSeconds: (published - started) / 1000,
    latencyMsP50: Number(quantile(sorted, 0.5).toFixed(2)),
    latencyMsP99: Number(quantile(sorted, 0.99).toFixed(2)),
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(
      `${kind} bus: ${result.received}/${total} messages of ${bytes} B in ${result.seconds.toFixed(2)} s = ` +
        `${result.messagesPerSecond} msg/s (batch ${batch}); publish→handler latency p50 ${result.latencyMsP50} ms, p99 ${result.latencyMsP99} ms\n`,
    );
  }
}

await main();
