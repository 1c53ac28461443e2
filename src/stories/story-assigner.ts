/**
 * Gives each scored item its story just before the sink writes it, from one story index per sink process, and
 * rebuilds that index from the store's last window of items when the sink starts.
 */
import type { Logger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import type { Store } from '../core/store.ts';
import { entityMask } from './entity-mask.ts';
import { STORY_DEFAULTS, StoryIndex, type StoryIndexOptions } from './story-index.ts';

/** Items read per page while rebuilding: large pages, few round trips. */
const RESTORE_PAGE = 5_000;

export class StoryAssigner {
  private readonly index: StoryIndex;

  constructor(
    private readonly store: Pick<Store, 'latestItems' | 'scanItems'>,
    private readonly logger: Logger,
    private readonly options: StoryIndexOptions = STORY_DEFAULTS,
  ) {
    this.index = new StoryIndex(options);
  }

  /**
   * Reads back the window before the newest stored item (not before the wall clock: a replay or backfill
   * writes items published long ago). Items stored before stories existed are assigned as they come.
   */
  async restore(): Promise<number> {
    const [newest] = await this.store.latestItems({ limit: 1 });
    if (!newest) return 0;
    const toMs = Date.parse(newest.publishedAt) + 1;
    const fromMs = toMs - this.options.windowMs;
    let restored = 0;
    let after: { publishedMs: number; id: string } | undefined;
    for (;;) {
      const page = await this.store.scanItems({ fromMs, toMs, limit: RESTORE_PAGE, after });
      for (const item of page) {
        const publishedMs = Date.parse(item.publishedAt);
        const mask = entityMask(item.topics);
        if (item.story) {
          this.index.restore(item.id, item.title, publishedMs, item.story.storyId, mask);
        } else this.index.assign(item.id, item.title, publishedMs, mask);
        restored++;
      }
      const last = page.at(-1);
      if (!last || page.length < RESTORE_PAGE) break;
      after = { publishedMs: Date.parse(last.publishedAt), id: last.id };
    }
    this.logger.info({ items: restored, fromMs, toMs }, 'story window rebuilt from the store');
    return restored;
  }

  /** The items with their stories; an item that already carries one (written by an earlier run) keeps it. */
  assign(items: readonly ScoredItem[]): ScoredItem[] {
    return items.map((item) =>
      item.story
        ? item
        : {
            ...item,
            story: this.index.assign(
              item.id,
              item.title,
              Date.parse(item.publishedAt),
              entityMask(item.topics),
            ),
          },
    );
  }
}
