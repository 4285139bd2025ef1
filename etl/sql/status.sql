-- Which communities of the registry reported monthly indicators, per month loaded.
WITH months AS (
  SELECT DISTINCT month FROM stg_monthly
),
reported AS (
  SELECT DISTINCT month, community_code FROM stg_monthly
),
final AS (
  SELECT m.month, c.community_code, c.community_name, c.town_name,
         r.community_code IS NOT NULL AS reported
  FROM months AS m
  CROSS JOIN community AS c
  LEFT JOIN reported AS r ON r.month = m.month AND r.community_code = c.community_code
)
SELECT * FROM final
ORDER BY month, town_name, community_code
