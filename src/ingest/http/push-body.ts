/**
 * A push request's body → its JSON value: the media type must be application/json (a type a web page cannot
 * send without a CORS preflight), the declared charset one we decode, and the bytes valid in it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { charsetFromContentType, decodeStrictly, knownCharset } from '../common/charset.ts';
import type { PushRefusal } from './push-guard.ts';

export type BodyCharset = { ok: true; charset: string } | ({ ok: false } & PushRefusal);

/** Decided from the headers alone, before any byte is read. */
export function bodyCharset(headers: IncomingHttpHeaders): BodyCharset {
  const contentType = headers['content-type'];
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return {
      ok: false,
      status: 415,
      error: `send Content-Type: application/json (got ${contentType === undefined ? 'none' : `"${contentType}"`})`,
    };
  }
  // JSON is UTF-8 unless the client says otherwise (RFC 8259).
  const label = charsetFromContentType(contentType) ?? 'utf-8';
  const charset = knownCharset(label);
  if (charset === undefined) {
    return { ok: false, status: 415, error: `unknown charset "${label}"; send UTF-8` };
  }
  return { ok: true, charset };
}

export type BodyValue = { ok: true; value: unknown } | ({ ok: false } & PushRefusal);

export function parseBody(bytes: Uint8Array, charset: string): BodyValue {
  const text = decodeStrictly(bytes, charset);
  if (text === undefined) {
    return { ok: false, status: 400, error: `body is not valid UTF-8 (declared ${charset})` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, status: 400, error: `bad JSON: ${(error as Error).message}` };
  }
}
