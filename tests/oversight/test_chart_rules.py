"""The chart rules of oversight.figures.base, checked on the figure objects of every builder in
both languages: what a reader would notice — an axis that hides its zero, a palette that a
colour-blind official cannot tell apart, a rate on three cases read as a trend, a legend on the
title, 20k instead of 20,000, "Nov 2025" in the Chinese UI."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.settings import min_cases
from oversight.arena import scoring
from oversight.arena.indicators import DEFAULT_WEIGHTS, FAMILIES, INDICATOR_COLOURS, INDICATORS, indicator
from oversight.figures import area, arena, overview, party, profile, requests, volunteers
from oversight.figures.base import LEGEND_ROW, MONTH_FORMAT, TITLE_WIDTH, _width, legend_rows

TOWNS = [("511324100000", "金城镇"), ("511324101000", "新政镇"), ("511324102000", "马鞍镇")]
MONTHS = pd.date_range("2025-01-01", "2026-11-01", freq="MS")


def _units(**cols: list[float]) -> pd.DataFrame:
    df = pd.DataFrame({"unit_code": [c for c, _ in TOWNS], "unit_name": [n for _, n in TOWNS]})
    return df.assign(town_code=df["unit_code"], **cols)


def _monthly() -> pd.DataFrame:
    n = len(MONTHS)
    received = np.linspace(15000, 21000, n).round()
    return pd.DataFrame(
        {
            "month": MONTHS,
            "requests_received": received,
            "requests_resolved": (received * 0.93).round(),
            "resolution_rate": np.linspace(0.9, 0.97, n),
            "on_time_rate": np.linspace(0.8, 0.9, n),
            "satisfaction_rate": np.linspace(0.86, 0.95, n),
            "backlog": np.linspace(12000, 15000, n),
            "open_cases": np.linspace(11000, 14000, n),
            "party_org_coverage": np.linspace(0.8, 0.95, n),
            "m2_per_100_households": np.linspace(28, 35, n),
        }
    )


def _by_unit_month(value: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"month": m, "unit_code": c, "unit_name": n, "town_code": c, value: 21000.0 + i * 500 + k}
            for k, m in enumerate(MONTHS)
            for i, (c, n) in enumerate(TOWNS)
        ]
    )


COMMS = {"511324101001": "东北社区", "511324101002": "临江社区", "511324101003": "新政村"}


def _arena_monthly() -> pd.DataFrame:
    rows = []
    for k, m in enumerate(MONTHS[-6:]):
        for i, c in enumerate(COMMS):
            row = {"community_code": c, "community_name": COMMS[c], "month": m}
            row |= {ind.key: 0.5 + 0.05 * k for ind in INDICATORS if ind.transform != "growth"}
            row |= {"requests_received": 3 + 4 * k, "requests_resolved": 2 + 4 * k, "followups_total": i + k}
            rows.append(row)
    return pd.DataFrame(rows)


def figures(lang: str) -> dict[str, go.Figure]:
    """One figure of every builder in `lang`, over small frames shaped like the queries' output."""
    unit = "乡镇(街道)" if lang == "zh" else "Township"
    u = _units(
        resolution_rate=[0.9, 0.97, 0.95],
        satisfaction_rate=[0.84, 0.9, 0.99],
        m2_per_100_households=[26.0, 44.0, 31.0],
        party_org_coverage=[0.8, 1.0, 0.9],
        volunteer_hours=[21000.0, 3000.0, 500.0],
        hours_per_volunteer=[3.5, 10.0, 7.2],
        open_cases=[1200, 30, 0],
        neighborhoods=[10, 20, 5],
        neighborhood_branches=[8, 15, 5],
        property_party_orgs=[2, 5, 1],
        owners_committees=[3, 7, 0],
    )
    mon = _monthly()
    projects = pd.DataFrame(
        {
            "completed_on": pd.to_datetime(["2025-02-15", "2025-09-10", "2026-05-01"]),
            "community_name": ["东北社区", "临江社区", "新政村"],
            "town_name": ["新政镇"] * 3,
            "project_type": ["改扩建", "亲民化改造", "新建"],
            "area_added_m2": [1600.0, None, 300.0],
            "rooms_integrated": [3, 2, 1],
        }
    )
    rooms = pd.DataFrame(
        [{"unit_code": c, "unit_name": n, "project_type": "新建", "rooms_integrated": 2} for c, n in TOWNS]
    )
    cats = pd.DataFrame(
        [{"unit_code": c, "unit_name": n, "service_category": "便民服务", "hours": 12000.0} for c, n in TOWNS]
    )
    days = pd.DataFrame({"category": ["便民服务", None], "working_days": [3, 40], "cases": [1200, 5]})
    ranks = pd.DataFrame(
        {"metric": ["resolution_rate"], "town_rank": pd.array([2], dtype="Int64"), "town_n": [12],
         "town_beats": pd.array([10], dtype="Int64"), "county_rank": pd.array([30], dtype="Int64"),
         "county_n": [348], "county_beats": pd.array([318], dtype="Int64")}
    )  # fmt: skip
    codes = list(COMMS)
    sub = pd.DataFrame(
        [
            {"community_code": c, "community_name": COMMS[c], "town_name": "新政镇", "month": m,
             "reported_on": m + pd.Timedelta(days=33), "due_on": m + pd.Timedelta(days=40), "status": "on_time"}
            for c in codes for m in MONTHS
        ]
    )  # fmt: skip
    summary = pd.DataFrame(
        [
            {"town_code": c, "town_name": n, "month": m, "expected": 12, "on_time": 10, "late": 1, "missing": 1,
             "pending": 0}
            for c, n in TOWNS for m in MONTHS
        ]
    )  # fmt: skip
    values = pd.DataFrame({i.key: [0.9, 0.7, 0.5] for i in INDICATORS}, index=codes)
    result = scoring.score(values, DEFAULT_WEIGHTS)
    colours = arena.community_colours(codes)
    return {
        "req.monthly_flow": requests.monthly_flow(mon, lang),
        "req.monthly_rates": requests.monthly_rates(mon, lang),
        "req.backlog": requests.backlog(mon, lang),
        "req.rate_bar": requests.rate_bar(u, "resolution_rate", lang, unit),
        "req.category_source": requests.category_source(
            pd.DataFrame({"category": ["便民服务"], "source": ["电话"], "cases": [12000]}), lang
        ),
        "req.days": requests.days_histogram(days, lang),
        "req.open_bar": requests.open_bar(u, lang, unit),
        "area.trend": area.area_trend(_by_unit_month("service_center_m2"), lang, unit),
        "area.per100": area.per100_bar(u, lang, unit),
        "area.timeline": area.project_timeline(projects, lang),
        "area.rooms": area.rooms_bar(rooms, lang, unit),
        "party.coverage": party.coverage_bar(u, lang, unit),
        "party.trend": party.coverage_trend(mon, lang),
        "party.levels": party.levels_bar({"communities": 348, "vanguard_posts": 12000}, lang),
        "party.orgs": party.orgs_bar(u, lang, unit),
        "vol.monthly": volunteers.monthly_hours(_by_unit_month("volunteer_hours"), lang, unit),
        "vol.hours": volunteers.hours_bar(u, lang, unit),
        "vol.per": volunteers.per_volunteer_bar(u, lang, unit),
        "vol.category": volunteers.category_bar(cats, lang, unit),
        "profile.trend_rates": profile.trend(mon, ("resolution_rate", "satisfaction_rate"), lang, "东北社区"),
        "profile.trend_area": profile.trend(mon, ("m2_per_100_households",), lang, "东北社区"),
        "profile.standing": profile.standing(ranks, lang, "东北社区"),
        "ov.matrix": overview.submission_matrix(sub, lang, "新政镇"),
        "ov.by_town": overview.submission_by_town(summary, lang, "全县"),
        "arena.contrib": arena.contributions(result, COMMS, lang),
        "arena.radar": arena.radar(result, codes, COMMS, colours, lang),
        "arena.ranks": arena.rank_ranges(scoring.sensitivity(result, draws=20), COMMS, lang, 20, 0.2),
        "arena.trends": arena.trends(
            _arena_monthly(), ["resolution_rate", "households_per_grid"], COMMS, colours, lang
        ),
    }


