/** Environment overrides: secrets and endpoints that deployments set without editing the config file. */

export interface EnvOverride {
  variable: string;
  /** Dotted path in the config object. */
  path: readonly string[];
  /** How the string becomes a value (lists are comma-separated). */
  parse: (raw: string) => unknown;
  description: string;
}

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
    description: 'embedded store data directory',
  },
  {
    variable: 'BELLWETHER_CLICKHOUSE_URL',
    path: ['store', 'url'],
    parse: text,
    description: 'ClickHouse HTTP URL',
  },
  {
    variable: 'BELLWETHER_CLICKHOUSE_USER',
    path: ['store', 'username'],
    parse: text,
    description: 'ClickHouse user',
  },
  {
    variable: 'BELLWETHER_CLICKHOUSE_PASSWORD',
    path: ['store', 'password'],
    parse: text,
    description: 'ClickHouse password',
  },
  {
    variable: 'BELLWETHER_CLICKHOUSE_DATABASE',
    path: ['store', 'database'],
    parse: text,
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
];

/** Sets each override present in `env` into `raw` (a plain object parsed from the config file), creating parents. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const override of ENV_OVERRIDES) {
    const value = env[override.variable];
    if (value === undefined || value === '') continue;
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
