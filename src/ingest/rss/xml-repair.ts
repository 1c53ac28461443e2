/**
 * Makes real-world feed XML parseable without changing its meaning: bare ampersands and HTML-only entities
 * escaped, raw HTML inside titles/descriptions wrapped as CDATA, unparseable Atom dates set aside.
 */
import { decodeHTML } from 'entities';
import { parseFeedDate } from '../common/normalize.ts';
import { closedSpans } from './closed-spans.ts';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
/** CDATA sections and comments pass through untouched. */
const OPAQUE_START = /<!\[CDATA\[|<!--/g;
const CDATA_END = /\]\]>/g;
const COMMENT_END = /-->/g;
const AMPERSAND = /&(?:(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{0,31});)?/g;
/** Text elements that some feeds fill with unescaped HTML; each ends at its first closing tag. */
const TEXT_TAGS = ['title', 'description', 'summary'];
const TEXT_ELEMENT_START = new RegExp(`<(${TEXT_TAGS.join('|')})(\\s[^<>]*)?>`, 'g');
const TEXT_ELEMENT_END = new Map<string | undefined, RegExp>(
  TEXT_TAGS.map((tag) => [tag, new RegExp(`</${tag}\\s*>`, 'g')]),
);
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
  let out = '';
  let last = 0;
  const spans = closedSpans(xml, TEXT_ELEMENT_START, (open) => TEXT_ELEMENT_END.get(open[1]));
  for (const { open, body, end } of spans) {
    if (!RAW_TAG.test(body) || body.includes('<![CDATA[')) continue;
    wrapped += 1;
    const [, tag, attrs] = open;
    const cdata = body.replaceAll(']]>', ']]]]><![CDATA[>');
    out += `${xml.slice(last, open.index)}<${tag}${attrs ?? ''}><![CDATA[${cdata}]]></${tag}>`;
    last = end;
  }
  return { xml: out + xml.slice(last), wrapped };
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
  const opaque = closedSpans(wrappedXml, OPAQUE_START, (open) =>
    open[0] === '<!--' ? COMMENT_END : CDATA_END,
  );
  for (const { open, end } of opaque) {
    xml +=
      escapeAmpersands(wrappedXml.slice(last, open.index), counts) +
      wrappedXml.slice(open.index, end);
    last = end;
  }
  xml += escapeAmpersands(wrappedXml.slice(last), counts);
  if (counts.bare > 0) changes.push(`${counts.bare} bare '&' escaped`);
  if (counts.html > 0) changes.push(`${counts.html} HTML-only entit(ies) converted`);
  // Not counted here: each entry reports its own unusable date.
  if (atom) xml = setAsideBadAtomDates(xml);
  return { xml, changes };
}
