/** Expands Grafana template variables and the ClickHouse data source's macros in dashboard SQL the way Grafana and the plugin do, so tests can run panel SQL against the store. */

export interface GrafanaQueryContext {
  /** Dashboard time range, epoch milliseconds. */
  fromMs: number;
  toMs: number;
  /** The panel's interval (Grafana derives it from range / max data points), milliseconds. */
  intervalMs: number;
  /** Current values of template variables; an array is a multi-value selection. */
  variables?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Grafana's `sqlstring` format: single quotes around the value, embedded quotes doubled. Like
 * Grafana, it leaves backslashes alone (ClickHouse reads them as escapes; see the README).
 */
function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function formatVariable(value: string | readonly string[], format: string | undefined): string {
  const values = typeof value === 'string' ? [value] : value;
  if (format === 'sqlstring') return values.map(sqlString).join(',');
  if (format === 'csv') return values.join(',');
  if (format === 'raw' || format === undefined) {
    // The plugin's own formatter: multi-value selections become a quoted list, single values stay raw.
    return typeof value === 'string' ? value : `'${values.join("','")}'`;
  }
  throw new Error(`unsupported variable format :${format}`);
}

/** Grafana core's interpolation (runs in the browser before the query reaches the plugin). */
export function interpolateVariables(
  sql: string,
  variables: Readonly<Record<string, string | readonly string[]>>,
): string {
  // Same three syntaxes Grafana accepts: $name, ${name} / ${name:format}, [[name]].
  return sql.replace(
    /\$(\w+)|\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]/g,
    (match, plain: string | undefined, braced, format: string | undefined, bracketed) => {
      const name = plain ?? braced ?? bracketed;
      if (typeof name !== 'string') return match;
      const value = variables[name];
      // Unknown names (the plugin's `$__…` macros among them) pass through for the next stage.
      if (value === undefined) return match;
      return formatVariable(value, format);
    },
  );
}

/** Splits a macro's argument list at top-level commas; `open` indexes the opening parenthesis. */
function readArguments(sql: string, open: number): { args: string[]; end: number } {
  let depth = 0;
  let start = open + 1;
  const args: string[] = [];
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) {
        args.push(sql.slice(start, i).trim());
        return { args: args.length === 1 && args[0] === '' ? [] : args, end: i + 1 };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(sql.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error(`unbalanced parentheses after macro at offset ${open}`);
}

const toDateTime = (ms: number): string => `toDateTime(${Math.floor(ms / 1000)})`;
const toDate = (ms: number): string => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;
const toDateTime64 = (ms: number): string => `fromUnixTimestamp64Milli(${Math.trunc(ms)})`;

type Macro = (args: readonly string[], ctx: GrafanaQueryContext) => string;

function oneArg(name: string, args: readonly string[]): string {
  const [column] = args;
  if (args.length !== 1 || column === undefined) {
    throw new Error(`$__${name} expects 1 argument, got ${args.length}`);
  }
  return column;
}

/** The plugin's backend macros, with the expansions it emits (grafana-clickhouse-datasource v4). */
const MACROS: Record<string, Macro> = {
  fromTime: (_a, c) => toDateTime(c.fromMs),
  toTime: (_a, c) => toDateTime(c.toMs),
  fromTime_ms: (_a, c) => toDateTime64(c.fromMs),
  toTime_ms: (_a, c) => toDateTime64(c.toMs),
  timeFilter: (a, c) => {
    const col = oneArg('timeFilter', a);
    return `${col} >= ${toDateTime(c.fromMs)} AND ${col} <= ${toDateTime(c.toMs)}`;
  },
  timeFilter_ms: (a, c) => {
    const col = oneArg('timeFilter_ms', a);
    return `${col} >= ${toDateTime64(c.fromMs)} AND ${col} <= ${toDateTime64(c.toMs)}`;
  },
  dateFilter: (a, c) => {
    const col = oneArg('dateFilter', a);
    return `${col} >= ${toDate(c.fromMs)} AND ${col} <= ${toDate(c.toMs)}`;
  },
  // Not available on ClickHouse 18.16 (no toStartOfInterval): dashboards use $__interval_s arithmetic.
  timeInterval: (a, c) =>
    `toStartOfInterval(toDateTime(${oneArg('timeInterval', a)}), INTERVAL ${intervalSeconds(c)} second)`,
  interval_s: (_a, c) => String(intervalSeconds(c)),
};

function intervalSeconds(ctx: GrafanaQueryContext): number {
  return Math.max(Math.floor(ctx.intervalMs / 1000), 1);
}

const MACRO_NAMES_WITH_ARGS = new Set([
  'timeFilter',
  'timeFilter_ms',
  'dateFilter',
  'timeInterval',
]);

/** The plugin's macro pass (runs in its backend, after variables were interpolated). */
export function expandMacros(sql: string, ctx: GrafanaQueryContext): string {
  let out = '';
  let i = 0;
  const pattern = /\$__(\w+)/g;
  for (let m = pattern.exec(sql); m !== null; m = pattern.exec(sql)) {
    const name = m[1] ?? '';
    const macro = MACROS[name];
    if (macro === undefined) throw new Error(`unknown macro $__${name}`);
    out += sql.slice(i, m.index);
    let end = m.index + m[0].length;
    let args: string[] = [];
    if (MACRO_NAMES_WITH_ARGS.has(name)) {
      if (sql[end] !== '(') throw new Error(`$__${name} needs an argument list`);
      ({ args, end } = readArguments(sql, end));
    }
    out += macro(args, ctx);
    i = end;
    pattern.lastIndex = end;
  }
  return out + sql.slice(i);
}

/** Both passes in Grafana's order: template variables first, then the plugin's macros. */
export function expandGrafanaSql(sql: string, ctx: GrafanaQueryContext): string {
  return expandMacros(interpolateVariables(sql, ctx.variables ?? {}), ctx);
}
