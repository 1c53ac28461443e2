-- Stories (src/stories/README.md): each item's story id, whether it started the story, and how many earlier items of
-- the story were published in the hour and the day before it. topic_items carries the story id so the rollup counts
-- distinct stories beside items. Items stored before this migration have story_id '' and count as a story each.
-- 18.16 has no ADD COLUMN IF NOT EXISTS: the migration runner skips an ADD COLUMN whose column exists, so a
-- run interrupted half-way is simply run again; hence one column per statement.

ALTER TABLE scored_items ADD COLUMN story_id String DEFAULT '';

ALTER TABLE scored_items ADD COLUMN first_of_story UInt8 DEFAULT 0;

ALTER TABLE scored_items ADD COLUMN story_items_1h UInt32 DEFAULT 0;

ALTER TABLE scored_items ADD COLUMN story_items_24h UInt32 DEFAULT 0;

ALTER TABLE topic_items ADD COLUMN story_id String DEFAULT '';

DROP TABLE IF EXISTS topic_minute;

-- Inner query: one row per item in its topic-minute, as in 003; a story counts once per topic-minute it appears in.
CREATE VIEW IF NOT EXISTS topic_minute AS
SELECT
  model_version,
  kind,
  key,
  minute,
  count() AS items,
  countIf(item_label = 'negative') AS negatives,
  countIf(item_label = 'positive') AS positives,
  sum(item_score) AS score_sum,
  uniqExact(item_story) AS stories
FROM (
  SELECT model_version, kind, key, minute, item_id, any(label) AS item_label, any(score) AS item_score,
    if(any(story_id) = '', concat('item:', item_id), any(story_id)) AS item_story
  FROM topic_items
  GROUP BY model_version, kind, key, minute, item_id
)
GROUP BY model_version, kind, key, minute;
