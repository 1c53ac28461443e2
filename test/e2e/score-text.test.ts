// `bellwether score-text` reading JSONL on stdin: a bad line is named and skipped, the others are scored.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const scoredTexts = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { text: string; label: string }).text);

describe('issue 14.6 — score-text lists every bad stdin line, keeps the output of the good ones', () => {
  it('scores every good line around the bad ones and exits 0', async () => {
    const stdin = [
      '{"text":"Tesla recalls 2 million cars"}',
      'not json',
      '"Apple beats estimates"',
      '{"headline":"no text field"}',
      '',
      '{"id":7,"text":"Boeing shares slide"}',
    ].join('\n');
    const run = await runCli(['score-text', '--batch-size', '2'], {}, 120_000, stdin);
    expect(run.code, run.stderr).toBe(0);
    expect(scoredTexts(run.stdout)).toEqual([
      'Tesla recalls 2 million cars',
      'Apple beats estimates',
      'Boeing shares slide',
    ]);
    expect(run.stderr).toMatch(/stdin line 2: not JSON/);
    expect(run.stderr).toMatch(/stdin line 4: expected \{"text": "\.\.\."\} or a JSON string/);
    expect(run.stderr).toMatch(/3 lines scored, 2 skipped/);
  }, 180_000);

  it('exits non-zero when no line could be scored, naming each', async () => {
    const run = await runCli(['score-text'], {}, 120_000, 'not json\n[1,2]\n');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/stdin line 1: not JSON/);
    expect(run.stderr).toMatch(/stdin line 2: expected/);
    expect(run.stderr).toMatch(/nothing scored: 2 lines skipped/);
  }, 180_000);
});
