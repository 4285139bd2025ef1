"""One bad file never sinks a batch (issue 11.1): a file that breaks the reader, one whose
checking fails (an injected DuckDB out-of-memory), and a full disk at the swap. Each file is
loaded or rejected on its own with a reason; the traceback goes to the incident log, never the
screen; the JSON summary is always printed; exit 2 only when the warehouse itself cannot be
written, and then the live warehouse is exactly as it was."""

from __future__ import annotations

import csv
import errno
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from core import incidents
from core.paths import REFERENCE
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


def _out_of_memory_checking(monkeypatch: pytest.MonkeyPatch, bad: str) -> list[int]:
    """DuckDB runs out of memory in every checking pass that holds the file named `bad`; returns
    the number of sheets of each pass, as they run."""
    real, passes = load.stage, []

    def stage(con, kind, sheets, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        passes.append(len(sheets))
        if any(name == bad for _, name, *_ in sheets):
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB")
        return real(con, kind, sheets, *args, **kw)

    monkeypatch.setattr(load, "stage", stage)
    return passes


@pytest.fixture
def out_of_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB runs out of memory while checking c_out_of_memory.csv (and only that file)."""
    _out_of_memory_checking(monkeypatch, "c_out_of_memory.csv")


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


def test_a_bad_file_among_many_is_found_by_halving_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """33 files in one batch, one of which breaks the shared checking pass: the other 32 load,
    the bad one is rejected with an incident id, and finding it re-stages halves of the batch
    (about 2·log2(33) passes) rather than each of the 33 files again."""
    with (REFERENCE / "communities.csv").open(encoding="utf-8") as f:
        units = [(r["town_name"], r["community_name"]) for r in csv.DictReader(f)][:33]
    files = tmp_path / "files"
    files.mkdir()
    for n, (town, name) in enumerate(units):
        (files / f"{n:02d}.csv").write_text(HEADER + f"2024-03,{town},{name},1000,10,9\n", encoding="utf-8")
    bad = "17.csv"
    passes = _out_of_memory_checking(monkeypatch, bad)
    results = {Path(r.path).name: r for r in load_paths([files], db=tmp_path / "w.duckdb")}
    assert {n for n, r in results.items() if r.status == "loaded"} == {f"{n:02d}.csv" for n in range(33)} - {bad}
    assert results[bad].status == "rejected" and "编号" in results[bad].message
    assert passes[0] == 33 and len(passes) <= 2 * 6 + 1  # 33 passes when each file was re-staged alone


# --- files applied together (one transaction per batch for files that replace nothing) --------


def test_a_file_that_fails_inside_a_shared_transaction_is_rejected_alone(
    batch: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three new files go into one transaction; writing c_out_of_memory.csv fails there. The
    transaction is rolled back and the files applied one by one: the other two load, the bad one
    is rejected with an incident id, and nothing of it is stored."""
    batch["huge"].unlink()
    real = load._apply

    def failing(con, kind, files, *args):  # noqa: ANN001, ANN002, ANN202
        if any(f.p.name.endswith("c_out_of_memory.csv") for f in files):
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        return real(con, kind, files, *args)

    monkeypatch.setattr(load, "_apply", failing)
    db = tmp_path / "w.duckdb"
    results = {Path(r.path).name: r for r in load_paths([batch["good"].parent], db=db)}
    assert {n: (r.status, r.rows_loaded) for n, r in results.items()} == {
        "a_good.csv": ("loaded", 1),
        "c_out_of_memory.csv": ("rejected", 0),
        "d_good.csv": ("loaded", 1),
    }
    assert "编号" in results["c_out_of_memory.csv"].message
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT community_name FROM community_month ORDER BY community_name").fetchall()
    logged = con.execute("SELECT path, status FROM load_log ORDER BY path").fetchall()
    quarantined = con.execute("SELECT file, row_number FROM quarantine").fetchall()
    con.close()
    assert stored == [("东北社区",), ("华堂村",)]
    assert [(Path(p).name, s) for p, s in logged] == [
        ("a_good.csv", "loaded"),
        ("c_out_of_memory.csv", "rejected"),
        ("d_good.csv", "loaded"),
    ]
    assert [(Path(f).name, r) for f, r in quarantined] == [("c_out_of_memory.csv", None)]


def _contents(db: Path) -> dict[str, list[tuple]]:
    """Every row the load wrote (the load log without its clock time), sorted."""
    from core.contract import KINDS

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = ["etl_quarantine", "etl_correction", *(k.table for k in KINDS)]
        out = {t: sorted(con.execute(f"FROM {t}").fetchall(), key=repr) for t in tables}  # noqa: S608
        out["etl_load"] = sorted(con.execute("SELECT * EXCLUDE (loaded_at) FROM etl_load").fetchall(), key=repr)
        return out
    finally:
        con.close()


def _result(r: load.FileResult) -> dict[str, object]:
    """A file's result without the clock time an "already loaded" message quotes (the two loads
    may straddle a minute)."""
    out = r.as_dict()
    out["message"] = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "<time>", str(out["message"]))
    return out


