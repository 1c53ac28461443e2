/** The `bellwether` program: global flags, the command registry, and one place that turns errors into exit codes. */
import { Command, CommanderError, Option } from 'commander';
import { LOG_LEVELS } from '../config/schema.ts';
import { BellwetherError, ConfigError, describeError, UsageError } from '../core/errors.ts';
import { COMMAND_MODULES } from './commands/index.ts';
import { versionLine } from './version.ts';

export async function buildProgram(): Promise<Command> {
  const program = new Command('bellwether')
    .description(
      'Streaming financial-news sentiment monitor: feeds → bus → scorer → store → alerts and dashboards.',
    )
    .option(
      '-c, --config <file>',
      'config file (YAML or JSON); default: $BELLWETHER_CONFIG or built-in embedded defaults',
    )
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS))
    .version(
      versionLine(),
      '-V, --version',
      'print the version and which code runs: the build or the sources',
    )
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride();
  for (const load of COMMAND_MODULES) (await load()).register(program);
  program.commands.forEach((command) => {
    command
      .exitOverride()
      .showHelpAfterError(`(run "bellwether ${command.name()} --help" for usage)`);
  });
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram();
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message (or the help/version text).
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`bellwether: ${error.message}\n`);
      return 2;
    }
    const code = error instanceof BellwetherError ? ` [${error.code}]` : '';
    process.stderr.write(`bellwether: ${describeError(error)}${code}\n`);
    if (process.env.BELLWETHER_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
}
