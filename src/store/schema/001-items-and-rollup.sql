-- Scored items, their topics and the per-minute per-topic rollup.
-- Kept to the SQL that ClickHouse 18.16 and chdb 26.x both run: DateTime (no DateTime64), String (no
-- LowCardinality), no Map/Nullable, no query parameters inside DDL, materialized views with TO.
-- Both views read scored_items: 18.16 does not cascade a view's output into the views of its target,
-- so the rollup cannot be fed from item_topics there. One INSERT into scored_items fills all three.

CREATE TABLE IF NOT EXISTS scored_items (
  id String,
  model_version String,
  source String,
  url String,
  title String,
  summary String,
  lang String,
  published_at DateTime('UTC'),
  published_ms UInt64,
  fetched_ms UInt64,
  scored_at DateTime('UTC'),
  scored_ms UInt64,
  label String,
  p_negative Float64,
  p_neutral Float64,
  p_positive Float64,
  score Float64,
  topic_kinds Array(String),
  topic_keys Array(String),
  topic_relevance Array(Float64),
  has_url UInt8,
  has_summary UInt8,
  has_lang UInt8
) ENGINE = ReplacingMergeTree
ORDER BY (id, model_version);

CREATE TABLE IF NOT EXISTS item_topics (
  kind String,
  key String,
  published_at DateTime('UTC'),
  item_id String,
  model_version String,
  relevance Float64,
  label String,
  score Float64,
  source String
) ENGINE = MergeTree
ORDER BY (kind, key, published_at, item_id);

CREATE TABLE IF NOT EXISTS topic_minute (
  model_version String,
  kind String,
  key String,
  minute DateTime('UTC'),
  items UInt64,
  negatives UInt64,
  positives UInt64,
  score_sum Float64
) ENGINE = SummingMergeTree((items, negatives, positives, score_sum))
ORDER BY (model_version, kind, key, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS item_topics_mv TO item_topics AS
SELECT
  kind,
  key,
  published_at,
  id AS item_id,
  model_version,
  relevance,
  label,
  score,
  source
FROM scored_items
ARRAY JOIN topic_kinds AS kind, topic_keys AS key, topic_relevance AS relevance;

CREATE MATERIALIZED VIEW IF NOT EXISTS topic_minute_mv TO topic_minute AS
SELECT
  model_version,
  kind,
  key,
  toStartOfMinute(published_at) AS minute,
  count() AS items,
  countIf(label = 'negative') AS negatives,
  countIf(label = 'positive') AS positives,
  sum(score) AS score_sum
FROM scored_items
ARRAY JOIN topic_kinds AS kind, topic_keys AS key
GROUP BY model_version, kind, key, minute;
