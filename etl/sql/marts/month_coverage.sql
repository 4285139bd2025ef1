-- Mart: per township and month, how many of its communities sent a monthly report (reporting)
-- and how many were expected to (expected: a report makes its community expected for 12
-- months, [month, month + 12), cut at its next report so the spans never overlap). One row for
-- every month from the township's first report while anything is expected or reported; a
-- selection of townships sums them (oversight.queries.common.month_coverage), since every
-- community belongs to one township. Contract: marts/contracts.toml. Stored as a table,
-- refreshed by every load from this query (/*{touched}*/: see community_month.sql).
WITH reports AS (
  SELECT town_code, month, next_month FROM community_month /*{touched}*/
),
covered AS (
  -- next_month: the community's next report, kept by community_month (NULL: none; least skips it)
  SELECT town_code, month AS start_month,
         least(next_month, CAST(month + INTERVAL 12 MONTH AS DATE)) AS stop_month
  FROM reports
),
moves AS (
  SELECT town_code, start_month AS month, 1 AS d, 1 AS r FROM covered
  UNION ALL
  SELECT town_code, stop_month AS month, -1 AS d, 0 AS r FROM covered
),
changes AS (
  SELECT town_code, month, SUM(d) AS d, SUM(r) AS r FROM moves GROUP BY town_code, month
),
months AS (
  SELECT town_code, CAST(unnest(generate_series(min(month), max(month), INTERVAL 1 MONTH)) AS DATE) AS month
  FROM changes
  GROUP BY town_code
),
running AS (
  SELECT g.month, g.town_code, CAST(coalesce(c.r, 0) AS BIGINT) AS reporting,
         CAST(SUM(coalesce(c.d, 0)) OVER (PARTITION BY g.town_code ORDER BY g.month
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS expected
  FROM months AS g
  LEFT JOIN changes AS c USING (town_code, month)
),
final AS (
  SELECT month, town_code, reporting, expected FROM running WHERE reporting > 0 OR expected > 0
)
SELECT * FROM final
