"""One bad file never sinks a batch (issue 11.1): a file that breaks the reader, one whose
checking fails (an injected DuckDB out-of-memory), and a full disk at the swap. Each file is
loaded or rejected on its own with a reason; the traceback goes to the incident log, never the
screen; the JSON summary is always printed; exit 2 only when the warehouse itself cannot be
written, and then the live warehouse is exactly as it was."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import duckdb
import pytest

from core import incidents
from etl import load, warehouse
from etl.__main__ import main
from etl.load import load_paths
from etl.warehouse import WarehouseError

HEADER = "报告月份,乡镇(街道),村(社区),户数,诉求受理数,诉求办结数\n"


@pytest.fixture
def batch(tmp_path: Path) -> dict[str, Path]:
    files = tmp_path / "files"
    files.mkdir()
    good = files / "a_good.csv"
    good.write_text(HEADER + "2024-03,新政镇,东北社区,3000,100,95\n", encoding="utf-8")
    huge = files / "b_huge_cell.csv"  # a 200,000-character cell: over Python's csv field limit
    huge.write_text(HEADER + "2024-03,新政镇,临江社区," + "9" * 200_000 + ",50,40\n", encoding="utf-8")
    oom = files / "c_out_of_memory.csv"
    oom.write_text(HEADER + "2024-03,金城镇,金新社区,1000,20,20\n", encoding="utf-8")
    also_good = files / "d_good.csv"
    also_good.write_text(HEADER + "2024-03,金城镇,华堂村,500,10,9\n", encoding="utf-8")
    return {"good": good, "huge": huge, "oom": oom, "also_good": also_good}


@pytest.fixture
def out_of_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB runs out of memory while checking c_out_of_memory.csv (and only that file)."""
    real = load.stage

    def stage(con, kind, sheets, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        if any(name == "c_out_of_memory.csv" for _, name, *_ in sheets):
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB")
        return real(con, kind, sheets, *args, **kw)

    monkeypatch.setattr(load, "stage", stage)


def test_each_file_is_loaded_or_rejected_on_its_own(batch: dict[str, Path], tmp_path: Path, out_of_memory) -> None:  # noqa: ANN001
    db = tmp_path / "w.duckdb"
    results = {Path(r.path).name: r for r in load_paths([batch["good"].parent], db=db)}
    assert (results["a_good.csv"].status, results["d_good.csv"].status) == ("loaded", "loaded")
    huge = results["b_huge_cell.csv"]
    assert (
        huge.status == "rejected" and "单元格最多 32,767 个字符" in huge.message
    )  # refused before parsing (core.settings)
    oom = results["c_out_of_memory.csv"]
    assert oom.status == "rejected" and "编号" in oom.message and "Traceback" not in oom.message
    incident = oom.message.split("编号 ")[1][:8]
    log = incidents.log_file(db).read_text(encoding="utf-8")
    assert f"incident {incident}" in log and "OutOfMemoryException" in log and "Traceback" in log

    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT community_name FROM community_month ORDER BY community_name").fetchall()
    logged = con.execute("SELECT status, COUNT(*) FROM load_log GROUP BY status ORDER BY status").fetchall()
    con.close()
    assert stored == [("东北社区",), ("华堂村",)]
    assert logged == [("loaded", 2), ("rejected", 2)]


def test_the_cli_prints_json_and_exits_1_when_files_are_rejected(
    batch: dict[str, Path],
    tmp_path: Path,
    out_of_memory,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    code = main(["load", str(batch["good"].parent), "--db", str(tmp_path / "w.duckdb"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [f["status"] for f in out["files"]] == ["loaded", "rejected", "rejected", "loaded"]
    assert out["totals"]["rows_loaded"] == 2


def test_a_full_disk_at_the_swap_leaves_the_warehouse_as_it_was(
    batch: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([batch["good"]], db=db)
    before = db.read_bytes()

    def no_space(src, dst):  # noqa: ANN001, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(warehouse.os, "replace", no_space)
    with pytest.raises(WarehouseError, match="磁盘空间不足"):
        load_paths([batch["also_good"]], db=db)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("w.duckdb.next-*"))

    code = main(["load", str(batch["also_good"]), "--db", str(db), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    out = json.loads(captured.out)
    assert out["files"] == [] and "磁盘空间不足" in out["error"]
    assert "Traceback" not in captured.err
