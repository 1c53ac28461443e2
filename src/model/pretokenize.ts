/** Splits raw financial text into words, turning links, cashtags, amounts and percentages into marker units first. */

/** Markers are whole-token units the subword learner never splits; they carry meaning, not identity. */
export const MARKERS = {
  url: '<url>',
  cashtag: '<cashtag>',
  mention: '<user>',
  pctUp: '<pct+>',
  pctDown: '<pct->',
  pct: '<pct>',
  money: '<money>',
  num: '<num>',
} as const;

const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
const CASHTAG = /\$[A-Za-z][A-Za-z.]{0,9}\b/g;
const MENTION = /@\w{1,30}/g;
// Signed or unsigned percentages: "+3.4%", "-12 %", "12 per cent".
const PERCENT = /([+\-−]?)\s?\d+(?:[.,]\d+)*\s?(?:%|per\s?cent\b|pct\b)/gi;
// Currency amounts: "$5.2bn", "Rs 500 crore", "€3 million", "₹1,200".
const MONEY =
  /(?:[$€£¥₹]|\brs\.?\s?|\binr\s?|\busd\s?|\beur\s?)\s?\d+(?:[.,]\d+)*(?:\s?(?:bn|billion|mn|million|m|k|crore|cr|lakh|trillion|tn))?\b|\d+(?:[.,]\d+)*\s?(?:bn|billion|mn|million|crore|cr|lakh|trillion|tn)\b/gi;
const SIGNED_NUM = /([+\-−])\d+(?:[.,]\d+)*/g;
const NUMBER = /\d+(?:[.,:]\d+)*(?:st|nd|rd|th|x)?/gi;
const WORD = /<[a-z+-]+>|[\p{L}\p{M}]+(?:['’][\p{L}]+)?|[^\s\p{L}\p{N}]/gu;

/**
 * Normalises one text into lowercased words and markers. Case is folded on purpose: headlines use
 * Title Case and tweets shout, and neither pattern says anything stable about sentiment.
 */
export function pretokenize(text: string): string[] {
  const marked = text
    .replace(URL, ` ${MARKERS.url} `)
    .replace(CASHTAG, ` ${MARKERS.cashtag} `)
    .replace(MENTION, ` ${MARKERS.mention} `)
    .replace(PERCENT, (_m, sign: string) =>
      sign === '+'
        ? ` ${MARKERS.pctUp} `
        : sign === '-' || sign === '−'
          ? ` ${MARKERS.pctDown} `
          : ` ${MARKERS.pct} `,
    )
    .replace(MONEY, ` ${MARKERS.money} `)
    .replace(SIGNED_NUM, (_m, sign: string) => (sign === '+' ? ' + <num> ' : ' - <num> '))
    .replace(NUMBER, ` ${MARKERS.num} `)
    .toLowerCase();
  return marked.match(WORD) ?? [];
}

const MARKER_SET: ReadonlySet<string> = new Set(Object.values(MARKERS));

export function isMarker(word: string): boolean {
  return MARKER_SET.has(word);
}
