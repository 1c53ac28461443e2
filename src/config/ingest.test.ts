// The ingest config slice: feed URLs are fetched by the poller, so only http(s) ones may load.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { parseConfig } from './load.ts';

const feed = (url: string) => ({ name: 'wire', url });

describe('issue 14.5 — config rejects non-HTTP feed URLs at load, naming the key', () => {
  it('rejects file:, ftp: and data: URLs, each with its path', () => {
    const load = () =>
      parseConfig({
        ingest: {
          feeds: [
            feed('file:///etc/passwd'),
            feed('https://news.example/rss'),
            feed('ftp://news.example/feed.xml'),
            feed('data:application/rss+xml,<rss/>'),
          ],
        },
      });
    expect(load).toThrow(ConfigError);
    let problems: readonly string[] = [];
    try {
      load();
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^ingest\.feeds\.0\.url: .*http:\/\/ or https:\/\/.*"file:"/),
      expect.stringMatching(/^ingest\.feeds\.2\.url: .*http:\/\/ or https:\/\/.*"ftp:"/),
      expect.stringMatching(/^ingest\.feeds\.3\.url: .*http:\/\/ or https:\/\/.*"data:"/),
    ]);
  });

  it('keeps http and https feeds', () => {
    const config = parseConfig({
      ingest: { feeds: [feed('http://127.0.0.1:9000/feed'), feed('HTTPS://News.example/rss')] },
    });
    expect(config.ingest.feeds.map((f) => f.url)).toEqual([
      'http://127.0.0.1:9000/feed',
      'HTTPS://News.example/rss',
    ]);
  });
});
