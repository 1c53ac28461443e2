/** POSTs a body to a notification target, translating HTTP and network failures into ServiceErrors. */
import { ServiceError } from '../../core/errors.ts';

export interface PostOptions {
  service: string;
  url: string;
  body: string;
  headers?: Record<string, string> | undefined;
  timeoutMs: number;
}

/** 5xx, 429, timeouts and network errors are retriable; other 4xx are not (the payload will not change). */
export async function postBody(options: PostOptions): Promise<void> {
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new ServiceError(options.service, `POST ${options.url} failed`, {
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
    `POST ${options.url} answered ${response.status}${text ? `: ${text}` : ''}`,
    { retriable },
  );
}
