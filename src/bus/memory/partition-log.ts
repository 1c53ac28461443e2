/** One partition's retained messages: an append-only log addressed by offset, trimmed from the front. */

export interface StoredMessage {
  key: string | undefined;
  value: Buffer;
  headers: Readonly<Record<string, string>>;
  /** Date.now() when it was appended: a consumer's linger counts from the oldest waiting message. */
  appendedAt: number;
}

export class PartitionLog {
  /** Offset of entries[head]. */
  private base = 0;
  private head = 0;
  private entries: StoredMessage[] = [];

  /** Offset the next appended message gets. */
  get end(): number {
    return this.base + this.entries.length - this.head;
  }

  /** Oldest offset still retained. */
  get start(): number {
    return this.base;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  append(message: StoredMessage): number {
    this.entries.push(message);
    return this.end - 1;
  }

  /** Messages from `offset` on, at most `limit` of them. */
  read(offset: number, limit: number): StoredMessage[] {
    const from = this.head + Math.max(offset - this.base, 0);
    return this.entries.slice(from, Math.min(from + limit, this.entries.length));
  }

  /** When the message at `offset` was appended; undefined past the end or before the start. */
  appendedAt(offset: number): number | undefined {
    if (offset < this.base) return undefined;
    return this.entries[this.head + offset - this.base]?.appendedAt;
  }

  /** Forgets everything before `offset`. */
  trimTo(offset: number): void {
    const drop = Math.min(offset - this.base, this.size);
    if (drop <= 0) return;
    // Dropped slots are cleared at once (memory), but the array is compacted only now and then
    // so trimming stays O(1) amortised.
    for (let i = this.head; i < this.head + drop; i++) this.entries[i] = EMPTY;
    this.head += drop;
    this.base += drop;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY: StoredMessage = { key: undefined, value: Buffer.alloc(0), headers: {}, appendedAt: 0 };
