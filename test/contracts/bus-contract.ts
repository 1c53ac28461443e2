/**
 * The Bus conformance suite: every adapter runs it unchanged (`runBusContract('memory', makeBus)`).
 * Topic and group names are unique per test so it can share one Kafka broker; every wait is bounded.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/backoff.ts';
import type {
  BatchHandler,
  Bus,
  BusMessage,
  OutgoingMessage,
  Subscription,
} from '../../src/core/bus.ts';
import { ServiceError } from '../../src/core/errors.ts';
import { waitFor } from '../support/wait.ts';

export interface BusContractOptions {
  /** Upper bound for any one wait on deliveries; Kafka group joins need a few seconds. */
  waitMs?: number;
}

const text = (message: BusMessage): string => message.value.toString('utf8');

/** Records every batch handed to a handler, so tests can assert on sizes, order and timing. */
class Recorder {
  readonly batches: BusMessage[][] = [];
  readonly batchTimes: number[] = [];
  get messages(): BusMessage[] {
    return this.batches.flat();
  }
  get values(): string[] {
    return this.messages.map(text);
  }
  handler(inner?: BatchHandler): BatchHandler {
    return async (messages) => {
      if (inner) await inner(messages);
      this.batches.push([...messages]);
      this.batchTimes.push(Date.now());
    };
  }
}

/** `count` messages spread over `keys` keys, each carrying its key and its sequence within that key. */
function keyedMessages(prefix: string, keys: number, perKey: number): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let seq = 0; seq < perKey; seq++) {
    for (let k = 0; k < keys; k++) {
      out.push({ key: `${prefix}-k${k}`, value: `${prefix}-k${k}:${seq}` });
    }
  }
  return out;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const v of values) {
    if (seen.has(v)) dups.push(v);
    seen.add(v);
  }
  return dups;
}

