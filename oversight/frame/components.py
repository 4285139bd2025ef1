"""Widgets every page draws: tables with translated headers, downloads, drill-down charts,
empty-data notices, KPI deltas, and the selection in words (breadcrumb, file names)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from core import audit
from core.columns import FLAGS
from core.metrics import METRICS, Metric
from oversight import exports
from oversight.auth import session
from oversight.figures.base import BAD
from oversight.filters import Filters
from oversight.frame.state import current_filters, lang, narrow, tr
from oversight.i18n import joined, register
from oversight.queries import common

STRINGS = {
    "frame.empty": ("当前筛选条件下没有数据", "No data for this selection"),
    "frame.empty_hint": (
        "请放宽左侧的乡镇、片区、村(社区)或月份范围。",
        "Widen the township, group, community or month range on the left.",
    ),
    "frame.download_xlsx": ("下载 Excel", "Download Excel"),
    "frame.download_csv": ("下载 CSV", "Download CSV"),
    "frame.rows": ("共 {n} 行", "{n} rows"),
    "frame.gap_pts": ("{d} 个百分点", "{d} pts"),
    "frame.vs_line": ("较{line}", "vs {line}"),
    "frame.choose": ("请选择", "Choose"),  # a multiselect's placeholder (Streamlit's own is English)
    "frame.gap_to_standard": ("{line}；箭头为与标准之差", "{line}; the arrow shows the gap"),
    "frame.gap_to_alert": ("{line}；箭头为与预警线之差", "{line}; the arrow shows the gap"),
}
register(STRINGS)


def column_label(name: str, lang: str) -> str:  # noqa: A002 - the frame API's name
    """Chinese header with unit, or English name with unit, for a view/metric column."""
    return exports.column_label(name, lang)


def card_label(name: str, lang: str) -> str:  # noqa: A002 - the frame API's name
    """The label of metric `name` on a KPI card: short enough for the card (a share without
    its %, an amount with its unit)."""
    if exports.is_percent(name):
        return METRICS[name].short(lang)
    return exports.column_label(name, lang, short=True)


def is_no_change(delta: str | None) -> bool:
    """Whether a delta text ("0", "+0.0%", "-0.0 个百分点") says nothing changed."""
    number = re.search(r"\d[\d,]*(?:\.\d+)?", delta or "")
    return number is not None and float(number.group().replace(",", "")) == 0


def delta_style(delta: str | None, higher_is_better: bool = True) -> dict[str, str]:
    """st.metric keyword arguments for `delta`: grey and without an arrow when nothing changed
    (Streamlit draws "+0.0" as a green rise), else green for better and red for worse."""
    if is_no_change(delta):
        return {"delta_color": "off", "delta_arrow": "off"}
    return {"delta_color": "normal" if higher_is_better else "inverse", "delta_arrow": "auto"}


def change_colour(delta: str, higher_is_better: bool = True) -> str:
    """Markdown colour for a change in a caption: gray when nothing changed, green/red by direction."""
    if is_no_change(delta):
        return "gray"
    return "green" if delta.lstrip().startswith("+") == higher_is_better else "red"


def gap_delta(m: Metric, value: float | None, only_below: bool = False) -> str | None:
    """A KPI card's delta against the metric's line (its alert, else its standard): "+5.2 个百分点"
    for a share, "+3.1" for another ratio; None without a value or a line, and with
    `only_below` also when the value meets the line."""
    line = m.line
    if value is None or line is None or value != value:
        return None
    if only_below and not m.below(value):
        return None
    gap = value - line
    if m.is_rate:
        return tr("frame.gap_pts", d=f"{gap * 100:+.1f}")
    return f"{gap:+.1f}"


def gap_style(m: Metric, delta: str | None) -> dict[str, str]:
    """st.metric keyword arguments for a `gap_delta` delta: `delta_style`'s colours, and the
    delta says what it compares, with the line's value: "较最低标准 92%" / "vs minimum 92%"."""
    if delta is None:
        return {}
    words = m.line_label(lang())
    words = words if lang() == "zh" else words[:1].lower() + words[1:]
    return delta_style(delta, m.higher_is_better) | {"delta_description": tr("frame.vs_line", line=words)}


def line_help(m: Metric) -> str:
    """The help text of a KPI card whose delta is `gap_delta`: "最低标准 92%；箭头为与标准之差"."""
    key = "frame.gap_to_alert" if m.alert is not None else "frame.gap_to_standard"
    return tr(key, line=m.line_label(lang()))


