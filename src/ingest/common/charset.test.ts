// Charset decoding: BOMs, declarations from header and prolog, and the fallbacks when a declaration lies.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, charsetFromXmlProlog, decodeBytes } from './charset.ts';

const latin1Xml = (declared: string, text: string): Buffer =>
  Buffer.concat([
    Buffer.from(`<?xml version="1.0" encoding="${declared}"?><t>`, 'ascii'),
    iconv.encode(text, 'windows-1252'),
    Buffer.from('</t>', 'ascii'),
  ]);

describe('decodeBytes', () => {
  it('reads the charset from the Content-Type header before the XML prolog', () => {
    expect(charsetFromContentType('application/rss+xml; charset="ISO-8859-1"')).toBe('ISO-8859-1');
    expect(charsetFromXmlProlog(Buffer.from('<?xml version="1.0" encoding=\'koi8-r\'?><x/>'))).toBe(
      'koi8-r',
    );
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="utf-8"?><t>', 'ascii'),
      iconv.encode('Привет', 'koi8-r'),
      Buffer.from('</t>'),
    ]);
    const decoded = decodeBytes(bytes, { contentType: 'text/xml; charset=KOI8-R', xml: true });
    expect(decoded.text).toContain('Привет');
    expect(decoded.charset).toBe('koi8-r');
  });

  it('decodes a declared legacy charset from the prolog', () => {
    const decoded = decodeBytes(latin1Xml('ISO-8859-1', 'Société Générale — €5'), { xml: true });
    expect(decoded.text).toContain('Société Générale — €5');
    expect(decoded.notes).toEqual([]);
  });

  it('falls back to windows-1252 when bytes declared UTF-8 are not UTF-8, and says so', () => {
    const decoded = decodeBytes(latin1Xml('UTF-8', 'Nestlé café'), { xml: true });
    expect(decoded.text).toContain('Nestlé café');
    expect(decoded.charset).toBe('windows-1252');
    expect(decoded.notes[0]).toMatch(/declared UTF-8/);
  });

  it('prefers UTF-8 when a legacy declaration sits over valid multibyte UTF-8', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><t>Zürich Ünited</t>');
    const decoded = decodeBytes(bytes, { xml: true });
    expect(decoded.text).toContain('Zürich Ünited');
    expect(decoded.charset).toBe('utf-8');
    expect(decoded.notes).toHaveLength(1);
  });

  it('strips a UTF-8 BOM and still checks the bytes', () => {
    const good = decodeBytes(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>é</a>')]),
    );
    expect(good.text).toBe('<a>é</a>');
    const bad = decodeBytes(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x3e, 0xe9, 0x3c, 0x2f, 0x61, 0x3e]),
      ]),
    );
    expect(bad.text).toBe('<a>é</a>');
    expect(bad.notes).toHaveLength(1);
  });

  it('decodes UTF-16 by its BOM and names unknown charsets', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>ß</a>', 'utf16le')]);
    expect(decodeBytes(utf16).text).toBe('<a>ß</a>');
    const unknown = decodeBytes(Buffer.from('<a>x</a>'), {
      contentType: 'text/xml; charset=no-such',
    });
    expect(unknown.text).toBe('<a>x</a>');
    expect(unknown.notes[0]).toMatch(/unknown charset "no-such"/);
  });
});
