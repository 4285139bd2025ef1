-- Credibility flags (数据可信度提示): one row per flag — community, month, rule, severity, the
-- detail an official can act on (in Chinese; the page says it in English from core.quality), the
-- figures it names, and the row it stands on (source file, sheet, row). Every rule, label and
-- threshold is in core/quality.py, which fills the /*{…}*/ slots (core.quality.render); the rules
-- are documented in docs/quality.md. Reads only what reached the warehouse: what the validator
-- set aside is in `quarantine`.
-- Stored as a table like the marts (etl.warehouse.MARTS), refreshed by every load from this
-- query; every rule looks at one community's rows only, so the touched slot (where each report kind
-- is read) keeps the communities a load wrote and the refresh recomputes only their flags.
WITH monthly AS (
  SELECT m.*, year(m.month) * 12 + month(m.month) AS month_no
  FROM stg_monthly AS m /*{touched}*/
),

-- Rates of exactly 100% on at least /*{perfect_min_cases}*/ cases, /*{perfect_months}*/ or more
-- consecutive reported months (gaps and islands: a run is a block of consecutive month numbers).
rate_values AS (
  /*{rate_values}*/
),
perfect AS (
  SELECT *, month_no - ROW_NUMBER() OVER (PARTITION BY community_code, field ORDER BY month_no) AS island
  FROM rate_values
  WHERE den >= /*{perfect_min_cases}*/ AND num = den
),
perfect_runs AS (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY community_code, field, island ORDER BY month_no) AS run
  FROM perfect
),
perfect_flags AS (
  SELECT community_code, month, 'perfect_rate' AS rule, field, CAST(den AS DOUBLE) AS value,
         CAST(NULL AS DOUBLE) AS other, run AS n, CAST(NULL AS VARCHAR) AS case_id,
         source_file, source_sheet, source_row
  FROM perfect_runs
  WHERE run >= /*{perfect_months}*/
),

