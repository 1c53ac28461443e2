// Child process for native-op-lock.test: two native scoring threads of one process, started and scored at
// once, round after round. A crash (SIGSEGV) shows as this process's exit status; success prints a line.
import { loadModelDir } from '../../src/model/model-files.ts';
import { PoolWorker, scoreWorkerThread } from '../../src/model/pool-worker.ts';
import { syntheticHeadlines } from '../../src/model/synthetic-texts.ts';

const MODEL = 'models/default';
const ROUNDS = Number(process.argv[2] ?? 3);
const { tokenizer } = await loadModelDir(MODEL);
const texts = syntheticHeadlines(tokenizer, 512, 5);
const timeouts = { startMs: 120_000, requestMs: 120_000 };
let scored = 0;
for (let round = 0; round < ROUNDS; round++) {
  const workers = await Promise.all(
    [0, 1].map(() => PoolWorker.start(scoreWorkerThread(MODEL, 'tensorflow'), timeouts)),
  );
  const batches = await Promise.all(
    workers.flatMap((worker) =>
      [0, 1, 2].map((i) => worker.score(texts.slice(i * 64, (i + 3) * 64))),
    ),
  );
  scored += batches.reduce((n, b) => n + b.length / 3, 0);
  await Promise.all(workers.map((worker) => worker.close()));
}
process.stdout.write(`scored ${scored} texts in ${ROUNDS} rounds\n`);
