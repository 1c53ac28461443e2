/** A small labelled CSV written by the project for training tests: one cue word per row decides the label. */

const CUES = {
  negative: ['plunge', 'slump', 'downgrade', 'warning', 'loss'],
  neutral: ['schedules', 'announces', 'files', 'meeting', 'holds'],
  positive: ['surge', 'record', 'upgrade', 'beats', 'rally'],
} as const;

export function labelledCsv(rows: number): string {
  const lines = ['text,label'];
  const labels = Object.keys(CUES) as Array<keyof typeof CUES>;
  for (let i = 0; i < rows; i++) {
    const label = labels[i % 3] ?? 'neutral';
    const cue = CUES[label][Math.floor(i / 3) % 5];
    lines.push(`"Acme ${i % 7} shares ${cue} in ${['march', 'may', 'june'][i % 3]}",${label}`);
  }
  return `${lines.join('\n')}\n`;
}
