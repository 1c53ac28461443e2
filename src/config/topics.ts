/** Config slice for topic extraction: the watchlist file and keyword topics. */
import { z } from 'zod';

export const topicsConfigSchema = z
  .object({
    /** YAML/JSON watchlist: ticker → company names and aliases, sector, keywords. */
    watchlist: z.string().min(1).default('config/watchlist.json'),
    keywords: z
      .array(z.string().min(2))
      .default(['recall', 'lawsuit', 'bankruptcy', 'layoffs', 'downgrade', 'fraud']),
  })
  .strict()
  .prefault({});

export type TopicsConfig = z.infer<typeof topicsConfigSchema>;
