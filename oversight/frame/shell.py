"""The page shell: `page_setup()` draws the language switch, the translated navigation, the
filters in the sidebar and the header (breadcrumb, period, data as of), and keeps the filters
in the URL.

Call `page_setup(page)` first in dashboard.py and in every file in pages/: a user may open any
page's URL directly, so no page can rely on another having run.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitAPIException

from core import incidents
from core.paths import ROOT, db_path
from core.settings import county_time
from oversight.auth import session
from oversight.auth.users import User
from oversight.db import WarehouseError, data_as_of, outdated, warehouse_exists
from oversight.filters import Filters
from oversight.frame.components import OFFERED, breadcrumb_levels
from oversight.frame.state import (
    FILTER_KEYS,
    WIDGET_KEYS,
    keep_filter,
    lang,
    remember,
    reset,
    seed_from_url,
    select_all,
    tr,
    widen,
    write_url,
)
from oversight.i18n import fmt_month, register, t
from oversight.queries import common

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
    "page.bulletin": ("通报", "Bulletin"),
    "page.quality": ("数据质量", "Data quality"),
    "page.admin": ("管理", "Administration"),
    "frame.refused_town": (
        "链接中的乡镇或村(社区)不在您的权限范围内，已改为显示您可查看的范围。",
        "The link names a township or community outside your access; showing what you may see instead.",
    ),
    "frame.nav": ("页面", "Pages"),
    "frame.filters": ("筛选", "Filters"),
    "frame.lang": ("语言 / Language", "语言 / Language"),
    "frame.towns": ("乡镇(街道)", "Townships"),
    "frame.towns_all": ("全县（全部乡镇）", "Whole county (all townships)"),
    "frame.group": ("片区", "Group (片区)"),
    "frame.group_all": ("全部片区", "All groups"),
    "frame.communities": ("村(社区)", "Communities"),
    "frame.communities_all": ("所选范围内全部", "All in the selection"),
    "frame.communities_narrow": (
        "先选乡镇(街道)或片区，再选村(社区)",
        "Choose a township or group first, then communities",
    ),
    "frame.months": ("月份范围", "Months"),
    "frame.reset": ("清除筛选", "Clear filters"),
    "frame.county": ("全县", "Whole county"),
    "frame.county_file": ("仪陇县", "Yilong"),
    "frame.n_towns": ("{first}等{n}个乡镇", "{first} and {more} more townships"),
    "frame.n_communities": ("{first}等{n}个村(社区)", "{first} and {more} more communities"),
    "frame.as_of": ("数据截至 {month}", "Data as of {month}"),
    "frame.updated": ("更新于 {when}（北京时间）", "updated {when} (Beijing time)"),
    "frame.no_data_yet": ("仓库中还没有月度报表数据", "No monthly reports in the warehouse yet"),
    "frame.incomplete": (
        "{month} 仅 {n}/{expected} 个村(社区)报送，数据尚不完整，不宜与完整月份比较",
        "{month}: only {n} of {expected} communities have reported; the month is not complete yet",
    ),
    "frame.no_warehouse": (
        "找不到数据仓库文件 `{name}`。请先在项目目录中构建它（示例数据）：",
        "The data warehouse `{name}` was not found. Build it first, from the project folder (sample data):",
    ),
    "frame.no_warehouse_hint": (
        "如果 data/sample 为空，先运行 `python -m sample --out data/sample` 生成示例报表；"
        "装载真实报表：`python -m etl load <文件或文件夹>`。或设置环境变量 OVERSIGHT_DB 指向已有仓库。",
        "If data/sample is empty, run `python -m sample --out data/sample` first; to load real reports: "
        "`python -m etl load <files or folder>`. Or set OVERSIGHT_DB to an existing warehouse.",
    ),
    "frame.old_warehouse": (
        "数据仓库由旧版本程序写成，需先更新才能正确显示。请在服务器的项目目录中运行（不改动数据，约需几秒到几分钟）：",
        "The data warehouse was written by an older version of this program and must be upgraded before it "
        "can be shown correctly. On the server, in the project folder, run (it changes no data; seconds to minutes):",
    ),
    "frame.old_warehouse_hint": (
        "`make run` 启动时会自动更新；之后刷新本页即可。",
        "`make run` does this by itself when it starts; then reload this page.",
    ),
    "frame.bad_warehouse": ("无法读取数据仓库（{incident}）", "Cannot read the data warehouse ({incident})"),
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
    ("pages/quality.py", "page.quality", ":material/fact_check:"),
    ("pages/data.py", "page.data", ":material/table:"),
    ("pages/bulletin.py", "page.bulletin", ":material/description:"),
    ("pages/upload.py", "page.upload", ":material/upload_file:"),
    ("pages/admin.py", "page.admin", ":material/admin_panel_settings:"),
)
# Pages (by page_setup name) only some users may open; every other page is open to any signed-in user.
# Uploads: admins, and town users given `upload` (their loads are held to their townships).
PERMITTED = {"upload": lambda u: u.can_upload, "admin": lambda u: u.role == "admin"}
DEFAULT_MONTHS = 12  # default range: the last 12 months with reports
# Above this many communities in the selection the community filter offers only those already
# chosen until a township or group narrows it: a list of 17,400 (a province) cannot be scrolled,
# and Streamlit formats and hashes every option on every rerun of every page (~40 ms at ×50).
COMMUNITY_OPTIONS = 2000

# Phone width (issue 16.7): Streamlit stacks every row of columns one per line below 640 px; a
# row of two or more KPI cards (columns holding an st.metric directly) goes two to a line
# instead, with the figures a size smaller so "1,363 小时" still fits half a phone.
_KPI_ROW = (  # the metric directly in the column, or in a bordered card (st.container) in it
    "[data-testid=stHorizontalBlock]:has(> [data-testid=stColumn] + [data-testid=stColumn])"
    ":has(> [data-testid=stColumn] > [data-testid=stVerticalBlock] > [data-testid=stElementContainer]"
    " > [data-testid=stMetric], > [data-testid=stColumn] > [data-testid=stVerticalBlock]"
    " > [data-testid=stLayoutWrapper] > [data-testid=stVerticalBlock] > [data-testid=stElementContainer]"
    " > [data-testid=stMetric])"
)
# A KPI card's texts wrap instead of being cut ("较…", "Property-company party o…"): Streamlit
# truncates its label, value, delta and the delta's description ("较最低标准 92%") to one line,
# which five cards to a row or an English label does not fit.
_KPI_TEXTS = ", ".join(
    f"[data-testid={t}], [data-testid={t}] *"
    for t in ("stMetricLabel", "stMetricValue", "stMetricDelta", "stMetricDeltaDescription")
)
PHONE_CSS = f"""<style>
[data-testid=stMetric] :has(> [data-testid=stMetricDeltaDescription]) {{ flex-wrap: wrap !important; }}
{_KPI_TEXTS} {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
@media (max-width: 640px) {{
  {_KPI_ROW} {{ flex-flow: row wrap !important; gap: 0.5rem !important; }}
  {_KPI_ROW} > [data-testid=stColumn] {{
    flex: 1 1 calc(50% - 0.25rem) !important; min-width: calc(50% - 0.25rem) !important;
    max-width: calc(50% - 0.25rem) !important; width: calc(50% - 0.25rem) !important;
  }}
  [data-testid=stMetricValue] {{ font-size: 1.6rem !important; }}
}}
</style>"""


def may_open(user: User, page: str) -> bool:
    """Whether `user` may open the page called `page` (its page_setup name)."""
    check = PERMITTED.get(page)
    return check is None or bool(check(user))


def _nav(box: DeltaGenerator, params: dict[str, str] | None, user: User) -> None:
    box.markdown(f"**{tr('app.title')}**")
    for script, key, icon in PAGES:
        if not (ROOT / script).is_file() or not may_open(user, key.removeprefix("page.")):
            continue
        try:
            box.page_link(str(ROOT / script), label=tr(key), icon=icon, query_params=params)
        except StreamlitAPIException:
            # Not a registered page (e.g. a page script run on its own in a test): no link.
            continue


def _lang_widget() -> None:
    st.session_state[WIDGET_KEYS["lang"]] = lang()
    st.sidebar.radio(
        tr("frame.lang"),
        ("zh", "en"),
        format_func={"zh": "中文", "en": "English"}.get,
        horizontal=True,
        key=WIDGET_KEYS["lang"],
        on_change=keep_filter,
        args=("lang",),
    )


def _old_warehouse() -> None:
    st.error(tr("frame.old_warehouse"))
    st.code("python -m etl upgrade", language="bash")
    st.caption(tr("frame.old_warehouse_hint"))


def _missing_warehouse() -> None:
    st.error(tr("frame.no_warehouse", name=db_path().name))  # the file's name, never a server path
    st.code("python -m etl load data/sample", language="bash")
    st.caption(tr("frame.no_warehouse_hint"))


def _refused(reg: pd.DataFrame, scope: tuple[str, ...] | None) -> bool:
    """Whether the stored selection (from the URL) names a township or community of the
    registry outside the user's `scope` (codes not in the registry just fall away)."""
    if scope is None:
        return False
    everyone = common.communities()
    asked_towns = set(st.session_state.get(FILTER_KEYS["towns"]) or [])
    asked_comms = set(st.session_state.get(FILTER_KEYS["comms"]) or [])
    outside = everyone[~everyone["town_code"].isin(reg["town_code"])]
    return bool(
        asked_towns & set(outside["town_code"].tolist()) or asked_comms & set(outside["community_code"].tolist())
    )


def _filter_widgets(reg: pd.DataFrame, months: list[date], scope: tuple[str, ...] | None = None) -> Filters:
    """Sanitise the stored selection against what exists and what the user may see (`scope`,
    townships; None = all), draw the filters, return them. `reg` holds the communities in scope."""
    ss = st.session_state
    language = lang()  # format_func runs later too (AppTest): bind the language now
    if _refused(reg, scope):
        st.error(tr("frame.refused_town"), icon=":material/block:")
    # Columns as lists first: iterating an Arrow-backed column yields one boxed scalar at a time
    # (17,400 communities at ×50: most of every page's rerun floor).
    town_names = dict(zip(reg["town_code"].tolist(), reg["town_name"].tolist(), strict=False))
    towns = [c for c in ss.get(FILTER_KEYS["towns"], []) if c in town_names]
    if scope is not None and len(town_names) == 1:
        towns = list(town_names)  # a one-township user always looks at that township
    in_towns = reg[reg["town_code"].isin(towns)] if towns else reg
    groups = sorted(in_towns["group_name"].dropna().unique().tolist())
    group = ss.get(FILTER_KEYS["group"]) if ss.get(FILTER_KEYS["group"]) in groups else None
    in_scope = in_towns[in_towns["group_name"] == group] if group else in_towns
    codes = in_scope["community_code"].tolist()
    comm_names = dict(zip(codes, in_scope["community_name"].tolist(), strict=False))
    comm_towns = dict(zip(codes, in_scope["town_name"].tolist(), strict=False))
    comms = [c for c in ss.get(FILTER_KEYS["comms"], []) if c in comm_names]

    if months:
        start, end = ss.get(FILTER_KEYS["months"]) or (None, None)
        # a fresh visit ends at the latest complete month, not one that has only begun to come in
        end = end or common.default_end(common.month_coverage(scope)) or months[-1]
        if start is None:
            last = max((i for i, m in enumerate(months) if m <= end), default=len(months) - 1)
            start = months[max(0, last + 1 - DEFAULT_MONTHS)]
        start = min((m for m in months if m >= start), default=months[0])
        end = max((m for m in months if m <= end), default=months[-1])
        start, end = min(start, end), max(start, end)
    else:
        today = date.today().replace(day=1)
        start = end = today

    for name, value in (("towns", towns), ("group", group), ("comms", comms), ("months", (start, end))):
        ss[FILTER_KEYS[name]] = value
        ss[WIDGET_KEYS[name]] = value

    side = st.sidebar
    side.markdown(f"**{tr('frame.filters')}**")
    side.multiselect(
        tr("frame.towns"),
        sorted(town_names),
        format_func=town_names.get,
        placeholder=tr("frame.towns_all"),
        select_all=select_all(),
        key=WIDGET_KEYS["towns"],
        on_change=keep_filter,
        args=("towns",),
    )
    ss[WIDGET_KEYS["group"]] = group or ""  # "" = all groups (a None value would show as unselected)
    side.selectbox(
        tr("frame.group"),
        ["", *groups],
        format_func=lambda g: g or t("frame.group_all", language),
        placeholder=t("frame.group_all", language),
        key=WIDGET_KEYS["group"],
        on_change=keep_filter,
        args=("group",),
    )
    multi_town = len(set(comm_towns.values())) > 1
    too_many = len(comm_names) > COMMUNITY_OPTIONS
    side.multiselect(
        tr("frame.communities"),
        comms if too_many else list(comm_names),
        format_func=lambda c: f"{comm_towns[c]} · {comm_names[c]}" if multi_town else comm_names[c],
        placeholder=tr("frame.communities_narrow" if too_many and not comms else "frame.communities_all"),
        disabled=too_many and not comms,
        select_all=select_all(),
        key=WIDGET_KEYS["comms"],
        on_change=keep_filter,
        args=("comms",),
    )
    if len(months) > 1:
        side.select_slider(
            tr("frame.months"),
            months,
            value=(start, end),  # makes it a range slider; the session value set above wins
            format_func=lambda m: fmt_month(m, language),
            key=WIDGET_KEYS["months"],
            on_change=keep_filter,
            args=("months",),
        )
    side.button(tr("frame.reset"), on_click=reset, key="f_reset_button", type="tertiary")
    return Filters(lang(), tuple(towns), group, tuple(comms), start, end, scope)


def _header(f: Filters) -> None:
    month, loaded = data_as_of()
    levels = breadcrumb_levels(f)
    parts = [" › ".join(name for name, _ in levels)]
    if month:
        as_of = tr("frame.as_of", month=fmt_month(month, f.lang))
        if loaded:
            as_of += " · " + tr("frame.updated", when=county_time(loaded).strftime("%Y-%m-%d %H:%M"))
        parts.append(as_of)
    period = fmt_month(f.month_from, f.lang)
    if f.month_to != f.month_from:
        period += " – " + fmt_month(f.month_to, f.lang)
    parts.insert(1, period)
    st.caption("　|　".join(parts))
    # The breadcrumb's upper levels, each a click away (a one-township user has no county view).
    one_town = f.allowed_towns is not None and len(f.allowed_towns) == 1
    ups = [(n, lv) for n, lv in levels[:-1] if not (one_town and lv == "county")]
    if ups:
        row = st.container(horizontal=True, gap="small")
        for name, level in ups:
            row.button(f"↰ {name}", type="tertiary", key=f"crumb_{level}", on_click=widen, args=(level,))
    cov = common.month_coverage(f.allowed_towns)
    row = cov[cov["month"] == f.month_to]
    if len(row) and not bool(row["complete"].iloc[0]):
        r = row.iloc[0]
        st.warning(
            tr(
                "frame.incomplete",
                month=fmt_month(f.month_to, f.lang),
                n=int(r["reporting"]),
                expected=int(r["expected"]),
            ),
            icon=":material/hourglass_top:",
        )


def page_setup(page: str, require_data: bool = True) -> Filters:
    """Sign-in, language, filters, navigation and header for `page` (an i18n key suffix such as
    "overview", "data"). Call it first on every page. Shows only the sign-in form until a user
    is signed in (oversight.auth.session), refuses a page the user may not open (PERMITTED),
    and puts the user's scope in the filters (Filters.allowed_towns), which every query built
    from them applies. Stops the page with a clear message when the warehouse is missing or
    unreadable — unless `require_data` is False (a page that can create the warehouse, such as
    uploads): it then gets whole-county filters for this month."""
    seed_from_url()
    st.session_state[OFFERED] = {}  # the downloads this run offers (components.guarded)
    title = tr(f"page.{page}") if f"page.{page}" in STRINGS else tr("app.title")
    st.set_page_config(page_title=f"{title} · {tr('app.title')}", layout="wide")
    st.html(PHONE_CSS)  # style only: Streamlit puts it in the page's head, it takes no space
    nav_box = st.sidebar.container()
    _lang_widget()
    user = session.require()
    scope = user.allowed_towns
    if not may_open(user, page):
        _nav(nav_box, None, user)
        st.error(tr("auth.forbidden"))
        st.stop()
    if not warehouse_exists():
        params = {"lang": "en"} if lang() == "en" else {}
        write_url(params)
        _nav(nav_box, params, user)
        _missing_warehouse()
        if require_data:
            st.stop()
        today = date.today().replace(day=1)
        f = Filters(lang(), (), None, (), today, today, scope)
        remember(f)
        return f
    try:
        if outdated() is not None:
            _nav(nav_box, None, user)
            _old_warehouse()
            st.stop()
        reg, months = common.communities(scope), common.months(scope)
    except WarehouseError as e:
        _nav(nav_box, None, user)
        st.error(tr("frame.bad_warehouse", incident=incidents.user_message(incidents.record(f"reading: {e}"))))
        st.stop()
    f = _filter_widgets(reg, months, scope)
    params = f.to_params()
    write_url(params)
    _nav(nav_box, params, user)
    remember(f)
    _header(f)
    if not months:
        st.warning(tr("frame.no_data_yet"))
    return f
