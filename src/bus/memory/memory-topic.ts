/** One in-memory topic: its partition logs, its consumer groups' committed offsets, and retention. */
import { type PartitionLog as Log, PartitionLog, type StoredMessage } from './partition-log.ts';
import { Partitioner } from './partitioner.ts';
import { Signal } from './signal.ts';

/** Anything that can own partitions within a group (a subscription). */
export interface GroupMember {
  readonly id: number;
}

/** A group's progress on one topic; it outlives its members so a later consumer resumes from it. */
export class GroupState {
  readonly committed: number[];
  readonly busy: boolean[];
  readonly retryAt: number[];
  readonly failures: number[];
  private members: GroupMember[] = [];
  private owners: (GroupMember | undefined)[];

  constructor(
    readonly name: string,
    starts: readonly number[],
  ) {
    this.committed = [...starts];
    this.busy = starts.map(() => false);
    this.retryAt = starts.map(() => 0);
    this.failures = starts.map(() => 0);
    this.owners = starts.map(() => undefined);
  }

  get memberCount(): number {
    return this.members.length;
  }

  join(member: GroupMember): void {
    this.members.push(member);
    this.rebalance();
  }

  leave(member: GroupMember): void {
    this.members = this.members.filter((m) => m !== member);
    this.rebalance();
  }

  owns(member: GroupMember, partition: number): boolean {
    return this.owners[partition] === member;
  }

  /** Advances only: a late commit from a member that lost the partition cannot move it back. */
  commit(partition: number, nextOffset: number): void {
    if (nextOffset > (this.committed[partition] ?? 0)) this.committed[partition] = nextOffset;
  }

  /** Round-robin by join order: deterministic, and every member gets a share when it can. */
  private rebalance(): void {
    const n = this.members.length;
    this.owners = this.owners.map((_, p) => (n === 0 ? undefined : this.members[p % n]));
  }
}

export class MemoryTopic {
  readonly logs: PartitionLog[];
  readonly groups = new Map<string, GroupState>();
  /** Wakes consumers (new data, freed partitions) and publishers (space freed). */
  readonly changed = new Signal();
  private readonly partitioner: Partitioner;
  peakRetained = 0;
  published = 0;
  /** Messages dropped because no group was subscribed and the topic was full. */
  overwritten = 0;

  constructor(
    readonly name: string,
    partitions: number,
    readonly capacity: number,
  ) {
    this.logs = Array.from({ length: partitions }, () => new PartitionLog());
    this.partitioner = new Partitioner(partitions);
  }

  get partitions(): number {
    return this.logs.length;
  }

  /** Messages held: not yet committed by every group. */
  get retained(): number {
    let total = 0;
    for (const log of this.logs) total += log.size;
    return total;
  }

  /** Room before publishers must wait; a topic nobody consumes never makes them wait. */
  get room(): number {
    return this.groups.size === 0 ? Number.POSITIVE_INFINITY : this.capacity - this.retained;
  }

  group(name: string): GroupState {
    let state = this.groups.get(name);
    if (!state) {
      // A new group starts at the oldest retained message, as a Kafka group reading from earliest.
      state = new GroupState(
        name,
        this.logs.map((log) => log.start),
      );
      this.groups.set(name, state);
    }
    return state;
  }

  append(message: StoredMessage): void {
    const partition = this.partitioner.partitionFor(message.key);
    this.logOf(partition).append(message);
    this.published++;
    if (this.groups.size === 0 && this.retained > this.capacity) {
      // Nobody reads this topic yet (a DLQ, say): publishers must not wait for a reader that may never
      // come, so the topic keeps at most `capacity` messages, dropping from the fullest partition.
      this.dropOldest();
    }
    const retained = this.retained;
    if (retained > this.peakRetained) this.peakRetained = retained;
  }

  /** Drops what every group has committed, so memory follows the slowest group. */
  trim(): void {
    if (this.groups.size === 0) return;
    this.logs.forEach((log, p) => {
      let min = Number.POSITIVE_INFINITY;
      for (const group of this.groups.values()) min = Math.min(min, group.committed[p] ?? 0);
      log.trimTo(min);
    });
  }

  logOf(partition: number): Log {
    const log = this.logs[partition];
    if (!log) throw new RangeError(`topic ${this.name} has no partition ${partition}`);
    return log;
  }

  private dropOldest(): void {
    let oldest: PartitionLog | undefined;
    for (const log of this.logs)
      if (log.size > 0 && (!oldest || log.size > oldest.size)) oldest = log;
    if (oldest) {
      oldest.trimTo(oldest.start + 1);
      this.overwritten++;
    }
  }
}
