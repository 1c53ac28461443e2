/**
 * Feed text → raw entries with rss-parser's parseString, and a recovery mode for truncated or ill-formed
 * documents that keeps every complete <item>/<entry>, isolating the ones that still do not parse.
 */
import Parser from 'rss-parser';
import { describeError } from '../../core/errors.ts';
import type { RawEntry } from '../common/normalize.ts';
import { entryWhere, type IngestProblem } from '../common/problems.ts';
import { repairFeedXml, UNPARSED_DATE_ELEMENT } from './xml-repair.ts';

export interface ParsedFeed {
  /** In document order; `index` numbers entries for problem reports. */
  entries: Array<{ raw: RawEntry; index: number }>;
  /** Document-level notes (recovered, repaired, unreadable) and entries that could not be parsed. */
  problems: IngestProblem[];
  /** Entries found but unusable at the XML level (counted as rejected). */
  failedEntries: number;
  format: 'rss' | 'atom' | 'unknown';
}

type ParserItem = Record<string, unknown>;

const ITEM_FIELDS = ['content:encoded', 'published', 'updated', UNPARSED_DATE_ELEMENT];

function newParser(): Parser<Record<string, unknown>, ParserItem> {
  return new Parser<Record<string, unknown>, ParserItem>({
    customFields: { item: ITEM_FIELDS },
  });
}

/** Text of an xml2js value: a string, or an element with attributes whose text is under `_`. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && '_' in value) {
    const text = (value as { _: unknown })._;
    return typeof text === 'string' ? text : undefined;
  }
  return undefined;
}

function toRawEntry(item: ParserItem, format: 'rss' | 'atom', lang: string | undefined): RawEntry {
  const pick = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const text = textOf(item[key]);
      if (text !== undefined && text.trim() !== '') return text;
    }
    return undefined;
  };
  if (format === 'atom') {
    return {
      guid: pick('id'),
      link: pick('link'),
      title: pick('title'),
      summary: pick('summary', 'content'),
      date: pick('published', 'updated', UNPARSED_DATE_ELEMENT),
      lang,
    };
  }
  return {
    guid: pick('guid'),
    link: pick('link'),
    title: pick('title'),
    summary: pick('content', 'content:encoded'),
    date: pick('pubDate', 'date'),
    lang: pick('language') ?? lang,
  };
}

function detectFormat(xml: string): 'rss' | 'atom' | 'unknown' {
  const root = /<(rss|feed|rdf:RDF)[\s>]/.exec(xml);
  if (!root) return 'unknown';
  return root[1] === 'feed' ? 'atom' : 'rss';
}

const BLOCK = {
  rss: /<item(?:\s[^<>]*)?>(?:(?!<item[\s>])[\s\S])*?<\/item\s*>/g,
  atom: /<entry(?:\s[^<>]*)?>(?:(?!<entry[\s>])[\s\S])*?<\/entry\s*>/g,
};
const BLOCK_START = { rss: /<item[\s>]/g, atom: /<entry[\s>]/g };

/** The root element rebuilt around recovered entries, keeping its namespace declarations. */
function envelope(xml: string, format: 'rss' | 'atom'): { open: string; close: string } {
  if (format === 'atom') {
    const attrs = /<feed\b([^<>]*)>/.exec(xml)?.[1] ?? ' xmlns="http://www.w3.org/2005/Atom"';
    return { open: `<feed${attrs}>`, close: '</feed>' };
  }
  let attrs = /<rss\b([^<>]*)>/.exec(xml)?.[1] ?? '';
  if (!/\bversion\s*=/.test(attrs)) attrs += ' version="2.0"';
  const language = /<language>([^<]{1,32})<\/language>/.exec(xml)?.[0] ?? '';
  return { open: `<rss${attrs}><channel>${language}`, close: '</channel></rss>' };
}

async function parseItems(xml: string): Promise<{ items: ParserItem[]; language?: string }> {
  const feed = await newParser().parseString(xml);
  const language = textOf(feed.language);
  return language === undefined ? { items: feed.items } : { items: feed.items, language };
}

export async function parseFeedText(text: string, file: string): Promise<ParsedFeed> {
  const problems: IngestProblem[] = [];
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const format = detectFormat(source);
  if (format === 'unknown') {
    problems.push({ kind: 'unreadable', where: file, message: 'not an RSS or Atom document' });
    return { entries: [], problems, failedEntries: 0, format };
  }
  const { xml, changes } = repairFeedXml(source, format === 'atom');
  if (changes.length > 0)
    problems.push({ kind: 'repaired', where: file, message: changes.join('; ') });

  try {
    const { items, language } = await parseItems(xml);
    const entries = items.map((item, index) => ({
      raw: toRawEntry(item, format, language),
      index,
    }));
    return { entries, problems, failedEntries: 0, format };
  } catch (error) {
    return recover(xml, format, file, describeError(error), problems);
  }
}

async function recover(
  xml: string,
  format: 'rss' | 'atom',
  file: string,
  reason: string,
  problems: IngestProblem[],
): Promise<ParsedFeed> {
  const blocks = [...xml.matchAll(BLOCK[format])].map((match) => match[0]);
  const starts = [...xml.matchAll(BLOCK_START[format])].length;
  const { open, close } = envelope(xml, format);
  const firstLine = reason.split('\n')[0] ?? reason;
  const what = format === 'rss' ? 'item' : 'entry';
  if (blocks.length === 0) {
    problems.push({
      kind: 'unreadable',
      where: file,
      message: `ill-formed XML (${firstLine}) and no complete <${what}> in it`,
    });
    return { entries: [], problems, failedEntries: 0, format };
  }
  const entries: ParsedFeed['entries'] = [];
  let failedEntries = 0;
  let language: string | undefined;
  try {
    // One parse for all blocks when they are fine on their own; one per block only when they are not.
    const parsed = await parseItems(open + blocks.join('\n') + close);
    language = parsed.language;
    parsed.items.forEach((item, index) => {
      entries.push({ raw: toRawEntry(item, format, language), index });
    });
  } catch {
    for (const [index, block] of blocks.entries()) {
      try {
        const parsed = await parseItems(open + block + close);
        for (const item of parsed.items)
          entries.push({ raw: toRawEntry(item, format, parsed.language), index });
      } catch (error) {
        failedEntries += 1;
        problems.push({
          kind: 'rejected',
          where: entryWhere(file, index),
          message: `${what} is not well-formed XML: ${describeError(error).split('\n')[0]}`,
        });
      }
    }
  }
  const cut =
    starts > blocks.length ? `; ${starts - blocks.length} incomplete <${what}> dropped` : '';
  problems.push({
    kind: 'recovered',
    where: file,
    message: `ill-formed XML (${firstLine}); kept ${blocks.length - failedEntries} complete <${what}>${cut}`,
  });
  return { entries, problems, failedEntries, format };
}
