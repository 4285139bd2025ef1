"""Queries of the 数据质量 page and of the bulletin: the credibility flags of the view
`quality_flag` (rules and thresholds in core.quality), the rows each flag stands on, and each
unit's reporting quality (数据质量得分: timeliness, completeness, consistency, corrections),
scored 0–100 and ranked like any indicator."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from core import quality as rules
from core.months import next_month
from core.peers import DEFAULT_COMMUNITY_RULE, community_rule, peer_sql
from core.sql import Fragment, compose, ident, join, qualified
from oversight.db import query
from oversight.filters import Filters
from oversight.i18n import register, t
from oversight.queries.common import file_name, file_name_sql, month_sql, scope_sql

register(
    {
        "col.rule": ("规则", "Rule"),
        "col.severity": ("性质", "Severity"),
        "col.detail": ("说明", "Detail"),
        "col.flags": ("提示数", "Flags"),
        "col.errors": ("矛盾", "Contradictions"),
        "col.warnings": ("存疑", "Doubtful"),
        "col.communities_flagged": ("有提示的村(社区)", "Communities flagged"),
        "col.table": ("报表", "Report"),
        "col.months_due": ("应报月数", "Months due"),
        "col.on_time": ("按时", "On time"),
        "col.months_on_time": ("按时报送月数", "Months on time"),
        "col.late": ("迟报", "Late"),
        "col.missing": ("缺报", "Missing"),
        "col.timeliness": ("及时性", "Timeliness"),
        "col.completeness": ("完整性（必填）", "Completeness (required)"),
        "col.completeness_optional": ("完整性（选填）", "Completeness (optional)"),
        "col.flagged_months": ("有提示的月数", "Months flagged"),
        "col.consistency": ("一致性", "Consistency"),
        "col.corrections": ("更正次数", "Corrections"),
        "col.quality_score": ("数据质量得分", "Data-quality score"),
        "col.quality_rank": ("数据质量排名", "Data-quality rank"),
        "col.peer_group": ("同类组", "Peer group"),
    }
)

FLAG_COLUMNS = (
    "town_name",
    "community_name",
    "month",
    "severity",
    "rule",
    "detail",
    "source_file",
    "source_sheet",
    "source_row",
)
SHARES = ("timeliness", "completeness", "completeness_optional", "consistency")  # 0–1 columns of unit_quality


def available() -> bool:
    """Whether the warehouse has the view quality_flag (a warehouse last loaded before it
    existed gains it on its next load)."""
    df = query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'quality_flag'")
    return bool(df.iloc[0]["n"])


def flags(f: Filters) -> pd.DataFrame:
    """Every credibility flag in the selection and month range, errors first, then by township,
    community and month: town_code, town_name, community_code, community_name, month (date),
    rule, severity (error | warning), detail (Chinese, from the view), field, value, other, n,
    case_id, source_file (the file's name only), source_sheet, source_row."""
    scope, params = scope_sql(f, "c")
    months, mp = month_sql(f, "month", "q")
    df = query(
        compose(
            """
            SELECT c.town_code, c.town_name, q.community_code, c.community_name, q.month, q.rule, q.severity,
                   q.detail, q.field, q.value, q.other, q.n, q.case_id, {file} AS source_file, q.source_sheet, q.source_row
            FROM quality_flag AS q
            JOIN community AS c USING (community_code)
            WHERE {scope} AND {months}
            ORDER BY q.severity = 'error' DESC, c.town_code, q.community_code, q.month, q.rule, q.field
            """,
            scope=scope,
            months=months,
            file=file_name_sql(Fragment("q.source_file")),
        ),
        params | mp,
    )
    df["month"] = [pd.Timestamp(m).date() for m in df["month"]]
    return df


def flags_in_other_months(f: Filters) -> tuple[int, date | None]:
    """(flags in the selection's scope outside its months, the latest of their months): what an
    empty page says is there once the range is widened (the sample's six flags are all older than
    the default twelve months)."""
    scope, params = scope_sql(f, "c")
    months, mp = month_sql(f, "month", "q")
    row = query(
        compose(
            """
            SELECT count(*) AS n, max(q.month) AS latest
            FROM quality_flag AS q
            JOIN community AS c USING (community_code)
            WHERE {scope} AND NOT ({months})
            """,
            scope=scope,
            months=months,
        ),
        params | mp,
    ).iloc[0]
    latest = None if pd.isna(row["latest"]) else pd.Timestamp(row["latest"]).date()
    return int(row["n"]), latest


def described(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`flags(...)` with rule, severity and detail in `lang` (the detail text of core.quality
    filled with the flag's figures; in Chinese it is the view's own)."""
    out = df.copy()
    if out.empty:
        return out
    out["rule"] = [rules.BY_NAME[r].label(lang) for r in df["rule"]]
    out["severity"] = [rules.SEVERITIES[s][0 if lang == "zh" else 1] for s in df["severity"]]
    if lang != "zh":
        out["detail"] = [
            rules.BY_NAME[r.rule].detail(
                lang,
                rules.field_label(r.field, lang) if isinstance(r.field, str) else "",
                r.value,
                r.other,
                r.n,
                r.case_id,
            )
            for r in df.itertuples()
        ]
    return out


def by_unit(df: pd.DataFrame, level: str) -> pd.DataFrame:
    """Flags counted per township (`level` "town": town_name, communities_flagged, errors,
    warnings, flags) or per community ("community": town_name, community_name, errors,
    warnings, flags), most errors first."""
    keys = (
        ["town_code", "town_name"]
        if level == "town"
        else ["town_code", "town_name", "community_code", "community_name"]
    )
    if df.empty:
        return pd.DataFrame(columns=[*keys[1::2], "errors", "warnings", "flags"])
    g = df.groupby(keys, sort=False)
    out = pd.DataFrame(
        {
            "errors": g["severity"].apply(lambda s: int((s == "error").sum())),
            "warnings": g["severity"].apply(lambda s: int((s == "warning").sum())),
            "flags": g.size(),
        }
    ).reset_index()
    if level == "town":
        out.insert(2, "communities_flagged", g["community_code"].nunique().to_numpy())
    out = out.sort_values(["errors", "flags", "town_code"], ascending=[False, False, True], kind="stable")
    return out.drop(columns=[k for k in keys if k.endswith("_code")]).reset_index(drop=True)


# What each rule's drill-down shows besides the monthly row: (view, date column) of the rows the
# monthly figure was compared with, in the flag's month (a jump: from the month before).
_RELATED: dict[str, tuple[str, str]] = {
    "hours_vs_activities": ("volunteer_activity", "activity_date"),
    "roster_mismatch": ("neighborhood_month", "month"),
    "cases_mismatch": ("request_case", "received_on"),
    "stock_jump": ("service_center_project", "completed_on"),
}
_MONTHLY_SHOWN = ("month", "community_name", "reported_on", *rules.REPEAT_COLUMNS)
_LINEAGE = ("source_file", "source_sheet", "source_row")


def flag_rows(
    community_code: str, month: Any, rule: str, case_id: str | None = None, run: object = None
) -> dict[str, pd.DataFrame]:
    """The rows behind one flag, by view name: `community_month` (the community's monthly rows
    of the month — of the month before too for a jump or a repeated row, of the whole run of
    `run` months for a perfect or round run) and the compared view
    (`volunteer_activity`, `neighborhood_month`, `request_case`, `service_center_project`) in
    that month — each with source_file (name only), source_sheet, source_row. An impossible case
    gives its `request_case` row only. ValueError for a rule core.quality does not know."""
    if rule not in rules.BY_NAME:
        raise ValueError(f"unknown rule: {rule!r}")
    first = pd.Timestamp(month).date()
    back = 1 if rule in ("stock_jump", "repeated_row") else 0
    if rule in ("perfect_rate", "round_values") and not pd.isna(run):
        back = int(run) - 1  # type: ignore[call-overload]
    start = pd.Timestamp(first) - pd.DateOffset(months=back)
    params = {"code": community_code, "start": pd.Timestamp(start).date(), "end": next_month(first)}
    out: dict[str, pd.DataFrame] = {}
    if rule == "impossible_case":
        out["request_case"] = query(
            "SELECT * FROM request_case WHERE community_code = $code AND case_id = $case",
            {"code": community_code, "case": case_id},
        )
    else:
        out["community_month"] = query(
            compose(
                "SELECT {cols} FROM community_month WHERE community_code = $code AND month >= $start AND month < $end "
                "ORDER BY month",
                cols=join(ident(c) for c in (*_MONTHLY_SHOWN, *_LINEAGE)),
            ),
            params,
        )
        if rule in _RELATED:
            view, col = _RELATED[rule]
            out[view] = query(
                compose(
                    "SELECT * FROM {v} WHERE community_code = $code AND {c} >= $start AND {c} < $end ORDER BY {c}",
                    v=ident(view),
                    c=ident(col),
                ),
                params,
            )
    for view, df in out.items():
        df["source_file"] = df["source_file"].map(file_name)
        out[view] = df.drop(columns=[c for c in ("community_code", "town_code", "load_id") if c in df.columns])
    return out


# --- reporting quality (数据质量得分) -----------------------------------------------------------

# Corrections per community, from what the warehouse keeps today: the load log counts the rows a
# file replaced, not which ones; each monthly row of such a load carries its file's share of
# replaced rows (rows_replaced ÷ rows_loaded), so a one-community correction counts 1 and one
# replaced row in a township's file of 30 counts 1/30 for each of its communities. When the
# per-value lineage lands, this one statement is what changes.
_CORRECTIONS = Fragment(
    """
    SELECT community_code, COUNT(DISTINCT (row_key, load_id)) AS corrections
    FROM etl_correction
    WHERE kind = 'monthly'
      AND CAST(json_extract_string(row_key, '$.month') AS DATE) >= $month_from
      AND CAST(json_extract_string(row_key, '$.month') AS DATE) < $month_end
    GROUP BY community_code
    """
)


def _filled(columns: tuple[str, ...]) -> Fragment:
    """How many of `columns` a monthly row (alias s) fills, as SQL."""
    return join((compose("CAST({c} IS NOT NULL AS INTEGER)", c=qualified("s", c)) for c in columns), " + ")


def unit_quality(f: Filters, peers: str = DEFAULT_COMMUNITY_RULE) -> pd.DataFrame:
    """Reporting quality of each community in the selection over the month range, best first:
    town_name, community_name, community_code, peer_group (under core.peers rule `peers`),
    months_due (months of the range with any report in the county, from the community's first
    report on; every one for a community that never reported), on_time, late, missing (the monthly report by core.quality.DUE_DAY of the next
    month: 填报日期, else the day it was loaded), timeliness (0–1: on time 1, late
    LATE_CREDIT, missing 0), completeness and completeness_optional (0–1: the share of
    REQUIRED_COLUMNS / OPTIONAL_COLUMNS cells filled in the reports sent), flags, flagged_months,
    consistency (0–1: share of reported months without a flag), corrections (community-months a
    later load changed, from etl_correction), quality_score (0–100, core.quality.QUALITY_WEIGHTS; a community that sent
    nothing scores 0) and quality_rank (1 = best within its peer group; ties share)."""
    scope, params = scope_sql(f, "c")
    params |= {"month_from": f.month_from, "month_end": next_month(f.month_to)}
    rule = community_rule(peers)
    df = query(
        compose(
            """
            WITH months AS (
              SELECT DISTINCT month FROM stg_monthly WHERE month >= $month_from AND month < $month_end
            ),
            first_report AS (SELECT community_code, min(month) AS first_month FROM stg_monthly GROUP BY 1),
            due AS (
              SELECT c.community_code, m.month
              FROM community AS c LEFT JOIN first_report AS fr USING (community_code)
              JOIN months AS m ON m.month >= COALESCE(fr.first_month, $month_from)
              WHERE {scope}
            ),
            sent AS (
              SELECT s.community_code, s.month,
                     COALESCE(s.first_reported_on, s.reported_on, CAST(l.loaded_at AS DATE)) <=
                       CAST(s.month + INTERVAL 1 MONTH AS DATE) + ({due_day} - 1) AS on_time,
                     ({required}) AS required_filled, ({optional}) AS optional_filled
              FROM stg_monthly AS s
              LEFT JOIN etl_load AS l USING (load_id)
              WHERE s.month >= $month_from AND s.month < $month_end
            ),
            flagged AS (
              SELECT community_code, COUNT(*) AS flags, COUNT(DISTINCT month) AS flagged_months
              FROM quality_flag WHERE month >= $month_from AND month < $month_end GROUP BY 1
            ),
            corrections AS ({corrections})
            SELECT c.town_name, c.community_name, c.community_code, {peer} AS peer_group,
                   COUNT(d.month) AS months_due,
                   COUNT(*) FILTER (WHERE s.on_time) AS on_time,
                   COUNT(*) FILTER (WHERE s.community_code IS NOT NULL AND NOT s.on_time) AS late,
                   COUNT(d.month) - COUNT(s.community_code) AS missing,
                   SUM(s.required_filled) AS required_filled, SUM(s.optional_filled) AS optional_filled,
                   any_value(fl.flags) AS flags, any_value(fl.flagged_months) AS flagged_months,
                   any_value(co.corrections) AS corrections
            FROM community AS c
            LEFT JOIN due AS d USING (community_code)
            LEFT JOIN sent AS s ON s.community_code = d.community_code AND s.month = d.month
            LEFT JOIN flagged AS fl ON fl.community_code = c.community_code
            LEFT JOIN corrections AS co ON co.community_code = c.community_code
            WHERE {scope}
            GROUP BY c.town_code, c.town_name, c.community_name, c.community_code, {peer}
            ORDER BY c.town_code, c.community_code
            """,
            scope=scope,
            due_day=rules.literal(rules.DUE_DAY),
            required=_filled(rules.REQUIRED_COLUMNS),
            optional=_filled(rules.OPTIONAL_COLUMNS),
            corrections=_CORRECTIONS,
            peer=peer_sql(rule, "c"),
        ),
        params,
    )
    return score_quality(df)


def score_quality(df: pd.DataFrame) -> pd.DataFrame:
    """The 0–1 components, quality_score (0–100) and quality_rank (within peer_group) of a frame
    with the counts of `unit_quality` (months_due, on_time, late, missing, required_filled,
    optional_filled, flags, flagged_months, corrections), best first."""
    out = df.copy()
    for c in ("flags", "flagged_months", "corrections"):
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0)
    sent = (out["on_time"] + out["late"]).astype(float)
    due = out["months_due"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["timeliness"] = np.where(due > 0, (out["on_time"] + rules.LATE_CREDIT * out["late"]) / due, np.nan)
        out["completeness"] = np.where(sent > 0, out["required_filled"] / (sent * len(rules.REQUIRED_COLUMNS)), 0.0)
        out["completeness_optional"] = np.where(
            sent > 0, out["optional_filled"] / (sent * len(rules.OPTIONAL_COLUMNS)), 0.0
        )
        out["consistency"] = np.where(sent > 0, 1 - out["flagged_months"] / sent, 0.0)
        corrected = np.where(sent > 0, 1 - np.minimum(1.0, out["corrections"] / sent), 0.0)
    w = rules.QUALITY_WEIGHTS
    parts = {
        "timeliness": out["timeliness"].fillna(0),
        "completeness": out["completeness"],
        "completeness_optional": out["completeness_optional"],
        "consistency": out["consistency"],
        "corrections": pd.Series(corrected, index=out.index),
    }
    total = sum(w.values())
    out["quality_score"] = (100 * sum(w[k] * parts[k] for k in w) / total).where(due > 0)
    out["quality_rank"] = out.groupby("peer_group")["quality_score"].rank(ascending=False, method="min")
    out = out.drop(columns=["required_filled", "optional_filled"])
    return out.sort_values(["peer_group", "quality_rank"], na_position="last", kind="stable").reset_index(drop=True)


def peer_label(rule: str, value: object, lang: str) -> str:
    """The peer group's name in `lang` (core.peers), for tables."""
    return community_rule(rule).label(value, lang) or t("missing", lang)
