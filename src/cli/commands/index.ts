/** The command registry: one module per command, each adding itself to the program. Add one line per new command. */
import type { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

export const COMMAND_MODULES: ReadonlyArray<() => Promise<CommandModule>> = [
  () => import('./dashboard.ts'),
];
