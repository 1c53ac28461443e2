// What of a URL may be logged: scheme, host and port; never credentials, path or query.
import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.ts';

describe('redactUrl', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/TOKEN', 'https://hooks.slack.com/…'],
    ['http://user:pass@127.0.0.1:8123', 'http://***@127.0.0.1:8123'],
    ['http://127.0.0.1:8123/?password=TOKEN', 'http://127.0.0.1:8123/…'],
    ['http://127.0.0.1:9093/', 'http://127.0.0.1:9093'],
    ['https://example.com#TOKEN', 'https://example.com/…'],
    ['not a url TOKEN', '(unparseable URL)'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});
