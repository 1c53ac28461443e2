/** Times a model directory on the active tfjs backend: a short warm-up, then a measured batch (best of two), in texts/s. */
import { loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';
import { syntheticHeadlines } from './synthetic-texts.ts';

export interface ProbeOptions {
  /** Texts in the measured batch at most: the scoring stage's default batch size. */
  batch: number;
  /** The measured batch shrinks to what the warm-up predicts fits in this time (slow backends). */
  budgetMs: number;
  /** Texts/s already measured on another backend: a backend predicted far below it is not measured further. */
  best?: number;
}

/** Warm-up batch sizes: two points fit a call's fixed cost and its cost per text. */
const SMALL = 2;
const LARGE = 10;
/** The smallest measured batch, however slow the backend. */
const MIN_MEASURED = 16;
/** Predictions from tiny batches are rough: only a gap wider than this settles a backend early. */
const CLEARLY_SLOWER = 3;
const SEED = 2024;

function seconds(predictor: Predictor, texts: readonly string[]): number {
  const started = performance.now();
  predictor.predict(texts);
  return Math.max(performance.now() - started, 0.001) / 1000;
}

/** Loads the model on the active backend, measures it, and disposes it again. */
export async function probeModel(modelPath: string, options: ProbeOptions): Promise<number> {
  const loaded = await loadModelDir(modelPath);
  try {
    const predictor = new Predictor(
      loaded.model,
      loaded.tokenizer,
      loaded.meta.architecture.maxLen,
    );
    const texts = syntheticHeadlines(loaded.tokenizer, Math.max(options.batch, LARGE), SEED);
    // The first call pays for kernel set-up and weight upload: untimed.
    predictor.predict(texts.slice(0, SMALL));
    // Per call the model runs hundreds of small ops whatever the batch, so a small batch says
    // little about a large one directly; a fixed cost plus a cost per text does.
    const small = seconds(predictor, texts.slice(0, SMALL));
    const large = seconds(predictor, texts.slice(0, LARGE));
    const perText = Math.max((large - small) / (LARGE - SMALL), 1e-6);
    const perCall = Math.max(small - SMALL * perText, 0);
    const fits = Math.floor((options.budgetMs / 1000 - perCall) / perText);
    const size = Math.max(MIN_MEASURED, Math.min(options.batch, fits));
    const predicted = size / (perCall + size * perText);
    if (options.best !== undefined && predicted * CLEARLY_SLOWER < options.best) {
      return LARGE / large;
    }
    const measured = texts.slice(0, size);
    // Best of two: a moment of load from elsewhere slows one run, not what the backend can do.
    return size / Math.min(seconds(predictor, measured), seconds(predictor, measured));
  } finally {
    loaded.model.dispose();
  }
}
