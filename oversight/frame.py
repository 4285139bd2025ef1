"""The frame every page shares: language, global filters kept across pages and in the URL,
translated navigation, breadcrumb, "data as of", download buttons and empty-data notices.

Call `page_setup(page)` first in dashboard.py and in every file in pages/: a user may open any
page's URL directly, so no page can rely on another having run. Streamlit 1.67 drops a keyed
widget's value when the user changes page, so each filter lives in a plain session key
(seeded from the query string on the first run), is copied into its widget's key before the
widget is drawn, is written back by the widget's on_change, and goes into the query string on
every run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitAPIException

from core.metrics import METRICS
from oversight import exports
from oversight.db import WarehouseError, data_as_of, db_path, warehouse_exists
from oversight.i18n import CHOICES_EN, choice_label, fmt_month, register, t
from oversight.queries import common

ROOT = Path(__file__).resolve().parents[1]

STRINGS = {
    "app.title": ("仪陇县社区治理监督", "Yilong County community governance"),
    "page.overview": ("总览", "Overview"),
    "page.party": ("党组织", "Party organisations"),
    "page.area": ("阵地", "Service centres"),
    "page.volunteers": ("志愿", "Volunteers"),
    "page.requests": ("诉求", "Resident requests"),
    "page.profile": ("社区档案", "Community profile"),
    "page.arena": ("擂台比武", "Arena competition"),
    "page.data": ("数据", "Data"),
    "page.upload": ("上传报表", "Upload reports"),
    "frame.nav": ("页面", "Pages"),
    "frame.filters": ("筛选", "Filters"),
    "frame.lang": ("语言 / Language", "语言 / Language"),
    "frame.towns": ("乡镇(街道)", "Townships"),
    "frame.towns_all": ("全县（全部乡镇）", "Whole county (all townships)"),
    "frame.group": ("片区", "Group (片区)"),
    "frame.group_all": ("全部片区", "All groups"),
    "frame.communities": ("村(社区)", "Communities"),
    "frame.communities_all": ("所选范围内全部", "All in the selection"),
    "frame.months": ("月份范围", "Months"),
    "frame.reset": ("清除筛选", "Clear filters"),
    "frame.county": ("全县", "Whole county"),
    "frame.county_file": ("仪陇县", "Yilong"),
    "frame.n_towns": ("{first}等{n}个乡镇", "{first} and {more} more townships"),
    "frame.n_communities": ("{first}等{n}个村(社区)", "{first} and {more} more communities"),
    "frame.as_of": ("数据截至 {month}", "Data as of {month}"),
    "frame.updated": ("更新于 {when}", "updated {when}"),
    "frame.no_data_yet": ("仓库中还没有月度报表数据", "No monthly reports in the warehouse yet"),
    "frame.no_warehouse": (
        "找不到数据仓库文件：`{path}`。请先在项目目录中构建它（示例数据）：",
        "The data warehouse `{path}` was not found. Build it first, from the project folder (sample data):",
    ),
    "frame.no_warehouse_hint": (
        "如果 data/sample 为空，先运行 `python -m etl sample data/sample` 生成示例报表；"
        "装载真实报表：`python -m etl load <文件或文件夹>`。或设置环境变量 OVERSIGHT_DB 指向已有仓库。",
        "If data/sample is empty, run `python -m etl sample data/sample` first; to load real reports: "
        "`python -m etl load <files or folder>`. Or set OVERSIGHT_DB to an existing warehouse.",
    ),
    "frame.bad_warehouse": ("无法读取数据仓库：{error}", "Cannot read the data warehouse: {error}"),
    "frame.empty": ("当前筛选条件下没有数据", "No data for this selection"),
    "frame.empty_hint": (
        "请放宽左侧的乡镇、片区、村(社区)或月份范围。",
        "Widen the township, group, community or month range on the left.",
    ),
    "frame.download_xlsx": ("下载 Excel", "Download Excel"),
    "frame.download_csv": ("下载 CSV", "Download CSV"),
    "frame.rows": ("共 {n} 行", "{n} rows"),
}
register(STRINGS)

# (script relative to the project root, i18n key, icon); links only to scripts that exist.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("dashboard.py", "page.overview", ":material/dashboard:"),
    ("pages/party.py", "page.party", ":material/flag:"),
    ("pages/area.py", "page.area", ":material/home_work:"),
    ("pages/volunteers.py", "page.volunteers", ":material/volunteer_activism:"),
    ("pages/requests.py", "page.requests", ":material/forum:"),
    ("pages/profile.py", "page.profile", ":material/badge:"),
    ("pages/arena.py", "page.arena", ":material/emoji_events:"),
    ("pages/data.py", "page.data", ":material/table:"),
    ("pages/upload.py", "page.upload", ":material/upload_file:"),
)
DEFAULT_MONTHS = 12  # default range: the last 12 months with reports

# Plain session keys (survive page changes) and the widget keys they are copied into.
_K = {"lang": "f_lang", "towns": "f_towns", "group": "f_group", "comms": "f_comms", "months": "f_months"}
_W = {name: "w_" + key for name, key in _K.items()}
_SEEDED = "f_seeded"
_FILTERS = "f_current"


@dataclass(frozen=True)
class Filters:
    """The global selection every page applies."""

    lang: str  # "zh" | "en"
    town_codes: tuple[str, ...]  # () = whole county
    group: str | None  # 片区; None = any
    community_codes: tuple[str, ...]  # () = all in the selection
    month_from: date  # first days of months, inclusive
    month_to: date

    @property
    def level(self) -> str:
        """Drill-down level: "community" (one community), "town" (one township) or "county"."""
        if len(self.community_codes) == 1:
            return "community"
        if len(self.town_codes) == 1:
            return "town"
        return "county"


# ---------------------------------------------------------------- language


def lang() -> str:
    """The current language ("zh" unless the user switched)."""
    value = st.session_state.get(_K["lang"], "zh")
    return value if value in ("zh", "en") else "zh"


def tr(key: str, **kw: object) -> str:
    """oversight.i18n.t in the current language."""
    return t(key, lang(), **kw)


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


# ---------------------------------------------------------------- state and query string


def _parse_month(text: str | None) -> date | None:
    try:
        ts = pd.Timestamp(str(text) + "-01") if text and len(str(text)) == 7 else None
    except ValueError:
        return None
    return None if ts is None or pd.isna(ts) else ts.date()


def _split(text: str | None) -> list[str]:
    return [p for p in (text or "").split(",") if p]


def _seed_from_url() -> None:
    """On a session's first run, take the filters from the query string."""
    if st.session_state.get(_SEEDED):
        return
    qp = st.query_params
    st.session_state[_K["lang"]] = "en" if qp.get("lang") == "en" else "zh"
    st.session_state[_K["towns"]] = _split(qp.get("town"))
    st.session_state[_K["group"]] = qp.get("group") or None
    st.session_state[_K["comms"]] = _split(qp.get("comm"))
    start, end = _parse_month(qp.get("from")), _parse_month(qp.get("to"))
    st.session_state[_K["months"]] = (start, end)
    st.session_state[_SEEDED] = True


