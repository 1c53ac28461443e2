/** Worker-thread entry: holds one copy of the entity model (head and encoder) and scores the queries it is sent. */
import type { BackendChoice } from '../../config/model.ts';
import type { EntityQuery } from '../../core/entity-scorer.ts';
import { silentLogger } from '../../core/logger.ts';
import { selectBackend } from '../backend.ts';
import { markForScoring } from '../predictor.ts';
import { serveScoring } from '../score-worker-port.ts';
import { loadEntityModel } from './entity-model-files.ts';
import { EntityScorer } from './entity-scorer.ts';

interface Init {
  dir: string;
  backend: BackendChoice;
}

await serveScoring(async (init: Init) => {
  const selection = await selectBackend(init.backend, silentLogger);
  const model = await loadEntityModel(init.dir);
  // The pipeline's scorer: its encoder layers may take the wasm attention kernel.
  markForScoring(model.encoder.model);
  markForScoring(model.head);
  const scorer = new EntityScorer(model, selection.backend);
  return {
    backend: selection.backend,
    answer: (request: { queries: EntityQuery[] }) => scorer.score(request.queries, false).entities,
  };
});
