"""Connection fixture of test_postgresql.py with asyncpg: a fresh schema of its own per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest_asyncio

SCHEMA = "flash_py_asyncpg"


@pytest_asyncio.fixture
async def conn() -> AsyncIterator[Any]:
    url = os.environ["FLASH_TEST_PG_URL"]
    admin = await asyncpg.connect(url)
    await admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
    await admin.close()
    c = await asyncpg.connect(url, server_settings={"search_path": SCHEMA})
    with open(os.environ["FLASH_PY_SCHEMA"], encoding="utf-8") as f:
        await c.execute(f.read())
    yield c
    await c.close()


async def scalar(conn: Any, sql: str) -> Any:
    """One value from another connection (proves the write was committed)."""
    other = await asyncpg.connect(os.environ["FLASH_TEST_PG_URL"], server_settings={"search_path": SCHEMA})
    try:
        return await other.fetchval(sql)
    finally:
        await other.close()
