"""Downloads: what an official gets when opening the file in (Chinese) Excel."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd

from oversight import exports


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "community_name": ["东北社区", "=1+2", "@SUM(A1)"],
            "note": ["-cmd", "+call", "\tTAB"],
            "households": [3000, 2000, -5],
            "service_center_m2": [1800.0, 400.5, None],
            "resolution_rate": [0.95, 0.8, None],
            "has_party_org": [True, False, True],
        }
    )


def test_csv_has_bom_chinese_headers_with_units_and_same_rows() -> None:
    raw = exports.to_csv(_table(), "zh")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Chinese Excel opens it without mojibake
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert list(back.columns) == [
        "月份",
        "村(社区)",
        "说明",
        "户数(户)",
        "党群服务中心面积(㎡)",
        "办结率(%)",
        "是否建立党组织",
    ]
    assert len(back) == 3
    assert back["月份"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert back["户数(户)"].tolist() == [3000, 2000, -5]  # -5 stays a number, not '-5
    assert back["办结率(%)"].iloc[0] == 95.0  # a share is written as percent under a (%) header
    assert back["是否建立党组织"].tolist() == ["是", "否", "是"]


def test_formula_like_text_is_escaped_numbers_untouched() -> None:
    back = pd.read_csv(io.BytesIO(exports.to_csv(_table(), "zh")), encoding="utf-8-sig", keep_default_na=False)
    assert back["村(社区)"].tolist() == ["东北社区", "'=1+2", "'@SUM(A1)"]
    assert back["说明"].tolist() == ["'-cmd", "'+call", "'\tTAB"]
    assert exports.escape_cell(-5) == -5
    assert exports.escape_cell("\rx") == "'\rx"


def test_xlsx_reads_back_with_types_frozen_header_and_widths() -> None:
    raw = exports.to_xlsx(_table(), "zh", sheet_name="月度指标")
    back = pd.read_excel(io.BytesIO(raw), sheet_name="月度指标", engine="openpyxl")
    assert list(back.columns)[:4] == ["月份", "村(社区)", "说明", "户数(户)"]
    assert back["户数(户)"].tolist() == [3000, 2000, -5]
    assert pd.api.types.is_datetime64_any_dtype(back["月份"])  # dates are dates
    assert back["村(社区)"].tolist() == ["东北社区", "=1+2", "@SUM(A1)"]  # as typed, no apostrophe shown
    assert back["办结率(%)"].iloc[0] == 0.95  # stored as a share, shown as 95.0% by the cell format
    assert pd.isna(back["党群服务中心面积(㎡)"].iloc[2])  # missing stays empty, never 0

    ws = openpyxl.load_workbook(io.BytesIO(raw)).active
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert ws["F2"].number_format == "0.0%"
    assert ws["A2"].number_format == "yyyy-mm"
    assert ws["B3"].data_type == "s" and ws["B3"].quotePrefix  # =1+2 is text with Excel's escape, never a formula
    assert ws["C2"].quotePrefix and ws["C2"].value == "-cmd" and not ws["B2"].quotePrefix
    assert ws.column_dimensions["B"].width >= 8


def test_english_headers_have_units() -> None:
    back = pd.read_csv(io.BytesIO(exports.to_csv(_table(), "en")), encoding="utf-8-sig")
    assert "Service-centre area (m²)" in back.columns
    assert "Resolution rate (%)" in back.columns
    assert back["Has a party org"].tolist() == ["yes", "no", "yes"]


def test_column_labels() -> None:
    assert exports.column_label("m2_per_100_households", "zh") == "每百户服务设施面积(㎡/百户)"
    assert exports.column_label("volunteer_hours", "en") == "Volunteer hours"
    assert exports.column_label("area_added_m2", "zh") == "新增面积(㎡)"
    assert exports.column_label("town_name", "zh") == "乡镇(街道)"
    assert exports.column_label("no_such_column", "zh") == "no_such_column"


def test_file_names_in_chinese() -> None:
    name = exports.file_name("新政镇", "诉求", date(2024, 1, 1), date(2024, 6, 1), "xlsx", "zh")
    assert name == "新政镇_诉求_2024-01至2024-06.xlsx"
    assert exports.file_name("新政镇", "requests", date(2024, 1, 1), date(2024, 6, 1), "csv", "en") == (
        "新政镇_requests_2024-01_to_2024-06.csv"
    )
    assert "/" not in exports.file_name("a/b", "c:d", None, None, "csv", "zh")


def test_empty_table_still_makes_valid_files() -> None:
    empty = _table().iloc[0:0]
    assert pd.read_excel(io.BytesIO(exports.to_xlsx(empty, "zh")), engine="openpyxl").columns[0] == "月份"
    assert exports.to_csv(empty, "zh").startswith(b"\xef\xbb\xbf")


def test_counts_stay_integers_and_rates_are_rounded_as_on_screen() -> None:
    """A pivot leaves counts as floats (NaN for a missing month) and ratios at full precision:
    the file says 298, not 298.0, and 17.6 hours, not 17.638406537282943."""
    df = pd.DataFrame(
        {
            "community_name": ["东北社区", "临江社区"],
            "volunteer_hours": [298.0, None],
            "hours_per_volunteer": [17.638406537282943, 2.0],
            "resolution_rate": [0.90909, 1.0],
        }
    )
    text = exports.to_csv(df, "zh").decode("utf-8-sig")
    first = text.splitlines()[1].split(",")
    assert first == ["东北社区", "298", "17.6", "90.9"]
    second = text.splitlines()[2].split(",")
    assert second[1] == ""  # missing stays missing, not 0
    assert second[2:] == ["2", "100"]  # whole numbers in a column of fractions: not 2.0, 100.0
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(df, "zh"))).active
    row = [c.value for c in ws[2]]
    assert row[1] == 298 and isinstance(row[1], int)
    assert row[2] == 17.6 and row[3] == 0.909


def test_an_english_file_names_the_choices_and_kinds_as_the_english_table_does() -> None:
    cases = pd.DataFrame({"case_id": ["R1", "R2"], "source": ["电话", "网格"], "category": ["便民服务", None]})
    en = pd.read_csv(io.BytesIO(exports.to_csv(cases, "en")), encoding="utf-8-sig")
    assert en.iloc[:, 1].tolist() == ["Phone", "Grid"] and en.iloc[0, 2] == "Convenience"
    zh = pd.read_csv(io.BytesIO(exports.to_csv(cases, "zh")), encoding="utf-8-sig")
    assert zh.iloc[:, 1].tolist() == ["电话", "网格"]  # the Chinese file keeps the report's words
    quarantine = pd.DataFrame({"kind": ["monthly", "request"], "reason": ["x", "y"]})
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(quarantine, "zh")))
    assert [c.value for c in next(iter(book.worksheets[0].iter_cols(min_row=2, max_col=1)))] == ["月度指标", "民情诉求"]


def test_every_month_column_is_written_as_a_month_as_the_screen_shows_it() -> None:
    """Columns of months named *_month — stock_month (dates, as common.stock_sources gives
    them), or Timestamps — read YYYY-MM on screen (frame.components): the files wrote them as
    YYYY-MM-DD until is_month was the one rule for both."""
    df = pd.DataFrame(
        {
            "stock_month": [date(2024, 3, 1), None],
            "first_month": pd.to_datetime(["2022-01-01", "2022-01-01"]),
            "received_on": pd.to_datetime(["2024-03-05", "2024-03-06"]),
        }
    )
    back = pd.read_csv(io.BytesIO(exports.to_csv(df, "zh")), encoding="utf-8-sig", keep_default_na=False)
    assert back.iloc[:, 0].tolist() == ["2024-03", ""] and back.iloc[:, 1].tolist() == ["2022-01", "2022-01"]
    assert back.iloc[:, 2].tolist() == ["2024-03-05", "2024-03-06"]  # a day stays a day
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(df, "zh"))).active
    assert [ws["A2"].number_format, ws["B2"].number_format, ws["C2"].number_format] == [
        "yyyy-mm",
        "yyyy-mm",
        "yyyy-mm-dd",
    ]