@pytest.fixture(scope="module", params=["zh", "en"])
def built(request: pytest.FixtureRequest) -> tuple[str, dict[str, go.Figure]]:
    return request.param, figures(request.param)


def _axes(fig: go.Figure) -> dict[str, object]:
    names = {k for k in fig.layout.to_plotly_json() if re.fullmatch(r"[xy]axis\d*", k)}
    return {n: fig.layout[n] for n in sorted(names)}


def _traces_on(fig: go.Figure, axis_name: str) -> list[object]:
    ref = axis_name[0] + axis_name[5:]
    coord = axis_name[0]
    return [
        getattr(tr, coord) for tr in fig.data if hasattr(tr, "xaxis") and (getattr(tr, f"{coord}axis") or coord) == ref
    ]


def _is_numeric_axis(fig: go.Figure, name: str) -> bool:
    axis = fig.layout[name]
    if axis.type == "category" or axis.tickvals is not None:
        return False
    data = [v for vals in _traces_on(fig, name) if vals is not None for v in vals if v is not None]
    return bool(data) and all(isinstance(v, (int, float, np.integer, np.floating)) for v in data)


# Axes whose range is not a quantity: ranks start at rank 1.
ORDINAL = {("arena.ranks", "xaxis")}


def test_every_value_axis_starts_at_zero_or_says_so(built: tuple[str, dict[str, go.Figure]]) -> None:
    lang, figs = built
    note = "未从零开始" if lang == "zh" else "not at zero"
    checked = 0
    for key, fig in figs.items():
        for name, axis in _axes(fig).items():
            if (key, name) in ORDINAL or not _is_numeric_axis(fig, name):
                continue
            checked += 1
            if axis.range is not None and axis.range[0] > 0:
                assert note in (axis.title.text or ""), f"{key} {name} starts at {axis.range[0]} without saying so"
            elif axis.range is None:
                assert axis.rangemode == "tozero", f"{key} {name}: autorange may start anywhere"
    assert checked >= 24  # every builder's value axes
    rates = figs["req.monthly_rates"].layout.yaxis
    assert rates.range[0] == pytest.approx(0.75) and note in rates.title.text  # 80% − 5 points, said so


