-- Alert state transitions (for dashboards and backtests) and the latest state per alert instance.
-- alert_state keeps every save; readers take argMax(body, version) per fingerprint, so they never
-- depend on when ReplacingMergeTree merges.

CREATE TABLE IF NOT EXISTS alerts (
  at DateTime('UTC'),
  at_ms UInt64,
  rule String,
  fingerprint String,
  topic_kind String,
  topic_key String,
  from_state String,
  to_state String,
  severity String,
  value Float64,
  has_value UInt8,
  labels String,
  annotations String
) ENGINE = MergeTree
ORDER BY (at, fingerprint);

CREATE TABLE IF NOT EXISTS alert_state (
  fingerprint String,
  rule String,
  state String,
  version UInt64,
  updated_at DateTime('UTC'),
  body String
) ENGINE = ReplacingMergeTree(version)
ORDER BY fingerprint;
