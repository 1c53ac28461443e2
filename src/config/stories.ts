/** Config slice for the story stage in the sink (src/stories/README.md): its window, its size and its threshold. */
import { z } from 'zod';

export const storiesConfigSchema = z
  .object({
    /** How far back (by publication time) a copy still joins a story. */
    windowMs: z
      .int()
      .min(60_000)
      .max(30 * 86_400_000)
      .default(48 * 3_600_000),
    /** Items the window holds at most (about 200 B each); the oldest are forgotten first. */
    capacity: z.int().min(1_000).max(20_000_000).default(1_000_000),
    /** Headline similarity at or above which two items are one story (0.7: the measured curve in the README). */
    threshold: z.number().gt(0).max(1).default(0.7),
  })
  .strict()
  .prefault({});

export type StoriesConfig = z.infer<typeof storiesConfigSchema>;