def _url_params(f: Filters) -> dict[str, str]:
    params = {}
    if f.lang != "zh":
        params["lang"] = f.lang
    if f.town_codes:
        params["town"] = ",".join(f.town_codes)
    if f.group:
        params["group"] = f.group
    if f.community_codes:
        params["comm"] = ",".join(f.community_codes)
    params["from"] = f.month_from.strftime("%Y-%m")
    params["to"] = f.month_to.strftime("%Y-%m")
    return params


def _write_url(params: dict[str, str]) -> None:
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def _keep(name: str) -> None:
    """on_change: copy a widget's value back into its plain session key."""
    value = st.session_state[_W[name]]
    st.session_state[_K[name]] = (value or None) if name == "group" else value


def _keep_widget(key: str) -> None:
    """on_change of a `kept` widget: its value back into the plain session key."""
    st.session_state[_KEPT + key] = st.session_state[key]


_KEPT = "kept_"


def kept(key: str, default: object, options: Sequence[object] | None = None) -> dict[str, object]:
    """Keyword arguments (key, on_change, args) for a page widget with translated labels.

    The value lives in a plain session key and is copied into the widget key `key` before the
    widget is drawn, so every run sends it to the browser with the current labels: a keyed
    widget left alone keeps showing its choice in the old language after a switch. A stored
    value no longer in `options` falls back to `default` (a list keeps only valid items).
    Draw the widget without `index`/`default`/`value`."""
    ss = st.session_state
    value = ss.get(_KEPT + key, default)
    if options is not None:
        if isinstance(value, list):
            value = [v for v in value if v in options]
        elif value not in options:
            value = default
    ss[_KEPT + key] = value
    ss[key] = value
    return {"key": key, "on_change": _keep_widget, "args": (key,)}


