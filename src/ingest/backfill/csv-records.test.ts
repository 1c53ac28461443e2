// The CSV reader: quoting rules, fields spanning lines, and what an unterminated quote leaves behind.
import { describe, expect, it } from 'vitest';
import { type CsvRecord, CsvRecordParser } from './csv-records.ts';

function parse(text: string): { records: CsvRecord[]; open: CsvRecord | undefined } {
  const parser = new CsvRecordParser();
  const records: CsvRecord[] = [];
  text.split('\n').forEach((line, i) => {
    const record = parser.pushLine(line, i + 1);
    if (record) records.push(record);
  });
  return { records, open: parser.end() };
}

describe('CsvRecordParser', () => {
  it('splits plain and quoted fields, with doubled quotes, commas and empty fields', () => {
    const { records } = parse('a,b,c\n"x, y","he said ""hi""",\n"",plain "quote" inside,""""');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'he said "hi"', ''],
      ['', 'plain "quote" inside', '"'],
    ]);
  });

  it('keeps line breaks inside quoted fields and numbers records by their first line', () => {
    const { records, open } = parse(
      'text,label\n"line one\nline two\n""three""",neutral\nnext,positive',
    );
    expect(records).toEqual([
      { line: 1, fields: ['text', 'label'] },
      { line: 2, fields: ['line one\nline two\n"three"', 'neutral'] },
      { line: 5, fields: ['next', 'positive'] },
    ]);
    expect(open).toBeUndefined();
  });

  it('hands back the record an unterminated quote left open', () => {
    const { records, open } = parse('a,b\n"never closed,x\nmore');
    expect(records).toHaveLength(1);
    expect(open).toEqual({ line: 2, fields: ['never closed,x\nmore\n'] });
  });
});
