// Worker-thread entry in plain JS: registers the TypeScript loader (tsx) in this thread, then runs the TS worker.
import { register } from 'tsx/esm/api';

register();
await import('./entity-worker.ts');
