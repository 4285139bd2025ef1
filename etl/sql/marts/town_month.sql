-- Mart: one row per township and month with at least one monthly report — every summed
-- metric of the catalogue over the township's reporting communities, and every ratio as
-- sum(numerator) / sum(denominator) (never an average of community rates).
-- Contract: marts/contracts.toml. Stored as a table, refreshed by every load from this query
-- (/*{touched}*/: see community_month.sql).
WITH communities AS (
  SELECT * FROM community_month /*{touched}*/
),
final AS (
  SELECT
    month, town_code, any_value(town_name) AS town_name,
    COUNT(*) AS communities_reporting,
    /*{sums}*/,
    /*{group_ratios}*/
  FROM communities
  GROUP BY month, town_code
)
SELECT * FROM final
