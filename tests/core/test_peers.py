"""Peer groups and the minimum-case rule: one definition, read by the arena and the bulletin."""

import duckdb
import pytest

from core import peers, settings


def test_peer_sql_groups_registry_rows_by_its_own_columns():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE community AS SELECT * FROM (VALUES "
        "('a', '社区', true), ('b', '村', false), ('c', '社区', false)) t(code, community_type, urban)"
    )
    for name, want in (("type", ["社区", "村", "社区"]), ("urban", [True, False, False]), ("none", ["all"] * 3)):
        expr = peers.peer_sql(peers.community_rule(name), "c")
        got = [r[0] for r in con.execute("SELECT " + expr + " FROM community c ORDER BY code").fetchall()]
        assert got == want, name


def test_labels_in_both_languages_and_unknown_rules_refused():
    assert peers.community_rule("type").label("村") == "村"
    assert peers.community_rule("urban").label(False, "en") == "Rural"
    assert peers.TOWN_RULE.label("街道", "en") == "Subdistrict"
    with pytest.raises(ValueError, match="unknown peer rule"):
        peers.community_rule("x; DROP TABLE")


def test_min_cases_from_the_environment(monkeypatch):
    monkeypatch.delenv("OVERSIGHT_MIN_CASES", raising=False)
    assert settings.min_cases() == 10
    monkeypatch.setenv("OVERSIGHT_MIN_CASES", "30")
    assert settings.min_cases() == 30
    monkeypatch.setenv("OVERSIGHT_MIN_CASES", "many")
    assert settings.min_cases() == 10
