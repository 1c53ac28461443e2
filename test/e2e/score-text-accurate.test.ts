// Issue 13.6 — the shipped accurate model is chosen with `score-text --model models/accurate` and reads a clearly
// negative and a clearly positive headline the right way (int8 weights dequantized at load; about 3 s on wasm here).
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const NEGATIVE = 'Acme shares plunge after profit warning and CEO exit';
const POSITIVE = 'Acme beats estimates, raises full-year guidance; shares surge to record';

describe('issue 13.6 — score-text --model models/accurate', () => {
  it('scores a clearly negative headline negative and a clearly positive one positive', async () => {
    const run = await runCli(
      ['score-text', '--model', 'models/accurate', '--backend', 'wasm', NEGATIVE, POSITIVE],
      {},
      60_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { text: string; label: string; score: number });
    expect(rows.map((r) => [r.text, r.label])).toEqual([
      [NEGATIVE, 'negative'],
      [POSITIVE, 'positive'],
    ]);
    expect(rows[0]?.score).toBeLessThan(-0.5);
    expect(rows[1]?.score).toBeGreaterThan(0.5);
  });
});
