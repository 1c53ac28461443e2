/**
 * Byte streams → decoded text lines, each line decoded on its own (UTF-8, or windows-1252 when a line is not
 * valid UTF-8), so one badly encoded line neither breaks nor garbles the others. Reads files in bounded chunks.
 */
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';

export interface TextLine {
  /** 1-based. */
  number: number;
  text: string;
  /** Set when the line was not valid UTF-8. */
  charsetNote?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeLine(bytes: Buffer, number: number): TextLine {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
  let start = 0;
  if (number === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const body = bytes.subarray(start, end);
  try {
    return { number, text: strictUtf8.decode(body) };
  } catch {
    return {
      number,
      text: iconv.decode(body, 'windows-1252'),
      charsetNote: 'line is not valid UTF-8; decoded as windows-1252',
    };
  }
}

/** Splits chunks on LF, carrying a partial line over; bounded: a line longer than `maxLineBytes` is cut. */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private number = 0;

  constructor(private readonly maxLineBytes = 32 * 1024 * 1024) {}

  *push(chunk: Buffer): Generator<TextLine> {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      const line = this.pending.length > 0 ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      this.number += 1;
      yield decodeLine(line, this.number);
    }
    if (start < chunk.length && this.pendingBytes < this.maxLineBytes) {
      const rest = chunk.subarray(start, start + (this.maxLineBytes - this.pendingBytes));
      this.pending.push(Buffer.from(rest));
      this.pendingBytes += rest.length;
    }
  }

  *end(): Generator<TextLine> {
    if (this.pendingBytes > 0) {
      this.number += 1;
      yield decodeLine(Buffer.concat(this.pending), this.number);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

export function* linesOf(bytes: Buffer): Generator<TextLine> {
  const splitter = new LineSplitter();
  yield* splitter.push(bytes);
  yield* splitter.end();
}

export async function* readLines(path: string): AsyncGenerator<TextLine> {
  const splitter = new LineSplitter();
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    yield* splitter.push(chunk as Buffer);
  }
  yield* splitter.end();
}
