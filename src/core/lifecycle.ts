/** The lifecycle every adapter exposes (connect, healthcheck, close), so the process can start, probe and drain them uniformly. */

export interface Health {
  ok: boolean;
  /** What was checked and what was found, for /health and logs. */
  detail: string;
}

export interface Lifecycle {
  connect(): Promise<void>;
  healthcheck(): Promise<Health>;
  /** Drains in-flight work, then releases resources. Safe to call twice. */
  close(): Promise<void>;
}
