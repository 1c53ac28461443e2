/** Where provisioned, machine-local assets (the native backend, pretrained encoders) are cached: $BELLWETHER_CACHE, else the XDG cache folder; the deploy/ setup scripts resolve it the same way. */
import os from 'node:os';
import path from 'node:path';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BELLWETHER_CACHE) return env.BELLWETHER_CACHE;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'bellwether');
}
