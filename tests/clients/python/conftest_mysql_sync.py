"""Connection fixture of test_mysql.py with PyMySQL: a fresh database of its own per test."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pymysql  # type: ignore[import-untyped, unused-ignore]
import pytest

DATABASE = "flash_py_pymysql"


def _params() -> dict[str, Any]:
    u = urllib.parse.urlparse(os.environ["FLASH_TEST_MYSQL_URL"])
    return {"host": u.hostname, "port": u.port or 3306, "user": u.username, "password": u.password or ""}


def statements() -> list[str]:
    with open(os.environ["FLASH_PY_SCHEMA"], encoding="utf-8") as f:
        text = f.read()
    # Comment lines first (they may hold semicolons), then one statement per `;`.
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in code.split(";") if s.strip()]


@pytest.fixture
def conn() -> Iterator[Any]:
    admin = pymysql.connect(**_params(), autocommit=True)
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cur.execute(f"CREATE DATABASE {DATABASE}")
    admin.close()
    c = pymysql.connect(**_params(), database=DATABASE, autocommit=True)
    with c.cursor() as cur:
        for stmt in statements():
            cur.execute(stmt)
    yield c
    c.close()


def scalar(conn: Any, sql: str) -> Any:
    """One value from another connection (proves the write was committed)."""
    other = pymysql.connect(**_params(), database=DATABASE)
    try:
        with other.cursor() as cur:
            cur.execute(sql)
            row = cur.fetchone()
            return None if row is None else row[0]
    finally:
        other.close()
