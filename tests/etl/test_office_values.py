"""Values as offices' files really hold them, loaded end to end (`load_paths` into a temporary
warehouse, read through the public views): invisible characters in numbers, names and headers;
Excel error values and formulas saved without a result; months and dates as serials and in
Chinese spellings. The real-world cases are in tests/files/cases/ (README.md there), their
siblings in other report kinds and formats in tests/files/values/ (make_files.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import etl.readers.delimited as delimited
from etl.load import FileResult, load_paths
from etl.readers import header_key
from etl.text import escaped, visible
from etl.warehouse import reader

FILES = Path(__file__).resolve().parents[1] / "files"
CASES = FILES / "cases"
VALUES = FILES / "values"
TODAY = date(2026, 11, 28)

MONTHLY = """
    SELECT community_name, strftime(month, '%Y-%m-%d'), strftime(reported_on, '%Y-%m-%d'), households,
           population, party_members, requests_received, requests_resolved
    FROM community_month ORDER BY community_code"""
QUARANTINE = "SELECT sheet, row_number, reason FROM quarantine ORDER BY sheet, row_number"


def rows(db: Path, sql: str) -> list[tuple]:
    con = reader(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def load(tmp_path: Path, path: Path) -> tuple[Path, FileResult]:
    db = tmp_path / "warehouse.duckdb"
    [result] = load_paths([path], db=db, today=TODAY)
    return db, result


def counts(r: FileResult) -> tuple[str, int, int, int]:
    return r.status, r.rows_read, r.rows_loaded, r.rows_quarantined


@pytest.fixture(params=["small", "fast"])
def csv_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each CSV test twice: through the Python reader and through DuckDB's parallel reader (made to
    take even a small file, and checked to have read it rather than fallen back)."""
    if request.param == "fast":
        monkeypatch.setattr(delimited, "FAST_CSV_MIN_BYTES", 0)
        original = delimited._read_csv_fast
        used: list[bool] = []

        def spy(*args: object, **kwargs: object) -> object:
            sheet = original(*args, **kwargs)
            used.append(sheet is not None)
            return sheet

        monkeypatch.setattr(delimited, "_read_csv_fast", spy)
        yield request.param
        assert used == [True]
    else:
        yield request.param


# --- invisible characters ---------------------------------------------------------------------


def test_numbers_with_no_break_and_zero_width_spaces_load_as_typed(tmp_path: Path) -> None:
    db, result = load(tmp_path, CASES / "08_nbsp_zwsp_numbers.xlsx")
    assert counts(result) == ("loaded", 3, 3, 0)
    got = rows(
        db,
        "SELECT community_name, households, population, party_members, service_center_m2, "
        "volunteer_hours, requests_received, requests_resolved FROM community_month ORDER BY community_code",
    )
    assert got == [
        ("东北社区", 1466, 5140, 150, 1800.0, 120.0, 20, 19),
        ("临江社区", 980, 3010, 95, 620.0, 60.0, 12, 12),
        ("白溪社区", 1200, 3900, 88, 500.0, 40.0, 9, 9),
    ]


def test_invisible_characters_in_a_csv_header_names_months_and_dates(tmp_path: Path, csv_path: str) -> None:
    db, result = load(tmp_path, VALUES / "invisible_monthly.csv")
    assert counts(result) == ("partial", 3, 2, 1)
    assert rows(db, MONTHLY) == [
        ("东北社区", "2022-07-01", "2022-08-05", 1466, 5140, 150, 20, 19),
        ("临江社区", "2022-07-01", "2022-08-06", 980, 3010, 95, 12, 12),
    ]
    # a reason quoting a cell writes its invisible characters out
    assert rows(db, QUARANTINE) == [
        (
            "invisible_monthly.csv",
            4,
            "村(社区) '东南社区<U+200B>' 不在名录中 / not in the registry；"
            "户数 '约<U+200B>300' 不是整数 / households is not a whole number",
        )
    ]
    [(original,)] = rows(db, "SELECT original FROM quarantine")
    assert json.loads(original)["户\u2060数"] == "约\u200b300"  # the original keeps the cell as it was