def _reset() -> None:
    for name in ("towns", "comms"):
        st.session_state[_K[name]] = []
    st.session_state[_K["group"]] = None
    st.session_state[_K["months"]] = None


# ---------------------------------------------------------------- drawing


def _nav(box: DeltaGenerator, params: dict[str, str] | None) -> None:
    box.markdown(f"**{tr('app.title')}**")
    for script, key, icon in PAGES:
        if not (ROOT / script).is_file():
            continue
        try:
            box.page_link(str(ROOT / script), label=tr(key), icon=icon, query_params=params)
        except StreamlitAPIException:
            # Not a registered page (e.g. a page script run on its own in a test): no link.
            continue


def _lang_widget() -> None:
    st.session_state[_W["lang"]] = lang()
    st.sidebar.radio(
        tr("frame.lang"),
        ("zh", "en"),
        format_func={"zh": "中文", "en": "English"}.get,
        horizontal=True,
        key=_W["lang"],
        on_change=_keep,
        args=("lang",),
    )


def _missing_warehouse() -> None:
    st.error(tr("frame.no_warehouse", path=db_path()))
    st.code("python -m etl load data/sample", language="bash")
    st.caption(tr("frame.no_warehouse_hint"))


def _filter_widgets(reg: pd.DataFrame, months: list[date]) -> Filters:
    """Sanitise the stored selection against what exists, draw the filters, return them."""
    ss = st.session_state
    language = lang()  # format_func runs later too (AppTest): bind the language now
    town_names = dict(zip(reg["town_code"], reg["town_name"], strict=False))
    towns = [c for c in ss.get(_K["towns"], []) if c in town_names]
    in_towns = reg[reg["town_code"].isin(towns)] if towns else reg
    groups = sorted(in_towns["group_name"].dropna().unique().tolist())
    group = ss.get(_K["group"]) if ss.get(_K["group"]) in groups else None
    in_scope = in_towns[in_towns["group_name"] == group] if group else in_towns
    comm_names = dict(zip(in_scope["community_code"], in_scope["community_name"], strict=False))
    comm_towns = dict(zip(in_scope["community_code"], in_scope["town_name"], strict=False))
    comms = [c for c in ss.get(_K["comms"], []) if c in comm_names]

    if months:
        start, end = ss.get(_K["months"]) or (None, None)
        start = start or months[max(0, len(months) - DEFAULT_MONTHS)]
        end = end or months[-1]
        start = min((m for m in months if m >= start), default=months[0])
        end = max((m for m in months if m <= end), default=months[-1])
        start, end = min(start, end), max(start, end)
    else:
        today = date.today().replace(day=1)
        start = end = today

    for name, value in (("towns", towns), ("group", group), ("comms", comms), ("months", (start, end))):
        ss[_K[name]] = value
        ss[_W[name]] = value

    side = st.sidebar
    side.markdown(f"**{tr('frame.filters')}**")
    side.multiselect(
        tr("frame.towns"),
        sorted(town_names),
        format_func=town_names.get,
        placeholder=tr("frame.towns_all"),
        key=_W["towns"],
        on_change=_keep,
        args=("towns",),
    )
    ss[_W["group"]] = group or ""  # "" = all groups (a None value would show as unselected)
    side.selectbox(
        tr("frame.group"),
        ["", *groups],
        format_func=lambda g: g or t("frame.group_all", language),
        placeholder=t("frame.group_all", language),
        key=_W["group"],
        on_change=_keep,
        args=("group",),
    )
    multi_town = len(set(comm_towns.values())) > 1
    side.multiselect(
        tr("frame.communities"),
        list(comm_names),
        format_func=lambda c: f"{comm_towns[c]} · {comm_names[c]}" if multi_town else comm_names[c],
        placeholder=tr("frame.communities_all"),
        key=_W["comms"],
        on_change=_keep,
        args=("comms",),
    )
    if len(months) > 1:
        side.select_slider(
            tr("frame.months"),
            months,
            value=(start, end),  # makes it a range slider; the session value set above wins
            format_func=lambda m: fmt_month(m, language),
            key=_W["months"],
            on_change=_keep,
            args=("months",),
        )
    side.button(tr("frame.reset"), on_click=_reset, key="f_reset_button", type="tertiary")
    return Filters(lang(), tuple(towns), group, tuple(comms), start, end)


