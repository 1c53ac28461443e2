/**
 * A small finance polarity lexicon written for this project: words whose tone in market news rarely
 * depends on the source. The model gets it as a prior (see `PolarityPrior`), so a cue that is rare in
 * the training text — "delisted", "slashes", "outperforms" — still points the right way on text from
 * other sources. Forms are listed, not stemmed: the tokenizer keeps each listed word whole.
 */

/** Verb-like stems expanded with -s/-es, -ed/-d and -ing forms (plus the stem itself). */
const POSITIVE_STEMS = [
  'advance',
  'beat',
  'boost',
  'climb',
  'expand',
  'gain',
  'improve',
  'jump',
  'outperform',
  'rally',
  'rebound',
  'recover',
  'rise',
  'soar',
  'surge',
  'strengthen',
  'upgrade',
  'win',
  'exceed',
  'accelerate',
  'approve',
  'raise',
  'spike',
  'skyrocket',
  'rocket',
  'outpace',
  'outshine',
  'recoup',
  'thrive',
  'excel',
  'succeed',
  'welcome',
  'reward',
  'upbeat',
];

const POSITIVE_WORDS = [
  'up',
  'higher',
  'highest',
  'record',
  'strong',
  'stronger',
  'strongest',
  'robust',
  'solid',
  'bullish',
  'buy',
  'overweight',
  'outperformance',
  'growth',
  'profitable',
  'profitability',
  'gains',
  'positive',
  'optimistic',
  'optimism',
  'upside',
  'upswing',
  'uptrend',
  'breakout',
  'boom',
  'booming',
  'bumper',
  'windfall',
  'dividend',
  'buyback',
  'beats',
  'better',
  'best',
  'success',
  'successful',
  'favourable',
  'favorable',
  'healthy',
  'resilient',
  'confidence',
  'confident',
  'attractive',
  'lucrative',
  'momentum',
  'milestone',
  'approval',
  'wins',
  'won',
  'rose',
  'risen',
  'hike',
  'hikes',
  'soaring',
  'surging',
  'jumps',
  'rallies',
  'bull',
  'recovery',
  'turnaround',
  'upgrades',
  'upgraded',
  'outperformed',
  'accretive',
  'expansion',
  'tailwind',
  'tailwinds',
  'cheer',
  'cheers',
  'cheered',
  'stellar',
  'impressive',
  'strength',
];

const NEGATIVE_STEMS = [
  'cut',
  'crash',
  'decline',
  'delay',
  'dip',
  'downgrade',
  'drop',
  'dump',
  'fall',
  'fail',
  'halt',
  'lose',
  'lag',
  'miss',
  'plunge',
  'plummet',
  'sink',
  'slash',
  'slide',
  'slip',
  'slump',
  'shrink',
  'tumble',
  'tank',
  'underperform',
  'warn',
  'weaken',
  'worsen',
  'sue',
  'probe',
  'default',
  'recall',
  'suspend',
  'delist',
  'collapse',
  'crumble',
  'erode',
  'retreat',
  'stall',
  'struggle',
  'disappoint',
  'downsize',
  'shed',
  'resign',
  'investigate',
  'penalize',
  'penalise',
  'ban',
];

const NEGATIVE_WORDS = [
  'down',
  'lower',
  'lowest',
  'loss',
  'losses',
  'lost',
  'weak',
  'weaker',
  'weakest',
  'weakness',
  'bearish',
  'bear',
  'underweight',
  'negative',
  'pessimism',
  'pessimistic',
  'downside',
  'downturn',
  'downtrend',
  'slowdown',
  'recession',
  'bankrupt',
  'bankruptcy',
  'insolvency',
  'insolvent',
  'fraud',
  'scam',
  'scandal',
  'lawsuit',
  'litigation',
  'penalty',
  'fined',
  'layoff',
  'layoffs',
  'worst',
  'worse',
  'bad',
  'risk',
  'risks',
  'risky',
  'concern',
  'concerns',
  'worry',
  'worries',
  'fear',
  'fears',
  'selloff',
  'sell-off',
  'rout',
  'crisis',
  'turmoil',
  'volatile',
  'uncertainty',
  'headwind',
  'headwinds',
  'shortfall',
  'deficit',
  'writedown',
  'write-off',
  'impairment',
  'fell',
  'fallen',
  'sank',
  'sunk',
  'slid',
  'missed',
  'misses',
  'cuts',
  'shortage',
  'outage',
  'breach',
  'hack',
  'probe',
  'investigation',
  'antitrust',
  'sanctions',
  'tariff',
  'tariffs',
  'protest',
  'closure',
  'shutdown',
  'bubble',
  'overvalued',
  'expensive',
  'dismal',
  'grim',
  'gloomy',
  'plunging',
  'tumbling',
  'sliding',
  'slumping',
  'falling',
  'lowers',
  'lowered',
  'downgrades',
  'downgraded',
  'warning',
  'warnings',
  'profit-taking',
  'pressure',
  'drag',
  'drags',
  'dragged',
  'trouble',
  'troubled',
  'woes',
  'loses',
  'losing',
  'avoid',
];

function inflect(stem: string): string[] {
  const forms = new Set([stem]);
  const e = stem.endsWith('e');
  const y = /[^aeiou]y$/.test(stem);
  forms.add(y ? `${stem.slice(0, -1)}ies` : /(s|sh|ch|x|z)$/.test(stem) ? `${stem}es` : `${stem}s`);
  forms.add(y ? `${stem.slice(0, -1)}ied` : e ? `${stem}d` : `${stem}ed`);
  forms.add(e && stem !== 'be' ? `${stem.slice(0, -1)}ing` : `${stem}ing`);
  // Short stems double their last consonant (cut → cutting, drop → dropped, slip → slipping).
  if (/^[^aeiou]*[aeiou][bdgklmnprt]$/.test(stem)) {
    const last = stem.at(-1) ?? '';
    forms.add(`${stem}${last}ed`);
    forms.add(`${stem}${last}ing`);
  }
  return [...forms];
}

function build(stems: readonly string[], words: readonly string[]): Set<string> {
  return new Set([...stems.flatMap(inflect), ...words]);
}

const POSITIVE_WORDS_SET: ReadonlySet<string> = build(POSITIVE_STEMS, POSITIVE_WORDS);
const NEGATIVE_WORDS_SET: ReadonlySet<string> = build(NEGATIVE_STEMS, NEGATIVE_WORDS);

/** +1 for a positive cue, −1 for a negative one, 0 otherwise (a word listed as both counts as neither). */
export function polarityOf(word: string): number {
  const pos = POSITIVE_WORDS_SET.has(word);
  const neg = NEGATIVE_WORDS_SET.has(word);
  return pos === neg ? 0 : pos ? 1 : -1;
}

/** Every lexicon word, for keeping them whole in the tokenizer. */
export function lexiconWords(): string[] {
  return [...new Set([...POSITIVE_WORDS_SET, ...NEGATIVE_WORDS_SET])].sort();
}

/** ±1/0 per token id of a tokenizer that keeps the lexicon's words whole (the prior's table). */
export function polarityTable(tokenizer: {
  size: number;
  wholeWords: readonly string[];
  wordId(word: string): number | undefined;
}): Float32Array {
  const table = new Float32Array(tokenizer.size);
  for (const word of tokenizer.wholeWords) {
    const id = tokenizer.wordId(word);
    if (id !== undefined) table[id] = polarityOf(word);
  }
  return table;
}