def test_invisible_characters_in_text_keys_categories_and_headers_of_another_kind(tmp_path: Path) -> None:
    db, result = load(tmp_path, VALUES / "invisible_activity.xlsx")
    assert counts(result) == ("loaded", 2, 2, 0)
    got = rows(
        db,
        "SELECT strftime(activity_date, '%Y-%m-%d'), community_name, activity_name, service_category, participants,"
        " hours FROM volunteer_activity ORDER BY activity_date",
    )
    assert got == [
        ("2022-07-02", "东北社区", "义诊", "便民服务", 1200, 2400.5),
        ("2022-07-03", "东北社区", "防汛 巡查", "平安服务", 44, 88.0),
    ]


def test_one_text_normal_form_for_headers_and_one_way_to_show_invisible_characters() -> None:
    assert header_key("\ufeff报告月份") == header_key("报告\u200b月份 ") == header_key("报告月份")
    assert visible("1\u00a0800\u200b") == "1 800"
    assert escaped("1\u200b50\ufeff") == "1<U+200B>50<U+FEFF>"


# --- Excel error values and formulas without a result -----------------------------------------


def test_error_values_in_number_cells_set_the_row_aside(tmp_path: Path) -> None:
    db, result = load(tmp_path, CASES / "10b_error_values_only_in_number_cells.xlsx")
    assert counts(result) == ("partial", 2, 1, 1)
    assert rows(db, "SELECT community_name, volunteer_hours, requests_resolved FROM community_month") == [
        ("临江社区", 60.0, 12)
    ]
    assert rows(db, QUARANTINE) == [
        (
            "月度指标",
            3,
            "志愿服务时长(小时) 为 Excel 错误值 #REF!，请改正公式后重新报送 / volunteer_hours is an Excel error value；"
            "诉求办结数 为 Excel 错误值 #DIV/0!，请改正公式后重新报送 / requests_resolved is an Excel error value",
        )
    ]


def test_errors_and_unsaved_formulas_in_any_column_of_any_kind(tmp_path: Path) -> None:
    """openpyxl's formulas (no saved result), #N/A as a community name and as a category, #VALUE!
    as a date, #SPILL! (calamine refuses the sheet for it), and a formula-only row below the data."""
    db, result = load(tmp_path, VALUES / "errors.xlsx")
    assert counts(result) == ("partial", 7, 2, 5)
    assert rows(db, "SELECT community_name, population FROM community_month") == [("鹤坡社区", 3000)]
    assert rows(db, "SELECT case_id FROM request_case") == [("20220001",)]
    assert rows(db, QUARANTINE) == [
        (
            "月度指标",
            2,
            "常住人口 '=E2*3' 是公式，文件中没有它的计算结果（请用 Excel 打开、保存后重新报送）"
            " / population is a formula saved without its result",
        ),
        (
            "月度指标",
            3,
            "诉求受理数 为 Excel 错误值 #N/A，请改正公式后重新报送 / requests_received is an Excel error value",
        ),
        ("月度指标", 4, "村(社区) 为 Excel 错误值 #N/A，请改正公式后重新报送 / community_name is an Excel error value"),
        (
            "月度指标",
            5,
            "党员人数 为 Excel 错误值 #SPILL!，请改正公式后重新报送 / party_members is an Excel error value；"
            "诉求办结数 为 Excel 错误值 #DIV/0!，请改正公式后重新报送 / requests_resolved is an Excel error value",
        ),
        (
            "民情诉求",
            3,
            "受理日期 为 Excel 错误值 #VALUE!，请改正公式后重新报送 / received_on is an Excel error value；"
            "诉求类别 为 Excel 错误值 #N/A，请改正公式后重新报送 / category is an Excel error value",
        ),
    ]
    [(original,)] = rows(db, "SELECT original FROM quarantine WHERE row_number = 2 AND sheet = '月度指标'")
    assert json.loads(original)["常住人口"] == "=E2*3"


