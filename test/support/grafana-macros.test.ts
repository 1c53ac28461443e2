// The expander must produce what Grafana and the ClickHouse plugin produce, or the dashboard SQL test proves nothing.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana variable syntax is what these tests exercise.
import { describe, expect, it } from 'vitest';
import { expandGrafanaSql, expandMacros, interpolateVariables } from './grafana-macros.ts';

const ctx = {
  fromMs: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  toMs: Date.UTC(2026, 0, 2, 9, 0, 0, 1),
  intervalMs: 300_000,
};
const fromS = Math.floor(ctx.fromMs / 1000);
const toS = Math.floor(ctx.toMs / 1000);

describe('plugin macros', () => {
  it('expands the time filter to whole-second DateTime bounds, inclusive', () => {
    expect(expandMacros('WHERE $__timeFilter(published_at)', ctx)).toBe(
      `WHERE published_at >= toDateTime(${fromS}) AND published_at <= toDateTime(${toS})`,
    );
  });

  it('expands from/to, their millisecond forms, the date filter and the interval', () => {
    expect(expandMacros('$__fromTime $__toTime', ctx)).toBe(
      `toDateTime(${fromS}) toDateTime(${toS})`,
    );
    expect(expandMacros('$__fromTime_ms', ctx)).toBe(`fromUnixTimestamp64Milli(${ctx.fromMs})`);
    expect(expandMacros('$__dateFilter(d)', ctx)).toBe(
      "d >= toDate('2026-01-02') AND d <= toDate('2026-01-02')",
    );
    expect(expandMacros('intDiv(x, $__interval_s)', ctx)).toBe('intDiv(x, 300)');
    expect(expandMacros('$__interval_s', { ...ctx, intervalMs: 10 })).toBe('1');
    expect(expandMacros('$__timeInterval(t)', ctx)).toBe(
      'toStartOfInterval(toDateTime(t), INTERVAL 300 second)',
    );
  });

  it('keeps nested parentheses inside a macro argument', () => {
    expect(expandMacros('$__timeFilter(toDateTime(intDiv(ms, 1000)))', ctx)).toBe(
      `toDateTime(intDiv(ms, 1000)) >= toDateTime(${fromS}) AND toDateTime(intDiv(ms, 1000)) <= toDateTime(${toS})`,
    );
  });

  it('refuses unknown macros, missing arguments and unbalanced parentheses', () => {
    expect(() => expandMacros('$__nope', ctx)).toThrow(/unknown macro/);
    expect(() => expandMacros('$__timeFilter', ctx)).toThrow(/argument list/);
    expect(() => expandMacros('$__timeFilter(a, b)', ctx)).toThrow(/expects 1 argument/);
    expect(() => expandMacros('$__timeFilter(a', ctx)).toThrow(/unbalanced/);
  });
});

describe('template variables', () => {
  const vars = { key: "O'Neil", kind: 'ticker', many: ['A', 'B'] };

  it('interpolates $name, ${name} and [[name]] raw, as the plugin formats single values', () => {
    expect(interpolateVariables('$kind ${kind} [[kind]]', vars)).toBe('ticker ticker ticker');
  });

  it('quotes with :sqlstring, doubling embedded quotes', () => {
    expect(interpolateVariables('key = ${key:sqlstring}', vars)).toBe("key = 'O''Neil'");
    expect(interpolateVariables('k IN (${many:sqlstring})', vars)).toBe("k IN ('A','B')");
  });

  it('formats multi-value selections as a quoted list by default', () => {
    expect(interpolateVariables('k IN (${many})', vars)).toBe("k IN ('A','B')");
  });

  it('leaves unknown names and the plugin macros for the next pass', () => {
    expect(interpolateVariables('$__timeFilter(t) AND $other', vars)).toBe(
      '$__timeFilter(t) AND $other',
    );
  });

  it('runs variables before macros, like Grafana then the plugin', () => {
    expect(
      expandGrafanaSql('$__timeFilter($col) AND kind = ${kind:sqlstring}', {
        ...ctx,
        variables: { col: 'minute', kind: 'sector' },
      }),
    ).toBe(`minute >= toDateTime(${fromS}) AND minute <= toDateTime(${toS}) AND kind = 'sector'`);
  });
});
