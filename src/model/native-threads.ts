/**
 * How many threads libtensorflow gives one op (its intra-op pool, `TF_NUM_INTRAOP_THREADS`): read once, when
 * the native backend loads, for the whole process. By default it is one per core. A scoring process of the
 * small model is better served by one: its ops are too small to split well, and the spare core goes to
 * ingest, the sink and the store instead of to threads that wait on each other. Measured on 2 cores with
 * models/default, `bench:model --texts fixtures/streams/demo --backend tensorflow --workers 0`: 1,995
 * texts/s at one thread (1,875 per CPU-second) against 1,699 at the default (1,268 per CPU-second); and the
 * plain `bench:pipeline`, five interleaved pairs: median 1,629 items/s against 1,443.
 *
 * A pretrained-encoder model (the accurate one) keeps the default: its large matrix products do use
 * every core. A value the operator set is never changed.
 */
import type { Logger } from '../core/logger.ts';

const VARIABLE = 'TF_NUM_INTRAOP_THREADS';

/**
 * Sets one intra-op thread for a scorer of a small model unless the environment says otherwise. Call it
 * before anything in the process loads the native backend; afterwards it has no effect. Returns the value
 * in force ('default' when libtensorflow picks).
 */
export function chooseNativeThreads(
  model: { tokenizer?: string },
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const set = env[VARIABLE];
  if (set !== undefined) return set;
  if (model.tokenizer === 'wordpiece') return 'default';
  env[VARIABLE] = '1';
  logger.debug({ [VARIABLE]: '1' }, 'native TensorFlow ops get one thread each (small model)');
  return '1';
}
