/**
 * Binds `{name:Type}` placeholders on the client, for servers older than query parameters (ClickHouse
 * 18.16). Each value is checked against its declared type and written as a literal of that type, strings
 * fully escaped, so no input can end a literal or add SQL; placeholders inside quotes and comments are
 * left alone.
 */
import type { SqlParams, SqlValue } from '../../core/store.ts';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([A-Za-z0-9_() ]+)\}/y;

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  UInt8: [0, 255],
  UInt16: [0, 65_535],
  UInt32: [0, 4_294_967_295],
  UInt64: [0, Number.MAX_SAFE_INTEGER],
  Int8: [-128, 127],
  Int16: [-32_768, 32_767],
  Int32: [-2_147_483_648, 2_147_483_647],
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

export class ParamError extends Error {}

/** A ClickHouse string literal: backslash escapes for the quote, the backslash and control characters. */
export function quoteString(value: string): string {
  let out = "'";
  for (const ch of value) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\0':
        out += '\\0';
        break;
      default:
        out += ch;
    }
  }
  return `${out}'`;
}

function literal(name: string, type: string, value: SqlValue | number | string): string {
  const array = /^Array\((.+)\)$/.exec(type);
  if (array?.[1]) {
    if (!Array.isArray(value)) throw new ParamError(`parameter ${name}: ${type} needs an array`);
    const inner = array[1];
    return `[${(value as readonly (string | number)[]).map((v) => literal(name, inner, v)).join(', ')}]`;
  }
  if (type === 'String') {
    if (typeof value !== 'string') throw new ParamError(`parameter ${name}: String needs a string`);
    return quoteString(value);
  }
  const range = INTEGER_RANGES[type];
  if (range) {
    const n = typeof value === 'boolean' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < range[0] || n > range[1]) {
      throw new ParamError(`parameter ${name}: ${String(value)} is not a ${type}`);
    }
    return String(n);
  }
  if (type === 'Float32' || type === 'Float64') {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ParamError(`parameter ${name}: ${String(value)} is not a finite ${type}`);
    }
    return String(value);
  }
  throw new ParamError(`parameter ${name}: type ${type} is not supported by client-side binding`);
}

/** Replaces every placeholder outside quotes and comments with its value's literal. */
export function inlineParams(sql: string, params: SqlParams): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '{') {
      PLACEHOLDER.lastIndex = i;
      const match = PLACEHOLDER.exec(sql);
      if (!match?.[1] || !match[2]) {
        out += ch;
        i += 1;
        continue;
      }
      const name = match[1];
      if (!Object.hasOwn(params, name)) throw new ParamError(`parameter ${name} has no value`);
      out += literal(name, match[2].replace(/\s+/g, ''), params[name] as SqlValue);
      i += match[0].length;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** Index just past the quote that closes the one at `start` (backslash escapes and doubled quotes). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      i += 1;
    }
  }
  return sql.length;
}
