/**
 * Bytes → text in the body's real charset: a BOM wins, then the declared charset (HTTP header, then XML prolog),
 * checked against the bytes, with a sensible fallback when the declaration is wrong.
 */
import iconv from 'iconv-lite';

export interface DecodedText {
  text: string;
  /** The charset actually used. */
  charset: string;
  /** What did not match the declaration, for the problem list. */
  notes: string[];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** WHATWG treats these labels as windows-1252, which is what such feeds actually contain. */
const WINDOWS_1252_LABELS = new Set([
  'ascii',
  'us-ascii',
  'latin1',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'l1',
  'cp1252',
  'windows-1252',
  'x-cp1252',
]);

function canonical(label: string): string {
  const lower = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  if (lower === 'utf8' || lower === 'utf-8' || lower === 'unicode-1-1-utf-8') return 'utf-8';
  if (WINDOWS_1252_LABELS.has(lower)) return 'windows-1252';
  return lower;
}

/** The canonical name of a charset label this module can decode; undefined for an unknown one. */
export function knownCharset(label: string): string | undefined {
  const name = canonical(label);
  return name === 'utf-8' || iconv.encodingExists(name) ? name : undefined;
}

/** The charset parameter of a Content-Type header value. */
export function charsetFromContentType(contentType: string | null | undefined): string | undefined {
  const match = contentType ? /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType) : null;
  return match?.[2];
}

/** The encoding named in an XML declaration, read as ASCII from the first bytes. */
export function charsetFromXmlProlog(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 512)).toString(
    'latin1',
  );
  return /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] ?? 0) >= 0x80) return true;
  return false;
}

function withoutBom(bytes: Uint8Array): { rest: Uint8Array; bom?: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { rest: bytes.subarray(3), bom: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { rest: bytes.subarray(2), bom: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { rest: bytes.subarray(2), bom: 'utf-16be' };
  return { rest: bytes };
}

/** Bytes in a known charset, taken at their word: undefined when UTF-8 is declared and the bytes are not. */
export function decodeStrictly(bytes: Uint8Array, charset: string): string | undefined {
  return charset === 'utf-8' ? tryUtf8(bytes) : iconv.decode(asBuffer(bytes), charset);
}

export interface DecodeHints {
  /** The HTTP Content-Type header, when the bytes came over HTTP. */
  contentType?: string | null | undefined;
  /** Look for an XML declaration's encoding when the header names none. */
  xml?: boolean;
}

export function decodeBytes(bytes: Uint8Array, hints: DecodeHints = {}): DecodedText {
  const { rest, bom } = withoutBom(bytes);
  if (bom !== undefined && bom !== 'utf-8') {
    return { text: iconv.decode(asBuffer(rest), bom), charset: bom, notes: [] };
  }
  const notes: string[] = [];
  // A UTF-8 BOM outranks any declaration, but the bytes are still checked against it.
  const declaredLabel =
    bom ??
    charsetFromContentType(hints.contentType) ??
    (hints.xml ? charsetFromXmlProlog(rest) : undefined);
  const declared = declaredLabel === undefined ? undefined : knownCharset(declaredLabel);
  if (declaredLabel !== undefined && declared === undefined) {
    notes.push(`unknown charset "${declaredLabel}"; decoded as UTF-8`);
  }

  if (declared === undefined || declared === 'utf-8') {
    const text = tryUtf8(rest);
    if (text !== undefined) return { text, charset: 'utf-8', notes };
    notes.push(
      declared === 'utf-8'
        ? 'declared UTF-8 but the bytes are not valid UTF-8; decoded as windows-1252'
        : 'no charset declared and the bytes are not valid UTF-8; decoded as windows-1252',
    );
    return { text: iconv.decode(asBuffer(rest), 'windows-1252'), charset: 'windows-1252', notes };
  }

  // A legacy declaration over bytes that are valid, non-ASCII UTF-8 is almost always a stale declaration:
  // such byte sequences are very unlikely in real single-byte text.
  if (!declared.startsWith('utf-16') && hasNonAscii(rest)) {
    const text = tryUtf8(rest);
    if (text !== undefined) {
      notes.push(`declared ${declaredLabel} but the bytes are valid UTF-8; decoded as UTF-8`);
      return { text, charset: 'utf-8', notes };
    }
  }
  return { text: iconv.decode(asBuffer(rest), declared), charset: declared, notes };
}
