/** Turns SIGINT/SIGTERM into one abort signal, so long-running commands drain and exit 0; a second signal exits at once. */

export function shutdownSignal(onFirst?: (signal: string) => void): AbortSignal {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    onFirst?.(signal);
    controller.abort(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return controller.signal;
}
