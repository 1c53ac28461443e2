/** How commands show ingest problems to people: one aligned line per problem (replay's summary, backfill's log). */
import type { IngestProblem } from '../ingest/common/problems.ts';

export function problemLine(problem: IngestProblem, whereWidth = 0): string {
  return `${problem.kind.padEnd(10)} ${problem.where.padEnd(whereWidth)}  ${problem.message}`;
}

/** The first `limit` problems, aligned, and a line saying how many more there are. */
export function problemLines(problems: readonly IngestProblem[], limit: number): string[] {
  const shown = problems.slice(0, limit);
  const width = Math.max(0, ...shown.map((p) => p.where.length));
  const lines = shown.map((p) => `    ${problemLine(p, width)}`);
  if (problems.length > limit)
    lines.push(`    … ${problems.length - limit} more (--problems N, or --json)`);
  return lines;
}