def scope_name(f: Filters, for_file: bool = False) -> str:
    """The selection in words: 全县 / 新政镇 / 新政镇东北社区 / 城乡融合片区一组 / 新政镇等3个乡镇.
    Looks up only the first name it says (every download asks: at ×50 the registry is 17,400 rows)."""
    if f.community_codes:
        reg = common.communities()
        first = reg.loc[reg["community_code"] == f.community_codes[0]].iloc[0]
        name = f"{first['town_name']}{first['community_name']}"
        n = len(f.community_codes)
        return name if n == 1 else tr("frame.n_communities", first=name, n=n, more=n - 1)
    if f.group:
        return f.group
    if f.town_codes:
        reg = common.communities()
        first, n = reg.loc[reg["town_code"] == f.town_codes[0], "town_name"].iloc[0], len(f.town_codes)
        return first if n == 1 else tr("frame.n_towns", first=first, n=n, more=n - 1)
    return tr("frame.county_file") if for_file else tr("frame.county")


def _names(codes: tuple[str, ...], names: dict[str, str], many_key: str) -> str:
    """Up to three names joined with 、, else "X等N个…"."""
    if len(codes) <= 3:
        return joined((names.get(c, c) for c in codes), lang())
    return tr(many_key, first=names.get(codes[0], codes[0]), n=len(codes), more=len(codes) - 1)


def breadcrumb(f: Filters) -> list[str]:
    """全县 › 新政镇 › 东北社区 — from the county down to the current selection."""
    return [name for name, _ in breadcrumb_levels(f)]


def breadcrumb_levels(f: Filters) -> list[tuple[str, str]]:
    """The breadcrumb as (name, level) from the county down: level "county", "town", "group"
    or "community" — what `state.widen(level)` goes back up to. Reads the registry only below
    the county (a whole-county rerun at ×50 unpickled its 17,400 rows for nothing)."""
    reg = common.communities() if f.town_codes or f.community_codes else None
    crumbs = [(tr("frame.county"), "county")]
    towns = f.town_codes
    if not towns and f.community_codes:  # communities picked without a township: show theirs
        towns = tuple(dict.fromkeys(reg.loc[reg["community_code"].isin(f.community_codes), "town_code"]))
    if towns:
        names = dict(zip(reg["town_code"].tolist(), reg["town_name"].tolist(), strict=False))
        crumbs.append((_names(towns, names, "frame.n_towns"), "town"))
    if f.group:
        crumbs.append((f.group, "group"))
    if f.community_codes:
        names = dict(zip(reg["community_code"].tolist(), reg["community_name"].tolist(), strict=False))
        crumbs.append((_names(f.community_codes, names, "frame.n_communities"), "community"))
    return crumbs


def empty_notice(df: pd.DataFrame | None) -> bool:
    """Show "当前筛选条件下没有数据" and return True when `df` is empty (or None)."""
    if df is None or df.empty:
        st.info(f"**{tr('frame.empty')}** — {tr('frame.empty_hint')}", icon=":material/filter_alt_off:")
        return True
    return False


def current_user() -> object:
    """The signed-in user (oversight.auth.users.User) of this session, None when signed out."""
    return session.current()


OFFERED = "dl_offered"  # session key: {download key: the guarded function giving its table}


class DownloadRefused(PermissionError):
    """A download asked for after its session ended, or holding rows outside the user's scope."""


def guarded(
    make: Callable[[], object], table: str, key: str, rows: Callable[[object], int] = len
) -> Callable[[], object]:
    """`make` (what a download button hands out) wrapped so that, when the file is made: the
    session it was offered in must still be signed in (DownloadRefused otherwise); a table
    (DataFrame) with a town_code column must hold only the user's townships (DownloadRefused
    otherwise — the queries already scope it, this is the second lock); and a `download` event
    (who, table, filters, rows) goes to the audit record. Kept under OFFERED[key] for this run."""
    held = session.held_session()
    f = current_filters()
    user = session.current()
    scope = f.allowed_towns if f else (user.allowed_towns if user else ())

    def made() -> object:
        if not session.is_live(held):
            raise DownloadRefused("session ended")
        out = make()
        if isinstance(out, pd.DataFrame) and scope is not None and "town_code" in out.columns:
            if not out["town_code"].dropna().isin(scope).all():
                raise DownloadRefused("rows outside the user's townships")
        audit.record(
            "download",
            user.name if user else None,
            client=session.client(),
            table=table,
            filters=f.to_params() if f else {},
            rows=int(rows(out)),
        )
        return out

    st.session_state.setdefault(OFFERED, {})[key] = made
    return made


