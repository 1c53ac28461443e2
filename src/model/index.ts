/** The model module's public face: the scorer adapter (what the pipeline uses) and the pieces the CLI trains and evaluates with. */
export { loadScorer, type ScorerOptions } from './scorer.ts';
