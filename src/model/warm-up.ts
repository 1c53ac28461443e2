/**
 * Warming a freshly loaded model before it takes real work. A backend's first passes cost far more than the
 * ones after: native TensorFlow creates its kernels (oneDNN primitives, thread pool, allocator) on first use,
 * and wasm grows its heap. Measured on native, models/default scoring the demo stream's 2,731 texts in twelve
 * batches: 1,944 ms on the first round and 1,400 on the third; after this warm-up the first round took 1,352.
 * So a scorer pays that cost once at load, before it says ready, instead of on the first items a user sends.
 */
import { minGroupFor, type Predictor } from './predictor.ts';
import { syntheticHeadlines } from './synthetic-texts.ts';

/** Texts of one to four joined headlines: padded lengths from about 16 to 64 tokens, as items with summaries reach. */
const LENGTHS = [1, 2, 3, 4] as const;
/** Warm-up stops after the pass that crosses this, so a heavy model (the accurate one) delays start-up by little. */
const BUDGET_MS = 1_500;

export interface WarmUp {
  passes: number;
  ms: number;
}

/**
 * Scores synthetic batches of growing length, each as large as the smallest group the predictor forms on
 * `backend`, until every length ran or the time budget is spent. The answers are thrown away.
 */
export function warmUp(predictor: Predictor, backend: string, budgetMs = BUDGET_MS): WarmUp {
  const started = performance.now();
  const size = minGroupFor(backend, predictor.model.countParams());
  const headlines = syntheticHeadlines(predictor.tokenizer, size + LENGTHS.length, 1);
  let passes = 0;
  for (const joined of LENGTHS) {
    const texts = Array.from({ length: size }, (_, i) => headlines.slice(i, i + joined).join('. '));
    predictor.predict(texts);
    passes += 1;
    if (performance.now() - started > budgetMs) break;
  }
  return { passes, ms: Math.round(performance.now() - started) };
}
