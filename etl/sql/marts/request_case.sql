-- Mart: one row per resident request case (诉求台账) — the case list with its community's names
-- and township joined and days_to_resolve derived. Stored (not a view) so a page's count or chart
-- of cases reads one table, sorted by received_on so a range of months skips most of it, instead
-- of joining 1.87 M cases with the registry per statement (×50). Contract: marts/contracts.toml.
-- Refreshed by every load from this query (/*{touched}*/: the cases a load wrote, by case_id — a
-- correction that moves a case to another community replaces its one row).
WITH cases AS (
  SELECT * FROM stg_request /*{touched}*/
),
final AS (
  SELECT r.case_id, r.received_on, r.community_code, c.community_name, c.town_code, c.town_name,
         r.category, r.source, r.resolved_on, r.on_time, r.followup_result,
         CASE WHEN r.resolved_on IS NOT NULL THEN date_diff('day', r.received_on, r.resolved_on) END
           AS days_to_resolve,
         r.source_file, r.source_sheet, r.source_row
  FROM cases AS r
  JOIN community AS c USING (community_code)
)
SELECT * FROM final