def test_error_cells_of_an_old_xls(tmp_path: Path) -> None:
    """.xls error cells (BOOLERR) and a formula whose saved result is #DIV/0!; calamine reads both as blank."""
    db, result = load(tmp_path, VALUES / "errors.xls")
    assert counts(result) == ("partial", 4, 1, 3)
    assert rows(db, "SELECT community_name, population, party_members FROM community_month") == [("白溪社区", 3000, 90)]
    assert rows(db, QUARANTINE) == [
        ("月度指标", 2, "常住人口 为 Excel 错误值 #DIV/0!，请改正公式后重新报送 / population is an Excel error value"),
        ("月度指标", 3, "党员人数 为 Excel 错误值 #REF!，请改正公式后重新报送 / party_members is an Excel error value"),
        ("月度指标", 5, "常住人口 为 Excel 错误值 #DIV/0!，请改正公式后重新报送 / population is an Excel error value"),
    ]


def test_error_values_and_formulas_exported_to_csv(tmp_path: Path, csv_path: str) -> None:
    db, result = load(tmp_path, VALUES / "errors_monthly.csv")
    assert counts(result) == ("partial", 5, 1, 4)
    assert rows(db, "SELECT community_name FROM community_month") == [("鹤坡社区",)]
    sheet = "errors_monthly.csv"
    assert rows(db, QUARANTINE) == [
        (sheet, 2, "常住人口 为 Excel 错误值 #N/A，请改正公式后重新报送 / population is an Excel error value"),
        (
            sheet,
            3,
            "填报日期 为 Excel 错误值 #VALUE!，请改正公式后重新报送 / reported_on is an Excel error value；"
            "诉求受理数 为 Excel 错误值 Err:502，请改正公式后重新报送 / requests_received is an Excel error value",
        ),
        (
            sheet,
            4,  # a CSV holds the formula's text and never a result: no "open it in Excel"
            "常住人口 '=E4*3' 是公式，CSV 文件中只有公式文本、没有计算结果（请改填数值后重新报送）"
            " / population is a formula: a CSV file holds its text, not its result (type the value)",
        ),
        (sheet, 5, "报告月份 为 Excel 错误值 #REF!，请改正公式后重新报送 / month is an Excel error value"),
    ]


# --- months and dates -------------------------------------------------------------------------

AMBIGUOUS_2022_1 = (
    "报告月份 '2022.1' 不明确：是 2022年1月还是 2022年10月？请写作 2022-01 或 2022-10"
    " / month is ambiguous: January or October?"
)


def test_excel_serials_in_a_month_column_are_the_first_of_their_month(tmp_path: Path) -> None:
    db, result = load(tmp_path, CASES / "13_month_excel_serial.xlsx")
    assert counts(result) == ("loaded", 4, 4, 0)
    assert rows(db, "SELECT community_name, strftime(month, '%Y-%m-%d') FROM community_month ORDER BY 1") == [
        ("东北社区", "2022-07-01"),
        ("临江社区", "2022-07-01"),
        ("平山社区", "2022-07-01"),
        ("白溪社区", "2022-07-01"),
    ]


def test_office_spellings_of_a_month_load_and_2022_1_is_set_aside(tmp_path: Path) -> None:
    db, result = load(tmp_path, CASES / "14_month_office_spellings.xlsx")
    assert counts(result) == ("partial", 7, 5, 2)
    got = rows(db, "SELECT source_row, community_name, strftime(month, '%Y-%m') FROM community_month ORDER BY 1")
    assert got == [
        (3, "东北社区", "2022-07"),  # 2022.7
        (4, "临江社区", "2022-07"),  # 22年7月
        (5, "白溪社区", "2022-07"),  # 2022年7月份
        (8, "黄堰社区", "2022-07"),  # 二〇二二年七月
        (9, "凤井社区", "2022-07"),  # 2022-7月
    ]
    assert rows(db, QUARANTINE) == [
        ("月度指标", 6, AMBIGUOUS_2022_1),  # the number 2022.1
        # 2022年10月 read as October — and its 填报日期 is in August: the month or the date is wrong
        ("月度指标", 7, "填报日期 2022-08-05 早于报告月份 2022-10 / reported_on is before month"),
    ]


