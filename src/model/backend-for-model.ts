/**
 * Chooses the tfjs backend a model scores on: a pinned one as configured, or for `auto` the fastest
 * of those that load, by a short probe on the model itself whose result is cached per model version
 * and machine. Logs the figures and leaves the chosen backend active, the others released.
 */
import { cacheDir } from '../config/cache-dir.ts';
import type { BackendChoice } from '../config/model.ts';
import type { Logger } from '../core/logger.ts';
import {
  AUTO_ORDER,
  activateBackend,
  type BackendSelection,
  type ConcreteBackend,
  loadTf,
  releaseBackend,
  selectBackend,
} from './backend.ts';
import {
  BUSY_LOAD_PER_CORE,
  type CachedChoice,
  describeFigures,
  PROBE_METHOD,
  type ProbeFigures,
  pickFastest,
  planBackend,
} from './backend-choice.ts';
import {
  currentMachine,
  loadPerCore,
  readChoiceCache,
  writeChoiceCache,
} from './backend-choice-cache.ts';
import { probeModel } from './backend-probe.ts';
import { readModelMeta } from './model-files.ts';

export interface ModelBackendOptions {
  choice: BackendChoice;
  /** Model directory: the probe times this model, and its meta.json version keys the cache. */
  modelPath: string;
  /** Where probes are cached; default the project's cache folder ($BELLWETHER_CACHE, else ~/.cache/bellwether). */
  cacheDir?: string;
}

export interface ModelBackendSelection extends BackendSelection {
  /** Texts/s per backend behind an `auto` choice (measured now or cached). */
  figures?: ProbeFigures;
}

/** The scoring stage's default batch size: the probe measures the batch the scorer will mostly see. */
const PROBE_BATCH = 256;
/** A slow backend's measured batch shrinks to fit this, so the whole probe stays within seconds. */
const PROBE_MAX_RUN_MS = 1000;

export async function selectBackendForModel(
  options: ModelBackendOptions,
  logger: Logger,
): Promise<ModelBackendSelection> {
  // A pinned backend is used as configured: never probed, and a failure to start is an error.
  if (options.choice !== 'auto') return selectBackend(options.choice, logger);
  const meta = await readModelMeta(options.modelPath);
  const machine = currentMachine();
  const dir = options.cacheDir ?? cacheDir();
  const cache = await readChoiceCache(dir);
  if (cache.problem !== undefined) logger.warn(`backend probe cache ignored: ${cache.problem}`);
  const plan = planBackend(meta.version, machine, loadPerCore(), cache.entries[meta.version]);
  const tf = await loadTf();
  if (plan.kind === 'cached') {
    const { entry } = plan;
    const result = await activateBackend(tf, entry.backend);
    if (result.ok) {
      await tf.ready();
      logger.info(
        { backend: entry.backend, choice: 'auto', model: meta.version, figures: entry.figures },
        `tfjs backend: ${entry.backend} (auto, probed ${entry.measuredAt}: ${describeFigures(entry.figures)})`,
      );
      return { tf, backend: entry.backend, skipped: [], figures: entry.figures };
    }
    logger.warn(`cached backend ${entry.backend} does not start (${result.reason}); probing again`);
  } else {
    logger.debug({ model: meta.version }, `probing backends: ${plan.reason}`);
  }

  const { figures, skipped } = await measureBackends(tf, options.modelPath, logger);
  for (const s of skipped) logger.info({ backend: s.backend }, `skipped ${s.backend}: ${s.reason}`);
  if (Object.keys(figures).length === 0) {
    const reasons = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
    throw new Error(`no usable tfjs backend (${reasons})`);
  }
  // The load while probing, before this process's own work after the probe adds to it.
  const load = loadPerCore();
  const backend = pickFastest(figures);
  const active = await activateBackend(tf, backend);
  if (!active.ok) throw new Error(`${backend} was measured but does not restart: ${active.reason}`);
  await tf.ready();
  for (const other of Object.keys(figures) as ConcreteBackend[]) releaseBackend(tf, other);
  logger.info(
    { backend, choice: 'auto', model: meta.version, figures, loadPerCore: load },
    `tfjs backend: ${backend} (auto, measured ${describeFigures(figures)})`,
  );
  if (load > BUSY_LOAD_PER_CORE) {
    logger.info(
      `backend probe ran under load ${load} per core: cached until a start on a calmer machine measures again`,
    );
  }
  const entry: CachedChoice = {
    modelVersion: meta.version,
    machine,
    probe: PROBE_METHOD,
    figures,
    backend,
    measuredAt: new Date().toISOString(),
    loadPerCore: load,
  };
  await writeChoiceCache(dir, cache.entries, entry).catch((error: Error) =>
    logger.warn(`backend probe not cached (the next start probes again): ${error.message}`),
  );
  return { tf, backend, skipped, figures };
}

/** Starts each backend of the auto order in turn and times the model on those that start. */
async function measureBackends(
  tf: BackendSelection['tf'],
  modelPath: string,
  logger: Logger,
): Promise<{ figures: ProbeFigures; skipped: BackendSelection['skipped'] }> {
  const figures: ProbeFigures = {};
  const skipped: BackendSelection['skipped'] = [];
  let beat: number | undefined;
  for (const backend of AUTO_ORDER) {
    const result = await activateBackend(tf, backend);
    if (!result.ok) {
      skipped.push({ backend, reason: result.reason });
      continue;
    }
    await tf.ready();
    const probe = await probeModel(modelPath, {
      batch: PROBE_BATCH,
      maxRunMs: PROBE_MAX_RUN_MS,
      beat,
      bestTextsPerSec: Math.max(0, ...Object.values(figures)),
    });
    figures[backend] = Math.round(probe.textsPerSec * 10) / 10;
    logger.debug(`probed ${backend}: ${probe.texts} texts in ${probe.seconds.toFixed(3)} s`);
    beat = Math.min(beat ?? probe.seconds, probe.seconds);
  }
  return { figures, skipped };
}
