// The production images as files (no Docker engine here): each builds dist/ in a build stage and its running
// stage has the compiled code and production dependencies only; the lock file keeps every dev tool out of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { type DockerStage, dockerStages } from '../support/dockerfile.ts';

/** Tools that must never be installed in an image; the runtime imports none of them. */
const DEV_ONLY = [
  'tsx',
  'vitest',
  '@grafana/schema',
  'onnxruntime-node',
  'typescript',
  '@biomejs/biome',
  'playwright-core',
];

const dockerfiles = ['deploy/docker/Dockerfile', 'deploy/docker/Dockerfile.gpu'];

const commands = (stage: DockerStage, op: string) =>
  stage.instructions.filter((i) => i.op === op).map((i) => i.args);

/** The stage a `COPY --from=<stage> <path>` of the running stage takes `path` from. */
function copiedFrom(stages: DockerStage[], target: DockerStage, path: string): DockerStage {
  const copy = commands(target, 'COPY').find((args) => args.split(/\s+/).includes(path));
  const from = copy === undefined ? undefined : /--from=(\S+)/.exec(copy)?.[1];
  const stage = stages.find((s) => s.name === from);
  if (stage === undefined)
    throw new Error(`the running stage copies no ${path} from a build stage`);
  return stage;
}

describe('issue 16.5 — both Docker images run the compiled build and install no dev dependency', () => {
  describe.each(dockerfiles)('%s', (file) => {
    const stages = dockerStages(join(repoRoot, file));
    const running = stages.at(-1) as DockerStage;

    it('runs bin/bellwether.js on dist/ copied from a stage that ran npm run build, without src/', () => {
      const built = copiedFrom(stages, running, '/app/dist');
      expect(commands(built, 'RUN').join('\n')).toMatch(/npm run build/);
      const copied = commands(running, 'COPY').flatMap((args) => args.split(/\s+/));
      expect(copied).not.toContain('src');
      expect(copied).not.toContain('./src');
      expect(commands(running, 'ENTRYPOINT').join(' ')).toContain('bin/bellwether.js');
    });

    it('installs the node_modules it runs with npm ci --omit=dev only', () => {
      const installs = commands(copiedFrom(stages, running, '/app/node_modules'), 'RUN')
        .flatMap((run) => run.split(/&&|;/))
        .filter((step) => /\bnpm (ci|install|i)\b/.test(step));
      expect(installs.length).toBeGreaterThan(0);
      for (const step of installs) expect(step, step).toMatch(/--omit=dev/);
      expect(commands(running, 'RUN').join('\n')).not.toMatch(/\bnpm (ci|install|i)\b/);
    });
  });

  it('the lock file reaches none of the dev tools from the production dependencies', () => {
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const inProduction = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.dev !== true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(inProduction.filter((name) => DEV_ONLY.includes(name))).toEqual([]);
  });
});
