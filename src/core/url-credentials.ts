/** Credentials written into a URL (user:pass@) moved to a Basic Authorization header, where fetch accepts them. */

/** fetch refuses a URL with credentials, and its error quotes the URL whole: send them as Basic auth instead. */
export function credentialsAsHeader(url: URL): { url: URL; headers: Record<string, string> } {
  if (url.username === '' && url.password === '') return { url, headers: {} };
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return { url: bare, headers: { authorization: `Basic ${Buffer.from(pair).toString('base64')}` } };
}