def test_months_and_report_dates_in_a_csv(tmp_path: Path, csv_path: str) -> None:
    db, result = load(tmp_path, VALUES / "months_monthly.csv")
    assert counts(result) == ("partial", 8, 7, 1)
    got = rows(
        db,
        "SELECT community_name, strftime(month, '%Y-%m-%d'), strftime(reported_on, '%Y-%m-%d') "
        "FROM community_month ORDER BY source_row",
    )
    assert got == [
        ("东北社区", "2022-07-01", "2022-08-05"),  # 44743; 填报日期 44778
        ("临江社区", "2022-07-01", "2022-08-05"),  # 44757.5; 2022年8月5日
        ("平山社区", "2022-10-01", "2022-11-05"),  # 2022.10; 22年11月5日
        ("鹤坡社区", "2022-07-01", "2022-08-05"),  # 22年7月; 2022/8/5
        ("黄堰社区", "2022-08-01", "2022-08-05"),  # 二〇二二年八月; 20220805
        ("凤井社区", "2022-09-01", "2022-10-05"),  # 2022年9月份; 44839.75
        ("黄桥社区", "2022-07-01", "2022-08-05"),  # 2022.7; 2022-8-5
    ]
    assert rows(db, QUARANTINE) == [("months_monthly.csv", 4, AMBIGUOUS_2022_1)]


def test_dates_of_projects_activities_and_requests_as_serials_and_in_chinese(tmp_path: Path) -> None:
    db, result = load(tmp_path, VALUES / "dates.xlsx")
    assert counts(result) == ("partial", 9, 8, 1)
    day = "strftime({}, '%Y-%m-%d')"
    assert rows(
        db,
        f"SELECT {day.format('completed_on')}, community_name, project_type FROM service_center_project "
        "ORDER BY source_row",
    ) == [
        ("2022-07-15", "东北社区", "新建"),  # the number 44757
        ("2022-07-15", "东北社区", "改扩建"),  # 44757.5: a serial with a time of day
        ("2022-07-20", "临江社区", "新建"),  # 二〇二二年七月二十日
        ("2022-07-31", "临江社区", "改扩建"),  # 22年7月31日
    ]
    assert rows(db, f"SELECT {day.format('activity_date')}, activity_name FROM volunteer_activity ORDER BY 2") == [
        ("2022-10-02", "敬老院慰问"),  # the text 44836
        ("2022-10-02", "疫情防控卡点值守"),  # 二〇二二年十月二日
    ]
    got = rows(
        db, f"SELECT case_id, {day.format('received_on')}, {day.format('resolved_on')} FROM request_case ORDER BY 1"
    )
    assert got == [("20220101", "2022-07-01", "2022-07-03"), ("20220102", "2022-07-01", "2022-07-12")]
    assert rows(db, QUARANTINE) == [
        ("阵地建设", 6, "完成日期 '2022.7' 不是有效日期 / completed_on is not a valid date")
    ]


def test_an_error_value_in_a_text_key_or_a_yes_no_column_is_no_value(tmp_path: Path) -> None:
    """#N/A is the only reason a row gets: it is not a case number that another row duplicates,
    nor a yes/no that fails its own check; the other kinds' text and yes/no columns likewise."""
    requests = tmp_path / "requests.csv"
    requests.write_text(
        "诉求编号,受理日期,村(社区),诉求类别,来源,办结日期,是否按时办结,回访结果\n"
        "#N/A,2024-03-02,东北社区,便民服务,电话,,,\n"
        "#N/A,2024-03-03,东北社区,便民服务,电话,,,\n"
        "XZ-9,2024-03-04,东北社区,便民服务,电话,2024-03-05,#VALUE!,满意\n",
        encoding="utf-8",
    )
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "报告月份,村(社区),小区名称,是否建立党组织\n2024-03,东北社区,#REF!,是\n2024-03,东北社区,锦绣花园,#N/A\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    load_paths([requests, roster], db=db)
    reasons = [r[0] for r in rows(db, "SELECT reason FROM quarantine ORDER BY file, row_number")]
    assert len(reasons) == 5
    assert all("Excel 错误值" in r and "重复" not in r and "REASON" not in r for r in reasons), reasons
    assert sum("诉求编号" in r for r in reasons) == 2 and sum("是否按时办结" in r for r in reasons) == 1
