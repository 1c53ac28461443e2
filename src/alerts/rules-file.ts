/** Reads and validates a rules file, naming every problem with its rule, field path and YAML line:column. */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { readConfigText } from '../config/read-text.ts';
import { ConfigError } from '../core/errors.ts';
import { type RulesFile, rulesFileSchema } from './rules-schema.ts';

/** Sector names the watchlist knows, to reject selectors naming a sector that matches nothing. */
export interface RuleCheckOptions {
  knownSectors?: readonly string[] | undefined;
}

type PathSegment = PropertyKey;

interface Located {
  line: number;
  col: number;
}

/** The node at `path`, or the deepest ancestor present (a missing field points at its parent). */
function locate(
  contents: unknown,
  path: readonly PathSegment[],
  lines: LineCounter,
): Located | undefined {
  let node: unknown = contents;
  let found: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      // A key with no value still has a position: the key's.
      found = (pair.value ?? pair.key) as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      found = item as Node;
      node = item;
    } else {
      break;
    }
  }
  const start = found?.range?.[0] ?? (contents as Node | undefined)?.range?.[0];
  if (start === undefined) return undefined;
  const { line, col } = lines.linePos(start);
  return { line, col };
}

/** `rules[2] "Name" › detector.window` for a rule field, the dotted path elsewhere. */
function describePath(path: readonly PathSegment[], raw: unknown): string {
  if (path[0] === 'rules' && typeof path[1] === 'number') {
    const index = path[1];
    const rules = (raw as { rules?: unknown } | null)?.rules;
    const rule = Array.isArray(rules)
      ? (rules[index] as { name?: unknown } | undefined)
      : undefined;
    const name = typeof rule?.name === 'string' ? ` "${rule.name}"` : '';
    const rest = path.slice(2).map(String).join('.');
    return `rules[${index}]${name}${rest ? ` › ${rest}` : ''}`;
  }
  return path.length > 0 ? path.map(String).join('.') : '(root)';
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  }
  return issue.message;
}

interface Problem {
  path: PathSegment[];
  message: string;
}

/** Checks across rules (unique names) and against the watchlist, on the raw document so they run even when the schema fails. */
function crossProblems(raw: unknown, known: readonly string[] | undefined): Problem[] {
  const rules = (raw as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  const lower = known ? new Set(known.map((s) => s.toLowerCase())) : undefined;
  rules.forEach((rule: unknown, index) => {
    const name = (rule as { name?: unknown } | null)?.name;
    if (typeof name === 'string') {
      const first = seen.get(name);
      if (first === undefined) seen.set(name, index);
      else {
        problems.push({
          path: ['rules', index, 'name'],
          message: `duplicate rule name ${name} (first used by rules[${first}])`,
        });
      }
    }
    const sectors = (rule as { select?: { sectors?: unknown } } | null)?.select?.sectors;
    if (!lower || !known || !Array.isArray(sectors)) return;
    sectors.forEach((sector: unknown, at) => {
      if (typeof sector === 'string' && !lower.has(sector.toLowerCase())) {
        problems.push({
          path: ['rules', index, 'select', 'sectors', at],
          message: `unknown sector ${JSON.stringify(sector)}; the watchlist has: ${known.join(', ')}`,
        });
      }
    });
  });
  return problems;
}

/** Parses rules text; throws ConfigError listing every problem (YAML syntax, schema, names) at once. */
export function parseRules(
  text: string,
  source = 'rules',
  options: RuleCheckOptions = {},
): RulesFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        const where = pos ? ` (line ${pos.line}, col ${pos.col})` : '';
        return `YAML${where}: ${error.message.split('\n')[0]}`;
      }),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, ['(root): expected a mapping with a `rules:` list']);
  }
  const located = (path: readonly PathSegment[], message: string): string => {
    const pos = locate(doc.contents, path, lines);
    const where = pos ? ` (line ${pos.line}, col ${pos.col})` : '';
    return `${describePath(path, raw)}${where}: ${message}`;
  };
  const result = rulesFileSchema.safeParse(raw);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((i) => located(i.path, issueMessage(i)))),
    ...crossProblems(raw, options.knownSectors).map((p) => located(p.path, p.message)),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

export function loadRules(path: string, options: RuleCheckOptions = {}): RulesFile {
  const text = readConfigText(path, 'rules');
  return parseRules(text, path, options);
}
