"""Keys scoped as they are unique in practice (issue 11.4): a 诉求编号 is issued by a township's own
system, so another township reusing it is set aside with a reason — never a takeover of the
first township's case. The other report kinds' keys begin with the community code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from core.contract import KINDS
from etl.load import load_paths

HEADER = "诉求编号,受理日期,村(社区),诉求类别,来源,办结日期,是否按时办结,回访结果\n"


def _cases(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _stored(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT case_id, town_name, community_name, resolved_on FROM request_case ORDER BY case_id, town_name"
        ).fetchall()
    finally:
        con.close()


def test_another_township_reusing_a_case_number_is_set_aside(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    xinzheng = _cases(tmp_path / "新政镇.csv", "XZ-2024-001,2024-03-02,东北社区,便民服务,电话,2024-03-05,是,满意")
    load_paths([xinzheng], db=db)
    jincheng = _cases(
        tmp_path / "金城镇.csv",
        "XZ-2024-001,2024-03-09,金新社区,平安服务,网格,,,",
        "JC-2024-007,2024-03-10,金新社区,平安服务,网格,,,",
    )
    (r,) = load_paths([jincheng], db=db)
    assert (r.status, r.rows_loaded, r.rows_quarantined, r.rows_replaced) == ("partial", 1, 1, 0)
    assert r.reasons[0]["reason"].startswith("诉求编号 'XZ-2024-001' 已是新政镇的案件")
    stored = _stored(db)
    assert ("XZ-2024-001", "新政镇", "东北社区") == stored[1][:3] and str(stored[1][3]) == "2024-03-05"
    assert [s[0] for s in stored] == ["JC-2024-007", "XZ-2024-001"]


def test_within_one_township_a_correction_still_replaces(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_cases(tmp_path / "a.csv", "XZ-2024-002,2024-03-02,东北社区,便民服务,电话,,,")], db=db)
    (r,) = load_paths(
        [_cases(tmp_path / "b.csv", "XZ-2024-002,2024-03-02,临江社区,便民服务,电话,2024-03-06,是,满意")], db=db
    )
    assert (r.status, r.rows_replaced) == ("loaded", 1)
    assert _stored(db) == [("XZ-2024-002", "新政镇", "临江社区", date(2024, 3, 6))]


def test_two_townships_in_one_load_the_first_file_keeps_the_number(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = _cases(tmp_path / "1_新政镇.csv", "N-1,2024-03-02,东北社区,便民服务,电话,,,")
    second = _cases(tmp_path / "2_金城镇.csv", "N-1,2024-03-03,金新社区,便民服务,电话,,,")
    a, b = load_paths([first, second], db=db)
    assert (a.status, b.status, b.rows_quarantined) == ("loaded", "rejected", 1)
    assert "已是新政镇的案件" in b.reasons[0]["reason"]
    assert [s[:2] for s in _stored(db)] == [("N-1", "新政镇")]


def test_every_other_kind_is_keyed_within_a_community() -> None:
    for kind in KINDS:
        assert kind.key_owned_by_town or kind.key[0] == "community_code", kind.name
