/** Which bind addresses only this machine can reach, and the names its clients use for them. */
import { isIPv4 } from 'node:net';

/** Binding to one of these listens on every interface. */
export const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/** The names a client on this machine may use for a loopback endpoint. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** 127.0.0.0/8, ::1 and localhost; any other name may resolve to an address others reach. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase();
  return LOOPBACK_NAMES.includes(name) || (isIPv4(name) && name.startsWith('127.'));
}
