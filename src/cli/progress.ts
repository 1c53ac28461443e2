/**
 * A progress line for long jobs (backfill, training): done/total, rate, ETA. Redrawn in place on a terminal;
 * elsewhere (CI, pipes) printed as a plain line every few seconds. Always on stderr, so stdout stays for data.
 */

export interface ProgressLine {
  /** `done` and `total` in the job's unit; `total` may be an estimate or unknown. */
  update(done: number, total: number | undefined, extra?: string): void;
  finish(message: string): void;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(
  label: string,
  unit: string,
  stream: NodeJS.WriteStream = process.stderr,
  plainEveryMs = 5_000,
): ProgressLine {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let lastPrint = 0;
  return {
    update(done, total, extra) {
      const now = performance.now();
      if (now - lastPrint < (tty ? 100 : plainEveryMs)) return;
      lastPrint = now;
      const seconds = (now - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const fraction = total ? Math.min(1, done / total) : undefined;
      const eta = fraction !== undefined && rate > 0 && total ? (total - done) / rate : Number.NaN;
      const bar =
        fraction === undefined
          ? ''
          : `[${'#'.repeat(Math.round(fraction * 24)).padEnd(24, '.')}] ${(fraction * 100).toFixed(1)}% `;
      const text = `${label} ${bar}${done}${total ? `/${total}` : ''} ${unit}, ${rate.toFixed(0)} ${unit}/s, ETA ${formatSeconds(eta)}${extra ? `, ${extra}` : ''}`;
      stream.write(tty ? `\r\x1b[2K${text}` : `${text}\n`);
    },
    finish(message) {
      stream.write(tty ? `\r\x1b[2K${message}\n` : `${message}\n`);
    },
  };
}
