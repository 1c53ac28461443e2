/** Stable item identity: feed guid/id, else the normalized link, else a hash of source + title (DESIGN.md §3). */
import { createHash } from 'node:crypto';

const TRACKING_PARAMS = /^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$/i;

/** Lower-cases scheme and host, drops the fragment, tracking parameters and a trailing slash, sorts the query. */
export function normalizeLink(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  const kept = [...url.searchParams.entries()]
    .filter(([name]) => !TRACKING_PARAMS.test(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : '';
  return `${url.protocol}//${url.host.toLowerCase()}${path}${url.search}`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export interface ItemIdentity {
  source: string;
  guid?: string | undefined;
  link?: string | undefined;
  title: string;
}

/** The id an item keeps across polls, replays and restarts. Prefixed by what it was derived from. */
export function stableItemId(item: ItemIdentity): string {
  const guid = item.guid?.trim();
  if (guid) return guid.length <= 200 ? `g:${guid}` : `g:${shortHash(guid)}`;
  const link = item.link ? normalizeLink(item.link) : undefined;
  if (link) return link.length <= 200 ? `u:${link}` : `u:${shortHash(link)}`;
  return `h:${shortHash(`${item.source}\u0000${item.title.trim().replace(/\s+/g, ' ').toLowerCase()}`)}`;
}
