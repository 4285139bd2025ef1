"""Who competes and when (oversight.arena.entrants, oversight.arena.period): what the 擂台比武
page offers to choose, and the months a choice covers."""

from __future__ import annotations

import random
from datetime import date

import pandas as pd

from oversight.arena import entrants, period

MONTHS = [date(2023, m, 1) for m in range(10, 13)] + [date(2024, m, 1) for m in range(1, 6)]  # 2023-10 … 2024-05


def test_groups_are_listed_in_number_order() -> None:
    names = [f"城乡融合片区{n}组" for n in "一二三四五六七八九十"] + ["城乡融合片区十一组", "城乡融合片区二十组"]
    names += [f"乡村振兴片区{n}组" for n in range(1, 19)] + ["金城片区二组", "金城片区一组", "东片区"]
    shuffled = random.Random(1).sample(names, len(names))
    ordered = sorted(shuffled, key=entrants.group_key)
    assert ordered[:3] == ["东片区", "乡村振兴片区1组", "乡村振兴片区2组"]
    assert ordered.index("乡村振兴片区9组") + 1 == ordered.index("乡村振兴片区10组")
    urban = [g for g in ordered if g.startswith("城乡融合")]
    assert urban[8:] == ["城乡融合片区九组", "城乡融合片区十组", "城乡融合片区十一组", "城乡融合片区二十组"]
    assert ordered[-2:] == ["金城片区一组", "金城片区二组"]


def registry() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "community_code": ["a", "b", "c", "d"],
            "group_name": ["城乡融合片区二组", "城乡融合片区一组", "乡村振兴片区10组", None],
        }
    )


def test_the_first_group_shown_follows_the_sidebar() -> None:
    reg = registry()
    assert entrants.groups(reg) == ["乡村振兴片区10组", "城乡融合片区一组", "城乡融合片区二组"]
    assert entrants.default_group(reg, "乡村振兴片区10组", ["a"]) == "乡村振兴片区10组"  # the sidebar's group
    assert entrants.default_group(reg, None, ["a", "b"]) == "城乡融合片区二组"  # that of its first community
    assert entrants.default_group(reg, None, ["d"]) == "城乡融合片区一组"  # no group: the showcase
    assert entrants.default_group(reg[reg["community_code"] != "b"], None, []) == "乡村振兴片区10组"


def test_a_hand_picked_list_is_named_by_its_members() -> None:
    names = {"a": "东北社区", "b": "临江社区", "c": "华堂村", "d": "鹿门社区"}
    assert entrants.picked_title(["a", "b"], names, "zh") == "东北社区、临江社区"
    assert entrants.picked_title(list(names), names, "zh") == "东北社区等4个村(社区)"
    assert entrants.picked_title(list(names), names, "en") == "东北社区 and 3 more"


def test_choices_are_newest_first_and_labelled() -> None:
    assert period.choices("month", MONTHS)[:2] == [date(2024, 5, 1), date(2024, 4, 1)]
    assert period.choices("quarter", MONTHS) == [(2024, 2), (2024, 1), (2023, 4)]
    assert period.choices("year", MONTHS) == [2024, 2023]
    assert period.choices("range", MONTHS) == []
    assert period.choice_label("quarter", (2024, 1), "zh") == "2024年第1季度"
    assert period.choice_label("quarter", (2024, 1), "en") == "2024 Q1"
    assert period.choice_label("year", 2024, "zh") == "2024年"
    assert period.choice_label("month", date(2024, 3, 1), "en") == "Mar 2024"
    assert [period.kind_label(k, "zh") for k in period.KINDS] == ["月", "季度", "年", "左侧月份范围"]


def test_a_period_covers_its_months_and_stops_at_the_data() -> None:
    sidebar = (date(2023, 11, 1), date(2024, 2, 1))
    q1 = period.pick("quarter", (2024, 1), sidebar, MONTHS)
    assert (q1.start, q1.end, q1.clipped) == (date(2024, 1, 1), date(2024, 3, 1), False)
    assert q1.label("zh") == "2024年1月 – 2024年3月"
    q2 = period.pick("quarter", (2024, 2), sidebar, MONTHS)  # data end in May
    assert (q2.start, q2.end, q2.clipped) == (date(2024, 4, 1), date(2024, 5, 1), True)
    year = period.pick("year", 2023, sidebar, MONTHS)  # data begin in October
    assert (year.start, year.end, year.clipped) == (date(2023, 10, 1), date(2023, 12, 1), False)
    month = period.pick("month", date(2024, 2, 1), sidebar, MONTHS)
    assert (month.start, month.end) == (date(2024, 2, 1), date(2024, 2, 1)) and month.label("zh") == "2024年2月"
    assert period.pick("range", None, sidebar, MONTHS) == period.Period(date(2023, 11, 1), date(2024, 2, 1))
