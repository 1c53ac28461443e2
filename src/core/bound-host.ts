/**
 * Which bind addresses only this machine can reach, and which Host headers name a server bound to one:
 * the check that keeps a rebound DNS name (a web page's own domain pointed at 127.0.0.1) away from it.
 */
import { isIPv4 } from 'node:net';

/** Binding to one of these listens on every interface. */
const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/** The names a client on this machine may use for a loopback endpoint. */
const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** 127.0.0.0/8, ::1 and localhost; any other name may resolve to an address others reach. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase();
  return LOOPBACK_NAMES.includes(name) || (isIPv4(name) && name.startsWith('127.'));
}

/** `host:port` as a Host header writes it (IPv6 literals in brackets; the port may be left out on 80). */
function hostHeaders(name: string, port: number): string[] {
  const host = name.includes(':') ? `[${name}]` : name;
  return port === 80 ? [host, `${host}:80`] : [`${host}:${port}`];
}

/** The Host header values that name a server bound to `host:port`. */
export class HostCheck {
  /** Undefined when bound to every interface: any name may reach it, so another guard (a token) must. */
  private readonly hosts: ReadonlySet<string> | undefined;

  constructor(bind: { host: string; port: number }) {
    const host = bind.host.trim().toLowerCase();
    const names = isLoopbackHost(host) ? [host, ...LOOPBACK_NAMES] : [host];
    this.hosts = WILDCARD_HOSTS.has(host)
      ? undefined
      : new Set(names.flatMap((name) => hostHeaders(name, bind.port)));
  }

  /** Why a request with this Host header is refused, or undefined when it names this server. */
  refusal(hostHeader: string | undefined): string | undefined {
    const host = hostHeader?.toLowerCase() ?? '';
    if (this.hosts === undefined || this.hosts.has(host)) return undefined;
    return `Host "${host}" does not name this endpoint (${[...this.hosts].join(', ')})`;
  }
}
