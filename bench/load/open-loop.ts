/**
 * The open-loop load generator: item n of a run is due at a time fixed by the schedule (phases of a rate and a
 * duration), never by when the previous request returned, so a slow pipeline shows up as latency instead of
 * hiding it (no coordinated omission). Each item carries its due time in its id; items are built only when
 * sent, so a backlog costs a counter, not memory. A 429 is retried after its Retry-After.
 */
import { parseRetryAfter } from '../../src/core/retry-after.ts';

export interface LoadPhase {
  itemsPerSecond: number;
  seconds: number;
}

export interface LoadText {
  title: string;
  summary?: string | undefined;
}

export interface OpenLoopOptions {
  /** The push endpoint, e.g. http://127.0.0.1:8788/v1/items. */
  url: string;
  token?: string | undefined;
  /** Headlines (and summaries) to send, cycled. */
  texts: readonly LoadText[];
  /** Keeps this run's ids apart from earlier runs on the same store. */
  runId: string;
  /** Requests in flight at once; a backlog beyond them waits in the schedule (and its latency counts). */
  maxInFlight?: number;
  /** Most items in one request (ingest.http.maxItems or less). */
  maxBatch?: number;
  signal?: AbortSignal;
}

export interface OpenLoopResult {
  /** Items the schedule made due. */
  offered: number;
  /** Items the endpoint took (202). */
  accepted: number;
  /** Requests answered 429 (each retried until taken). */
  refused: number;
  seconds: number;
}

/** Matches the guid this generator writes, inside whatever id the pipeline builds around it. */
const LOAD_ID = /load-([a-z0-9]+)-(\d+)-(\d+)$/;

/** The run, sequence number and due time (epoch ms) stamped in a load item's id; undefined for other items. */
export function loadStamp(id: string): { runId: string; seq: number; dueMs: number } | undefined {
  const match = LOAD_ID.exec(id);
  return match?.[1]
    ? { runId: match[1], seq: Number(match[2]), dueMs: Number(match[3]) }
    : undefined;
}

/** Due time of item `seq` relative to the start, and how many items are due at `elapsedMs`. */
export class Schedule {
  private readonly starts: Array<{ atMs: number; firstSeq: number; phase: LoadPhase }> = [];
  readonly total: number;
  readonly durationMs: number;

  constructor(phases: readonly LoadPhase[]) {
    let atMs = 0;
    let firstSeq = 0;
    for (const phase of phases) {
      if (!(phase.itemsPerSecond > 0) || !(phase.seconds > 0)) {
        throw new RangeError(
          `a load phase needs a positive rate and duration, got ${JSON.stringify(phase)}`,
        );
      }
      this.starts.push({ atMs, firstSeq, phase });
      firstSeq += Math.round(phase.itemsPerSecond * phase.seconds);
      atMs += phase.seconds * 1000;
    }
    this.total = firstSeq;
    this.durationMs = atMs;
  }

  dueAt(seq: number): number {
    const start = this.starts.findLast((s) => s.firstSeq <= seq) ?? this.starts[0];
    if (!start) return 0;
    return start.atMs + ((seq - start.firstSeq) * 1000) / start.phase.itemsPerSecond;
  }

  dueBy(elapsedMs: number): number {
    const start = this.starts.findLast((s) => s.atMs <= elapsedMs);
    if (!start) return 0;
    const due =
      start.firstSeq +
      Math.floor(((elapsedMs - start.atMs) * start.phase.itemsPerSecond) / 1000) +
      1;
    return Math.min(this.total, due);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class OpenLoopGenerator {
  private sent = 0;
  private accepted = 0;
  private refused = 0;
  private startMs = 0;
  private schedule: Schedule | undefined;

  constructor(private readonly options: OpenLoopOptions) {
    if (options.texts.length === 0)
      throw new RangeError('the load generator needs at least one text');
  }

  /** Items due but not yet taken by the endpoint: the backlog the pipeline has pushed back on. */
  backlog(nowMs = Date.now()): number {
    if (!this.schedule) return 0;
    return this.schedule.dueBy(nowMs - this.startMs) - this.accepted;
  }

  async run(phases: readonly LoadPhase[]): Promise<OpenLoopResult> {
    const schedule = new Schedule(phases);
    this.schedule = schedule;
    this.startMs = Date.now();
    const maxInFlight = this.options.maxInFlight ?? 8;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    while (this.sent < schedule.total && failure === undefined && !this.options.signal?.aborted) {
      const due = schedule.dueBy(Date.now() - this.startMs);
      while (this.sent < due && inFlight.size < maxInFlight) {
        const count = Math.min(this.options.maxBatch ?? 500, due - this.sent);
        const request = this.post(this.sent, count).catch((error: unknown) => {
          failure ??= error;
        });
        this.sent += count;
        inFlight.add(request);
        void request.then(() => inFlight.delete(request));
      }
      // The next item's due time, or a slot freeing up, whichever comes first (a few ms of timer slack).
      const nextDue = this.startMs + schedule.dueAt(this.sent) - Date.now();
      await Promise.race([sleep(Math.max(1, Math.min(nextDue, 20))), ...inFlight]);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    return {
      // Stopped early (a capacity probe): what was due and sent before the stop.
      offered: this.options.signal?.aborted ? this.sent : schedule.total,
      accepted: this.accepted,
      refused: this.refused,
      seconds: (Date.now() - this.startMs) / 1000,
    };
  }

  private async post(firstSeq: number, count: number): Promise<void> {
    const { texts, runId, schedule } = { ...this.options, schedule: this.schedule };
    if (!schedule) return;
    const records = Array.from({ length: count }, (_, i) => {
      const seq = firstSeq + i;
      const dueMs = Math.round(this.startMs + schedule.dueAt(seq));
      const text = texts[seq % texts.length] ?? texts[0];
      return {
        id: `load-${runId}-${seq}-${dueMs}`,
        title: text?.title,
        summary: text?.summary,
        publishedAt: new Date(dueMs).toISOString(),
      };
    });
    const body = JSON.stringify(records);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    for (;;) {
      const res = await fetch(this.options.url, { method: 'POST', headers, body });
      const text = await res.text();
      if (res.status === 429) {
        this.refused += 1;
        await sleep(parseRetryAfter(res.headers.get('retry-after')) ?? 1_000);
        continue;
      }
      if (res.status !== 202) {
        throw new Error(
          `push endpoint answered ${res.status} to ${count} load items: ${text.slice(0, 300)}`,
        );
      }
      const answer = JSON.parse(text) as { accepted: number };
      if (answer.accepted !== count) {
        throw new Error(
          `push endpoint took ${answer.accepted} of ${count} load items: ${text.slice(0, 300)}`,
        );
      }
      this.accepted += count;
      return;
    }
  }
}