def scope_name(f: Filters, for_file: bool = False) -> str:
    """The selection in words: 全县 / 新政镇 / 新政镇东北社区 / 城乡融合片区一组 / 新政镇等3个乡镇."""
    reg = common.communities()
    towns = dict(zip(reg["town_code"], reg["town_name"], strict=False))
    comms = reg.set_index("community_code")
    if f.community_codes:
        first = comms.loc[f.community_codes[0]]
        name = f"{first['town_name']}{first['community_name']}"
        n = len(f.community_codes)
        return name if n == 1 else tr("frame.n_communities", first=name, n=n, more=n - 1)
    if f.group:
        return f.group
    if f.town_codes:
        first, n = towns[f.town_codes[0]], len(f.town_codes)
        return first if n == 1 else tr("frame.n_towns", first=first, n=n, more=n - 1)
    return tr("frame.county_file") if for_file else tr("frame.county")


def _names(codes: tuple[str, ...], names: dict[str, str], many_key: str) -> str:
    """Up to three names joined with 、, else "X等N个…"."""
    if len(codes) <= 3:
        return "、".join(names.get(c, c) for c in codes)
    return tr(many_key, first=names.get(codes[0], codes[0]), n=len(codes), more=len(codes) - 1)


def breadcrumb(f: Filters) -> list[str]:
    """全县 › 新政镇 › 东北社区 — from the county down to the current selection."""
    reg = common.communities()
    crumbs = [tr("frame.county")]
    towns = f.town_codes
    if not towns and f.community_codes:  # communities picked without a township: show theirs
        towns = tuple(dict.fromkeys(reg.loc[reg["community_code"].isin(f.community_codes), "town_code"]))
    if towns:
        crumbs.append(_names(towns, dict(zip(reg["town_code"], reg["town_name"], strict=False)), "frame.n_towns"))
    if f.group:
        crumbs.append(f.group)
    if f.community_codes:
        names = dict(zip(reg["community_code"], reg["community_name"], strict=False))
        crumbs.append(_names(f.community_codes, names, "frame.n_communities"))
    return crumbs


def _header(f: Filters) -> None:
    month, loaded = data_as_of()
    parts = [" › ".join(breadcrumb(f))]
    if month:
        as_of = tr("frame.as_of", month=fmt_month(month, f.lang))
        if loaded:
            as_of += " · " + tr("frame.updated", when=loaded.strftime("%Y-%m-%d %H:%M"))
        parts.append(as_of)
    period = fmt_month(f.month_from, f.lang)
    if f.month_to != f.month_from:
        period += " – " + fmt_month(f.month_to, f.lang)
    parts.insert(1, period)
    st.caption("　|　".join(parts))


