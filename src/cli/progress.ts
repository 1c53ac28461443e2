/**
 * A progress line for long jobs (backfill, training): done/total, rate, ETA. Redrawn in place on a terminal;
 * elsewhere (CI, pipes) printed as a plain line every few seconds. Always on stderr, so stdout stays for data.
 */

export interface ProgressLine {
  /** `done` and `total` in the job's unit; `total` may be an estimate or unknown. Rate and ETA are derived. */
  update(done: number, total: number | undefined, extra?: string): void;
  /**
   * Shows a line a caller composed itself (with its own figures), with a bar when `fraction` is given.
   * `keep` lines (an epoch's result, say) are never throttled and stay on screen.
   */
  show(text: string, fraction?: number, keep?: boolean): void;
  finish(message: string): void;
}

export function formatSeconds(seconds: number): string {
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
  const show = (text: string, fraction?: number, keep = false) => {
    const now = performance.now();
    if (!keep && now - lastPrint < (tty ? 100 : plainEveryMs)) return;
    lastPrint = now;
    const bar =
      fraction === undefined
        ? ''
        : `[${'#'.repeat(Math.round(Math.min(1, fraction) * 24)).padEnd(24, '.')}] ${(Math.min(1, fraction) * 100).toFixed(1)}% `;
    stream.write(tty ? `\r\x1b[2K${bar}${text}${keep ? '\n' : ''}` : `${bar}${text}\n`);
  };
  return {
    show,
    update(done, total, extra) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const fraction = total ? done / total : undefined;
      const eta = total && rate > 0 ? (total - done) / rate : Number.NaN;
      show(
        `${label} ${done}${total ? `/${total}` : ''} ${unit}, ${rate.toFixed(0)} ${unit}/s, ETA ${formatSeconds(eta)}${extra ? `, ${extra}` : ''}`,
        fraction,
      );
    },
    finish(message) {
      stream.write(tty ? `\r\x1b[2K${message}\n` : `${message}\n`);
    },
  };
}
