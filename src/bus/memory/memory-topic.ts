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

  /** Where this group reads `partition` next: its commit, or the oldest message still retained. */
  position(partition: number, log: Log): number {
    return Math.max(this.committed[partition] ?? 0, log.start);
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
  /** Messages dropped unconsumed by some group: the topic was full and no consumer of that group was there. */
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

  /**
   * Room before publishers must wait: capacity less the backlog of the groups that have consumers now.
   * A group whose consumers all left (or a topic nobody reads) never makes publishers wait; it loses
   * what has to be evicted instead, as a Kafka group that lags past retention does.
   */
  get room(): number {
    let live = false;
    let backlog = 0;
    this.logs.forEach((log, p) => {
      let min = Number.POSITIVE_INFINITY;
      for (const group of this.groups.values()) {
        if (group.memberCount === 0) continue;
        live = true;
        min = Math.min(min, group.position(p, log));
      }
      if (min !== Number.POSITIVE_INFINITY) backlog += log.end - min;
    });
    return live ? this.capacity - backlog : Number.POSITIVE_INFINITY;
  }

  /**
   * Messages `groupName` has yet to commit, summed over partitions. Read without creating the group: a group
   * that exists only because someone asked about it would hold back trimming for ever.
   */
  lag(groupName: string): number {
    const group = this.groups.get(groupName);
    let total = 0;
    this.logs.forEach((log, p) => {
      total += log.end - (group ? group.position(p, log) : log.start);
    });
    return total;
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
    if (this.retained > this.capacity) this.evict();
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

  /**
   * Over capacity, which publishers' waiting allows only for messages no live group still needs: first drop
   * what every live group has consumed (absent groups lose it), then, with no live group, the oldest.
   */
  private evict(): void {
    const before = this.retained;
    this.logs.forEach((log, p) => {
      let min = Number.POSITIVE_INFINITY;
      for (const group of this.groups.values()) {
        if (group.memberCount > 0) min = Math.min(min, group.position(p, log));
      }
      if (min !== Number.POSITIVE_INFINITY) log.trimTo(min);
    });
    while (this.retained > this.capacity) {
      let fullest: PartitionLog | undefined;
      for (const log of this.logs) if (!fullest || log.size > fullest.size) fullest = log;
      if (!fullest || fullest.size === 0) break;
      fullest.trimTo(fullest.start + 1);
    }
    this.overwritten += before - this.retained;
  }
}
