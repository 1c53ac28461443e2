// Native TensorFlow scores off the main thread by default: the shipped model on the real native backend
// (skipped, with the reason, where `npm run setup:native` has not provisioned it).
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/support/capture-logger.ts';
import { loadModelDir } from './model-files.ts';
import { loadNativeBackend } from './native-backend.ts';
import { loadScorer } from './scorer.ts';
import { syntheticHeadlines } from './synthetic-texts.ts';

const MODEL = 'models/default';
const native = await loadNativeBackend('tensorflow');
if (!native.ok) console.info(`native-scoring-thread: skipped: ${native.reason}`);

/** The longest the main thread went without running a 5 ms timer while `work` ran. */
async function longestStall(
  work: () => Promise<unknown>,
): Promise<{ stallMs: number; ms: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  return { stallMs: Math.max(stallMs, performance.now() - last), ms };
}

describe.skipIf(!native.ok)('native scoring thread', () => {
  it('keeps the main thread free during a pass: ingest, the sink and the dashboard run meanwhile', async () => {
    const { tokenizer } = await loadModelDir(MODEL);
    const texts = syntheticHeadlines(tokenizer, 4_000, 11);
    const { logger, lines } = captureLogger();
    const scorer = await loadScorer(
      { path: MODEL, backend: 'tensorflow', workers: 'auto' },
      logger,
    );
    try {
      await scorer.scoreBatch(texts.slice(0, 64));
      const { stallMs, ms } = await longestStall(() => scorer.scoreBatch(texts));
      // On the main thread a pass blocks it from start to end (stall ≈ the pass).
      expect(ms).toBeGreaterThan(300);
      expect(stallMs).toBeLessThan(ms / 3);
      expect(lines.find((l) => l.msg === 'sentiment model loaded')).toMatchObject({
        backend: 'tensorflow',
        workers: 1,
      });
    } finally {
      await scorer.close();
    }
  });

  it('lowers more workers to one, saying why: native passes take turns, so a second thread would only wait', async () => {
    const { logger, lines } = captureLogger();
    const scorer = await loadScorer({ path: MODEL, backend: 'tensorflow', workers: 2 }, logger);
    try {
      expect(lines.find((l) => l.msg === 'sentiment model loaded')).toMatchObject({ workers: 1 });
      expect(lines.find((l) => l.level === 40)?.msg).toMatch(
        /model\.workers 2 lowered to 1: native TensorFlow runs one pass at a time per process/,
      );
      expect(await scorer.scoreBatch(['Tesla shares plunge as recall widens'])).toHaveLength(3);
    } finally {
      await scorer.close();
    }
  });

  it('scores on the main thread when asked to (workers: 0)', async () => {
    const { logger, lines } = captureLogger();
    const scorer = await loadScorer({ path: MODEL, backend: 'tensorflow', workers: 0 }, logger);
    try {
      expect(lines.find((l) => l.msg === 'sentiment model loaded')).toMatchObject({ workers: 0 });
      expect(await scorer.scoreBatch(['Tesla shares plunge as recall widens'])).toHaveLength(3);
    } finally {
      await scorer.close();
    }
  });
});
