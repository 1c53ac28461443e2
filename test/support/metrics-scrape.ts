/** Helpers for tests that talk to a stage's HTTP endpoints: a free port to serve on, and reading its gauges. */
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the probe server is closed again). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/** `bellwether_consumer_lag` for `stage` in Prometheus exposition text, or undefined when the series is absent. */
export function consumerLagIn(text: string, stage: string): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`bellwether_consumer_lag{stage="${stage}"}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}
