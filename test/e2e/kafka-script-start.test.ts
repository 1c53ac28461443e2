// deploy/kafka/kafka.sh's start, supervised: a broker that is alive but whose command line does not (yet)
// name kafka must not be reported dead. While the child execs (bash, then setsid, then java),
// /proc/<pid>/cmdline reads empty for an instant; the start in CI's broker-restart test once polled in that
// instant and failed with "kafka is not running" while the broker came up fine behind it.
//
// The JVM is stood in for by a script on PATH (the only mock here, because the kernel's exec window
// cannot be hit on demand with the real broker): it spends its first second under a name without
// "kafka", as a process mid-exec does, then becomes a process named kafka-broker that listens on the
// broker port and logs the line the script waits for.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../../deploy/kafka/kafka.sh');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// The directory name must not contain "kafka": the stand-in's first phase is recognised by its absence.
function standIn(dir: string): void {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(dir, 'listen.py'),
    [
      'import signal, socket, sys, time',
      'signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))',
      's = socket.socket()',
      's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
      "s.bind(('127.0.0.1', int(sys.argv[1])))",
      's.listen()',
      "print('[stand-in] Kafka Server started', flush=True)",
      'time.sleep(120)',
      '',
    ].join('\n'),
  );
  // The interpreter itself, not a version manager's shim, which would exec again under its own name.
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).trim();
  writeFileSync(
    join(dir, 'settle.sh'),
    `sleep 1.2\nexec -a kafka-broker ${python} ${join(dir, 'listen.py')} "$STAND_IN_PORT"\n`,
  );
  const java = join(bin, 'java');
  writeFileSync(
    java,
    [
      '#!/usr/bin/env bash',
      'case "$*" in',
      `  *-version*) echo 'openjdk version "17.0.9" 2023-10-17' >&2 ;;`,
      '  *random-uuid*) echo stand-in-cluster ;;',
      '  *StorageTool*) : ;;',
      `  *kafka.Kafka*) exec -a starting-up bash ${join(dir, 'settle.sh')} ;;`,
      '  *) echo "stand-in java: unexpected $*" >&2; exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(java, 0o755);
  mkdirSync(join(dir, 'cache', 'libs'), { recursive: true });
  writeFileSync(join(dir, 'cache', 'libs', '.complete'), '');
}

let dir: string | undefined;
let env: NodeJS.ProcessEnv = {};

afterEach(async () => {
  if (dir === undefined) return;
  await run('bash', [script, 'stop'], { env }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('kafka.sh start', () => {
  it('waits for a broker whose command line does not name kafka yet, instead of calling it dead', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bw-broker-script-'));
    standIn(dir);
    const port = await freePort();
    env = {
      ...process.env,
      PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
      BELLWETHER_KAFKA_CACHE: join(dir, 'cache'),
      BELLWETHER_KAFKA_DIR: join(dir, 'state'),
      BELLWETHER_KAFKA_PORT: String(port),
      BELLWETHER_KAFKA_CONTROLLER_PORT: String(await freePort()),
      BELLWETHER_KAFKA_WAIT_S: '20',
      STAND_IN_PORT: String(port),
    };
    const started = await run('bash', [script, 'start'], { env, timeout: 30_000 });
    expect(started.stderr).toContain(`ready on 127.0.0.1:${port}`);

    const status = await run('bash', [script, 'status'], { env });
    expect(status.stdout).toMatch(/^running pid=\d+/);
    const stopped = await run('bash', [script, 'stop'], { env, timeout: 30_000 });
    expect(stopped.stderr).toContain('stopped');
    await expect(run('bash', [script, 'status'], { env })).rejects.toMatchObject({ code: 3 });
  });
});
