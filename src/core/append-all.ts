/**
 * Appends one array to another in place. `target.push(...source)` passes every element as an argument,
 * so a source of some 100k elements overflows the call stack; file-sized lists must come through here.
 */
export function appendAll<T>(target: T[], source: readonly T[]): void {
  for (const element of source) target.push(element);
}