def _srgb_to_linear(colour: str) -> np.ndarray:
    c = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(rgb: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb, 0, 1)
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color
# vision deficiency", IEEE TVCG 15(6): the severity-1.0 matrices, applied in linear RGB.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}  # fmt: skip
MIN_DELTA_E = 10.0  # CIELAB ΔE*ab: two colours this far apart are told apart at a glance


@pytest.mark.parametrize("vision", list(CVD))
def test_the_ten_indicator_colours_stay_apart_in_colour_blind_vision(vision: str) -> None:
    colours = [INDICATOR_COLOURS[i.key] for i in INDICATORS]
    assert len(set(colours)) == len(INDICATORS) == 10
    labs = {c: _lab(CVD[vision] @ _srgb_to_linear(c)) for c in colours}
    closest = min(itertools.combinations(colours, 2), key=lambda p: np.linalg.norm(labs[p[0]] - labs[p[1]]))
    gap = float(np.linalg.norm(labs[closest[0]] - labs[closest[1]]))
    assert gap >= MIN_DELTA_E, f"{closest} only ΔE {gap:.1f} apart in {vision}"


# Paul Tol's muted scheme and the medium-contrast blue (https://personal.sron.nl/~pault/).
TOL = {
    "muted": {"#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"},
    "medium": {"#6699CC"},
}


def test_indicator_colours_come_from_the_cited_palette_one_hue_family_per_part_of_365() -> None:
    """Forces wine-rose-purple-sand, services the blues, mechanisms the greens: a family's
    colours are never another family's, and each is one of Tol's published colours."""
    tol = set().union(*TOL.values())
    by_family = {f: {INDICATOR_COLOURS[i.key] for i in INDICATORS if i.family == f} for f in FAMILIES}
    assert all(c in tol for cs in by_family.values() for c in cs)
    assert by_family["service"] == {"#332288", "#6699CC", "#88CCEE"}
    assert by_family["mechanism"] == {"#117733", "#44AA99", "#999933"}
    assert not set.intersection(*by_family.values())


def test_trend_rates_on_few_cases_show_their_counts() -> None:
    fig = arena.trends(_arena_monthly(), ["resolution_rate", "households_per_grid"], COMMS, {}, "zh")
    rate = [tr for tr in fig.data if tr.xaxis in (None, "x")]
    first = rate[0]
    assert "n=%{customdata:,}" in first.hovertemplate
    assert list(first.customdata) == [3, 7, 11, 15, 19, 23]  # requests_received, the base of 办结率
    few = min_cases()
    symbols = list(first.marker.symbol)
    assert symbols == ["circle-open" if n < few else "circle" for n in first.customdata]
    assert f"不足 {few} 件" in fig.layout.title.text  # the open circle is explained on the chart
    counts = [tr for tr in fig.data if tr.xaxis == "x2"]
    assert counts and all(tr.customdata is None for tr in counts)  # 格均户数 is not a rate on cases
    assert indicator("resolution_rate").cases_column == "requests_received"


def test_legend_and_title_cannot_meet(built: tuple[str, dict[str, go.Figure]]) -> None:
    """The legend sits at the bottom of the figure (its room reserved by plotly, yref
    container) and the title on top of the plot, so a legend of several rows never reaches the
    title; an English title wider than a half-page chart is wrapped."""
    lang, figs = built
    for key, fig in figs.items():
        legend, title = fig.layout.legend, fig.layout.title
        assert (legend.yref, legend.y, legend.yanchor, legend.orientation) == ("container", 0, "bottom", "h"), key
        top_axis = any(a.side == "top" for n, a in _axes(fig).items() if n.startswith("x"))
        expected = ("container", "top") if top_axis else ("paper", "bottom")
        assert (title.yref, title.yanchor) == expected and title.y == 1 and title.automargin, key
        for line in re.sub(r"<span[^>]*>.*?</span>", "", title.text).split("<br>"):
            assert _width(line) <= TITLE_WIDTH, (key, line)


