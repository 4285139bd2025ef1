"""Reference data is never silently truncated (issue 11.7): the registry is data in the
warehouse. A routine load never deletes or rewrites it — a warehouse seeded with other counties
keeps them when loaded without the extension — and `python -m etl registry update` adds and
updates by code from division-code files, never removing anything."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from core.paths import REFERENCE
from etl.load import load_paths
from tests.etl.test_cli import etl

OTHER_TOWN = {"town_code": "511302001000", "town_name": "示例街道", "town_type": "街道"}
OTHER_COMMUNITY = {
    "community_code": "511302001001",
    "community_name": "示例社区",
    "town_code": "511302001000",
    "community_type": "社区",
    "group_name": "",
    "urban": "true",
    "synthetic": "true",
    "aliases": "",
}


def _write(folder: Path, towns: list[dict], communities: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("towns.csv", towns), ("communities.csv", communities)):
        header = (REFERENCE / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=header)
            w.writeheader()
            w.writerows(rows)
    return folder


def _registry(db: Path) -> tuple[int, int, set[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        towns = con.execute("SELECT COUNT(*) FROM ref_town").fetchall()[0][0]
        names = {r[0] for r in con.execute("SELECT community_name FROM ref_community").fetchall()}
        return towns, len(names), names
    finally:
        con.close()


def _report(tmp_path: Path) -> Path:
    f = tmp_path / "r.csv"
    f.write_text("报告月份,乡镇(街道),村(社区),户数\n2024-03,新政镇,东北社区,3000\n", encoding="utf-8")
    return f


def test_a_load_without_the_extension_keeps_the_other_counties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = _write(tmp_path / "other", [OTHER_TOWN], [OTHER_COMMUNITY])
    db = tmp_path / "province.duckdb"
    monkeypatch.setenv("OVERSIGHT_REGISTRY_EXTRA", str(extra))
    load_paths([_report(tmp_path)], db=db)
    seeded = _registry(db)
    assert "示例社区" in seeded[2]

    monkeypatch.delenv("OVERSIGHT_REGISTRY_EXTRA")
    load_paths([_report(tmp_path)], db=db)  # a routine load, without the variable
    assert _registry(db) == seeded


def test_registry_update_adds_and_renames_by_code_and_never_removes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_paths([_report(tmp_path)], db=db)
    towns, n, names = _registry(db)
    renamed = dict(OTHER_COMMUNITY, community_name="示例社区（新名）")
    first = _write(tmp_path / "a", [OTHER_TOWN], [OTHER_COMMUNITY])
    second = _write(tmp_path / "b", [OTHER_TOWN], [renamed])
    env_db = ["--db", str(db), "--json"]

    run = etl("registry", "update", str(first), *env_db)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {
        "towns_added": 1,
        "towns_updated": 0,
        "communities_added": 1,
        "communities_updated": 0,
    }
    run = etl("registry", "update", str(second), *env_db)
    assert json.loads(run.stdout) == {
        "towns_added": 0,
        "towns_updated": 0,
        "communities_added": 0,
        "communities_updated": 1,
    }
    run = etl("registry", "update", str(second), *env_db)  # again: nothing changes
    assert json.loads(run.stdout)["communities_updated"] == 0

    after = _registry(db)
    assert after[0] == towns + 1 and after[1] == n + 1  # a one-county folder never shrinks the registry
    assert "示例社区（新名）" in after[2] and "示例社区" not in after[2] and names <= after[2]


def test_a_folder_without_the_files_is_refused(tmp_path: Path) -> None:
    run = etl("registry", "update", str(tmp_path), "--db", str(tmp_path / "w.duckdb"))
    assert run.returncode == 2 and "missing registry file" in run.stderr
    assert not (tmp_path / "w.duckdb").exists()  # nothing was written
