/**
 * How far along the stream's timeline the pipeline has stored everything: the replay records (items
 * published so far, stream time reached) as it goes, and the stages' counts say how many items have been
 * handled end to end. Alerts evaluate up to this watermark, so they see complete data while the replay runs.
 */

export class ReplayWatermark {
  private readonly marks: { published: number; streamMs: number }[] = [];
  private reachedMs: number | undefined;

  /** The replay has published `published` items in all, up to stream time `streamMs`. */
  record(published: number, streamMs: number): void {
    this.marks.push({ published, streamMs });
  }

  /** Stream time up to which every published item is among the `handled` ones; undefined before any. */
  at(handled: number): number | undefined {
    let next = this.marks[0];
    while (next && next.published <= handled) {
      this.reachedMs = next.streamMs;
      this.marks.shift();
      next = this.marks[0];
    }
    return this.reachedMs;
  }
}
