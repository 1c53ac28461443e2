/** Worker-thread entry: holds one copy of the model on its own backend and scores the batches it is sent. */
import type { BackendChoice } from '../config/model.ts';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';
import { serveScoring } from './score-worker-port.ts';
import { warmUp } from './warm-up.ts';

interface Init {
  path: string;
  backend: BackendChoice;
}

await serveScoring(async (init: Init) => {
  const selection = await selectBackend(init.backend, silentLogger);
  const loaded = await loadModelDir(init.path);
  const predictor = new Predictor(loaded.model, loaded.tokenizer, loaded.meta.architecture.maxLen, {
    scoring: true,
  });
  warmUp(predictor, selection.backend);
  return {
    backend: selection.backend,
    answer: (request: { texts: string[] }) => predictor.predict(request.texts),
  };
});
