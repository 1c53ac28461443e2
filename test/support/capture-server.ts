/** A real HTTP server on 127.0.0.1 that records what notifiers POST to it and answers scripted statuses (tests use it). */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body exactly as received, for signature checks. */
  body: string;
}

export class CaptureServer {
  readonly requests: CapturedRequest[] = [];
  /** Status codes to answer in order; 200 once they run out. */
  statuses: number[] = [];
  /** Headers sent with every failure status (e.g. Retry-After). */
  failureHeaders: Record<string, string> = {};
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.statusCode = this.statuses.shift() ?? 200;
        if (res.statusCode >= 400) {
          for (const [name, value] of Object.entries(this.failureHeaders))
            res.setHeader(name, value);
        }
        res.end(res.statusCode >= 400 ? 'scripted failure' : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Waits (bounded) until at least `n` requests arrived. */
  async waitFor(n: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < n && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (this.requests.length < n)
      throw new Error(`expected ${n} requests, got ${this.requests.length}`);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