-- Stocks that change by more than /*{jump_share}*/ of the previous reported value (and by at
-- least the stock's minimum) with no service-centre project between the two months to explain
-- it (for area: any project; for the others: a project whose 说明 names the stock).
jump_rules AS (
  SELECT * FROM (VALUES
    /*{jumps}*/
  ) AS j(field, min_change, note_word)
),
-- Each reported value of a stock with the community's previous reported (non-empty) value and
-- its month: one window pass over the monthly rows for every stock, then one row per stock.
stock_steps AS (
  /*{stock_steps}*/
),
jump_flags AS (
  SELECT s.community_code, s.month, 'stock_jump' AS rule, s.field, s.value, s.prev_value AS other,
         CAST(NULL AS BIGINT) AS n, CAST(NULL AS VARCHAR) AS case_id,
         s.source_file, s.source_sheet, s.source_row
  FROM stock_steps AS s
  JOIN jump_rules AS j USING (field)
  WHERE s.prev_value IS NOT NULL
    AND abs(s.value - s.prev_value) >= j.min_change
    AND abs(s.value - s.prev_value) > /*{jump_share}*/ * s.prev_value
    AND NOT EXISTS (
      SELECT 1 FROM stg_project AS p
      WHERE p.community_code = s.community_code
        AND p.completed_on >= s.prev_month
        AND p.completed_on < s.month + INTERVAL 1 MONTH
        AND (j.note_word = '' OR contains(COALESCE(p.note, ''), j.note_word))
    )
),

-- The monthly 志愿服务时长 against the sum of the month's volunteer activities (when any were sent).
activity_month AS (
  SELECT community_code, CAST(date_trunc('month', activity_date) AS DATE) AS month,
         SUM(COALESCE(hours, 0)) AS hours, COUNT(*) AS activities
  FROM stg_activity /*{touched}*/
  GROUP BY ALL
),
hours_flags AS (
  SELECT m.community_code, m.month, 'hours_vs_activities' AS rule, 'volunteer_hours' AS field,
         CAST(m.volunteer_hours AS DOUBLE) AS value, CAST(a.hours AS DOUBLE) AS other, a.activities AS n,
         CAST(NULL AS VARCHAR) AS case_id, m.source_file, m.source_sheet, m.source_row
  FROM monthly AS m
  JOIN activity_month AS a USING (community_code, month)
  WHERE m.volunteer_hours IS NOT NULL
    AND abs(m.volunteer_hours - a.hours) > greatest(
      /*{hours_tolerance}*/, /*{hours_tolerance_share}*/ * greatest(m.volunteer_hours, a.hours))
),

-- 小区数 and 已建党组织小区数 against the month's neighbourhood roster (when one was sent).
roster_month AS (
  SELECT community_code, month, COUNT(*) AS neighborhoods,
         COUNT(*) FILTER (WHERE has_party_org) AS with_party_org
  FROM stg_roster /*{touched}*/
  GROUP BY ALL
),
-- (each pair unnested from a list of structs: DuckDB runs a LATERAL (VALUES …) of outer columns
-- as a join back on all of them)
roster_flags AS (
  SELECT community_code, month, 'roster_mismatch' AS rule, x.field, x.value, x.other,
         CAST(NULL AS BIGINT) AS n, CAST(NULL AS VARCHAR) AS case_id, source_file, source_sheet, source_row
  FROM (
    SELECT m.community_code, m.month, m.source_file, m.source_sheet, m.source_row, unnest([
             {'field': 'neighborhoods', 'value': CAST(m.neighborhoods AS DOUBLE),
              'other': CAST(r.neighborhoods AS DOUBLE)},
             {'field': 'neighborhoods_with_party_org', 'value': CAST(m.neighborhoods_with_party_org AS DOUBLE),
              'other': CAST(r.with_party_org AS DOUBLE)}]) AS x
    FROM monthly AS m
    JOIN roster_month AS r USING (community_code, month)
  ) AS u
  WHERE x.value <> x.other
),

-- 诉求受理数 against the cases received in the month, 诉求办结数 against those of them resolved by
-- the report date (填报日期, else the due day) — when the month's case list was sent.
case_month AS (
  SELECT m.community_code, m.month, COUNT(*) AS received,
         COUNT(*) FILTER (
           WHERE c.resolved_on <= COALESCE(
             m.reported_on, CAST(m.month + INTERVAL 1 MONTH AS DATE) + (/*{due_day}*/ - 1))
         ) AS resolved
  FROM monthly AS m
  JOIN stg_request AS c
    ON c.community_code = m.community_code AND CAST(date_trunc('month', c.received_on) AS DATE) = m.month
  GROUP BY ALL
),
case_flags AS (
  SELECT community_code, month, 'cases_mismatch' AS rule, x.field, x.value, x.other,
         CAST(NULL AS BIGINT) AS n, CAST(NULL AS VARCHAR) AS case_id, source_file, source_sheet, source_row
  FROM (
    SELECT m.community_code, m.month, m.source_file, m.source_sheet, m.source_row, unnest([
             {'field': 'requests_received', 'value': CAST(m.requests_received AS DOUBLE),
              'other': CAST(c.received AS DOUBLE)},
             {'field': 'requests_resolved', 'value': CAST(m.requests_resolved AS DOUBLE),
              'other': CAST(c.resolved AS DOUBLE)}]) AS x
    FROM monthly AS m
    JOIN case_month AS c USING (community_code, month)
  ) AS u
  WHERE x.value <> x.other
),

-- A monthly row whose every figure equals the previous calendar month's, in a month with activity.
repeat_flags AS (
  SELECT m.community_code, m.month, 'repeated_row' AS rule, CAST(NULL AS VARCHAR) AS field,
         CAST(NULL AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS other,
         CAST(/*{repeat_count}*/ AS BIGINT) AS n, CAST(NULL AS VARCHAR) AS case_id,
         m.source_file, m.source_sheet, m.source_row
  FROM monthly AS m
  JOIN monthly AS p ON p.community_code = m.community_code AND p.month_no = m.month_no - 1
  WHERE (/*{repeat_same}*/) AND (/*{repeat_active}*/)
),

-- Flows that are a non-zero multiple of /*{round_base}*/ in /*{round_months}*/ or more consecutive reported months.
round_values AS (
  /*{round_values}*/
),
round_islands AS (
  SELECT *, month_no - ROW_NUMBER() OVER (PARTITION BY community_code, field ORDER BY month_no) AS island
  FROM round_values
  WHERE value > 0 AND value % /*{round_base}*/ = 0
),
round_runs AS (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY community_code, field, island ORDER BY month_no) AS run
  FROM round_islands
),
round_flags AS (
  SELECT community_code, month, 'round_values' AS rule, field, value,
         CAST(/*{round_base}*/ AS DOUBLE) AS other, run AS n, CAST(NULL AS VARCHAR) AS case_id,
         source_file, source_sheet, source_row
  FROM round_runs
  WHERE run >= /*{round_months}*/
),

-- A case with no resolution date but a follow-up result, or marked resolved on time.
case_flags_row AS (
  SELECT community_code, CAST(date_trunc('month', received_on) AS DATE) AS month, 'impossible_case' AS rule,
         x.field, CAST(NULL AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS other, CAST(NULL AS BIGINT) AS n,
         case_id, source_file, source_sheet, source_row
  FROM stg_request /*{touched}*/
  CROSS JOIN LATERAL (
    SELECT 'followup_result' AS field WHERE followup_result IN ('满意', '基本满意', '不满意')
    UNION ALL
    SELECT 'on_time' WHERE on_time
  ) AS x
  WHERE resolved_on IS NULL
),

flags AS (
  SELECT * FROM perfect_flags
  UNION ALL SELECT * FROM jump_flags
  UNION ALL SELECT * FROM hours_flags
  UNION ALL SELECT * FROM roster_flags
  UNION ALL SELECT * FROM case_flags
  UNION ALL SELECT * FROM repeat_flags
  UNION ALL SELECT * FROM round_flags
  UNION ALL SELECT * FROM case_flags_row
),
rule_text AS (
  SELECT * FROM (VALUES
    /*{rules}*/
  ) AS t(rule, severity, template)
),
field_text AS (
  SELECT * FROM (VALUES
    /*{fields}*/
  ) AS t(field, label)
),
shown AS (
  SELECT f.*,
         CASE WHEN f.value IS NULL THEN '' WHEN f.value = trunc(f.value) THEN CAST(CAST(f.value AS BIGINT) AS VARCHAR)
              ELSE printf('%.1f', f.value) END AS value_text,
         CASE WHEN f.other IS NULL THEN '' WHEN f.other = trunc(f.other) THEN CAST(CAST(f.other AS BIGINT) AS VARCHAR)
              ELSE printf('%.1f', f.other) END AS other_text
  FROM flags AS f
),
final AS (
  SELECT s.community_code, s.month, s.rule, t.severity,
         replace(replace(replace(replace(replace(t.template,
           '{field}', COALESCE(l.label, s.field, '')),
           '{value}', s.value_text),
           '{other}', s.other_text),
           '{n}', COALESCE(CAST(s.n AS VARCHAR), '')),
           '{case}', COALESCE(s.case_id, '')) AS detail,
         s.field, s.value, s.other, s.n, s.case_id, s.source_file, s.source_sheet, s.source_row
  FROM shown AS s
  JOIN rule_text AS t USING (rule)
  LEFT JOIN field_text AS l USING (field)
)
SELECT * FROM final;
