// deploy/compose.yaml as files: docker-compose accepts it, every path it builds or mounts is in the repo, each
// bellwether service runs a real CLI command with health check, restart policy and limits, and Prometheus
// scrapes every stage that serves /metrics.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildProgram } from '../../src/cli/main.ts';
import { applyEnvOverrides } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load.ts';
import { exposureProblem } from '../../src/ingest/http/push-guard.ts';
import { repoRoot } from '../support/cli.ts';
import { dockerInstructions, dockerStages } from '../support/dockerfile.ts';

const composeFile = join(repoRoot, 'deploy/compose.yaml');
const composeDir = dirname(composeFile);

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  labels?: Record<string, string>;
  restart?: string;
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  deploy?: {
    replicas?: number;
    resources?: { limits?: { cpus?: string; memory?: string } };
  };
}

const compose = parseYaml(readFileSync(composeFile, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = Object.entries(compose.services);

/** Services built from our own Dockerfiles: the bellwether stages. */
const stages = services.filter(([, s]) => s.build?.dockerfile?.startsWith('deploy/docker/'));

/** `${VAR:-default}` / `${VAR}` as docker-compose expands them with nothing set in the environment. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (_m, _name, fallback) =>
    typeof fallback === 'string' ? fallback : '',
  );
}

function dockerfilePath(service: Service): string {
  const context = resolve(composeDir, service.build?.context ?? '.');
  return resolve(context, service.build?.dockerfile ?? 'Dockerfile');
}

/** Build-context paths a Dockerfile copies in (COPY/ADD without --from). */
function copiedPaths(path: string): string[] {
  const sources: string[] = [];
  for (const { op, args } of dockerInstructions(path)) {
    if (op !== 'COPY' && op !== 'ADD') continue;
    const words = args.split(/\s+/);
    if (words.some((w) => w.startsWith('--from='))) continue;
    const operands = words.filter((w) => !w.startsWith('--'));
    sources.push(...operands.slice(0, -1));
  }
  return sources;
}

/** The image's entrypoint arguments after `bin/bellwether.js` (e.g. ['score'] for the GPU image). */
function entrypointArgs(path: string): string[] {
  const entry = dockerInstructions(path)
    .filter((i) => i.op === 'ENTRYPOINT')
    .pop();
  expect(entry, `${path} has no ENTRYPOINT`).toBeDefined();
  const argv = JSON.parse(entry?.args ?? '[]') as string[];
  const bin = argv.indexOf('bin/bellwether.js');
  expect(bin, `${path}: ENTRYPOINT must run node bin/bellwether.js`).toBeGreaterThan(-1);
  return argv.slice(bin + 1);
}

/** Top-level names in .dockerignore (what the build context leaves out). */
const dockerIgnored = existsSync(join(repoRoot, '.dockerignore'))
  ? readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#') && !l.includes('*'))
  : [];

function hostPath(volume: string): string | undefined {
  const source = volume.split(':')[0] ?? '';
  return source.startsWith('.') || source.startsWith('/') ? source : undefined;
}

const program = await buildProgram();

/** The command (and sub-command) an argv names, or undefined; plus the flags it was given. */
function resolveCommand(argv: readonly string[]): { command?: Command; flags: string[] } {
  let command: Command | undefined = program;
  let i = 0;
  while (i < argv.length && command) {
    const word = argv[i] ?? '';
    if (word.startsWith('-')) break;
    const sub: Command | undefined = command.commands.find((c) => c.name() === word);
    if (!sub) break;
    command = sub;
    i += 1;
  }
  const flags = argv.slice(i).filter((w) => w.startsWith('--'));
  // A group such as `alerts` is not runnable itself; its sub-command must be named.
  const runnable = command !== program && command !== undefined && command.commands.length === 0;
  return { command: runnable ? command : undefined, flags };
}

function healthcheckText(service: Service): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

describe('deploy/compose.yaml', () => {
  const binary = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  const hasBinary = binary.status === 0;
  const inCi = process.env.CI === 'true';

  it('is accepted by docker-compose config -q', (ctx) => {
    if (!hasBinary) {
      if (inCi) {
        throw new Error(
          'docker-compose is not installed but CI=true: install it (Debian: apt-get install -y docker-compose; it needs no engine)',
        );
      }
      console.warn(
        'skipped: docker-compose not installed (Debian: apt-get install docker-compose)',
      );
      ctx.skip();
      return;
    }
    const result = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, COMPOSE_PROJECT_NAME: 'bellwether-test' },
    });
    expect(result.status, result.stderr).toBe(0);
  });

  it('has the bellwether stages as services built from our Dockerfiles', () => {
    expect(stages.map(([name]) => name).sort()).toEqual(
      expect.arrayContaining(['alerts', 'dashboard', 'ingest', 'scorer', 'sink']),
    );
  });

  it.each(services.filter(([, s]) => s.build))(
    '%s: build context and Dockerfile exist',
    (_name, s) => {
      const context = resolve(composeDir, s.build?.context ?? '.');
      expect(existsSync(context), `context ${context}`).toBe(true);
      expect(existsSync(dockerfilePath(s)), `dockerfile ${dockerfilePath(s)}`).toBe(true);
    },
  );

  const dockerfiles = [...new Set(stages.map(([, s]) => dockerfilePath(s)))];
  it.each(dockerfiles.map((p) => [relative(repoRoot, p), p]))(
    '%s copies only files that are in the repo and in the build context',
    (_label, path) => {
      const sources = copiedPaths(path);
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        expect(existsSync(join(repoRoot, source)), `COPY ${source}: not in the repo`).toBe(true);
        const top = source.replace(/^\.\//, '').split('/')[0] ?? '';
        expect(dockerIgnored, `COPY ${source}: excluded by .dockerignore`).not.toContain(top);
      }
    },
  );

  it.each(services.filter(([, s]) => (s.volumes ?? []).some((v) => hostPath(v))))(
    '%s: every mounted host path exists in the repo',
    (_name, s) => {
      for (const volume of s.volumes ?? []) {
        const source = hostPath(volume);
        if (source === undefined) continue;
        expect(existsSync(resolve(composeDir, source)), `volume ${volume}`).toBe(true);
      }
    },
  );

  it.each(stages)('%s: health check, restart policy, resource limits', (_name, s) => {
    expect(healthcheckText(s)).toMatch(/http:\/\/127\.0\.0\.1:\d+\/(ready|health|healthz)?/);
    expect(s.restart).toMatch(/^(always|unless-stopped|on-failure)/);
    expect(s.deploy?.resources?.limits?.cpus).toBeTruthy();
    expect(s.deploy?.resources?.limits?.memory).toBeTruthy();
    for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
      expect(compose.services[dependency], `depends on unknown ${dependency}`).toBeDefined();
      expect(condition).toBe('service_healthy');
      expect(compose.services[dependency]?.healthcheck).toBeDefined();
    }
  });

  it('runs at least two scorers (one consumer group)', () => {
    expect(compose.services.scorer?.deploy?.replicas ?? 1).toBeGreaterThanOrEqual(2);
    expect(compose.services.scorer?.command?.join(' ')).not.toContain('--group');
  });

  it('issue 13.6 — the GPU scorer reads models/accurate (image and service), the CPU scorers the configured models/default', () => {
    const gpu = compose.services['scorer-gpu'];
    const imageEnv = (dockerStages(dockerfilePath(gpu ?? {})).at(-1)?.instructions ?? [])
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(imageEnv).toMatch(/(^|\s)BELLWETHER_MODEL=models\/accurate(\s|$)/);
    expect(gpu?.environment?.BELLWETHER_MODEL).toBe('models/accurate');
    expect(existsSync(join(repoRoot, 'models/accurate/meta.json'))).toBe(true);
    expect(compose.services.scorer?.environment?.BELLWETHER_MODEL).toBeUndefined();
    const config = parseYaml(readFileSync(join(repoRoot, 'deploy/docker/bellwether.yaml'), 'utf8'));
    expect(config.model.path).toBe('models/default');
  });

  it('runs Kafka at the version deploy/kafka/kafka.sh pins, and pins every image', () => {
    const script = readFileSync(join(repoRoot, 'deploy/kafka/kafka.sh'), 'utf8');
    const pinned = /DEFAULT_VERSION=([0-9.]+)/.exec(script)?.[1];
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${pinned}`);
    for (const [name, s] of services) {
      const image = s.image ?? '';
      expect(image, `${name}: image`).toMatch(/:[^:]+$/);
      expect(image, `${name}: image`).not.toMatch(/:latest$/);
    }
  });
});

describe('stage services', () => {
  it.for(stages)('%s runs a real bellwether command with flags it accepts', ([name, s], ctx) => {
    const argv = [...entrypointArgs(dockerfilePath(s)), ...(s.command ?? [])];
    const { command, flags } = resolveCommand(argv);
    const pending = s.labels?.['bellwether.command-pending'];
    if (!command && pending) {
      console.warn(
        `skipped: ${name}: \`bellwether ${argv.join(' ')}\` does not exist yet (${pending})`,
      );
      ctx.skip();
      return;
    }
    expect(command, `${name}: bellwether ${argv.join(' ')} is not a command`).toBeDefined();
    expect(
      pending,
      `${name}: the command exists now; drop the command-pending label`,
    ).toBeUndefined();
    const known = new Set(command?.options.map((o) => o.long));
    for (const flag of flags) expect(known, `${name}: ${flag}`).toContain(flag.split('=')[0]);
  });

  it.for(stages)('%s: metrics port, command port and health check agree', ([name, s]) => {
    const metrics = s.labels?.['bellwether.metrics'];
    expect(metrics, `${name}: label bellwether.metrics (a port, or "none")`).toMatch(
      /^(\d+|none)$/,
    );
    if (metrics === 'none') return;
    const argv = s.command ?? [];
    expect(argv[argv.indexOf('--port') + 1], `${name}: --port`).toBe(metrics);
    expect(healthcheckText(s)).toContain(`127.0.0.1:${metrics}/ready`);
  });

  it('Prometheus scrapes every stage that serves /metrics', () => {
    const prometheus = parseYaml(
      readFileSync(join(repoRoot, 'deploy/prometheus/prometheus.yml'), 'utf8'),
    ) as {
      scrape_configs: {
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { names: string[]; port: number }[];
      }[];
    };
    const targets = new Set<string>();
    for (const job of prometheus.scrape_configs) {
      for (const c of job.static_configs ?? []) for (const t of c.targets) targets.add(t);
      for (const c of job.dns_sd_configs ?? [])
        for (const n of c.names) targets.add(`${n}:${c.port}`);
    }
    const scraped = stages.filter(([, s]) => s.labels?.['bellwether.metrics'] !== 'none');
    expect(scraped.length).toBeGreaterThanOrEqual(3);
    for (const [name, s] of scraped) {
      expect(targets, `${name} is not scraped`).toContain(
        `${name}:${s.labels?.['bellwether.metrics']}`,
      );
    }
    // Prometheus's mounts must carry the config it reads.
    const mounts = compose.services.prometheus?.volumes ?? [];
    expect(mounts.some((v) => v.startsWith('./prometheus/prometheus.yml:'))).toBe(true);
  });

  it.for(stages)(
    '%s: the mounted config parses with the service environment and names services',
    ([name, s]) => {
      const env = Object.fromEntries(
        Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
      );
      const mount = (s.volumes ?? []).find((v) => v.endsWith(`:${env.BELLWETHER_CONFIG}:ro`));
      expect(mount, `${name}: BELLWETHER_CONFIG is not a mounted file`).toBeDefined();
      const file = resolve(composeDir, hostPath(mount ?? '') ?? '');
      const raw = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
      applyEnvOverrides(raw, env);
      const config = parseConfig(raw, file);
      expect(config.bus.type).toBe('kafka');
      expect(config.store.type).toBe('clickhouse');
      expect(config.web.host).toBe('0.0.0.0');
      if (config.bus.type === 'kafka') {
        for (const broker of config.bus.brokers)
          expect(compose.services[broker.split(':')[0] ?? '']).toBeDefined();
      }
      if (config.store.type === 'clickhouse') {
        expect(compose.services[new URL(config.store.url).hostname]).toBeDefined();
        expect(config.store.password).not.toBe('');
      }
      // issue 14.2: a stage serving HTTP push on all interfaces would refuse to start without its token.
      if (s.command?.includes('--http'))
        expect(exposureProblem(config.ingest.http)).toBeUndefined();
    },
  );
});

