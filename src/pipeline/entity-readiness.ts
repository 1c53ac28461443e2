/**
 * Entity scoring in readiness: its own component, which degrades a stage but never makes it not-ready.
 * Items still reach the store without it (with the headline's score), so a load balancer must keep
 * routing to the stage; the operator reads `degraded` and the entities detail instead.
 */
import type { EntitySentimentScorer } from '../core/entity-scorer.ts';
import { describeError } from '../core/errors.ts';
import type { Health } from '../core/lifecycle.ts';

type HealthCheck = () => Promise<Health>;

/** The entity scorer's probe for /ready, or undefined when entity scoring is off or the scorer has none. */
export function entityReadiness(
  scorer: Pick<EntitySentimentScorer, 'healthcheck'> | undefined,
): HealthCheck | undefined {
  const probe = scorer?.healthcheck?.bind(scorer);
  if (probe === undefined) return undefined;
  return () => probe().catch((error: unknown) => ({ ok: false, detail: describeError(error) }));
}

/** The /ready fields entity scoring adds: its health, and whether the stage runs degraded for it. */
export async function entityReadyFields(
  check: HealthCheck | undefined,
): Promise<{ degraded: boolean; entities?: Health }> {
  if (check === undefined) return { degraded: false };
  const entities = await check();
  return { degraded: !entities.ok, entities };
}
