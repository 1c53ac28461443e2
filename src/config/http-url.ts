/** A URL setting the product fetches with HTTP: any other scheme (file:, ftp:, data:) is refused at load. */
import { z } from 'zod';

/** Node's fetch answers a data: URL itself and fails on file: or ftp: only at poll time: refuse them all up front. */
export const httpUrl = () =>
  z.url().check((ctx) => {
    const scheme = URL.parse(ctx.value)?.protocol;
    if (scheme === undefined || scheme === 'http:' || scheme === 'https:') return;
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `must be an http:// or https:// URL (got "${scheme}")`,
    });
  });
