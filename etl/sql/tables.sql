-- Reference data: seeded from data/reference/ when the warehouse is new, then changed only by
-- `python -m etl registry update` (by code; never deleted).
CREATE TABLE IF NOT EXISTS ref_town (
  town_code VARCHAR NOT NULL,
  town_name VARCHAR NOT NULL,
  town_type VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ref_community (
  community_code VARCHAR NOT NULL,
  community_name VARCHAR NOT NULL,
  town_code VARCHAR NOT NULL,
  community_type VARCHAR NOT NULL,
  group_name VARCHAR,
  urban BOOLEAN,
  synthetic BOOLEAN,
  aliases VARCHAR
);

-- One row per file load attempt.
CREATE SEQUENCE IF NOT EXISTS etl_load_seq START 1;
CREATE TABLE IF NOT EXISTS etl_load (
  load_id BIGINT NOT NULL DEFAULT nextval('etl_load_seq'),
  path VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  status VARCHAR NOT NULL,          -- loaded | partial | rejected | unchanged
  rows_read BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_replaced BIGINT NOT NULL,
  rows_quarantined BIGINT NOT NULL,
  message VARCHAR
);
-- The reader's notes and the skipped sheets of each load (JSON arrays; docs/loading.md).
ALTER TABLE etl_load ADD COLUMN IF NOT EXISTS notes VARCHAR;
ALTER TABLE etl_load ADD COLUMN IF NOT EXISTS sheets_skipped VARCHAR;

-- Rows (or whole files, row_number NULL) that were not loaded, and why.
CREATE TABLE IF NOT EXISTS etl_quarantine (
  load_id BIGINT NOT NULL,
  file VARCHAR NOT NULL,
  sheet VARCHAR,
  row_number BIGINT,
  kind VARCHAR,
  original VARCHAR,                 -- JSON object: header -> cell text as read
  reason VARCHAR NOT NULL
);

-- The report's own dates, per load: its latest 填报日期 and the end of the period it covers.
-- A later report older than what it would replace is set aside (docs/warehouse.md).
ALTER TABLE etl_load ADD COLUMN IF NOT EXISTS reported_on DATE;
ALTER TABLE etl_load ADD COLUMN IF NOT EXISTS period_end DATE;

-- Every value a later report changed in a row already stored (column-level lineage): which
-- file, sheet and row set it, and what it was before. A row's first values come from the row's
-- own lineage (source_file, source_sheet, source_row).
CREATE TABLE IF NOT EXISTS etl_correction (
  load_id BIGINT NOT NULL,
  kind VARCHAR NOT NULL,
  community_code VARCHAR,
  row_key VARCHAR NOT NULL,         -- JSON object: the natural key of the row changed
  column_name VARCHAR NOT NULL,
  old_value VARCHAR,
  new_value VARCHAR,                -- NULL: cleared on purpose with the clear marker
  source_sheet VARCHAR,
  source_row BIGINT
);
