"""Named weight presets, kept in a JSON file next to the warehouse (the dashboard may not write
the warehouse: the ETL swaps it atomically). Writes are locked and atomic, so two officials
saving at once lose nothing and a crash never leaves half a file."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from core.paths import db_path
from oversight.arena.indicators import INDICATORS
from oversight.arena.scoring import METHODS, Method, check_weights


def presets_path() -> Path:
    """$OVERSIGHT_SETTINGS (a folder, or a .json file), else `settings/arena_presets.json` in the
    warehouse's folder ($OVERSIGHT_DB's, else data/)."""
    env = os.environ.get("OVERSIGHT_SETTINGS")
    if env:
        p = Path(env)
        return p if p.suffix == ".json" else p / "arena_presets.json"
    return db_path().parent / "settings" / "arena_presets.json"


def load_presets(path: Path | None = None) -> dict[str, dict]:
    """Saved presets, name → {"weights": {key: points}, "method": …, "saved_at": …}. A missing or
    unreadable file is no presets (an unreadable one is not overwritten silently: see save)."""
    path = path or presets_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    presets = data.get("presets", {}) if isinstance(data, dict) else {}
    return {str(k): v for k, v in presets.items() if isinstance(v, dict) and isinstance(v.get("weights"), dict)}


@contextlib.contextmanager
def _locked(path: Path):  # noqa: ANN202
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write_atomic(path: Path, presets: dict[str, dict]) -> None:
    text = json.dumps({"version": 1, "presets": presets}, ensure_ascii=False, indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_preset(name: str, weights: Mapping[str, float], method: Method, path: Path | None = None) -> None:
    """Save (or replace) the preset `name`. Read-modify-write under a lock file, written to a
    temporary file and swapped in with os.replace, so two officials saving at once lose nothing
    and a crash never leaves half a file."""
    name = name.strip()
    if not name:
        raise ValueError("preset name is empty")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    clean = check_weights(weights)
    path = path or presets_path()
    with _locked(path):
        presets = load_presets(path)
        presets[name] = {"weights": clean, "method": method, "saved_at": datetime.now().isoformat(timespec="seconds")}
        _write_atomic(path, presets)


def delete_preset(name: str, path: Path | None = None) -> None:
    path = path or presets_path()
    with _locked(path):
        presets = load_presets(path)
        if presets.pop(name, None) is not None:
            _write_atomic(path, presets)


def preset_weights(preset: Mapping[str, object]) -> dict[str, float]:
    """A preset's weights for today's indicators: unknown keys dropped, new indicators at 0."""
    saved = preset.get("weights", {})
    assert isinstance(saved, Mapping)
    return {i.key: float(saved.get(i.key, 0.0)) for i in INDICATORS}
