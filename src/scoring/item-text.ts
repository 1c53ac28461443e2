/** What the model reads for an item: the headline, plus the summary's first sentence when the headline alone is thin. */

const MAX_CHARS = 400;
const THIN_HEADLINE_WORDS = 6;

export function itemText(title: string, summary: string | undefined): string {
  const headline = title.trim();
  if (!summary) return headline.slice(0, MAX_CHARS);
  const words = headline.split(/\s+/).length;
  if (words >= THIN_HEADLINE_WORDS) return headline.slice(0, MAX_CHARS);
  const firstSentence = summary.trim().split(/(?<=[.!?])\s/, 1)[0] ?? '';
  return `${headline}. ${firstSentence}`.slice(0, MAX_CHARS);
}
