/**
 * The headers every dashboard response carries: a Content-Security-Policy that lets the page load only its own
 * scripts, styles and event stream (so a hostile headline or link cannot run code), no MIME sniffing, no referrer.
 */
import type { ServerResponse } from 'node:http';

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // uPlot sizes its canvas through element.style (CSSOM), which style-src does not govern.
  "style-src 'self'",
  // The page's icon is an empty data: URL; charts are canvases.
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // Headline links open other sites; they learn nothing about where the dashboard runs.
  'referrer-policy': 'no-referrer',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
