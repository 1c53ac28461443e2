/**
 * Who may call the push endpoint: the Host header must name the address it is bound to (DNS rebinding),
 * browsers are refused by their Origin header, and a configured bearer token must be presented.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HostCheck, isLoopbackHost } from '../../core/bound-host.ts';

/** A request refused before its body is read: the status and the reason the client is told. */
export interface PushRefusal {
  status: number;
  error: string;
  headers?: Record<string, string>;
}

/** Why the endpoint must not start as configured: reachable beyond this machine with no token to check. */
export function exposureProblem(bind: {
  host: string;
  token?: string | undefined;
}): string | undefined {
  if (bind.token !== undefined || isLoopbackHost(bind.host)) return undefined;
  return `required when ingest.http.host (${bind.host || 'all interfaces'}) is not a loopback address: anyone who reaches the port could post items (set BELLWETHER_PUSH_TOKEN)`;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export class PushGuard {
  /** Bound to every interface, it lets any name through: the token guards the endpoint then. */
  private readonly hostCheck: HostCheck;
  private readonly tokenDigest: Buffer | undefined;

  constructor(bind: { host: string; port: number }, token: string | undefined) {
    this.hostCheck = new HostCheck(bind);
    this.tokenDigest = token === undefined ? undefined : digest(token);
  }

  /** Checks every request, whatever its path: a rebound name or a web page gets nothing, not even /healthz. */
  refuseForeign(headers: IncomingHttpHeaders): PushRefusal | undefined {
    const foreignHost = this.hostCheck.refusal(headers.host);
    if (foreignHost !== undefined) return { status: 403, error: foreignHost };
    // Server-side clients send no Origin; a browser always does on a POST, and no page of ours posts here.
    if (headers.origin !== undefined) {
      return {
        status: 403,
        error: `requests from web pages are refused (Origin: ${headers.origin}); push from a server-side client`,
      };
    }
    return undefined;
  }

  /** The bearer token, when one is configured; compared in constant time. */
  refuseCredentials(headers: IncomingHttpHeaders): PushRefusal | undefined {
    if (this.tokenDigest === undefined) return undefined;
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    if (presented !== undefined && timingSafeEqual(digest(presented), this.tokenDigest)) {
      return undefined;
    }
    return {
      status: 401,
      error:
        presented === undefined
          ? 'send the push token as "Authorization: Bearer <token>"'
          : 'wrong push token',
      headers: { 'www-authenticate': 'Bearer' },
    };
  }
}
