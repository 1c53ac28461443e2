/** Worker-thread entry: holds one copy of the model on its own backend and scores the batches it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendChoice } from '../config/model.ts';
import { silentLogger } from '../core/logger.ts';
import { selectBackend } from './backend.ts';
import { loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';

interface Init {
  path: string;
  backend: BackendChoice;
}

type Request = { id: number; texts: string[] };

async function start(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('score-worker must run in a worker thread');
  const init = workerData as Init;
  try {
    const selection = await selectBackend(init.backend, silentLogger);
    const loaded = await loadModelDir(init.path);
    const predictor = new Predictor(
      loaded.model,
      loaded.tokenizer,
      loaded.meta.architecture.maxLen,
    );
    port.on('message', (request: Request) => {
      try {
        const probs = predictor.predict(request.texts);
        port.postMessage({ id: request.id, probs }, [probs.buffer as ArrayBuffer]);
      } catch (error) {
        port.postMessage({
          id: request.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    port.postMessage({ ready: true, backend: selection.backend });
  } catch (error) {
    port.postMessage({
      ready: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

await start();
