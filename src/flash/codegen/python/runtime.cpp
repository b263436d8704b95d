// The _runtime.py module of a generated Python package: value conversions shared by every
// driver, then the driver calls (fetch_one, fetch_all, iterate, execute, exec_rows,
// exec_last_id, exec_result) and the transaction helper for the chosen driver. Keeping the driver
// calls here rather than inline in each method keeps the generated query modules identical in
// shape across drivers, and this text is checked by `mypy --strict` in tests/clients/python.
#include <string>

#include "flash/codegen/python/python.hpp"

namespace flash::codegen::python {
namespace {

constexpr const char* kCommon = R"PY(from __future__ import annotations

import contextlib
import dataclasses
import datetime
import decimal
import enum
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Protocol, TypeAlias, TypeVar, cast

T = TypeVar("T")

__all__ = ["Connection", "ExecResult", "transaction"]


@dataclasses.dataclass(frozen=True)
class ExecResult:
    """What an :execresult query returns. last_insert_id is None on PostgreSQL."""

    rows_affected: int
    last_insert_id: int | None


# ---- Reading values -------------------------------------------------------------------------


def opt(convert: Callable[[Any], T], value: Any) -> T | None:
    """Applies `convert` unless the value is NULL."""
    return None if value is None else convert(value)


def array(convert: Callable[[Any], T], value: Any) -> list[T]:
    """Converts the elements of a one-dimensional array (NULL elements stay None)."""
    out: list[T] = []
    for v in value:
        # A NULL element stays None (the element type does not say so; arrays rarely hold NULLs).
        out.append(cast(T, None) if v is None else convert(v))
    return out


def to_bool(value: Any) -> bool:
    """MySQL and SQLite return booleans as 0/1 (or a one-byte BIT value)."""
    if isinstance(value, (bytes, bytearray)):
        return any(value)
    return bool(value)


def to_decimal(value: Any) -> decimal.Decimal:
    """NUMERIC/DECIMAL: SQLite returns int or float, MySQL's SUM() a Decimal or a string."""
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode()
    return decimal.Decimal(str(value))


def to_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return bytes(value)


def to_date(value: Any) -> datetime.date:
    """SQLite keeps dates as ISO-8601 text."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def to_time(value: Any) -> datetime.time:
    """MySQL returns TIME as a timedelta; SQLite as text."""
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, datetime.timedelta):
        seconds = int(value.total_seconds())
        return datetime.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60, value.microseconds)
    return datetime.time.fromisoformat(str(value))


def to_datetime(value: Any) -> datetime.datetime:
    """SQLite keeps timestamps as text ('YYYY-MM-DD HH:MM:SS', CURRENT_TIMESTAMP's form, is UTC)
    or as Unix time."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text)


def to_uuid(value: Any) -> uuid.UUID:
    if type(value) is uuid.UUID:
        return value
    if isinstance(value, (bytes, bytearray)) and len(value) == 16:
        return uuid.UUID(bytes=bytes(value))
    return uuid.UUID(str(value))


def from_json(value: Any) -> Any:
    """Decodes JSON the driver returned as text."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value).decode()
    if isinstance(value, str):
        return json.loads(value)
    return value


# ---- Binding values -------------------------------------------------------------------------


def enum_arg(value: enum.Enum | str | None) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def json_text(value: Any) -> str | None:
    """JSON parameters go to the driver as text; None is SQL NULL."""
    return None if value is None else json.dumps(value)


def temporal_text(value: datetime.date | datetime.time | None) -> str | None:
    """SQLite stores dates and times as ISO-8601 text ('YYYY-MM-DD HH:MM:SS' for timestamps)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return value.isoformat()


def decimal_text(value: decimal.Decimal | None) -> str | None:
    """sqlite3 cannot bind Decimal; the column's NUMERIC affinity turns the text into a number."""
    return None if value is None else str(value)


def uuid_text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def expand_slice(sql: str, name: str, count: int, placeholder: str) -> str:
    """sqlc.slice(name): one placeholder per element; an empty list becomes NULL so that
    `IN (NULL)` matches nothing."""
    marker = "/*SLICE:" + name + "*/" + placeholder
    return sql.replace(marker, ", ".join([placeholder] * count) if count else "NULL")
)PY";

constexpr const char* kAsyncpg = R"PY(

# ---- asyncpg --------------------------------------------------------------------------------


class Connection(Protocol):
    """What the generated code uses of an asyncpg connection: asyncpg.Connection or the
    connection proxy a pool hands out. Queries run in autocommit unless inside transaction()."""

