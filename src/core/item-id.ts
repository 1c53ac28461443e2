/** Stable item identity, scoped by source: feed guid/id, else the normalized link, else a hash of source + title (DESIGN.md §3). */
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

/** Long values would crowd the 512-character id out; their hash stands in for them. */
function capped(text: string, max: number): string {
  return text.length <= max ? text : shortHash(text);
}

export interface ItemIdentity {
  /** Whose numbering a guid belongs to: the feed's configured name, the stream file's, or the record's own. */
  source: string;
  /** Set by an entry point that cannot vouch for the source an item names (the push endpoint): its ids stay apart. */
  namespace?: string | undefined;
  guid?: string | undefined;
  link?: string | undefined;
  title: string;
}

/**
 * An id segment that holds no ':' or '/', so `<kind>2:<scope>:<value>` splits one way only and a source
 * named like a namespace ("push/x") cannot reach a namespaced scope.
 */
const segment = (text: string): string => capped(encodeURIComponent(text), 100);

/** `<kind>2:<scope>:<value>`: the "2" marks the scoped scheme; the unscoped one wrote `<kind>:<value>`. */
const SCOPED_ID = /^([ghu])2:([^:]*):([\s\S]*)$/;
const UNSCOPED_ID = /^([ghu]):([\s\S]*)$/;

/**
 * The id an item keeps across polls, replays and restarts: the kind it was derived from (guid, url, hash),
 * the scope (namespace/source), and the value. Two sources that both number an item `1` keep two items.
 */
export function stableItemId(item: ItemIdentity): string {
  const scope = item.namespace
    ? `${segment(item.namespace)}/${segment(item.source)}`
    : segment(item.source);
  const guid = item.guid?.trim();
  if (guid) return `g2:${scope}:${capped(guid, 200)}`;
  const link = item.link ? normalizeLink(item.link) : undefined;
  if (link) return `u2:${scope}:${capped(link, 200)}`;
  const title = item.title.trim().replace(/\s+/g, ' ').toLowerCase();
  return `h2:${scope}:${shortHash(`${item.source}\u0000${title}`)}`;
}

/**
 * Other ids the same item (same source) may already be stored under, for the store's duplicate check at the
 * cut-over to scoped ids: a scoped id's unscoped form, and an unscoped id's scoped form in its source's own
 * scope (an older writer still running, or a backlog on the bus). Values are derived alike in both schemes.
 */
export function itemIdAliases(id: string, source: string): string[] {
  const scoped = SCOPED_ID.exec(id);
  if (scoped) return [`${scoped[1]}:${scoped[3]}`];
  const unscoped = UNSCOPED_ID.exec(id);
  if (unscoped) return [`${unscoped[1]}2:${segment(source)}:${unscoped[2]}`];
  return [];
}
