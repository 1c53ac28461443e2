/** `bellwether sink`: the store-writing stage as its own process; idempotent, so restarts and redeliveries are safe. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { consumeUntilStopped } from '../consume-until-stopped.ts';
import { createContext } from '../context.ts';
import { shutdownSignal } from '../signals.ts';

interface SinkFlags {
  bus?: 'memory' | 'kafka';
  store?: 'embedded' | 'clickhouse';
  group?: string;
  port: string;
}

export function register(program: Command): void {
  program
    .command('sink')
    .description(
      'run the sink stage alone: news.scored → store (batched, idempotent, retried while the store is down)',
    )
    .addOption(new Option('--bus <type>', 'override bus.type').choices(['memory', 'kafka']))
    .addOption(
      new Option('--store <type>', 'override store.type').choices(['embedded', 'clickhouse']),
    )
    .option('--group <name>', 'consumer group (default sink.group)')
    .option('--port <port>', 'metrics/health port (0 = none)', '9465')
    .addHelpText(
      'after',
      `
Examples:
  bellwether sink --bus kafka --store clickhouse
  BELLWETHER_CLICKHOUSE_URL=http://ch:8123 bellwether sink --bus kafka --store clickhouse`,
    )
    .action(async (flags: SinkFlags, command: Command) => {
      const { config, logger } = createContext(
        command,
        (c) => {
          if (flags.group) c.sink.group = flags.group;
        },
        { BELLWETHER_BUS: flags.bus, BELLWETHER_STORE: flags.store },
      );
      const [
        { createStageBus, createStageStore },
        { SinkStage },
        { PipelineMetrics },
        stageProcess,
        { StageStartup },
        { StoryAssigner },
      ] = await Promise.all([
        import('../../pipeline/components.ts'),
        import('../../sink/sink-stage.ts'),
        import('../../pipeline/metrics.ts'),
        import('../../pipeline/stage-process.ts'),
        import('../../pipeline/stage-startup.ts'),
        import('../../stories/story-assigner.ts'),
      ]);
      const signal = shutdownSignal((name) =>
        logger.info(`${name}: finishing the batch in flight and leaving the group`),
      );
      const startup = new StageStartup('sink', logger, signal);
      const metrics = new PipelineMetrics();
      const store = await createStageStore(config.store, logger);
      const bus = createStageBus(config.bus, config.sink.sessionTimeoutMs, logger);
      const stage = new SinkStage({
        bus,
        store,
        inputTopic: config.bus.topics.scored,
        dlqTopic: config.bus.topics.dlq,
        ...config.sink,
        logger: logger.child({ stage: 'sink' }),
        stories: new StoryAssigner(store, logger.child({ stage: 'stories' }), config.stories),
        onWrite: (items, ms) => {
          metrics.batchSize.observe({ stage: 'sink' }, items.length);
          metrics.storeWriteSeconds.observe(ms / 1000);
        },
      });
      const server = await stageProcess.serveStageEndpoints({
        name: 'sink',
        counters: stage.counters,
        metrics,
        bus,
        lag: { bus, topic: config.bus.topics.scored, group: config.sink.group },
        checks: [startup.check, () => store.healthcheck()],
        host: config.web.host,
        port: Number(flags.port),
        logger,
      });
      try {
        // Started before the store or the broker, the sink waits for them (not ready) instead of exiting.
        if (
          (await startup.connect('store', () => store.connect())) &&
          (await startup.connect('bus', () => bus.connect()))
        ) {
          await consumeUntilStopped({
            name: 'sink',
            stage,
            startup,
            signal,
            logger,
            input: { group: config.sink.group, topic: config.bus.topics.scored },
          });
        }
      } finally {
        await bus.close();
        await store.close();
        server?.close();
      }
      logger.info(stage.counters.snapshot(), 'sink: stopped');
    });
}
