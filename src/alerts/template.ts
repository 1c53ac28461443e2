/** Annotation templates: the `{{name}}` vocabulary rules may use, how each value is formatted, and rendering. */

/** Labels the engine sets on every instance; rules cannot override them. */
export const RESERVED_LABELS: readonly string[] = [
  'alertname',
  'severity',
  'topic_kind',
  'topic_key',
];

/** Numbers a detector reports; any may be absent for a detector that does not compute it. */
export interface DetectorValues {
  /** What the detector counted in the window: stories or items, as the rule says. */
  count?: number;
  /** Items and distinct stories in the window, whatever the rule counts. */
  items?: number;
  stories?: number;
  negatives?: number;
  share?: number;
  lowerBound?: number;
  baselineCount?: number;
  baselineNegatives?: number;
  baselineShare?: number;
  threshold?: number;
  confirmCount?: number;
  confirmShare?: number;
  z?: number;
  meanScore?: number;
  baselineMeanScore?: number;
  drop?: number;
}

export interface TemplateContext {
  rule: string;
  severity: string;
  topic: string;
  kind: string;
  window: string;
  baseline: string;
  value: number;
  values: DetectorValues;
  headlines: readonly string[];
}

type Format = 'text' | 'integer' | 'percent' | 'signed' | 'decimal';

const VALUE_FORMATS: Readonly<Record<keyof DetectorValues, Format>> = {
  count: 'integer',
  items: 'integer',
  stories: 'integer',
  negatives: 'integer',
  share: 'percent',
  lowerBound: 'percent',
  baselineCount: 'integer',
  baselineNegatives: 'integer',
  baselineShare: 'percent',
  threshold: 'percent',
  confirmCount: 'integer',
  confirmShare: 'percent',
  z: 'decimal',
  meanScore: 'signed',
  baselineMeanScore: 'signed',
  drop: 'decimal',
};

const CONTEXT_NAMES = [
  'rule',
  'severity',
  'topic',
  'kind',
  'window',
  'baseline',
  'value',
  'headlines',
  'volume',
] as const;

export const TEMPLATE_NAMES: readonly string[] = [...CONTEXT_NAMES, ...Object.keys(VALUE_FORMATS)];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** What is wrong with a template: unknown names and unbalanced braces. */
export function templateProblems(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!TEMPLATE_NAMES.includes(name)) {
      problems.push(
        `unknown template value {{${name}}}; known: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(' ')}`,
      );
    }
  }
  const stripped = text.replace(PLACEHOLDER, '');
  if (stripped.includes('{{') || stripped.includes('}}')) problems.push('unbalanced {{ }}');
  return problems;
}

export function formatValue(value: number | undefined, format: Format): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  switch (format) {
    case 'integer':
      return String(Math.round(value));
    case 'percent':
      return `${(value * 100).toFixed(1)}%`;
    case 'signed':
      return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
    case 'decimal':
      return value.toFixed(2);
    default:
      return String(value);
  }
}

const counted = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "3 stories (17 items)": the window's volume both ways; just the items where stories are unknown. */
function volume(values: DetectorValues): string {
  const { items, stories } = values;
  if (items === undefined) return 'n/a';
  const itemText = counted(items, 'item', 'items');
  return stories === undefined ? itemText : `${counted(stories, 'story', 'stories')} (${itemText})`;
}

function lookup(name: string, context: TemplateContext): string {
  switch (name) {
    case 'rule':
    case 'severity':
    case 'topic':
    case 'kind':
    case 'window':
    case 'baseline':
      return context[name];
    case 'value':
      return formatValue(context.value, 'decimal');
    case 'headlines':
      return context.headlines.length > 0 ? context.headlines.join(' | ') : '(none)';
    case 'volume':
      return volume(context.values);
    default: {
      const format = VALUE_FORMATS[name as keyof DetectorValues];
      return format === undefined
        ? `{{${name}}}`
        : formatValue(context.values[name as keyof DetectorValues], format);
    }
  }
}

export function renderTemplate(text: string, context: TemplateContext): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => lookup(name, context));
}
