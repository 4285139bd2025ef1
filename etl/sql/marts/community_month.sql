-- Mart: one row per community and reported month — the monthly report with names, type and
-- 片区 joined, and every ratio of the metric catalogue (core/metrics.py) as a derived column.
-- Contract: marts/contracts.toml. Per-period figures (flows summed over a range, stocks at
-- its last month) are not stored: core.metrics.sql(over="range") renders them from this mart.
-- Stored as a table, refreshed by every load (etl.warehouse.refresh_marts) from this query;
-- /*{touched}*/ is where a load's refresh keeps only the rows it recomputes (every month of each
-- community it wrote: next_month of its earlier report changes with a new one).
WITH monthly AS (
  SELECT * FROM stg_monthly /*{touched}*/
),
final AS (
  SELECT
    m.month, m.community_code, c.community_name, c.town_code, c.town_name,
    c.community_type, c.group_name,
    m.reported_on,
    -- timeliness is judged on the first report of the month, not on a later correction
    coalesce(m.first_reported_on, m.reported_on) AS first_reported_on,
    -- the month of the community's next monthly report (NULL: none yet): the row holds its stocks
    -- for every month from its own up to that one, so the carry rule (common.range_rows) is a
    -- filter on the row, not a window over the community's months
    lead(m.month) OVER (PARTITION BY m.community_code ORDER BY m.month) AS next_month,
    m.households, m.population, m.party_members, m.neighborhoods, m.neighborhoods_with_party_org,
    m.grids, m.grid_workers_fulltime, m.grid_workers_parttime, m.service_center_m2,
    m.service_platforms, m.volunteers_registered, m.volunteer_hours, m.volunteer_activities,
    m.requests_received, m.requests_resolved, m.requests_on_time, m.followups_satisfied,
    m.followups_total, m.disputes_mediated,
    /*{row_ratios}*/,
    m.source_file, m.source_sheet, m.source_row
  FROM monthly AS m
  JOIN community AS c USING (community_code)
)
SELECT * FROM final
