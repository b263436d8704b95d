"""Connection fixture of test_mysql.py with aiomysql: a fresh database of its own per test."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import aiomysql  # type: ignore[import-untyped, unused-ignore]
import pytest_asyncio

DATABASE = "flash_py_aiomysql"


def _params() -> dict[str, Any]:
    u = urllib.parse.urlparse(os.environ["FLASH_TEST_MYSQL_URL"])
    return {"host": u.hostname, "port": u.port or 3306, "user": u.username, "password": u.password or ""}


def statements() -> list[str]:
    with open(os.environ["FLASH_PY_SCHEMA"], encoding="utf-8") as f:
        text = f.read()
    # Comment lines first (they may hold semicolons), then one statement per `;`.
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in code.split(";") if s.strip()]


@pytest_asyncio.fixture
async def conn() -> AsyncIterator[Any]:
    admin = await aiomysql.connect(**_params(), autocommit=True)
    async with admin.cursor() as cur:
        await cur.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        await cur.execute(f"CREATE DATABASE {DATABASE}")
    admin.close()
    c = await aiomysql.connect(**_params(), db=DATABASE, autocommit=True)
    async with c.cursor() as cur:
        for stmt in statements():
            await cur.execute(stmt)
    yield c
    c.close()


async def scalar(conn: Any, sql: str) -> Any:
    """One value from another connection (proves the write was committed)."""
    other = await aiomysql.connect(**_params(), db=DATABASE)
    try:
        async with other.cursor() as cur:
            await cur.execute(sql)
            row = await cur.fetchone()
            return None if row is None else row[0]
    finally:
        other.close()