def page_setup(page: str, require_data: bool = True) -> Filters:
    """Language, filters, navigation and header for `page` (an i18n key suffix such as
    "overview", "data"). Call it first on every page. Stops the page with a clear message when
    the warehouse is missing or unreadable — unless `require_data` is False (a page that can
    create the warehouse, such as uploads): it then gets whole-county filters for this month."""
    _seed_from_url()
    title = tr(f"page.{page}") if f"page.{page}" in STRINGS else tr("app.title")
    st.set_page_config(page_title=f"{title} · {tr('app.title')}", layout="wide")
    nav_box = st.sidebar.container()
    _lang_widget()
    if not warehouse_exists():
        params = {"lang": "en"} if lang() == "en" else {}
        _write_url(params)
        _nav(nav_box, params)
        _missing_warehouse()
        if require_data:
            st.stop()
        today = date.today().replace(day=1)
        f = Filters(lang(), (), None, (), today, today)
        st.session_state[_FILTERS] = f
        return f
    try:
        reg, months = common.communities(), common.months()
    except WarehouseError as e:
        _nav(nav_box, None)
        st.error(tr("frame.bad_warehouse", error=e))
        st.stop()
    f = _filter_widgets(reg, months)
    params = _url_params(f)
    _write_url(params)
    _nav(nav_box, params)
    st.session_state[_FILTERS] = f
    _header(f)
    if not months:
        st.warning(tr("frame.no_data_yet"))
    return f


# ---------------------------------------------------------------- helpers for pages


def current_filters() -> Filters | None:
    """The filters page_setup returned on this run (None before page_setup)."""
    return st.session_state.get(_FILTERS)


def empty_notice(df: pd.DataFrame | None) -> bool:
    """Show "当前筛选条件下没有数据" and return True when `df` is empty (or None)."""
    if df is None or df.empty:
        st.info(f"**{tr('frame.empty')}** — {tr('frame.empty_hint')}", icon=":material/filter_alt_off:")
        return True
    return False


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


def _narrow(town_code: str | None = None, community_code: str | None = None) -> None:
    ss = st.session_state
    if town_code:
        ss[_K["towns"]] = [town_code]
        ss[_K["comms"]] = []
    if community_code:
        ss[_K["comms"]] = [community_code]


def drill_to(town_code: str | None = None, community_code: str | None = None) -> None:
    """Narrow the global filters to one township (and optionally one community) and rerun;
    the breadcrumb, every page and the URL follow."""
    _narrow(town_code, community_code)
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
        _narrow(town_code=code)
    else:
        _narrow(community_code=code)


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


def _is_month(name: str, values: pd.Series) -> bool:
    """A column of months (named month or *_month) holding dates: shown as YYYY-MM."""
    if name != "month" and not name.endswith("_month"):
        return False
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    first = values.dropna().head(1)
    return not first.empty and isinstance(first.iloc[0], date)


def table(
    df: pd.DataFrame,
    height: int | str = "auto",
    key: str | None = None,
    hide: tuple[str, ...] = (),
    selectable: bool = False,
    percent: tuple[str, ...] = (),
) -> list[int]:
    """st.dataframe with translated headers (with units) and percentages shown as %; columns
    in `hide` are not shown; columns in `percent` are 0–1 shares shown as % like the metric
    rates. With `selectable`, a row can be clicked: returns the selected row
    positions (needs a `key`)."""
    language = lang()
    config = {}
    shown = df
    for name in df.columns:
        label = column_label(str(name), language)
        if language == "en" and not pd.api.types.is_numeric_dtype(df[name]) and df[name].isin(CHOICES_EN).any():
            shown = shown.copy() if shown is df else shown
            shown[name] = df[name].map(lambda v: choice_label(v, language), na_action="ignore")
        m = METRICS.get(str(name))
        if (exports.is_percent(str(name)) or name in percent) and pd.api.types.is_numeric_dtype(df[name]):
            # One decimal, as on the cards ("90.9%"): Streamlit's "percent" shows two.
            shown = shown.copy() if shown is df else shown
            shown[name] = df[name] * 100
            config[name] = st.column_config.NumberColumn(label, format="%.1f%%")
        elif m is not None and pd.api.types.is_numeric_dtype(df[name]):
            decimals = m.fmt.rsplit(".", 1)[-1].rstrip("f") or "0"
            config[name] = st.column_config.NumberColumn(label, format=f"%,.{decimals}f")
        elif _is_month(str(name), df[name]):
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM")
        elif pd.api.types.is_datetime64_any_dtype(df[name]):
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        else:
            config[name] = st.column_config.Column(label)
    for name in hide:
        config[name] = None
    df = shown
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
