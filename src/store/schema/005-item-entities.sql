-- Entity sentiment (issue 15, src/model/entity/README.md): one row per item × model version × company the
-- headline names, with the sentiment toward that company. Keyed like topic_items, by the item's published
-- minute first, so reads by time use the index and a copy of an item (a redelivery after a crash between
-- inserts, two writers racing) replaces its row rather than adding one; reads take one row per
-- (item_id, company) all the same, never relying on a merge. model_version is the item's (headline) model,
-- as in scored_items; entity_model_version is the entity model's. position keeps the scorer's order.
-- SqlStore writes these rows before scored_items: an item counts as stored only once scored_items has it.

CREATE TABLE IF NOT EXISTS item_entities (
  model_version String,
  minute DateTime('UTC'),
  item_id String,
  company String,
  position UInt16,
  ticker String,
  mention String,
  label String,
  p_negative Float64,
  p_neutral Float64,
  p_positive Float64,
  score Float64,
  entity_model_version String
) ENGINE = ReplacingMergeTree
ORDER BY (model_version, minute, item_id, company);
