/** Times a model directory on the active tfjs backend: a short warm-up, then a measured batch (best of two for contenders), in texts/s. */
import { loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';
import { syntheticHeadlines } from './synthetic-texts.ts';

export interface ProbeOptions {
  /** Texts in the measured batch: the scoring stage's default batch size. */
  batch: number;
  /** A backend that would take longer than this for one measured batch gets a smaller one. */
  maxRunMs: number;
  /** The shortest measured batch of a backend timed before, in seconds (of at least WARM_UP texts). */
  beat?: number;
  /** The best texts/s measured before: a second run is spent only on a close contender. */
  bestTextsPerSec?: number;
}

export interface ProbeResult {
  textsPerSec: number;
  /** The batch the figure comes from, and how long it took (the faster of two runs). */
  texts: number;
  seconds: number;
}

/** Texts in the warm-up call (run twice, the second timed), which also bounds what a full batch can cost. */
const WARM_UP = 8;
/** Within this factor of the best so far a backend is a contender, worth a second measured run. */
const CONTENDER = 2;
const SEED = 2024;

function seconds(predictor: Predictor, texts: readonly string[]): number {
  const started = performance.now();
  predictor.predict(texts);
  return Math.max(performance.now() - started, 0.001) / 1000;
}

/** Loads the model on the active backend, measures it, and disposes it again. */
export async function probeModel(modelPath: string, options: ProbeOptions): Promise<ProbeResult> {
  const loaded = await loadModelDir(modelPath);
  try {
    // Timed as a scorer runs it (on native, the BiLSTM as one kernel: native-lstm.ts).
    const predictor = new Predictor(
      loaded.model,
      loaded.tokenizer,
      loaded.meta.architecture.maxLen,
      { scoring: true },
    );
    const texts = syntheticHeadlines(loaded.tokenizer, Math.max(options.batch, WARM_UP), SEED);
    // The first call pays for kernel set-up, weight upload and its shapes: untimed.
    predictor.predict(texts.slice(0, WARM_UP));
    const warm = seconds(predictor, texts.slice(0, WARM_UP));
    // More texts never take less time, so a backend slower on these few than another on its whole
    // batch cannot be the fastest: not measured further (this is what keeps pure JS cheap to probe).
    if (options.beat !== undefined && warm > options.beat) {
      return { textsPerSec: WARM_UP / warm, texts: WARM_UP, seconds: warm };
    }
    // Per text a batch costs at most what the warm-up did (a call's fixed cost is shared out).
    const affordable = Math.floor((options.maxRunMs / 1000 / warm) * WARM_UP);
    const size = Math.max(WARM_UP, Math.min(options.batch, affordable));
    const batch = texts.slice(0, size);
    const first = seconds(predictor, batch);
    const contender = size / first >= (options.bestTextsPerSec ?? 0) / CONTENDER;
    // Best of two: a moment of load from elsewhere slows one run, not what the backend can do.
    const best = contender ? Math.min(first, seconds(predictor, batch)) : first;
    return { textsPerSec: size / best, texts: size, seconds: best };
  } finally {
    loaded.model.dispose();
  }
}