def test_a_vertical_axis_title_fits_the_height_of_its_plot(built: tuple[str, dict[str, go.Figure]]) -> None:
    """A y-axis title longer than its plot is tall ran up over the chart's title and down past
    the x axis ("Service area per 100 households (m² per 100 households)" on the 340 px profile
    chart): each line, at 7 px a Latin character (14 a CJK one) in the 13 px axis font, fits in the
    figure's height less 150 px (title, x axis, legend)."""
    lang, figs = built
    for key, fig in figs.items():
        for name, axis in _axes(fig).items():
            if name.startswith("y") and axis.title.text:
                for line in axis.title.text.split("<br>"):
                    px = 5.5 if "font-size:11px" in line else 7  # axis_from's note is smaller
                    line = re.sub(r"<[^>]+>", "", line)
                    assert _width(line) * px <= (fig.layout.height or 420) - 150, (key, line)


NUMBER_FIELD = re.compile(r"%\{[^}|:]+:([^}]*)\}")


def test_thousands_separators_on_axes_and_in_hover(built: tuple[str, dict[str, go.Figure]]) -> None:
    lang, figs = built
    for key, fig in figs.items():
        assert fig.layout.separators == ".,", key
        for name, axis in _axes(fig).items():
            if not _is_numeric_axis(fig, name):
                continue
            fmt = axis.tickformat or ""
            assert "%" in fmt or "," in fmt, f"{key} {name}: ticks would read 20k, not 20,000"
            assert "%" in (axis.hoverformat or "") or "," in (axis.hoverformat or ""), f"{key} {name} hover"
        for tr in fig.data:
            for spec in NUMBER_FIELD.findall(tr.hovertemplate or ""):
                assert "," in spec or "%" in spec, f"{key}: hover field {spec!r} without thousands separator"
    assert figs["area.trend"].layout.yaxis.tickformat == ",.0f"
    assert figs["vol.hours"].layout.xaxis.tickformat == ",~f"  # d3: 21,000 (plotly's default: 21k)


def test_month_axes_read_in_the_language_of_the_ui(built: tuple[str, dict[str, go.Figure]]) -> None:
    lang, figs = built
    dated = 0
    for key, fig in figs.items():
        for name, axis in _axes(fig).items():
            values = [v for vals in _traces_on(fig, name) if vals is not None for v in vals if v is not None]
            if values and all(isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year") for v in values):
                dated += 1
                assert axis.tickformat == MONTH_FORMAT[lang] and axis.hoverformat == MONTH_FORMAT[lang], (key, name)
                assert str(axis.dtick).startswith("M"), (key, name)  # month ticks, never days or weeks
        for tr in fig.data:
            assert "%Y-%m" not in (tr.hovertemplate or ""), key
    assert dated >= 8
    assert MONTH_FORMAT["zh"] == "%Y年%-m月"
    assert list(figs["ov.matrix"].layout.xaxis.ticktext[:2]) == (
        ["2025年<br>1月", "2月"] if lang == "zh" else ["2025<br>Jan", "Feb"]
    )
    matrix = figs["ov.matrix"].data[0]
    expected = ["2025年1月", "2025年2月"] if lang == "zh" else ["Jan 2025", "Feb 2025"]
    assert list(matrix.x[:2]) == expected and len(matrix.x) == len(MONTHS)
    assert list(figs["ov.by_town"].data[0].x)[-1] == ("2026年11月" if lang == "zh" else "Nov 2026")  # calendar order
    assert figs["req.monthly_rates"].layout.xaxis.dtick == "M6"  # 23 months: at most 6 ticks


def test_month_labels_are_built_once_per_month_in_calendar_order() -> None:
    months = pd.Series(pd.to_datetime(["2025-11-01", "2025-02-01", "2025-11-01", "2025-10-01"]))
    labels, order, ticks = overview.month_labels(months, "zh")
    assert list(labels) == ["2025年11月", "2025年2月", "2025年11月", "2025年10月"]
    assert order == ["2025年2月", "2025年10月", "2025年11月"]  # not the string order (10月 < 2月)
    assert ticks == ["2025年<br>2月", "10月", "11月"]  # the year once, over the first month
    assert overview.month_labels(months, "en")[2] == ["2025<br>Feb", "Oct", "Nov"]


def test_a_legend_of_several_rows_makes_the_chart_taller_not_the_plot_smaller() -> None:
    """Four long English entries (two rates, their two lines) take three rows of a half-page
    chart: the figure grows by the two extra rows instead of squeezing the plot."""
    names = ("resolution_rate", "satisfaction_rate")
    zh, en = (profile.trend(_monthly(), names, lang, "东北社区") for lang in ("zh", "en"))
    assert legend_rows(en) > legend_rows(zh) >= 1
    assert en.layout.height == 340 + (legend_rows(en) - 1) * LEGEND_ROW