def test_files_applied_together_write_what_files_applied_one_by_one_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A month of the sample county with its correction (45 files) and the test reports (bad rows,
    duplicates, a resubmission that replaces rows), loaded in batches and one file per batch:
    the same results and the same rows, lineage, quarantine, corrections and load ids."""
    root = Path(__file__).resolve().parents[2]
    paths = [root / "data" / "sample" / "2022" / "2022-08", root / "tests" / "files" / "load"]
    together = load_paths(paths, db=tmp_path / "together.duckdb")
    monkeypatch.setattr(load, "BATCH_FILES", 1)
    alone = load_paths(paths, db=tmp_path / "alone.duckdb")
    assert [_result(r) for r in together] == [_result(r) for r in alone]
    assert sum(r.rows_replaced for r in together) > 0 and sum(r.rows_quarantined for r in together) > 0
    assert _contents(tmp_path / "together.duckdb") == _contents(tmp_path / "alone.duckdb")


DATED = "报告月份,乡镇(街道),村(社区),填报日期,户数,诉求受理数,诉求办结数\n"


def test_files_that_replace_stored_rows_are_applied_together_as_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two townships' January reports are stored; then one call brings 新政镇's correction (a
    later 填报日期: its row replaces, three values changed), 金城镇's stale copy (an earlier 填报日期:
    set aside as older), one undated row replacing a stored one (a note) and a new month. They
    share no key, so they go into one transaction, and store exactly what one file per
    transaction stores: results, rows, corrections, quarantine, load log."""
    first = tmp_path / "first"
    first.mkdir()
    (first / "a_xinzheng.csv").write_text(
        DATED + "2024-01,新政镇,东北社区,2024-02-05,3000,40,38\n2024-01,新政镇,临江社区,2024-02-05,2000,20,20\n",
        encoding="utf-8",
    )
    (first / "b_jincheng.csv").write_text(
        DATED + "2024-01,金城镇,金新社区,2024-02-10,1000,20,20\n2024-01,金城镇,华堂村,,500,10,9\n", encoding="utf-8"
    )
    second = tmp_path / "second"
    second.mkdir()
    (second / "c_xinzheng_更正.csv").write_text(
        DATED + "2024-01,新政镇,东北社区,2024-02-20,3050,41,38\n", encoding="utf-8"
    )
    (second / "d_jincheng_旧.csv").write_text(
        DATED + "2024-01,金城镇,金新社区,2024-02-01,999,19,19\n", encoding="utf-8"
    )
    (second / "e_huatang.csv").write_text(DATED + "2024-01,金城镇,华堂村,,510,10,9\n", encoding="utf-8")
    (second / "f_february.csv").write_text(DATED + "2024-02,新政镇,东北社区,2024-03-05,3050,30,30\n", encoding="utf-8")
    groups: list[list[str]] = []
    real = load._apply_files

    def spy(con, files, *args):  # noqa: ANN001, ANN002, ANN202
        groups.append(sorted(Path(f.p.name).name for f in files))
        return real(con, files, *args)

    monkeypatch.setattr(load, "_apply_files", spy)
    today = date(2024, 6, 1)
    load_paths([first], db=tmp_path / "together.duckdb", today=today)
    load_paths([first], db=tmp_path / "alone.duckdb", today=today)
    groups.clear()
    together = load_paths([second], db=tmp_path / "together.duckdb", today=today)
    assert ["c_xinzheng_更正.csv", "d_jincheng_旧.csv", "e_huatang.csv", "f_february.csv"] in groups
    monkeypatch.setattr(load, "BATCH_FILES", 1)
    alone = load_paths([second], db=tmp_path / "alone.duckdb", today=today)
    by_name = {Path(r.path).name: r for r in together}
    assert (by_name["c_xinzheng_更正.csv"].rows_replaced, by_name["c_xinzheng_更正.csv"].values_changed) == (1, 3)
    assert (
        by_name["d_jincheng_旧.csv"].status == "rejected" and "比已装载的数据旧" in by_name["d_jincheng_旧.csv"].message
    )
    assert [n["code"] for n in by_name["e_huatang.csv"].notes] == ["undated_replace"]
    assert [_result(r) for r in together] == [_result(r) for r in alone]
    assert _contents(tmp_path / "together.duckdb") == _contents(tmp_path / "alone.duckdb")