def download(df: pd.DataFrame | Callable[[], pd.DataFrame], base_name: str, key: str) -> None:
    """Excel and CSV download buttons for a table (view/metric column names are translated in
    the files), named after the selection and months: 新政镇_诉求_2024-01至2024-06.xlsx.
    `df` may be a function returning the table: it then runs only when a button is clicked."""
    f = current_filters()
    language = lang()
    scope = scope_name(f, for_file=True) if f else tr("frame.county_file")
    m_from, m_to = (f.month_from, f.month_to) if f else (None, None)
    if callable(df):
        load = df
    else:
        frozen = df.copy()

        def load() -> pd.DataFrame:
            return frozen

    load = guarded(load, base_name, key)
    # A horizontal row sized to the buttons (wrapping when narrow): columns cut the labels to
    # "下…" in a half-width column.
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        tr("frame.download_xlsx"),
        data=lambda: exports.to_xlsx(load(), language, sheet_name=base_name),
        file_name=exports.file_name(scope, base_name, m_from, m_to, "xlsx", language),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        tr("frame.download_csv"),
        data=lambda: exports.to_csv(load(), language),
        file_name=exports.file_name(scope, base_name, m_from, m_to, "csv", language),
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def drill_to(town_code: str | None = None, community_code: str | None = None) -> None:
    """Narrow the global filters to one township (and optionally one community) and rerun;
    the breadcrumb, every page and the URL follow."""
    narrow(town_code, community_code)
    st.rerun()


def unit_label(f: Filters) -> str:
    """What one bar of a per-unit chart is at this drill level: 乡镇(街道) or 村(社区)."""
    return tr("town") if f.level == "county" else tr("community")


def drill_hint(f: Filters) -> str:
    """ " 点击柱条可下钻到该乡镇(街道)。" where a click can drill further, else ""."""
    return "" if f.level == "community" else " " + tr("click_to_drill", unit=unit_label(f))


def _drill_from_chart(chart_key: str, by_town: bool) -> None:
    """on_select callback: the clicked bar's customdata[0] is a township or community code."""
    event = st.session_state.get(chart_key)
    points = event.selection.points if event else []
    if not points or not points[0].get("customdata"):
        return
    code = points[0]["customdata"][0]
    if by_town:
        narrow(town_code=code)
    else:
        narrow(community_code=code)


def drill_chart(figure: object, f: Filters, key: str) -> None:
    """A per-unit chart whose bars drill down one level when clicked (a township's bar to its
    communities, a community's to its profile scope); at community level it is a plain chart."""
    drillable = f.level != "community"
    st.plotly_chart(
        figure,
        key=key,
        on_select=functools.partial(_drill_from_chart, key, f.level == "county") if drillable else "ignore",
        selection_mode="points",
    )


def _flag_styles(df: pd.DataFrame) -> pd.DataFrame:
    """Per cell of `df`: red text for a metric below its line, a pale red row for a flagged one
    (core.columns.FLAGS) — whole columns at a time, not row by row (200 rows: 25 ms a rerun)."""
    styles = pd.DataFrame("", index=df.index, columns=df.columns)
    flagged = pd.Series(False, index=df.index)
    for flag, name in FLAGS.items():
        if flag not in df.columns:
            continue
        low = df[flag].fillna(False).astype(bool)
        flagged |= low
        if name in df.columns:
            styles[name] = styles[name].where(~low, f"color: {BAD}; font-weight: 600;")
    return styles.where(~flagged, styles + " background-color: #FDECEA;", axis=0)


def flag_table(df: pd.DataFrame, key: str) -> None:
    """A table whose flag columns (core.columns.FLAGS: below_resolution, …) colour their metric's
    cell red and their row pale red; counts and rates formatted as everywhere, flags as 是/否."""
    language = lang()
    counts = [c for c in df.columns if c in METRICS and METRICS[c].agg == "sum"]
    rates = [c for c in df.columns if c in METRICS and METRICS[c].is_rate]
    flags = [c for c in df.columns if c in FLAGS]
    yes, no = ("是", "否") if language == "zh" else ("yes", "no")
    st.dataframe(
        df.style.apply(_flag_styles, axis=None)
        .format("{:,.0f}", subset=counts, na_rep="—")
        .format("{:.1%}", subset=rates, na_rep="—")
        .format(lambda v: "—" if pd.isna(v) else (yes if v else no), subset=flags),
        hide_index=True,
        key=key,
        placeholder="—",
        column_config={c: st.column_config.Column(column_label(str(c), language)) for c in df.columns},
    )


# Whole-number columns that are positions or ids, written without thousands separators.
_NOT_COUNTS = frozenset({"load_id", "row_number", "source_row", "rank", "year"})


def _is_count(name: str, values: pd.Series) -> bool:
    """A whole-number column that is not a metric (cases, projects, ㎡ added …): shown with
    thousands separators like the metrics' columns; ids, row numbers and ranks are not."""
    if name in _NOT_COUNTS or name.startswith("rank") or name.endswith("_id") or pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_integer_dtype(values):
        return True
    if not pd.api.types.is_float_dtype(values):
        return False
    present = values.dropna()
    return len(present) > 0 and bool((present == present.round(0)).all())


