/** Environment overrides: secrets and endpoints that deployments set without editing the config file. */

export interface EnvOverride {
  variable: string;
  /** Dotted path in the config object. */
  path: readonly string[];
  /** How the string becomes a value (lists are comma-separated). */
  parse: (raw: string) => unknown;
  description: string;
  /** For a field of one variant of a tagged union (bus, store): applied only when that variant is in effect. */
  variant?: { slice: 'bus' | 'store'; type: string };
}

/** The variant each tagged-union slice takes when neither the file nor the environment names one. */
const DEFAULT_VARIANT = { bus: 'memory', store: 'embedded' } as const;

const text = (raw: string): string => raw;
const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
const number = (raw: string): number | string =>
  raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  {
    variable: 'BELLWETHER_LOG_LEVEL',
    path: ['log', 'level'],
    parse: text,
    description: 'log level',
  },
  {
    variable: 'BELLWETHER_BUS',
    path: ['bus', 'type'],
    parse: text,
    description: 'bus type: memory | kafka',
  },
  {
    variable: 'BELLWETHER_KAFKA_BROKERS',
    path: ['bus', 'brokers'],
    parse: list,
    variant: { slice: 'bus', type: 'kafka' },
    description: 'comma-separated host:port list',
  },
  {
    variable: 'BELLWETHER_STORE',
    path: ['store', 'type'],
    parse: text,
    description: 'store type: embedded | clickhouse',
  },
  {
    variable: 'BELLWETHER_STORE_PATH',
    path: ['store', 'path'],
    parse: text,
    variant: { slice: 'store', type: 'embedded' },
    description: 'embedded store data directory',
  },
  {
    variable: 'BELLWETHER_CLICKHOUSE_URL',
    path: ['store', 'url'],
    parse: text,
    variant: { slice: 'store', type: 'clickhouse' },
    description: 'ClickHouse HTTP URL',
  },
  {
    variable: 'BELLWETHER_CLICKHOUSE_USER',
    path: ['store', 'username'],
    parse: text,
    variant: { slice: 'store', type: 'clickhouse' },
    description: 'ClickHouse user',
  },
  {
    variable: 'BELLWETHER_CLICKHOUSE_PASSWORD',
    path: ['store', 'password'],
    parse: text,
    variant: { slice: 'store', type: 'clickhouse' },
    description: 'ClickHouse password',
  },
  {
    variable: 'BELLWETHER_CLICKHOUSE_DATABASE',
    path: ['store', 'database'],
    parse: text,
    variant: { slice: 'store', type: 'clickhouse' },
    description: 'ClickHouse database',
  },
  {
    variable: 'BELLWETHER_MODEL',
    path: ['model', 'path'],
    parse: text,
    description: 'model directory',
  },
  {
    variable: 'BELLWETHER_BACKEND',
    path: ['model', 'backend'],
    parse: text,
    description: 'TensorFlow.js backend',
  },
  {
    variable: 'BELLWETHER_ENTITIES',
    path: ['scoring', 'entities', 'mode'],
    parse: text,
    description: 'per-company sentiment: off | multi | always',
  },
  {
    variable: 'BELLWETHER_ENTITY_MODEL',
    path: ['scoring', 'entities', 'model'],
    parse: text,
    description: 'entity model directory',
  },
  {
    variable: 'BELLWETHER_WEB_PORT',
    path: ['web', 'port'],
    parse: number,
    description: 'dashboard/API port',
  },
  {
    variable: 'BELLWETHER_RULES',
    path: ['alerts', 'rulesFile'],
    parse: text,
    description: 'alert rules file',
  },
  {
    variable: 'BELLWETHER_PUSH_TOKEN',
    path: ['ingest', 'http', 'token'],
    parse: text,
    description: 'bearer token the HTTP push endpoint requires',
  },
];

/** Sets each override present in `env` into `raw` (a plain object parsed from the config file), creating parents. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const override of ENV_OVERRIDES) {
    const value = env[override.variable];
    if (value === undefined || value === '') continue;
    if (override.variant) {
      const { slice, type } = override.variant;
      const section = raw[slice];
      const current =
        typeof section === 'object' && section !== null && 'type' in section
          ? String(section.type)
          : DEFAULT_VARIANT[slice];
      // An endpoint for the engine not in use (say a ClickHouse URL while embedded) is not an error.
      if (current !== type) continue;
      raw[slice] = { ...(typeof section === 'object' && section !== null ? section : {}), type };
    }
    let node: Record<string, unknown> = raw;
    const parents = override.path.slice(0, -1);
    for (const key of parents) {
      const child = node[key];
      if (typeof child !== 'object' || child === null || Array.isArray(child)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const leaf = override.path[override.path.length - 1];
    if (leaf !== undefined) node[leaf] = override.parse(value);
    applied.push(override.variable);
  }
  return applied;
}
