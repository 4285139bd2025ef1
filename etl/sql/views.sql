-- Public views over the staging tables, one row per reported entity: the interface analysts and
-- the dashboard query. The aggregates (marts) are in marts/. Documented in docs/warehouse.md.

CREATE OR REPLACE VIEW community AS
SELECT c.community_code, c.community_name, c.town_code, t.town_name,
       c.community_type, c.group_name, c.urban, c.synthetic
FROM ref_community AS c
JOIN ref_town AS t USING (town_code);

CREATE OR REPLACE VIEW neighborhood_month AS
SELECT r.month, r.community_code, c.community_name, c.town_code, c.town_name,
       r.neighborhood_name, r.households, r.has_party_org, r.party_org_form,
       r.has_property_party_org, r.has_owners_committee, r.building_party_groups,
       r.party_hub_households, r.vanguard_posts,
       r.source_file, r.source_sheet, r.source_row
FROM stg_roster AS r
JOIN community AS c USING (community_code);

CREATE OR REPLACE VIEW service_center_project AS
SELECT p.completed_on, p.community_code, c.community_name, c.town_code, c.town_name,
       p.project_type, p.area_added_m2, p.rooms_integrated, p.service_platforms, p.note,
       p.source_file, p.source_sheet, p.source_row
FROM stg_project AS p
JOIN community AS c USING (community_code);

CREATE OR REPLACE VIEW volunteer_activity AS
SELECT a.activity_date, a.community_code, c.community_name, c.town_code, c.town_name,
       a.activity_name, a.service_category, a.participants, a.hours,
       a.source_file, a.source_sheet, a.source_row
FROM stg_activity AS a
JOIN community AS c USING (community_code);

-- request_case is a stored mart: etl/sql/marts/request_case.sql.

CREATE OR REPLACE VIEW load_log AS
SELECT load_id, path, sha256, loaded_at, status, rows_read, rows_loaded, rows_replaced,
       rows_quarantined, message, notes, sheets_skipped, reported_on, period_end
FROM etl_load;

CREATE OR REPLACE VIEW quarantine AS
SELECT load_id, file, sheet, row_number, kind, original, reason
FROM etl_quarantine;

-- Every stored value a later report changed (column-level lineage): a row's first values come
-- from its own source_file/source_sheet/source_row, each later change from here.
CREATE OR REPLACE VIEW correction AS
SELECT x.load_id, l.loaded_at, x.kind, x.community_code, c.community_name, c.town_code, c.town_name,
       x.row_key, x.column_name, x.old_value, x.new_value,
       l.path AS source_file, x.source_sheet, x.source_row
FROM etl_correction AS x
JOIN etl_load AS l USING (load_id)
LEFT JOIN community AS c USING (community_code);
