"""Connection fixture of test_sqlite.py with sqlite3: a temporary database file, opened in
sqlite3's default (implicit transaction) mode so that the generated code's commits are tested."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_PATH: list[Path] = []


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    path = tmp_path / "test.db"
    _PATH[:] = [path]
    c = sqlite3.connect(path)
    c.execute("PRAGMA foreign_keys = ON")
    with open(os.environ["FLASH_PY_SCHEMA"], encoding="utf-8") as f:
        c.executescript(f.read())
    yield c
    c.close()


def scalar(conn: Any, sql: str) -> Any:
    """One value from another connection (proves the write was committed)."""
    other = sqlite3.connect(_PATH[0])
    try:
        row = other.execute(sql).fetchone()
        return None if row is None else row[0]
    finally:
        other.close()
