/**
 * Finds opener…closer spans left to right in one pass: what a lazy `/open[\s\S]*?close/g` matches, in
 * time linear in the text instead of rescanning to its end once for every opener that is never closed.
 */

export interface ClosedSpan {
  /** The opener's match; its groups may choose the closer. */
  open: RegExpExecArray;
  /** The text between opener and closer. */
  body: string;
  /** Index just past the closer. */
  end: number;
}

/**
 * `opener` needs the `g` flag; `closerFor` gives the global regex that ends an opener's span (undefined: none
 * does). Pass the same regex object for the same closer: once it is not found after some opener, it is not
 * found after any later one either, so it is never searched for again.
 */
export function* closedSpans(
  text: string,
  opener: RegExp,
  closerFor: (open: RegExpExecArray) => RegExp | undefined,
): Generator<ClosedSpan> {
  const open = new RegExp(opener);
  const absent = new Set<RegExp>();
  for (let match = open.exec(text); match !== null; match = open.exec(text)) {
    const bodyStart = match.index + match[0].length;
    const closer = closerFor(match);
    let close: RegExpExecArray | null = null;
    if (closer && !absent.has(closer)) {
      closer.lastIndex = bodyStart;
      close = closer.exec(text);
      if (close === null) absent.add(closer);
    }
    if (close === null) {
      open.lastIndex = match.index + 1;
      continue;
    }
    const end = close.index + close[0].length;
    yield { open: match, body: text.slice(bodyStart, close.index), end };
    open.lastIndex = end;
  }
}
