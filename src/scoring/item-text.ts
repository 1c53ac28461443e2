/**
 * What the model reads for an item: its headline and its summary (the lead, or the whole article when a feed
 * sends one). Length is the model's concern: it reads long texts in pooled windows (src/model/text-windows.ts).
 */

export function itemText(title: string, summary: string | undefined): string {
  const headline = title.trim();
  const lead = summary?.trim() ?? '';
  if (lead === '') return headline;
  // A headline without closing punctuation would run into the lead as one sentence.
  return /[.!?:;]$/.test(headline) ? `${headline} ${lead}` : `${headline}. ${lead}`;
}
