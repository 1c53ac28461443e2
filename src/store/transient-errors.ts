/** ClickHouse error codes that describe load or a passing state rather than a bad query: retrying can help. */
export const TRANSIENT_CLICKHOUSE_CODES: ReadonlySet<number> = new Set([
  159, // TIMEOUT_EXCEEDED
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  203, // NO_FREE_CONNECTION
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  241, // MEMORY_LIMIT_EXCEEDED
  252, // TOO_MANY_PARTS
  425, // SYSTEM_ERROR
]);
