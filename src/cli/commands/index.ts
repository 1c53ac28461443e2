/** The command registry: one module per command, each adding itself to the program. Add one line per new command. */
import type { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

export const COMMAND_MODULES: ReadonlyArray<() => Promise<CommandModule>> = [
  () => import('./run.ts'),
  () => import('./score.ts'),
  () => import('./sink.ts'),
  () => import('./backfill.ts'),
  () => import('./top.ts'),
  () => import('./replay.ts'),
  () => import('./ingest.ts'),
  () => import('./train.ts'),
  () => import('./eval.ts'),
  () => import('./quantize.ts'),
  () => import('./train-entities.ts'),
  () => import('./score-text.ts'),
  () => import('./dashboard.ts'),
  () => import('./alerts.ts'),
];
