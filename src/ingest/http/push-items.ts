/**
 * Pushed records (a JSON body's object or array) → the new items to publish and, per record in request order,
 * what happened to it: accepted, duplicate, or rejected with the reason; and the HTTP answer that says so.
 */
import type { NewsItem } from '../../core/news.ts';
import { recordToRawEntry } from '../common/jsonl.ts';
import { normalizeEntry } from '../common/normalize.ts';

export const DEFAULT_PUSH_SOURCE = 'http-push';
/** Pushed ids live apart from feed ids: a client naming a feed's source cannot claim that feed's items. */
export const PUSH_ID_NAMESPACE = 'push';

/** What became of one record of the request. */
export type PushResult =
  | { index: number; status: 'accepted'; id: string; warnings?: string[] }
  | { index: number; status: 'duplicate'; id: string }
  | { index: number; status: 'rejected'; reason: string };

export interface PushOutcome {
  /** The new items, to publish. */
  items: NewsItem[];
  results: PushResult[];
}

export interface PushPolicy {
  /** ISO instant the request arrived; also the date of items without one. */
  fetchedAt: string;
  /** Source names a client may give its items (the default one included); undefined allows any. */
  allowedSources?: readonly string[] | undefined;
  /** Whether an earlier request already published this id. */
  seen: (id: string) => boolean;
}

export function itemsFromPush(records: readonly unknown[], policy: PushPolicy): PushOutcome {
  const allowed = policy.allowedSources && new Set(policy.allowedSources);
  const outcome: PushOutcome = { items: [], results: [] };
  const taken = new Set<string>();
  records.forEach((record, index) => {
    const raw = recordToRawEntry(record);
    if (!raw.ok) {
      outcome.results.push({ index, status: 'rejected', reason: raw.reason });
      return;
    }
    const result = normalizeEntry(raw.raw, {
      source: DEFAULT_PUSH_SOURCE,
      idNamespace: PUSH_ID_NAMESPACE,
      fetchedAt: policy.fetchedAt,
      where: `item ${index}`,
    });
    if (!result.ok) {
      outcome.results.push({ index, status: 'rejected', reason: result.reason });
      return;
    }
    const { item } = result;
    if (allowed && !allowed.has(item.source)) {
      const reason = `source "${item.source}" is not allowed here (ingest.http.allowedSources)`;
      outcome.results.push({ index, status: 'rejected', reason });
      return;
    }
    if (taken.has(item.id) || policy.seen(item.id)) {
      outcome.results.push({ index, status: 'duplicate', id: item.id });
      return;
    }
    taken.add(item.id);
    outcome.items.push(item);
    const warnings = result.problems.map((problem) => problem.message);
    outcome.results.push(
      warnings.length > 0
        ? { index, status: 'accepted', id: item.id, warnings }
        : { index, status: 'accepted', id: item.id },
    );
  });
  return outcome;
}

export interface PushSummary {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: readonly PushResult[];
}

/**
 * 202 when something new was taken; 422 when nothing was and something was refused (or nothing was sent);
 * 200 when every record was a duplicate, so a client retrying a request it saw time out is not told it failed.
 */
export function pushAnswer(results: readonly PushResult[]): { status: number; body: PushSummary } {
  const count = (status: PushResult['status']) => results.filter((r) => r.status === status).length;
  const accepted = count('accepted');
  const duplicates = count('duplicate');
  const rejected = count('rejected');
  const status = accepted > 0 ? 202 : duplicates > 0 && rejected === 0 ? 200 : 422;
  return { status, body: { accepted, duplicates, rejected, results } };
}
