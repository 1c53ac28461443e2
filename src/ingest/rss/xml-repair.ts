/**
 * Makes real-world feed XML parseable without changing its meaning: bare ampersands and HTML-only entities
 * escaped, raw HTML inside titles/descriptions wrapped as CDATA, unparseable Atom dates set aside.
 */
import { decodeHTML } from 'entities';
import { parseFeedDate } from '../common/normalize.ts';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
/** CDATA sections and comments pass through untouched. */
const OPAQUE = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g;
const AMPERSAND = /&(?:(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{0,31});)?/g;
/** Text elements that some feeds fill with unescaped HTML. */
const TEXT_ELEMENT = /<(title|description|summary)(\s[^<>]*)?>((?:(?!<\/\1\s*>)[\s\S])*)<\/\1\s*>/g;
const RAW_TAG = /<[A-Za-z/]/;
/** Atom dates: rss-parser throws on the whole feed when one of them is not a date. */
const ATOM_DATE = /<(published|updated)(\s[^<>]*)?>([^<]*)<\/\1\s*>/g;
/** Where an unparseable Atom date is kept, so the entry can report what it said. */
export const UNPARSED_DATE_ELEMENT = 'bellwetherUnparsedDate';

export interface RepairResult {
  xml: string;
  /** What was changed, for the problem list; empty when the document was clean. */
  changes: string[];
}

function escapeAmpersands(segment: string, counts: { bare: number; html: number }): string {
  return segment.replace(AMPERSAND, (match, name: string | undefined) => {
    if (name === undefined) {
      counts.bare += 1;
      return '&amp;';
    }
    if (name.startsWith('#') || XML_ENTITIES.has(name)) return match;
    const decoded = decodeHTML(match);
    counts.html += 1;
    if (decoded === match) return `&amp;${name};`;
    return [...decoded].map((char) => `&#${char.codePointAt(0)};`).join('');
  });
}

function wrapRawHtml(xml: string): { xml: string; wrapped: number } {
  let wrapped = 0;
  const out = xml.replace(
    TEXT_ELEMENT,
    (match, tag: string, attrs: string | undefined, body: string) => {
      if (!RAW_TAG.test(body) || body.includes('<![CDATA[')) return match;
      wrapped += 1;
      return `<${tag}${attrs ?? ''}><![CDATA[${body.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${tag}>`;
    },
  );
  return { xml: out, wrapped };
}

function setAsideBadAtomDates(xml: string): string {
  return xml.replace(ATOM_DATE, (match, _tag: string, _attrs: string | undefined, text: string) => {
    const trimmed = text.trim();
    if (trimmed === '' || parseFeedDate(decodeHTML(trimmed)) === undefined) {
      return `<${UNPARSED_DATE_ELEMENT}>${text}</${UNPARSED_DATE_ELEMENT}>`;
    }
    return match;
  });
}

export function repairFeedXml(input: string, atom: boolean): RepairResult {
  const changes: string[] = [];
  const { xml: wrappedXml, wrapped } = wrapRawHtml(input);
  if (wrapped > 0) changes.push(`${wrapped} title/description element(s) held raw HTML`);
  const counts = { bare: 0, html: 0 };
  let xml = '';
  let last = 0;
  for (const match of wrappedXml.matchAll(OPAQUE)) {
    xml += escapeAmpersands(wrappedXml.slice(last, match.index), counts) + match[0];
    last = match.index + match[0].length;
  }
  xml += escapeAmpersands(wrappedXml.slice(last), counts);
  if (counts.bare > 0) changes.push(`${counts.bare} bare '&' escaped`);
  if (counts.html > 0) changes.push(`${counts.html} HTML-only entit(ies) converted`);
  // Not counted here: each entry reports its own unusable date.
  if (atom) xml = setAsideBadAtomDates(xml);
  return { xml, changes };
}
