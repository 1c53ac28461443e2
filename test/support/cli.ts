/** Runs the real `bellwether` executable as a child process, as a user would, with a clean environment. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../..');
export const bellwetherBin = join(repoRoot, 'bin/bellwether.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The caller's env without BELLWETHER_* settings from the developer's shell, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('BELLWETHER_')) delete env[key];
  return { ...env, BELLWETHER_LOG_LEVEL: 'warn', ...extra };
}

export function startCli(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [bellwetherBin, ...args], { cwd: repoRoot, env: cleanEnv(env) });
}

/** Runs to completion (killed after `timeoutMs`) and collects its output; `stdin` is written and closed. */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
  stdin?: string,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, env);
    if (stdin !== undefined) child.stdin?.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
