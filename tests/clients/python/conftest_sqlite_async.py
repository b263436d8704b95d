"""Connection fixture of test_sqlite.py with aiosqlite: a temporary database file, opened in
sqlite3's default (implicit transaction) mode so that the generated code's commits are tested."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest_asyncio

_PATH: list[Path] = []


@pytest_asyncio.fixture
async def conn(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    path = tmp_path / "test.db"
    _PATH[:] = [path]
    c = await aiosqlite.connect(path)
    await c.execute("PRAGMA foreign_keys = ON")
    with open(os.environ["FLASH_PY_SCHEMA"], encoding="utf-8") as f:
        await c.executescript(f.read())
    yield c
    await c.close()


async def scalar(conn: Any, sql: str) -> Any:
    """One value from another connection (proves the write was committed)."""
    other = sqlite3.connect(_PATH[0])
    try:
        row = other.execute(sql).fetchone()
        return None if row is None else row[0]
    finally:
        other.close()
