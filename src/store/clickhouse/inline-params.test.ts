// Client-side binding for servers without query parameters: typed literals, escaping proven on the real engine.
import { queryAsync } from 'chdb';
import { describe, expect, it } from 'vitest';
import { inlineParams, ParamError, quoteString } from './inline-params.ts';

const HOSTILE = [
  "it's",
  'trailing backslash \\',
  "\\'; DROP TABLE x; --",
  "''",
  'tab\there\nnewline\rreturn',
  'nul\u0000inside',
  '{k:String}',
  '📉 ünïcødé',
];

describe('inlineParams', () => {
  it('writes each type as its literal', () => {
    const sql = inlineParams(
      'SELECT {s:String}, {n:UInt32}, {f:Float64}, {a:Array(String)}, {i:Int64}, {b:UInt8}',
      { s: 'x', n: 42, f: -1.5, a: ['p', "q'"], i: -7, b: true },
    );
    expect(sql).toBe("SELECT 'x', 42, -1.5, ['p', 'q\\''], -7, 1");
  });

  it('leaves placeholders inside quotes and comments alone', () => {
    const sql = inlineParams(
      "SELECT '{s:String}', `{s:String}` -- {s:String}\n, {s:String} /* {s:String} */",
      { s: 'v' },
    );
    expect(sql).toBe("SELECT '{s:String}', `{s:String}` -- {s:String}\n, 'v' /* {s:String} */");
  });

  it('refuses values that do not fit their declared type, and missing values', () => {
    expect(() => inlineParams('SELECT {n:UInt32}', { n: -1 })).toThrow(ParamError);
    expect(() => inlineParams('SELECT {n:UInt32}', { n: 1.5 })).toThrow(ParamError);
    expect(() => inlineParams('SELECT {n:UInt32}', { n: '1 OR 1=1' })).toThrow(ParamError);
    expect(() => inlineParams('SELECT {f:Float64}', { f: Number.NaN })).toThrow(ParamError);
    expect(() => inlineParams('SELECT {s:String}', { s: 5 })).toThrow(ParamError);
    expect(() => inlineParams('SELECT {a:Array(String)}', { a: 'x' })).toThrow(ParamError);
    expect(() => inlineParams('SELECT {s:String}', {})).toThrow(/s has no value/);
    expect(() => inlineParams('SELECT {d:DateTime}', { d: 'now()' })).toThrow(/not supported/);
  });

  it('round-trips hostile strings through the engine unchanged', async () => {
    const sql = inlineParams('SELECT {a:Array(String)} AS a, {s:String} AS s', {
      a: HOSTILE,
      s: HOSTILE.join('|'),
    });
    const result = await queryAsync(sql, { format: 'JSON' });
    expect(result.json<{ data: { a: string[]; s: string }[] }>().data).toEqual([
      { a: HOSTILE, s: HOSTILE.join('|') },
    ]);
    for (const text of HOSTILE) {
      const one = await queryAsync(`SELECT ${quoteString(text)} AS v`, { format: 'JSON' });
      expect(one.json<{ data: { v: string }[] }>().data[0]?.v).toBe(text);
    }
  });
});
