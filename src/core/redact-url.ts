/** A URL as logs and error messages may show it: credentials, path and query (where tokens live) elided. */

/**
 * Scheme, host and port stay so the target is recognisable; `***@` marks credentials and `/…` a path,
 * query or fragment that were left out (Slack and webhook URLs carry their token in the path).
 */
export function redactUrl(url: string | URL): string {
  const parsed = URL.parse(url);
  if (!parsed) return '(unparseable URL)';
  const credentials = parsed.username !== '' || parsed.password !== '' ? '***@' : '';
  const rest = parsed.pathname.length > 1 || parsed.search !== '' || parsed.hash !== '' ? '/…' : '';
  return `${parsed.protocol}//${credentials}${parsed.host}${rest}`;
}
