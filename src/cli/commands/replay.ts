/** `bellwether replay <stream-dir>`: plays a fixture stream onto the configured bus and prints what it published. */
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import type { ReplayResult, ReplaySpeed } from '../../ingest/replay/replay-stream.ts';
import { createContext } from '../context.ts';
import { problemLines } from '../problem-lines.ts';
import { shutdownSignal } from '../signals.ts';

interface ReplayFlags {
  speed: string;
  json?: boolean;
  topic?: string;
  problems: string;
}

function parseSpeed(value: string): ReplaySpeed {
  if (value === 'max') return 'max';
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new UsageError(`--speed must be a positive number or "max", got "${value}"`);
  }
  return speed;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description(
      'play a news stream directory (RSS/Atom/JSONL files) onto the bus, with its original timing scaled',
    )
    .argument('<stream-dir>', 'stream directory, e.g. fixtures/streams/calm-day')
    .option(
      '--speed <N|max>',
      'time compression (60 = an hour of news per minute), or max for as fast as the bus takes it',
      'max',
    )
    .option('--topic <name>', 'topic to publish to (default: bus.topics.raw from config)')
    .option('--problems <n>', 'problems to list in the summary', '30')
    .option('--json', 'print one JSON object with the summary on stdout')
    .addHelpText(
      'after',
      `
Items keep their original publishedAt; fetchedAt is the moment they are published.
Undated items are published with the stream's last item. Bad entries are reported, never fatal.

Examples:
  bellwether replay fixtures/streams/shock-tsla                 # as fast as possible
  bellwether replay fixtures/streams/calm-day --speed 60        # one hour of news per minute
  bellwether replay fixtures/streams/malformed --json | jq .problems
  BELLWETHER_BUS=kafka bellwether replay fixtures/streams/demo  # onto Kafka`,
    )
    .action(async (dir: string, flags: ReplayFlags, command: Command) => {
      const speed = parseSpeed(flags.speed);
      const problemLimit = Number(flags.problems);
      if (!Number.isInteger(problemLimit) || problemLimit < 0) {
        throw new UsageError(`--problems must be a whole number, got "${flags.problems}"`);
      }
      const { config, logger } = createContext(command);
      const [{ createBus }, { replayStream }, { readManifest }] = await Promise.all([
        import('../../bus/create-bus.ts'),
        import('../../ingest/replay/replay-stream.ts'),
        import('../../ingest/replay/manifest.ts'),
      ]);
      const topic = flags.topic ?? config.bus.topics.raw;
      const signal = shutdownSignal((name) => logger.info(`${name}: stopping the replay`));
      const bus = createBus(config.bus, logger);
      await bus.connect();
      let result: ReplayResult;
      const started = performance.now();
      // A timed replay logs its first batch at once (it is under way), then at most every 5 s.
      let lastLog = speed === 'max' ? started : Number.NEGATIVE_INFINITY;
      try {
        result = await replayStream({
          dir,
          bus,
          topic,
          speed,
          signal,
          onProgress: (p) => {
            const now = performance.now();
            if (now - lastLog < 5_000) return;
            lastLog = now;
            logger.info(
              p,
              `replay: ${p.published}/${p.total} published, stream time ${p.streamTime}`,
            );
          },
        });
      } finally {
        await bus.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const manifest = await readManifest(dir);
      const summary = {
        stream: manifest?.name ?? basename(resolve(dir)),
        dir,
        bus: config.bus.type,
        topic,
        speed,
        ...result,
        seconds: Number(seconds.toFixed(3)),
        itemsPerSecond: seconds > 0 ? Math.round(result.published / seconds) : null,
        expected: manifest
          ? {
              items: manifest.expected.items,
              duplicates: manifest.expected.duplicates,
              rejected: manifest.expected.rejected,
            }
          : null,
        matchesManifest: manifest
          ? result.published === manifest.expected.items &&
            result.duplicates === manifest.expected.duplicates &&
            result.rejected === manifest.expected.rejected
          : null,
      };
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      const check = (actual: number, expected: number | undefined) =>
        expected === undefined
          ? ''
          : actual === expected
            ? '  (as the manifest says)'
            : `  (manifest: ${expected}!)`;
      const lines = [
        `${result.aborted ? 'stopped replaying' : 'replayed'} ${summary.stream} at --speed ${speed} onto ${config.bus.type} bus topic ${topic}`,
        `  published   ${result.published}${check(result.published, manifest?.expected.items)}`,
        `  duplicates  ${result.duplicates}${check(result.duplicates, manifest?.expected.duplicates)}`,
        `  rejected    ${result.rejected}${check(result.rejected, manifest?.expected.rejected)}`,
        `  stream      ${result.streamStart ?? '?'} → ${result.streamEnd ?? '?'}`,
        `  took        ${seconds.toFixed(2)} s (${summary.itemsPerSecond ?? '?'} items/s; reading ${(result.readMs / 1000).toFixed(2)} s, publishing ${(result.publishMs / 1000).toFixed(2)} s)`,
      ];
      if (result.problems.length > 0) {
        lines.push(
          `  problems    ${result.problems.length}`,
          ...problemLines(result.problems, problemLimit),
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
