/** Config slice for the store: embedded chdb (default) or a ClickHouse server over HTTP. */
import { z } from 'zod';
import { httpUrl } from './http-url.ts';

export const embeddedStoreSchema = z
  .object({
    type: z.literal('embedded'),
    /** Data directory of the in-process engine; one process holds it at a time. */
    path: z.string().min(1).default('data/chdb'),
  })
  .strict();

export const clickhouseStoreSchema = z
  .object({
    type: z.literal('clickhouse'),
    url: httpUrl().default('http://127.0.0.1:8123'),
    username: z.string().default('default'),
    password: z.string().default(''),
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier')
      .default('bellwether'),
    requestTimeoutMs: z.int().min(100).default(30_000),
  })
  .strict();

export const storeConfigSchema = z
  .discriminatedUnion('type', [embeddedStoreSchema, clickhouseStoreSchema])
  .default({ type: 'embedded', path: 'data/chdb' });

export type StoreConfig = z.infer<typeof storeConfigSchema>;
export type EmbeddedStoreConfig = z.infer<typeof embeddedStoreSchema>;
export type ClickhouseStoreConfig = z.infer<typeof clickhouseStoreSchema>;