    async def execute(self, query: str, *args: Any) -> str: ...

    async def fetch(self, query: str, *args: Any, record_class: Any = None) -> list[Any]: ...

    async def fetchrow(self, query: str, *args: Any, record_class: Any = None) -> Any: ...

    async def fetchval(self, query: str, *args: Any) -> Any: ...

    def cursor(self, query: str, *args: Any, record_class: Any = None) -> Any: ...

    def transaction(self) -> Any: ...

    def is_in_transaction(self) -> bool: ...

    async def copy_records_to_table(
        self, table_name: str, *, records: Any, columns: Any = ..., schema_name: Any = ...
    ) -> str: ...


def _affected(status: str) -> int:
    # The command tag: "INSERT 0 5", "UPDATE 3", "DELETE 2".
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


# record_class (rows = "record"): the asyncpg.Record subclass asyncpg builds the rows as; None
# is asyncpg.Record.
async def fetch_one(conn: Connection, sql: str, args: Sequence[Any], record_class: Any = None) -> Any:
    return await conn.fetchrow(sql, *args, record_class=record_class)


async def fetch_all(conn: Connection, sql: str, args: Sequence[Any], record_class: Any = None) -> list[Any]:
    return await conn.fetch(sql, *args, record_class=record_class)


async def iterate(
    conn: Connection, sql: str, args: Sequence[Any], record_class: Any = None
) -> AsyncIterator[Any]:
    """A server-side cursor; asyncpg needs a transaction for it, so one is opened when the
    connection is not in one already."""
    if conn.is_in_transaction():
        async for row in conn.cursor(sql, *args, record_class=record_class):
            yield row
        return
    async with conn.transaction():
        async for row in conn.cursor(sql, *args, record_class=record_class):
            yield row


async def execute(conn: Connection, sql: str, args: Sequence[Any]) -> None:
    await conn.execute(sql, *args)


async def exec_rows(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    return _affected(await conn.execute(sql, *args))


async def exec_last_id(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    """PostgreSQL has no last-insert id: the statement must end in RETURNING <id>."""
    row = await conn.fetchrow(sql, *args)
    if row is None or row[0] is None:
        raise LookupError("the statement returned no id (add RETURNING id)")
    return int(row[0])


async def exec_result(conn: Connection, sql: str, args: Sequence[Any]) -> ExecResult:
    return ExecResult(rows_affected=_affected(await conn.execute(sql, *args)), last_insert_id=None)


def transaction(conn: Connection) -> contextlib.AbstractAsyncContextManager[Any]:
    """`async with transaction(conn): ...` commits when the block succeeds and rolls back when it
    raises; nested, it makes a savepoint (asyncpg's Transaction)."""
    tx: contextlib.AbstractAsyncContextManager[Any] = conn.transaction()
    return tx


async def copy_from(
    conn: Connection, schema: str | None, table: str, columns: Sequence[str], records: Sequence[Sequence[Any]]
) -> int:
    """:copyfrom — COPY FROM STDIN in the binary format (copy_records_to_table); returns the
    number of rows copied."""
    status = await conn.copy_records_to_table(
        table, records=[tuple(r) for r in records], columns=list(columns), schema_name=schema
    )
    return _affected(status)
)PY";

constexpr const char* kPsycopg = R"PY(

# ---- psycopg (3) ----------------------------------------------------------------------------

import psycopg
from psycopg.rows import tuple_row
from psycopg.types.json import Json, Jsonb

Connection: TypeAlias = "psycopg.Connection[Any]"
"""A psycopg connection. Without autocommit=True, writes need conn.commit() (or transaction())."""


def json_arg(value: Any) -> Any:
    return None if value is None else Json(value)


def jsonb_arg(value: Any) -> Any:
    return None if value is None else Jsonb(value)


def fetch_one(conn: Connection, sql: str, args: Sequence[Any]) -> Any:
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(sql, args)
        return cur.fetchone()


def fetch_all(conn: Connection, sql: str, args: Sequence[Any]) -> list[Any]:
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


def iterate(conn: Connection, sql: str, args: Sequence[Any]) -> Iterator[Any]:
    """Rows one at a time (psycopg's single-row mode)."""
    with conn.cursor(row_factory=tuple_row) as cur:
        yield from cur.stream(sql, args)


def execute(conn: Connection, sql: str, args: Sequence[Any]) -> None:
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(sql, args)


def exec_rows(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(sql, args)
        return cur.rowcount


def exec_last_id(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    """PostgreSQL has no last-insert id: the statement must end in RETURNING <id>."""
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
    if row is None or row[0] is None:
        raise LookupError("the statement returned no id (add RETURNING id)")
    return int(row[0])


def exec_result(conn: Connection, sql: str, args: Sequence[Any]) -> ExecResult:
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(sql, args)
        return ExecResult(rows_affected=cur.rowcount, last_insert_id=None)


def transaction(conn: Connection) -> contextlib.AbstractContextManager[Any]:
    """`with transaction(conn): ...` commits when the block succeeds and rolls back when it
    raises; nested, it makes a savepoint (psycopg's Connection.transaction())."""
    return conn.transaction()


def copy_from(conn: Connection, copy_sql: str, records: Sequence[Sequence[Any]]) -> int:
    """:copyfrom — COPY ... FROM STDIN through cursor.copy(); returns the number of rows copied."""
    with conn.cursor(row_factory=tuple_row) as cur:
        with cur.copy(copy_sql) as copy:
            for r in records:
                copy.write_row(r)
        return cur.rowcount if cur.rowcount >= 0 else len(records)
)PY";

constexpr const char* kPymysql = R"PY(

# ---- PyMySQL --------------------------------------------------------------------------------

import pymysql.cursors  # type: ignore[import-untyped, unused-ignore]


class Connection(Protocol):
    """What the generated code uses of a pymysql.connections.Connection. PyMySQL does not
    autocommit by default: connect with autocommit=True, or call conn.commit(), or use
    transaction()."""

    def cursor(self, cursor: Any = ...) -> Any: ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


def fetch_one(conn: Connection, sql: str, args: Sequence[Any]) -> Any:
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        cur.execute(sql, tuple(args))
        return cur.fetchone()


def fetch_all(conn: Connection, sql: str, args: Sequence[Any]) -> list[Any]:
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        cur.execute(sql, tuple(args))
        return list(cur.fetchall())


def iterate(conn: Connection, sql: str, args: Sequence[Any]) -> Iterator[Any]:
    """Rows one at a time from an unbuffered cursor (SSCursor)."""
    with conn.cursor(pymysql.cursors.SSCursor) as cur:
        cur.execute(sql, tuple(args))
        while (row := cur.fetchone()) is not None:
            yield row


def execute(conn: Connection, sql: str, args: Sequence[Any]) -> None:
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        cur.execute(sql, tuple(args))


def exec_rows(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    """MySQL counts changed rows, not matched ones, unless the client sets CLIENT.FOUND_ROWS."""
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        cur.execute(sql, tuple(args))
        return int(cur.rowcount)


def exec_last_id(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        cur.execute(sql, tuple(args))
        return int(cur.lastrowid)


def exec_result(conn: Connection, sql: str, args: Sequence[Any]) -> ExecResult:
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        cur.execute(sql, tuple(args))
        return ExecResult(rows_affected=int(cur.rowcount), last_insert_id=int(cur.lastrowid))


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[None]:
    """`with transaction(conn): ...` — BEGIN, then COMMIT when the block succeeds or ROLLBACK
    when it raises."""
    conn.begin()
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()


def insert_rows(conn: Connection, prefix: str, group: str, records: Sequence[Sequence[Any]], chunk: int) -> int:
    """:copyfrom — multi-row INSERTs of at most `chunk` rows (MySQL's 65535 placeholders) each;
    returns the number of rows inserted."""
    total = 0
    for start in range(0, len(records), chunk):
        part = records[start : start + chunk]
        total += exec_rows(conn, prefix + ", ".join([group] * len(part)), [v for r in part for v in r])
    return total
)PY";

constexpr const char* kAiomysql = R"PY(

# ---- aiomysql -------------------------------------------------------------------------------

import aiomysql  # type: ignore[import-untyped, unused-ignore]


class Connection(Protocol):
    """What the generated code uses of an aiomysql connection. aiomysql does not autocommit by
    default: connect with autocommit=True, or await conn.commit(), or use transaction()."""

    def cursor(self, *cursors: Any) -> Any: ...

    async def begin(self) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


async def fetch_one(conn: Connection, sql: str, args: Sequence[Any]) -> Any:
    async with conn.cursor(aiomysql.Cursor) as cur:
        await cur.execute(sql, tuple(args))
        return await cur.fetchone()


async def fetch_all(conn: Connection, sql: str, args: Sequence[Any]) -> list[Any]:
    async with conn.cursor(aiomysql.Cursor) as cur:
        await cur.execute(sql, tuple(args))
        return list(await cur.fetchall())


async def iterate(conn: Connection, sql: str, args: Sequence[Any]) -> AsyncIterator[Any]:
    """Rows one at a time from an unbuffered cursor (SSCursor)."""
    async with conn.cursor(aiomysql.SSCursor) as cur:
        await cur.execute(sql, tuple(args))
        while (row := await cur.fetchone()) is not None:
            yield row


async def execute(conn: Connection, sql: str, args: Sequence[Any]) -> None:
    async with conn.cursor(aiomysql.Cursor) as cur:
        await cur.execute(sql, tuple(args))


async def exec_rows(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    """MySQL counts changed rows, not matched ones, unless the client sets CLIENT.FOUND_ROWS."""
    async with conn.cursor(aiomysql.Cursor) as cur:
        await cur.execute(sql, tuple(args))
        return int(cur.rowcount)


async def exec_last_id(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    async with conn.cursor(aiomysql.Cursor) as cur:
        await cur.execute(sql, tuple(args))
        return int(cur.lastrowid)


async def exec_result(conn: Connection, sql: str, args: Sequence[Any]) -> ExecResult:
    async with conn.cursor(aiomysql.Cursor) as cur:
        await cur.execute(sql, tuple(args))
        return ExecResult(rows_affected=int(cur.rowcount), last_insert_id=int(cur.lastrowid))


@contextlib.asynccontextmanager
async def transaction(conn: Connection) -> AsyncIterator[None]:
    """`async with transaction(conn): ...` — BEGIN, then COMMIT when the block succeeds or
    ROLLBACK when it raises."""
    await conn.begin()
    try:
        yield
    except BaseException:
        await conn.rollback()
        raise
    else:
        await conn.commit()


async def insert_rows(
    conn: Connection, prefix: str, group: str, records: Sequence[Sequence[Any]], chunk: int
) -> int:
    """:copyfrom — multi-row INSERTs of at most `chunk` rows (MySQL's 65535 placeholders) each;
    returns the number of rows inserted."""
    total = 0
    for start in range(0, len(records), chunk):
        part = records[start : start + chunk]
        total += await exec_rows(conn, prefix + ", ".join([group] * len(part)), [v for r in part for v in r])
    return total
)PY";

constexpr const char* kSqlite3 = R"PY(

# ---- sqlite3 --------------------------------------------------------------------------------

import sqlite3

Connection: TypeAlias = sqlite3.Connection
"""A sqlite3 connection, in any isolation_level. A statement that opened a transaction
implicitly (sqlite3's default mode does so before INSERT/UPDATE/DELETE) is committed right after
it, or rolled back when it fails; inside transaction() or a transaction of your own nothing is
committed for you. With autocommit=False (Python 3.12) you commit yourself."""


def _run(conn: Connection, sql: str, args: Sequence[Any], take: Callable[[sqlite3.Cursor], T]) -> T:
    was_open = conn.in_transaction
    try:
        cur = conn.execute(sql, tuple(args))
        try:
            result = take(cur)
        finally:
            cur.close()
    except BaseException:
        if not was_open and conn.in_transaction:
            conn.rollback()
        raise
    if not was_open and conn.in_transaction:
        conn.commit()
    return result


def _last_id(cur: sqlite3.Cursor) -> int:
    if cur.lastrowid is None:
        raise LookupError("the statement inserted no row")
    return cur.lastrowid


def fetch_one(conn: Connection, sql: str, args: Sequence[Any]) -> Any:
    return _run(conn, sql, args, lambda cur: cur.fetchone())


def fetch_all(conn: Connection, sql: str, args: Sequence[Any]) -> list[Any]:
    return _run(conn, sql, args, lambda cur: list(cur.fetchall()))


def iterate(conn: Connection, sql: str, args: Sequence[Any]) -> Iterator[Any]:
    """Rows one at a time, straight from the statement."""
    was_open = conn.in_transaction
    cur = conn.execute(sql, tuple(args))
    try:
        yield from cur
    finally:
        cur.close()
    if not was_open and conn.in_transaction:
        conn.commit()


def execute(conn: Connection, sql: str, args: Sequence[Any]) -> None:
    _run(conn, sql, args, lambda cur: None)


def exec_rows(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    return _run(conn, sql, args, lambda cur: cur.rowcount)


def exec_last_id(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    return _run(conn, sql, args, _last_id)


def exec_result(conn: Connection, sql: str, args: Sequence[Any]) -> ExecResult:
    return _run(conn, sql, args, lambda cur: ExecResult(rows_affected=cur.rowcount, last_insert_id=cur.lastrowid))


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[None]:
    """`with transaction(conn): ...` — BEGIN, then COMMIT when the block succeeds or ROLLBACK
    when it raises; inside an open transaction it uses a savepoint instead."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT flash_tx")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO flash_tx")
            conn.execute("RELEASE flash_tx")
            raise
        else:
            conn.execute("RELEASE flash_tx")
        return
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()


def insert_rows(conn: Connection, sql: str, records: Sequence[Sequence[Any]]) -> int:
    """:copyfrom — the INSERT prepared once and run per row (executemany) inside one transaction
    (its own, unless one is open); returns the number of rows inserted."""
    if not records:
        return 0
    was_open = conn.in_transaction
    if not was_open:
        conn.execute("BEGIN")
    try:
        cur = conn.executemany(sql, [tuple(r) for r in records])
        count = cur.rowcount
        cur.close()
    except BaseException:
        if not was_open and conn.in_transaction:
            conn.rollback()
        raise
    if not was_open and conn.in_transaction:
        conn.commit()
    return count
)PY";

constexpr const char* kAiosqlite = R"PY(

# ---- aiosqlite ------------------------------------------------------------------------------

import sqlite3

import aiosqlite

Connection: TypeAlias = aiosqlite.Connection
"""An aiosqlite connection, in any isolation_level. A statement that opened a transaction
implicitly (sqlite3's default mode does so before INSERT/UPDATE/DELETE) is committed right after
it, or rolled back when it fails; inside transaction() or a transaction of your own nothing is
committed for you."""


async def _run(
    conn: Connection, sql: str, args: Sequence[Any], take: Callable[[aiosqlite.Cursor], Awaitable[T]]
) -> T:
    was_open = conn.in_transaction
    try:
        cur = await conn.execute(sql, tuple(args))
        try:
            result = await take(cur)
        finally:
            await cur.close()
    except BaseException:
        if not was_open and conn.in_transaction:
            await conn.rollback()
        raise
    if not was_open and conn.in_transaction:
        await conn.commit()
    return result


async def _one(cur: aiosqlite.Cursor) -> Any:
    return await cur.fetchone()


async def _all(cur: aiosqlite.Cursor) -> list[Any]:
    return list(await cur.fetchall())


async def _none(cur: aiosqlite.Cursor) -> None:
    return None


async def _rowcount(cur: aiosqlite.Cursor) -> int:
    return cur.rowcount


async def _last_id(cur: aiosqlite.Cursor) -> int:
    if cur.lastrowid is None:
        raise LookupError("the statement inserted no row")
    return cur.lastrowid


async def _result(cur: aiosqlite.Cursor) -> ExecResult:
    return ExecResult(rows_affected=cur.rowcount, last_insert_id=cur.lastrowid)


async def fetch_one(conn: Connection, sql: str, args: Sequence[Any]) -> Any:
    return await _run(conn, sql, args, _one)


async def fetch_all(conn: Connection, sql: str, args: Sequence[Any]) -> list[Any]:
    return await _run(conn, sql, args, _all)


async def iterate(conn: Connection, sql: str, args: Sequence[Any]) -> AsyncIterator[Any]:
    """Rows one at a time, straight from the statement."""
    was_open = conn.in_transaction
    cur = await conn.execute(sql, tuple(args))
    try:
        async for row in cur:
            yield row
    finally:
        await cur.close()
    if not was_open and conn.in_transaction:
        await conn.commit()


async def execute(conn: Connection, sql: str, args: Sequence[Any]) -> None:
    await _run(conn, sql, args, _none)


async def exec_rows(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    return await _run(conn, sql, args, _rowcount)


async def exec_last_id(conn: Connection, sql: str, args: Sequence[Any]) -> int:
    return await _run(conn, sql, args, _last_id)


async def exec_result(conn: Connection, sql: str, args: Sequence[Any]) -> ExecResult:
    return await _run(conn, sql, args, _result)


@contextlib.asynccontextmanager
async def transaction(conn: Connection) -> AsyncIterator[None]:
    """`async with transaction(conn): ...` — BEGIN, then COMMIT when the block succeeds or
    ROLLBACK when it raises; inside an open transaction it uses a savepoint instead."""
    if conn.in_transaction:
        await conn.execute("SAVEPOINT flash_tx")
        try:
            yield
        except BaseException:
            await conn.execute("ROLLBACK TO flash_tx")
            await conn.execute("RELEASE flash_tx")
            raise
        else:
            await conn.execute("RELEASE flash_tx")
        return
    await conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        await conn.rollback()
        raise
    else:
        await conn.commit()


async def insert_rows(conn: Connection, sql: str, records: Sequence[Sequence[Any]]) -> int:
    """:copyfrom — the INSERT prepared once and run per row (executemany) inside one transaction
    (its own, unless one is open); returns the number of rows inserted."""
    if not records:
        return 0
    was_open = conn.in_transaction
    if not was_open:
        await conn.execute("BEGIN")
    try:
        cur = await conn.executemany(sql, [tuple(r) for r in records])
        count = cur.rowcount
        await cur.close()
    except BaseException:
        if not was_open and conn.in_transaction:
            await conn.rollback()
        raise
    if not was_open and conn.in_transaction:
        await conn.commit()
    return count
)PY";

// asyncpg with `read_retry = true`: reads (:one / :many SELECTs) run again after a lost connection.
constexpr const char* kAsyncpgReadRetry = R"PY(

# ---- read retry (read_retry = true) ---------------------------------------------------------

import asyncio

import asyncpg  # type: ignore[import-untyped, unused-ignore]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReadRetry:
    """How a read (a :one or :many SELECT) runs again when the connection was lost or could not be
    made, as during a failover: `attempts` runs in all, waiting `backoff` seconds after the first
    failure, doubled after each one up to `max_backoff`. Writes are never retried, nor reads inside
    a transaction. It helps on a pool (asyncpg.Pool replaces a dead connection; with a multi-host
    DSN and target_session_attrs=read-write the new one reaches the new primary)."""

    attempts: int = 8
    backoff: float = 0.1
    max_backoff: float = 2.0


DEFAULT_READ_RETRY = ReadRetry()
NO_READ_RETRY = ReadRetry(attempts=1)

_RETRYABLE_PG = (
    asyncpg.PostgresConnectionError,  # class 08
    asyncpg.exceptions.AdminShutdownError,  # 57P01
    asyncpg.exceptions.CrashShutdownError,  # 57P02
    asyncpg.exceptions.CannotConnectNowError,  # 57P03
)


def connection_lost(e: BaseException) -> bool:
    """A lost or refused connection (worth another attempt on a fresh connection), not an error of
    the query itself."""
    if isinstance(e, _RETRYABLE_PG):
        return True
    if isinstance(e, asyncpg.PostgresError):
        return False
    if isinstance(e, asyncpg.exceptions.TargetServerAttributeNotMatched):
        return True  # no host is read-write yet: the failover is not over
    if isinstance(e, asyncpg.exceptions.InternalClientError):
        # A pooled connection whose operation the lost server interrupted ("cannot switch to
        # state …; another operation … is in progress"): seen once in CI after a failover.
        return "another operation" in str(e)
    if isinstance(e, asyncpg.InterfaceError):
        return "connection" in str(e) and "closed" in str(e)
    return isinstance(e, (OSError, asyncio.TimeoutError))


_R = TypeVar("_R")


async def retry_read(
    policy: ReadRetry,
    read: Callable[[Connection, str, Sequence[Any]], Awaitable[_R]],
    conn: Connection,
    sql: str,
    args: Sequence[Any],
) -> _R:
    wait = policy.backoff
    attempt = 1
    while True:
        try:
            return await read(conn, sql, args)
        except Exception as e:
            in_tx = getattr(conn, "is_in_transaction", None)
            if attempt >= policy.attempts or not connection_lost(e) or (in_tx is not None and in_tx()):
                raise
        await asyncio.sleep(wait)
        wait = min(wait * 2, policy.max_backoff)
        attempt += 1
)PY";

// asyncpg with `rows = "record"`: the base of the generated row classes and their properties.
constexpr const char* kAsyncpgRecord = R"PY(

# ---- record rows (rows = "record") ----------------------------------------------------------

import operator
from typing import TYPE_CHECKING

import asyncpg  # type: ignore[import-untyped, unused-ignore]

if TYPE_CHECKING:

    class Record:
        """What mypy is told of asyncpg.Record (asyncpg ships no type information): an
        immutable row with index, column-name and attribute access."""

        def __getitem__(self, key: int | str | slice) -> Any: ...

        def __eq__(self, other: object) -> bool: ...  # equal to the tuple of its values

        def __hash__(self) -> int: ...

        def __len__(self) -> int: ...

        def __iter__(self) -> Iterator[Any]: ...

        def __contains__(self, name: object) -> bool: ...

        def get(self, name: str, default: Any = None) -> Any: ...

        def keys(self) -> Iterator[str]: ...

        def values(self) -> Iterator[Any]: ...

        def items(self) -> Iterator[tuple[str, Any]]: ...

else:
    Record = asyncpg.Record


def column(index: int) -> Any:
    """A read-only attribute reading the row's value at `index` as asyncpg decoded it (a
    C-level itemgetter); typed by the class attribute's annotation."""
    return property(operator.itemgetter(index))


def computed(read: Callable[[Any], Any]) -> Any:
    """A read-only attribute converting the row's value(s) on each read (json, enums, uuid, ...)."""
    return property(read)
)PY";

}  // namespace

std::string runtime_module(Driver d, bool read_retry, bool record_rows) {
  std::string out = "\"\"\"Runtime support of the generated query modules (driver: ";
  out += to_string(d);
  out += "): value conversions, the driver calls and\nthe transaction helper.\"\"\"\n\n";
  out += kCommon;
  switch (d) {
    case Driver::asyncpg:
      out += kAsyncpg;
      if (read_retry) out += kAsyncpgReadRetry;
      if (record_rows) out += kAsyncpgRecord;
      break;
    case Driver::psycopg: out += kPsycopg; break;
    case Driver::pymysql: out += kPymysql; break;
    case Driver::aiomysql: out += kAiomysql; break;
    case Driver::sqlite3: out += kSqlite3; break;
    case Driver::aiosqlite: out += kAiosqlite; break;
  }
  return out;
}

}  // namespace flash::codegen::python
