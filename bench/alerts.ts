// Measures the alert engine: evaluations/s and time per evaluation over synthetic topics with the default rules.
//
// usage: npm run bench:alerts -- [--topics 500] [--hours 26] [--per-hour 6] [--step 1m] [--json]
import { parseArgs } from 'node:util';
import { backtest } from '../src/alerts/backtest.ts';
import { MemoryDataSource, type ScoredMention } from '../src/alerts/data-source.ts';
import { loadRules } from '../src/alerts/rules-file.ts';
import { parseDuration } from '../src/core/duration.ts';

const { values: args } = parseArgs({
  options: {
    topics: { type: 'string', default: '500' },
    hours: { type: 'string', default: '26' },
    'per-hour': { type: 'string', default: '6' },
    step: { type: 'string', default: '1m' },
    rules: { type: 'string', default: 'config/rules.yaml' },
    json: { type: 'boolean', default: false },
  },
});
const topics = Number(args.topics);
const hours = Number(args.hours);
const perHour = Number(args['per-hour']);
const stepMs = parseDuration(args.step ?? '1m');
if (![topics, hours, perHour].every((v) => Number.isInteger(v) && v > 0) || !stepMs) {
  throw new Error('--topics, --hours and --per-hour take positive integers; --step a duration');
}

// A fixed pseudo-random sequence keeps runs comparable.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const HOUR = 3_600_000;
const t0 = Date.parse('2026-03-10T00:00:00Z');
const mentions: ScoredMention[] = [];
for (let t = 0; t < topics; t++) {
  const kind = t % 10 === 0 ? 'sector' : t % 2 === 0 ? 'company' : 'ticker';
  for (let i = 0; i < hours * perHour; i++) {
    const negative = random() < 0.2;
    mentions.push({
      kind,
      key: `T${t}`,
      publishedAtMs: t0 + Math.floor(random() * hours * HOUR),
      label: negative ? 'negative' : 'neutral',
      score: negative ? -0.8 : 0.05,
    });
  }
}

const rules = loadRules(args.rules ?? 'config/rules.yaml');
const source = new MemoryDataSource(mentions);
const fromMs = t0 + 25 * HOUR;
const toMs = t0 + hours * HOUR;
const started = process.hrtime.bigint();
const result = await backtest(rules, source, { fromMs, toMs, stepMs, headlineLimit: 0 });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const figures = {
  topics,
  mentions: mentions.length,
  rules: rules.rules.length,
  evaluations: result.evaluations,
  seconds: Number(seconds.toFixed(3)),
  evaluationsPerSecond: Number((result.evaluations / seconds).toFixed(1)),
  msPerEvaluation: Number(((seconds * 1000) / result.evaluations).toFixed(2)),
  firings: result.events.filter((e) => e.event === 'firing').length,
};
if (args.json) {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} else {
  process.stdout.write(
    `alert engine: ${figures.evaluations} evaluations of ${figures.rules} rules over ${topics} topics (${figures.mentions} mentions) in ${figures.seconds} s\n` +
      `  ${figures.evaluationsPerSecond} evaluations/s, ${figures.msPerEvaluation} ms per evaluation, ${figures.firings} firings (random data)\n`,
  );
}
