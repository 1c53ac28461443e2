/** POSTs a body to a notification target, translating HTTP and network failures into ServiceErrors. */
import { ServiceError } from '../../core/errors.ts';
import { redactUrl } from '../../core/redact-url.ts';
import { parseRetryAfter } from '../../core/retry-after.ts';
import { credentialsAsHeader } from '../../core/url-credentials.ts';

export interface PostOptions {
  service: string;
  /** May carry a token (path, query) or user:pass@: only its redacted form reaches messages. */
  url: string;
  body: string;
  headers?: Record<string, string> | undefined;
  timeoutMs: number;
}

/** 5xx, 429, timeouts and network errors are retriable; other 4xx are not (the payload will not change). */
export async function postBody(options: PostOptions): Promise<void> {
  const shown = redactUrl(options.url);
  const parsed = URL.parse(options.url);
  if (!parsed) {
    throw new ServiceError(options.service, `POST ${shown}: not a URL`, { retriable: false });
  }
  const target = credentialsAsHeader(parsed);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers, ...options.headers },
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new ServiceError(options.service, `POST ${shown} failed`, {
      cause: error,
      retriable: true,
    });
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => '')).slice(0, 300);
  const retriable = response.status >= 500 || response.status === 429 || response.status === 408;
  throw new ServiceError(
    options.service,
    `POST ${shown} answered ${response.status}${text ? `: ${text}` : ''}`,
    { retriable, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) },
  );
}
