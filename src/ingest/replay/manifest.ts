/** A stream's manifest.json (what the fixture generator promises): read here so replay can compare its counts. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const streamManifestSchema = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  start: z.string(),
  end: z.string(),
  files: z.record(z.string(), z.looseObject({ format: z.string(), entries: z.int().min(0) })),
  expected: z.looseObject({
    items: z.int().min(0),
    duplicates: z.int().min(0),
    rejected: z.int().min(0),
  }),
});
export type StreamManifest = z.infer<typeof streamManifestSchema>;

/** The manifest of a stream directory, or undefined when it has none or it does not parse. */
export async function readManifest(dir: string): Promise<StreamManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = streamManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
