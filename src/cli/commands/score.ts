/** `bellwether score`: the scoring stage as its own process; several share the partitions of one consumer group. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { systemClock } from '../../core/clock.ts';
import { consumeUntilStopped } from '../consume-until-stopped.ts';
import { createContext } from '../context.ts';
import { shutdownSignal } from '../signals.ts';

interface ScoreFlags {
  bus?: 'memory' | 'kafka';
  group?: string;
  port: string;
}

export function register(program: Command): void {
  program
    .command('score')
    .description(
      'run the scoring stage alone: news.raw → model + topics → news.scored (DLQ for bad input)',
    )
    .addOption(new Option('--bus <type>', 'override bus.type').choices(['memory', 'kafka']))
    .option(
      '--group <name>',
      'consumer group (default scoring.group); scorers in one group share the work',
    )
    .option('--port <port>', 'metrics/health port (0 = none)', '9464')
    .addHelpText(
      'after',
      `
Start several with the same group to scale out; Kafka spreads the partitions of news.raw among them.

Examples:
  bellwether score --bus kafka
  BELLWETHER_KAFKA_BROKERS=k1:9092,k2:9092 bellwether score --bus kafka --port 9465`,
    )
    .action(async (flags: ScoreFlags, command: Command) => {
      const { config, logger } = createContext(
        command,
        (c) => {
          if (flags.group) c.scoring.group = flags.group;
        },
        { BELLWETHER_BUS: flags.bus },
      );
      const port = Number(flags.port);
      const [
        { createStageBus, openEntities, openScorer, openTopics },
        { ScoreStage },
        { PipelineMetrics },
        stageProcess,
        { StageStartup },
      ] = await Promise.all([
        import('../../pipeline/components.ts'),
        import('../../scoring/score-stage.ts'),
        import('../../pipeline/metrics.ts'),
        import('../../pipeline/stage-process.ts'),
        import('../../pipeline/stage-startup.ts'),
      ]);
      const signal = shutdownSignal((name) =>
        logger.info(`${name}: finishing the batch in flight and leaving the group`),
      );
      const startup = new StageStartup('score', logger, signal);
      const metrics = new PipelineMetrics();
      const topics = openTopics(config.topics, logger);
      const entityScoring = await openEntities(
        config.scoring.entities,
        config.model.backend,
        topics,
        logger,
        (n) => metrics.entityFailures.inc(n),
      );
      const scorer = await openScorer(config.model, logger);
      metrics.backend.set({ backend: scorer.backend, model_version: scorer.modelVersion }, 1);
      const bus = createStageBus(config.bus, config.scoring.sessionTimeoutMs, logger);
      const stage = new ScoreStage({
        bus,
        scorer,
        topics,
        inputTopic: config.bus.topics.raw,
        outputTopic: config.bus.topics.scored,
        dlqTopic: config.bus.topics.dlq,
        ...config.scoring,
        entityScoring,
        clock: systemClock,
        logger: logger.child({ stage: 'score' }),
        onBatch: (size, ms) => {
          metrics.batchSize.observe({ stage: 'score' }, size);
          metrics.scoringSeconds.observe(ms / 1000);
        },
      });
      const server = await stageProcess.serveStageEndpoints({
        name: 'score',
        counters: stage.counters,
        metrics,
        bus,
        // Ready only while the model scores: with every worker down, every batch would fail.
        checks: [startup.check, () => scorer.healthcheck()],
        // Entity scoring down only degrades it: items are still stored, with the headline's score.
        entities: entityScoring?.scorer,
        lag: { bus, topic: config.bus.topics.raw, group: config.scoring.group },
        host: config.web.host,
        port,
        logger,
      });
      try {
        // Started before the broker, the scorer waits for it (not ready) instead of exiting.
        if (await startup.connect('bus', () => bus.connect())) {
          await consumeUntilStopped({
            name: 'score',
            stage,
            startup,
            signal,
            logger,
            input: { group: config.scoring.group, topic: config.bus.topics.raw },
          });
        }
      } finally {
        await scorer.close();
        await entityScoring?.scorer.close();
        await bus.close();
        server?.close();
      }
      logger.info(stage.counters.snapshot(), 'score: stopped');
    });
}