/** Runs a Prometheus/Alertmanager tool when it is installed (Debian: prometheus, prometheus-alertmanager). */
function tool(name: string, args: string[], ctx: { skip: () => void }): string | undefined {
  const probe = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    console.warn(`skipped: ${name} not installed`);
    ctx.skip();
    return undefined;
  }
  const result = spawnSync(name, args, { encoding: 'utf8', cwd: repoRoot });
  expect(result.status, `${name} ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout;
}

describe('monitoring config', () => {
  it('promtool accepts prometheus.yml with the rules it loads', (ctx) => {
    // rule_files names the container path; check against a copy that points at the repo's rules.
    const dir = mkdtempSync(join(tmpdir(), 'bellwether-prom-'));
    try {
      cpSync(join(repoRoot, 'deploy/prometheus/rules'), join(dir, 'rules'), { recursive: true });
      const config = readFileSync(join(repoRoot, 'deploy/prometheus/prometheus.yml'), 'utf8');
      expect(config).toContain('/etc/prometheus/rules/');
      writeFileSync(
        join(dir, 'prometheus.yml'),
        config.replaceAll('/etc/prometheus/rules/', `${join(dir, 'rules')}/`),
      );
      const out = tool('promtool', ['check', 'config', join(dir, 'prometheus.yml')], ctx);
      if (out !== undefined) expect(out).toMatch(/SUCCESS: [1-9]\d* rule files found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the operational rules fire as their unit tests expect (promtool test rules)', (ctx) => {
    tool('promtool', ['test', 'rules', 'deploy/prometheus/rules.test.yml'], ctx);
  });

  it('amtool accepts the compose Alertmanager config', (ctx) => {
    const mount = (compose.services.alertmanager?.volumes ?? []).find((v) =>
      v.includes(':/etc/alertmanager/alertmanager.yml'),
    );
    expect(mount).toBeDefined();
    const file = resolve(composeDir, hostPath(mount ?? '') ?? '');
    tool('amtool', ['check-config', file], ctx);
  });
});
