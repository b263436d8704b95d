"""Connection fixture of test_postgresql.py with psycopg: a fresh schema of its own per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

SCHEMA = "flash_py_psycopg"


@pytest.fixture
def conn() -> Iterator[psycopg.Connection[Any]]:
    url = os.environ["FLASH_TEST_PG_URL"]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        admin.execute(f"CREATE SCHEMA {SCHEMA}")
    c = psycopg.connect(url, autocommit=True, options=f"-c search_path={SCHEMA}")
    with open(os.environ["FLASH_PY_SCHEMA"], encoding="utf-8") as f:
        c.execute(f.read().encode())
    yield c
    c.close()


def scalar(conn: Any, sql: str) -> Any:
    """One value from another connection (proves the write was committed)."""
    with psycopg.connect(os.environ["FLASH_TEST_PG_URL"], options=f"-c search_path={SCHEMA}") as other:
        row = other.execute(sql.encode()).fetchone()
        return None if row is None else row[0]
