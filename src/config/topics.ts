/** Config slice for topic extraction: the watchlist file and keyword topics. */
import { z } from 'zod';

export const topicsConfigSchema = z
  .object({
    /** YAML/JSON watchlist: ticker → company names and aliases, sector, product keywords. */
    watchlist: z.string().min(1).default('config/watchlist.json'),
    /**
     * Keyword topics, matched as whole words (or phrases) in any case; a trailing `*` matches any
     * ending of one word (`recall*` → recall, recalls, recalled). The topic key drops the `*`.
     */
    keywords: z
      .array(
        z
          .string()
          .trim()
          .min(2)
          .max(80)
          .regex(/^[^*]+\*?$/, 'expected a word or phrase, optionally ending in a single *'),
      )
      .default(['recall*', 'lawsuit*', 'bankruptcy', 'layoff*', 'downgrade*', 'fraud']),
  })
  .strict()
  .prefault({});

export type TopicsConfig = z.infer<typeof topicsConfigSchema>;