export function runBusContract(
  name: string,
  makeBus: () => Promise<Bus>,
  options: BusContractOptions = {},
): void {
  const waitMs = options.waitMs ?? 20_000;

  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    const open: Subscription[] = [];
    const unique = (what: string): string => `bw-contract-${what}-${randomUUID().slice(0, 8)}`;

    async function subscribe(
      topic: string,
      group: string,
      handler: BatchHandler,
      batch: { maxBatchSize?: number; lingerMs?: number } = {},
    ): Promise<Subscription> {
      const sub = await bus.subscribe(
        { topic, group, maxBatchSize: batch.maxBatchSize ?? 100, lingerMs: batch.lingerMs ?? 20 },
        handler,
      );
      open.push(sub);
      return sub;
    }

    async function topicWith(what: string, partitions: number): Promise<string> {
      const topic = unique(what);
      await bus.ensureTopics([{ name: topic, partitions }]);
      return topic;
    }

    /** Polls the group's lag until it is `expected`; a commit lands a moment after its handler resolves. */
    async function waitForLag(topic: string, group: string, expected: number): Promise<void> {
      const deadline = Date.now() + waitMs;
      let last = await bus.lag(topic, group);
      while (last !== expected) {
        if (Date.now() > deadline) {
          throw new Error(`lag of ${group} stayed ${last} for ${waitMs} ms, expected ${expected}`);
        }
        await sleep(100);
        last = await bus.lag(topic, group);
      }
    }

    beforeEach(async () => {
      bus = await makeBus();
      await bus.connect();
    });

    afterEach(async () => {
      await Promise.all(open.splice(0).map((sub) => sub.close()));
      await bus.close();
    });

    it('is healthy once connected and names its type', async () => {
      const health = await bus.healthcheck();
      expect(health.ok).toBe(true);
      expect(bus.type).toBe(name);
    });

    it('delivers published messages with their key, value and headers', async () => {
      const topic = await topicWith('roundtrip', 2);
      await bus.publish(topic, [
        { key: 'AAPL', value: 'first', headers: { 'content-type': 'text/plain', n: '1' } },
        { key: 'MSFT', value: Buffer.from([0x00, 0xff, 0x10]) },
        { value: 'no key' },
      ]);
      const rec = new Recorder();
      await subscribe(topic, unique('g'), rec.handler());
      await waitFor(() => rec.messages.length >= 3, waitMs, '3 messages');
      await sleep(200);
      expect(rec.messages).toHaveLength(3);
      const byValue = new Map(rec.messages.map((m) => [m.value.toString('hex'), m]));
      const first = byValue.get(Buffer.from('first').toString('hex'));
      expect(first?.key).toBe('AAPL');
      expect(first?.headers).toEqual({ 'content-type': 'text/plain', n: '1' });
      expect(first?.topic).toBe(topic);
      expect(first?.offset).toMatch(/^\d+$/);
      expect(byValue.get('00ff10')?.key).toBe('MSFT');
      const unkeyed = byValue.get(Buffer.from('no key').toString('hex'));
      expect(unkeyed?.key).toBeUndefined();
      expect(unkeyed?.headers).toEqual({});
      for (const m of rec.messages) expect(Buffer.isBuffer(m.value)).toBe(true);
    });

    it('keeps per-key order across partitions and publish calls', async () => {
      const topic = await topicWith('order', 4);
      const rec = new Recorder();
      await subscribe(topic, unique('g'), rec.handler(), { maxBatchSize: 7 });
      const all = keyedMessages('o', 6, 30);
      for (let i = 0; i < all.length; i += 25) await bus.publish(topic, all.slice(i, i + 25));
      await waitFor(() => rec.messages.length >= all.length, waitMs, `${all.length} messages`);
      const seqs = new Map<string, number[]>();
      for (const m of rec.messages) {
        const [key, seq] = text(m).split(':');
        expect(m.key).toBe(key);
        const list = seqs.get(key ?? '') ?? [];
        list.push(Number(seq));
        seqs.set(key ?? '', list);
      }
      expect(seqs.size).toBe(6);
      for (const list of seqs.values()) expect(list).toEqual([...Array(30).keys()]);
      const partitionsSeen = new Set(rec.messages.map((m) => m.partition));
      expect(partitionsSeen.size).toBeGreaterThan(1);
    });

    it('gives every group every message', async () => {
      const topic = await topicWith('groups', 3);
      const a = new Recorder();
      const b = new Recorder();
      await subscribe(topic, unique('ga'), a.handler());
      await subscribe(topic, unique('gb'), b.handler());
      const all = keyedMessages('g', 10, 4);
      await bus.publish(topic, all);
      const expected = all.map((m) => String(m.value)).sort();
      await waitFor(
        () => a.messages.length >= all.length && b.messages.length >= all.length,
        waitMs,
        'both groups to receive all messages',
      );
      expect([...a.values].sort()).toEqual(expected);
      expect([...b.values].sort()).toEqual(expected);
    });

    it('splits a group between two consumers, each message to exactly one', async () => {
      const topic = await topicWith('compete', 4);
      const group = unique('g');
      const one = new Recorder();
      const two = new Recorder();
      await subscribe(topic, group, one.handler());
      await subscribe(topic, group, two.handler());
      // Forty distinct keys land on every partition, so both consumers get a share.
      const all = keyedMessages('c', 40, 2);
      await bus.publish(topic, all);
      await waitFor(
        () => one.messages.length + two.messages.length >= all.length,
        waitMs,
        'the group to receive all messages',
      );
      await sleep(300);
      const union = [...one.values, ...two.values];
      expect(duplicates(union)).toEqual([]);
      expect(union.sort()).toEqual(all.map((m) => String(m.value)).sort());
      expect(one.messages.length).toBeGreaterThan(0);
      expect(two.messages.length).toBeGreaterThan(0);
      const partitionsOf = (r: Recorder) => new Set(r.messages.map((m) => m.partition));
      for (const p of partitionsOf(one)) expect(partitionsOf(two).has(p)).toBe(false);
    });

    it('hands over batches no larger than maxBatchSize, and partial batches after lingerMs', async () => {
      const topic = await topicWith('batch', 1);
      await bus.publish(topic, keyedMessages('b', 1, 25));
      const rec = new Recorder();
      await subscribe(topic, unique('g'), rec.handler(), { maxBatchSize: 10, lingerMs: 100 });
      await waitFor(() => rec.messages.length >= 25, waitMs, 'the backlog of 25');
      const sizes = rec.batches.map((b) => b.length);
      expect(Math.max(...sizes)).toBe(10);
      for (const size of sizes) expect(size).toBeLessThanOrEqual(10);
      expect(rec.values).toEqual(keyedMessages('b', 1, 25).map((m) => String(m.value)));

      // A lone message is not held back waiting for nine more: it comes within lingerMs plus slack.
      const before = rec.batches.length;
      const publishedAt = Date.now();
      await bus.publish(topic, [{ key: 'b-k0', value: 'lonely' }]);
      await waitFor(() => rec.batches.length > before, waitMs, 'the lone message');
      const last = rec.batches.at(-1) ?? [];
      expect(last.map(text)).toEqual(['lonely']);
      expect((rec.batchTimes.at(-1) ?? Number.POSITIVE_INFINITY) - publishedAt).toBeLessThan(
        100 + 3_000,
      );
    });

    it('redelivers a batch whose handler threw, so every message is handled once it succeeds', async () => {
      const topic = await topicWith('redeliver', 2);
      const attempts = new Map<string, number>();
      const handled: string[] = [];
      let failures = 0;
      await subscribe(
        topic,
        unique('g'),
        async (messages) => {
          const values = messages.map(text);
          for (const v of values) attempts.set(v, (attempts.get(v) ?? 0) + 1);
          // Every message fails on its first delivery; the batch must come back.
          if (values.some((v) => attempts.get(v) === 1)) {
            failures++;
            throw new Error('handler failed on purpose');
          }
          handled.push(...values);
        },
        { maxBatchSize: 5 },
      );
      const all = keyedMessages('r', 4, 6);
      await bus.publish(topic, all);
      await waitFor(() => handled.length >= all.length, waitMs, 'all messages handled');
      await sleep(300);
      expect(failures).toBeGreaterThan(0);
      expect(duplicates(handled)).toEqual([]);
      expect([...handled].sort()).toEqual(all.map((m) => String(m.value)).sort());
      for (const v of handled) expect(attempts.get(v)).toBeGreaterThanOrEqual(2);
      // Redelivery keeps per-key order among successfully handled messages.
      const last = new Map<string, number>();
      for (const v of handled) {
        const [key, seq] = v.split(':');
        expect(Number(seq)).toBeGreaterThan(last.get(key ?? '') ?? -1);
        last.set(key ?? '', Number(seq));
      }
    });

    it('lets a new consumer of the group resume after what was committed, not before', async () => {
      const topic = await topicWith('commit', 2);
      const group = unique('g');
      const committed = keyedMessages('done', 4, 3);
      const pending = keyedMessages('todo', 4, 3);
      const first = new Recorder();
      let failedAttempts = 0;
      const sub = await subscribe(
        topic,
        group,
        first.handler(async (messages) => {
          if (messages.some((m) => text(m).startsWith('todo'))) {
            failedAttempts++;
            throw new Error('not this time');
          }
        }),
      );
      await bus.publish(topic, committed);
      await waitFor(() => first.messages.length >= committed.length, waitMs, 'first batch');
      await bus.publish(topic, pending.slice(0, 6));
      await waitFor(() => failedAttempts > 0, waitMs, 'a failed delivery of pending messages');
      await sub.close();
      // Published while the group has no consumer at all.
      await bus.publish(topic, pending.slice(6));

      const second = new Recorder();
      await subscribe(topic, group, second.handler());
      await waitFor(() => second.messages.length >= pending.length, waitMs, 'pending messages');
      await sleep(300);
      expect([...second.values].sort()).toEqual(pending.map((m) => String(m.value)).sort());
      expect(first.values.filter((v) => v.startsWith('todo'))).toEqual([]);
    });

    it('drains the batch in flight on close and commits it', async () => {
      const topic = await topicWith('drain', 1);
      const group = unique('g');
      const all = keyedMessages('d', 1, 8);
      await bus.publish(topic, all);
      let started = 0;
      let finishedAt = 0;
      const first = new Recorder();
      const sub = await subscribe(
        topic,
        group,
        first.handler(async () => {
          started = Date.now();
          await sleep(600);
          finishedAt = Date.now();
        }),
        { maxBatchSize: 3 },
      );
      await waitFor(() => started > 0, waitMs, 'a batch to start');
      await sub.close();
      const closedAt = Date.now();
      expect(finishedAt).toBeGreaterThan(0);
      expect(closedAt).toBeGreaterThanOrEqual(finishedAt);
      expect(first.batches.length).toBeGreaterThanOrEqual(1);

      const second = new Recorder();
      await subscribe(topic, group, second.handler());
      const rest = all.length - first.messages.length;
      await waitFor(() => second.messages.length >= rest, waitMs, 'the rest');
      await sleep(300);
      const union = [...first.values, ...second.values];
      expect(duplicates(union)).toEqual([]);
      expect(union).toEqual(all.map((m) => String(m.value)));
    });

    it("reports a group's lag: what was published less what the group committed, over all partitions", async () => {
      const topic = await topicWith('lag', 3);
      const reader = unique('g-reader');
      const stuck = unique('g-stuck');
      expect(await bus.lag(topic, reader)).toBe(0);
      const all = keyedMessages('l', 6, 5);
      await bus.publish(topic, all);
      expect(await bus.lag(topic, reader)).toBe(all.length);

      // Takes every batch and fails it: handed out but never committed, so it owes everything throughout.
      let stuckAttempts = 0;
      await subscribe(topic, stuck, async () => {
        stuckAttempts++;
        throw new Error('never commits');
      });
      // Commits a few small batches, then fails the rest; `handled` stops moving once it reaches `take`.
      const take = 12;
      let handled = 0;
      const sub = await subscribe(
        topic,
        reader,
        async (batch) => {
          if (handled >= take) throw new Error('enough for now');
          handled += batch.length;
        },
        { maxBatchSize: 4 },
      );
      await waitFor(() => handled >= take && stuckAttempts > 0, waitMs, 'both groups to consume');
      expect(handled).toBeLessThan(all.length);
      await waitForLag(topic, reader, all.length - handled);
      await sub.close();
      expect(await bus.lag(topic, reader)).toBe(all.length - handled);
      expect(await bus.lag(topic, stuck)).toBe(all.length);

      // Later messages add to the lag of a group with no consumer; a group that never read owes them all.
      await bus.publish(topic, keyedMessages('more', 5, 1));
      expect(await bus.lag(topic, reader)).toBe(all.length + 5 - handled);
      expect(await bus.lag(topic, stuck)).toBe(all.length + 5);
      expect(await bus.lag(topic, unique('g-never'))).toBe(all.length + 5);
    });

    it('refuses the lag of a topic that does not exist, without retrying', async () => {
      const failure = await bus.lag(unique('missing'), unique('g')).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ServiceError);
      expect(failure).toMatchObject({ retriable: false });
      expect(String(failure)).toMatch(/no such topic/);
    });

    it('treats ensureTopics as idempotent and leaves existing topics as they are', async () => {
      const topic = unique('ensure');
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      await bus.ensureTopics([
        { name: topic, partitions: 5 },
        { name: unique('ensure-other'), partitions: 1 },
      ]);
      const rec = new Recorder();
      await subscribe(topic, unique('g'), rec.handler());
      await bus.publish(topic, keyedMessages('e', 20, 1));
      await waitFor(() => rec.messages.length >= 20, waitMs, '20 messages');
      const partitions = new Set(rec.messages.map((m) => m.partition));
      for (const p of partitions) expect(p).toBeLessThan(2);
    });
  });
}
