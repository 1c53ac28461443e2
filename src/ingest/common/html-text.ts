/** Turns feed HTML (titles, summaries) into plain text: tags stripped, entities decoded, whitespace collapsed. */
import { decodeHTML } from 'entities';

const DROP_WITH_CONTENT = /<(script|style|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?-->/g;
/** Only things that look like tags: a `<` followed by a letter or `/letter`, so "EPS < 1.0" survives. */
const TAG = /<\/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?\/?>/g;
const BLOCK_TAG =
  /<\/?(?:p|div|br|li|ul|ol|tr|td|th|table|h[1-6]|blockquote|section|article|hr)\b[^<>]*>/gi;
// Control characters other than tab/newline carry no text and break downstream tokenizers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function stripTags(html: string): string {
  return html
    .replace(DROP_WITH_CONTENT, ' ')
    .replace(COMMENT, ' ')
    .replace(BLOCK_TAG, ' ')
    .replace(TAG, '');
}

/**
 * Plain text of an HTML fragment. Feeds often escape their HTML twice, so tags that only appear after
 * decoding are stripped as well.
 */
export function htmlToText(html: string): string {
  // Most headlines hold neither markup nor entities: skip the regex passes for them.
  if (!html.includes('<') && !html.includes('&')) {
    return html.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  }
  let text = decodeHTML(stripTags(html));
  if (text.includes('<')) text = stripTags(text);
  return text.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** Cuts at a word boundary near `max` characters and marks the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** The first sentence of a text, bounded, for items whose title is empty. */
export function firstSentence(text: string, max = 200): string {
  const match = /^.+?[.!?](?=\s|$)/.exec(text);
  return clip((match ? match[0] : text).trim(), max);
}
