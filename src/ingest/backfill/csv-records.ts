/**
 * A streaming RFC 4180 CSV reader: comma-separated, double-quoted fields that may hold commas, doubled quotes
 * and newlines. Fed one text line at a time, it emits a record whenever a line ends outside quotes.
 * Scans with indexOf and slices, not character by character, since backfill files can be large.
 */

export interface CsvRecord {
  /** Line number where the record starts (1-based). */
  line: number;
  fields: string[];
}

export class CsvRecordParser {
  private fields: string[] = [];
  private field = '';
  /** The current field started with a quote (so a later quote is not its opening). */
  private quoted = false;
  /** Inside a quoted field: a line break there belongs to the field. */
  private inQuotes = false;
  private startLine = 0;

  /** A quoted field longer than this many characters (a runaway quote) stops growing. */
  constructor(private readonly maxFieldChars = 8 * 1024 * 1024) {}

  private append(text: string): void {
    if (this.field.length < this.maxFieldChars) this.field += text;
  }

  /** Feeds one line (without its line break); returns the record it completes, if any. */
  pushLine(text: string, line: number): CsvRecord | undefined {
    if (!this.inQuotes && this.fields.length === 0 && this.field === '' && !this.quoted) {
      this.startLine = line;
    }
    let i = 0;
    while (i < text.length) {
      if (this.inQuotes) {
        const quote = text.indexOf('"', i);
        if (quote === -1) {
          this.append(text.slice(i));
          i = text.length;
          break;
        }
        this.append(text.slice(i, quote));
        if (text.charCodeAt(quote + 1) === 34) {
          this.append('"');
          i = quote + 2;
        } else {
          this.inQuotes = false;
          i = quote + 1;
        }
        continue;
      }
      if (text.charCodeAt(i) === 34 && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
        i += 1;
        continue;
      }
      const comma = text.indexOf(',', i);
      if (comma === -1) {
        this.append(text.slice(i));
        break;
      }
      this.append(text.slice(i, comma));
      this.fields.push(this.field);
      this.field = '';
      this.quoted = false;
      i = comma + 1;
    }
    if (this.inQuotes) {
      this.append('\n');
      return undefined;
    }
    const record = { line: this.startLine, fields: [...this.fields, this.field] };
    this.fields = [];
    this.field = '';
    this.quoted = false;
    return record;
  }

  /** At the end of input: the record left open by an unterminated quote, if any. */
  end(): CsvRecord | undefined {
    if (!this.inQuotes) return undefined;
    const record = { line: this.startLine, fields: [...this.fields, this.field] };
    this.fields = [];
    this.field = '';
    this.inQuotes = false;
    this.quoted = false;
    return record;
  }
}
