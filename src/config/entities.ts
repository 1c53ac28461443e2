/** Config slice for per-company sentiment in the scorer (`scoring.entities`): when it runs, with which model. */
import { z } from 'zod';

/**
 * off: headline scores only. multi: only titles naming two or more watchlist companies, where the
 * companies' fortunes can differ. always: every title naming a company.
 */
export const ENTITY_MODES = ['off', 'multi', 'always'] as const;
export type EntityMode = (typeof ENTITY_MODES)[number];

export const entityScoringConfigSchema = z
  .object({
    mode: z.enum(ENTITY_MODES).default('multi'),
    /** The entity model's directory (its meta.json names the encoder model it reads). */
    model: z.string().min(1).default('models/entity'),
    /** Companies scored per item at most, in order of first mention; the rest keep the headline's score. */
    maxPerItem: z.int().min(1).max(64).default(8),
  })
  .strict()
  .prefault({});

export type EntityScoringConfig = z.infer<typeof entityScoringConfigSchema>;