def _is_month(name: str, values: pd.Series) -> bool:
    """A column of months (exports.is_month: named month or *_month) holding dates: shown as YYYY-MM."""
    if not exports.is_month(name):
        return False
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    first = values.dropna().head(1)
    return not first.empty and isinstance(first.iloc[0], date)


# Above this many rows a table marks a cell below its line with a tick column beside it rather
# than in red: Streamlit renders a styled frame cell by cell (17,400 communities at ×50: 3.6 s).
STYLED_ROWS = 1000


def below_label(name: str, lang: str) -> str:  # noqa: A002 - the frame API's name
    """The header of the tick column saying a metric misses its line (core.metrics): 办结率未达最低标准 92%,
    Resolution rate misses the minimum 92%."""
    m = METRICS[name]
    return (
        f"{m.short('zh')}未达{m.line_label('zh')}"
        if lang == "zh"
        else f"{m.short('en')} misses the {m.line_label('en')[:1].lower()}{m.line_label('en')[1:]}"
    )


def table(
    df: pd.DataFrame,
    height: int | str = "auto",
    key: str | None = None,
    hide: tuple[str, ...] = (),
    selectable: bool = False,
    percent: tuple[str, ...] = (),
    mark_below: bool = False,
) -> list[int]:
    """st.dataframe with translated headers (with units) and percentages shown as %; columns
    in `hide` are not shown; columns in `percent` are 0–1 shares shown as % like the metric
    rates. With `mark_below`, a metric's cell that misses its line (core.metrics: 92%, 85%,
    30 ㎡/百户, 100%) is marked red (in a table of more than STYLED_ROWS rows: ticked in a column
    beside it). With `selectable`, a row can be clicked: returns the
    selected row positions (needs a `key`)."""
    language = lang()
    below = {
        str(n): common.below_mask(df[n], str(n))
        for n in df.columns
        if mark_below and str(n) in METRICS and METRICS[str(n)].line is not None
    }
    config = {}
    shown = df
    for name in df.columns:
        label = column_label(str(name), language)
        if (seen := exports.reader_values(str(name), df[name], language)) is not None:  # as its download has them
            shown = shown.copy() if shown is df else shown
            shown[name] = seen
        m = METRICS.get(str(name))
        if (exports.is_percent(str(name)) or name in percent) and pd.api.types.is_numeric_dtype(df[name]):
            # One decimal, as on the cards ("90.9%"): Streamlit's "percent" shows two.
            shown = shown.copy() if shown is df else shown
            shown[name] = df[name] * 100
            config[name] = st.column_config.NumberColumn(label, format="%.1f%%")
        elif m is not None and pd.api.types.is_numeric_dtype(df[name]):
            decimals = m.fmt.rsplit(".", 1)[-1].rstrip("f") or "0"
            config[name] = st.column_config.NumberColumn(label, format=f"%,.{decimals}f")
        elif _is_count(str(name), df[name]):  # 2,274 件, as the metrics' columns: not 2274
            config[name] = st.column_config.NumberColumn(label, format="%,.0f")
        elif _is_month(str(name), df[name]):
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM")
        elif pd.api.types.is_datetime64_any_dtype(df[name]):
            stamps = shown[name].dropna()
            if (stamps != stamps.dt.normalize()).any():  # a time of day (装载时间): shown, as in the file
                config[name] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm:ss")
            else:
                config[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        else:
            config[name] = st.column_config.Column(label)
    for name in hide:
        config[name] = None
    df = shown
    if below and len(df) > STYLED_ROWS:  # a Styler renders every cell: a tick column beside each metric instead
        df = df.copy()
        for name, mask in below.items():
            flag = f"{name}__below"
            df.insert(df.columns.get_loc(name) + 1, flag, mask.fillna(False).astype(bool))
            config[flag] = st.column_config.CheckboxColumn(below_label(name, language))
        below = {}
    if below:  # only the marked columns are styled (a Styler over every cell is slow)
        df = df.style.apply(
            lambda col: [
                "color: #C62828; font-weight: 600" if b is not pd.NA and bool(b) else "" for b in below[col.name]
            ],
            subset=list(below),
        )
    if not selectable:
        st.dataframe(df, column_config=config, hide_index=True, height=height, key=key, placeholder="—")
        return []
    event = st.dataframe(
        df,
        column_config=config,
        hide_index=True,
        height=height,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        placeholder="—",
    )
    return list(event.selection.rows)


def table_section(title: str, df: pd.DataFrame, file: str, key: str, download_key: str, **table_kw: object) -> None:
    """A page's table behind an expander: `title` on the expander, the table (`table`, with
    `key` and `table_kw`) and its Excel/CSV downloads (`download`, named `file`, `download_key`)."""
    with st.expander(title):
        table(df, key=key, **table_kw)
        download(df, file, key=download_key)
