/** Which topics a rule's selector covers: kinds, exact keys or globs, exclusions, and watchlist sectors. */
import type { TopicKind } from '../core/news.ts';
import type { TopicSelector } from './rules-schema.ts';

/** Sector name → the topic keys that belong to it (tickers, company names, the sector's own key). */
export type SectorGroups = ReadonlyMap<string, ReadonlySet<string>>;

/** Builds sector groups from watchlist companies. */
export function sectorGroups(
  companies: readonly { ticker: string; name: string; sector: string }[],
): SectorGroups {
  const groups = new Map<string, Set<string>>();
  for (const company of companies) {
    const id = company.sector.toLowerCase();
    let members = groups.get(id);
    if (!members) {
      members = new Set([company.sector]);
      groups.set(id, members);
    }
    members.add(company.ticker);
    members.add(company.name);
  }
  return groups;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

const isGlob = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');

export interface CompiledSelector {
  kinds: readonly TopicKind[];
  /** Exact keys to narrow the store query with, when the selector names only exact keys. */
  exactKeys?: readonly string[] | undefined;
  matches(kind: TopicKind, key: string): boolean;
}

export function compileSelector(selector: TopicSelector, groups?: SectorGroups): CompiledSelector {
  const kinds = new Set<TopicKind>(selector.kinds);
  const exact = new Set((selector.keys ?? []).filter((k) => !isGlob(k)));
  const globs = (selector.keys ?? []).filter(isGlob).map(globToRegExp);
  const excludeExact = new Set(selector.exclude.filter((k) => !isGlob(k)));
  const excludeGlobs = selector.exclude.filter(isGlob).map(globToRegExp);
  let sectorMembers: Set<string> | undefined;
  if (selector.sectors) {
    sectorMembers = new Set();
    for (const sector of selector.sectors) {
      for (const key of groups?.get(sector.toLowerCase()) ?? [sector]) sectorMembers.add(key);
    }
  }
  const onlyExact = selector.keys !== undefined && globs.length === 0;
  return {
    kinds: [...kinds],
    exactKeys: onlyExact ? [...exact] : undefined,
    matches(kind, key) {
      if (!kinds.has(kind)) return false;
      if (selector.keys && !exact.has(key) && !globs.some((g) => g.test(key))) return false;
      if (sectorMembers && !sectorMembers.has(key)) return false;
      return !excludeExact.has(key) && !excludeGlobs.some((g) => g.test(key));
    },
  };
}
