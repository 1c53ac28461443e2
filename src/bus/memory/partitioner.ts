/** Picks a partition for a message: by a hash of its key (so a key keeps its order), round-robin without one. */

/** 32-bit FNV-1a over the key's UTF-16 code units: cheap, stable across runs, well spread. */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class Partitioner {
  private next = 0;

  constructor(private readonly partitions: number) {}

  partitionFor(key: string | undefined): number {
    if (key === undefined) {
      this.next = (this.next + 1) % this.partitions;
      return this.next;
    }
    return keyHash(key) % this.partitions;
  }
}
