"""The filter type's URL codec, below Streamlit: a copied link opens the same selection, and a
mangled one asks for nothing rather than failing."""

from __future__ import annotations

from datetime import date

from oversight.filters import Filters, from_params, parse_month


def test_a_selection_round_trips_through_the_query_string() -> None:
    f = Filters(
        "en",
        ("511324101000", "511324102000"),
        "城乡融合片区一组",
        ("511324101001",),
        date(2024, 1, 1),
        date(2024, 6, 1),
    )
    params = f.to_params()
    assert params == {
        "lang": "en",
        "town": "511324101000,511324102000",
        "group": "城乡融合片区一组",
        "comm": "511324101001",
        "from": "2024-01",
        "to": "2024-06",
    }
    asked = from_params(params)
    back = Filters(
        asked.lang, tuple(asked.town_codes), asked.group, tuple(asked.community_codes), asked.month_from, asked.month_to
    )
    assert back == f


def test_chinese_and_the_whole_county_are_not_written() -> None:
    f = Filters("zh", (), None, (), date(2024, 1, 1), date(2024, 1, 1))
    assert f.to_params() == {"from": "2024-01", "to": "2024-01"}


def test_mangled_values_ask_for_nothing() -> None:
    asked = from_params({"lang": "fr", "town": ",,", "group": "", "from": "2024-13", "to": "abc"})
    assert (asked.lang, asked.town_codes, asked.group, asked.month_from, asked.month_to) == ("zh", [], None, None, None)
    assert [parse_month(x) for x in ("2024-03", "2024-3", "2024-00", "24-03-01", None)] == [
        date(2024, 3, 1),
        None,
        None,
        None,
        None,
    ]
