"""Behaviour of the generated MySQL/MariaDB client (tests/clients/projects/mysql). Written for
aiomysql; run.sh derives the PyMySQL variant by dropping async/await. Every generated method is
called against the server (a database of its own, autocommit connection) and the returned values
are checked, NULLs included."""

from __future__ import annotations

import datetime
import decimal
import json

import pytest

import client
from client import batch, bulk, counters, models, posts, users
from conftest import scalar

UTC = datetime.timezone.utc
EXT = "12345678-1234-5678-1234-567812345678"


async def make_full(q: users.Queries) -> models.User:
    new_id = await q.create_user(
        email="alice@example.com",
        name="Alice",
        age=34,
        role="admin",
        active=True,
        balance=decimal.Decimal("12.50"),
        score=9.5,
        external_id=EXT,
        profile={"theme": "dark", "n": [1, 2]},
        avatar=b"\x00\x01\xff",
        birthday=datetime.date(1990, 5, 17),
        updated_at=datetime.datetime(2024, 1, 2, 3, 4, 5),
    )
    assert isinstance(new_id, int) and new_id > 0
    u = await q.get_user(id=new_id)
    assert u is not None
    return u


async def make_empty(q: users.Queries, email: str = "bob@example.com") -> models.User:
    new_id = await q.create_user(
        email=email,
        name=None,
        age=None,
        role="guest",
        active=False,
        balance=decimal.Decimal("0"),
        score=None,
        external_id=None,
        profile=None,
        avatar=None,
        birthday=None,
        updated_at=None,
    )
    u = await q.get_user(id=new_id)
    assert u is not None
    return u


@pytest.mark.asyncio
async def test_create_and_get_user_with_all_types(conn: client.Connection) -> None:
    q = users.Queries(conn)
    u = await make_full(q)
    assert isinstance(u, models.User)
    assert isinstance(u.id, int) and u.id > 0
    assert u.email == "alice@example.com"
    assert u.name == "Alice"
    assert u.age == 34
    assert u.role is models.UsersRole.ADMIN
    assert u.active is True
    assert u.balance == decimal.Decimal("12.50") and isinstance(u.balance, decimal.Decimal)
    assert u.score == 9.5
    assert u.external_id == EXT
    assert u.profile == {"theme": "dark", "n": [1, 2]}
    assert u.avatar == b"\x00\x01\xff" and isinstance(u.avatar, bytes)
    assert u.birthday == datetime.date(1990, 5, 17)
    assert isinstance(u.created_at, datetime.datetime)
    assert u.updated_at == datetime.datetime(2024, 1, 2, 3, 4, 5)
    assert await q.get_user(id=u.id) == u
    assert await q.get_user(id=u.id + 1000) is None


@pytest.mark.asyncio
async def test_nulls(conn: client.Connection) -> None:
    q = users.Queries(conn)
    u = await make_empty(q)
    assert (u.name, u.age, u.score, u.external_id, u.profile, u.avatar, u.birthday, u.updated_at) == (
        None, None, None, None, None, None, None, None)
    assert u.active is False and u.role is models.UsersRole.GUEST
    row = await q.get_user_by_email(email="bob@example.com")
    assert row is not None
    assert (row.id, row.email, row.name) == (u.id, "bob@example.com", None)
    assert await q.get_user_by_email(email="nobody@example.com") is None


@pytest.mark.asyncio
async def test_lists_slices_and_optional_params(conn: client.Connection) -> None:
    q = users.Queries(conn)
    a = await make_full(q)
    b = await make_empty(q)
    assert [x.id for x in await q.list_users()] == [a.id, b.id]
    assert [x async for x in q.iter_list_users()] == await q.list_users()
    by_ids = await q.list_users_by_ids(ids=[b.id])
    assert [(r.id, r.email) for r in by_ids] == [(b.id, "bob@example.com")]
    assert len(await q.list_users_by_ids(ids=[a.id, b.id])) == 2
    assert await q.list_users_by_ids(ids=[]) == []
    found = await q.search_users(role="admin")
    assert [(r.id, r.email, r.age, r.role) for r in found] == [(a.id, a.email, 34, "admin")]
    assert found[0].role == models.UsersRole.ADMIN
    assert await q.search_users(min_age=40, role="admin") == []
    assert len(await q.search_users(min_age=30, role="admin")) == 1
    guests = await q.search_users(role="guest")
    assert [(r.id, r.age) for r in guests] == [(b.id, None)]


@pytest.mark.asyncio
async def test_exec_kinds(conn: client.Connection) -> None:
    q = users.Queries(conn)
    a = await make_full(q)
    b = await make_empty(q)
    when = datetime.datetime(2025, 6, 7, 8, 9, 10)
    await q.update_user_name(name=None, updated_at=when, id=a.id)
    got = await q.get_user(id=a.id)
    assert got is not None and got.name is None and got.updated_at == when
    params = users.UpdateUserNameParams(name="Alicia", updated_at=when, id=a.id)
    await q.update_user_name(**vars(params))
    got = await q.get_user(id=a.id)
    assert got is not None and got.name == "Alicia"
    assert await q.deactivate_users_older_than(age=30) == 1
    assert await q.deactivate_users_older_than(age=100) == 0
    res = await q.set_user_profile(profile=[1, "two", None], avatar=b"img", id=b.id)
    assert isinstance(res, client.ExecResult) and res.rows_affected == 1 and res.last_insert_id == 0
    got = await q.get_user(id=b.id)
    assert got is not None and got.profile == [1, "two", None] and got.avatar == b"img"
    totals = await q.count_users(active=False)
    assert totals is not None
    assert totals.total == 2 and totals.total_balance == decimal.Decimal("12.50")
    assert isinstance(totals.total_balance, decimal.Decimal)
    none = await q.count_users(active=True)
    assert none is not None and none.total == 0 and none.total_balance is None
    await q.delete_user(id=b.id)
    assert await q.get_user(id=b.id) is None
    assert await scalar(conn, "SELECT count(*) FROM users") == 1


@pytest.mark.asyncio
async def test_posts_joins_and_aggregates(conn: client.Connection) -> None:
    uq = users.Queries(conn)
    pq = posts.Queries(conn)
    a = await make_full(uq)
    b = await make_empty(uq)
    p1 = await pq.create_post(user_id=a.id, title="Hello", body=None, metadata={"k": "v"}, published_at=None)
    p2 = await pq.create_post(user_id=a.id, title="Second", body="text", metadata=None,
                              published_at=datetime.datetime(2024, 3, 4, 5, 6, 7))
    assert isinstance(p1, int) and isinstance(p2, int) and p2 > p1
    meta = await pq.get_post_metadata(id=p1)
    assert meta is not None and meta.id == p1 and meta.metadata == {"k": "v"}
    meta2 = await pq.get_post_metadata(id=p2)
    assert meta2 is not None and meta2.metadata is None
    assert await pq.get_post_metadata(id=p2 + 100) is None
    with_authors = await pq.list_posts_with_authors()
    assert [(r.id, r.title, r.views, r.author_email) for r in with_authors] == [
        (p1, "Hello", 0, a.email), (p2, "Second", 0, a.email)]
    joined = await pq.list_users_with_posts()
    assert [(r.id, r.post_id, r.post_title) for r in joined] == [
        (a.id, p1, "Hello"), (a.id, p2, "Second"), (b.id, None, None)]
    assert [r async for r in pq.iter_list_users_with_posts()] == joined
    per_user = await pq.count_posts_per_user()
    # MySQL's SUM() of an INT column is DECIMAL.
    assert [(r.user_id, r.post_count, r.total_views) for r in per_user] == [(a.id, 2, decimal.Decimal(0))]
    when = datetime.datetime(2024, 5, 6, 7, 8, 9)
    assert await pq.publish_post(published_at=when, id=p1) == 1
    assert await pq.publish_post(published_at=when, id=p1) == 0
    assert await pq.delete_posts_by_user(user_id=a.id) == 2
    assert await pq.list_posts_with_authors() == []


@pytest.mark.asyncio
async def test_counters_upsert_and_transactions(conn: client.Connection) -> None:
    q = counters.Queries(conn)
    # :execrows on MySQL: 1 when inserted, 2 when the duplicate key updated the row.
    assert await q.upsert_counter(name="hits", value=5) == 1
    assert await q.upsert_counter(name="hits", value=3) == 2
    c = await q.get_counter(name="hits")
    assert c is not None and c == models.Counter(name="hits", value=8)
    assert await q.get_counter(name="misses") is None
    assert await scalar(conn, "SELECT value FROM counters WHERE name = 'hits'") == 8
    with pytest.raises(RuntimeError):
        async with client.transaction(conn):
            await q.upsert_counter(name="hits", value=100)
            raise RuntimeError("roll back")
    assert await q.get_counter(name="hits") == models.Counter(name="hits", value=8)
    async with client.transaction(conn):
        await q.upsert_counter(name="hits", value=2)
        await q.upsert_counter(name="other", value=1)
    assert await scalar(conn, "SELECT value FROM counters WHERE name = 'hits'") == 10
    assert await scalar(conn, "SELECT count(*) FROM counters") == 2
    # Rows are immutable typed NamedTuples.
    assert isinstance(c, tuple) and c._fields == ("name", "value") and c._asdict() == {"name": "hits", "value": 8}
    with pytest.raises(AttributeError):
        c.value = 1  # type: ignore[misc]


METADATA_SQL = "SELECT CAST(metadata AS CHAR) FROM posts WHERE title = 'bulk one'"
COPY_ROWS = 33000


async def new_user(conn: client.Connection, email: str) -> int:
    return (await make_empty(users.Queries(conn), email)).id


@pytest.mark.asyncio
async def test_copyfrom_inserts_every_row(conn: client.Connection) -> None:
    q = bulk.Queries(conn)
    user_id = await new_user(conn, "bulk@example.com")
    n = await q.copy_posts(
        [
            bulk.CopyPostsParams(user_id=user_id, title="bulk one", body="first", views=3, metadata={"k": 1}),
            bulk.CopyPostsParams(user_id=user_id, title="bulk two", body=None, views=0, metadata=None),
        ]
    )
    assert n == 2
    assert await scalar(conn, "SELECT COUNT(*) FROM posts WHERE body IS NULL AND metadata IS NULL AND title = 'bulk two'") == 1
    assert await scalar(conn, "SELECT views FROM posts WHERE title = 'bulk one' AND body = 'first'") == 3
    meta = await scalar(conn, METADATA_SQL)
    assert json.loads(meta) == {"k": 1}
    many = [bulk.CopyCountersParams(name=f"bulk-{i}", value=i) for i in range(COPY_ROWS)]
    assert await q.copy_counters(many) == COPY_ROWS
    assert int(await scalar(conn, "SELECT COUNT(*) FROM counters")) == COPY_ROWS
    assert int(await scalar(conn, "SELECT SUM(value) FROM counters")) == COPY_ROWS * (COPY_ROWS - 1) // 2
    assert await q.copy_counters([]) == 0


@pytest.mark.asyncio
async def test_batch_kinds_run_per_element_in_order(conn: client.Connection) -> None:
    q = batch.Queries(conn)
    await q.batch_upsert_counters(
        [
            batch.BatchUpsertCountersParams(name="a", value=1),
            batch.BatchUpsertCountersParams(name="b", value=2),
            batch.BatchUpsertCountersParams(name="a", value=10),
        ]
    )
    got = await q.batch_get_counters(
        [
            batch.BatchGetCountersParams(name="a"),
            batch.BatchGetCountersParams(name="missing"),
            batch.BatchGetCountersParams(name="b"),
        ]
    )
    assert got == [models.Counter(name="a", value=11), None, models.Counter(name="b", value=2)]
    u1 = await new_user(conn, "b1@example.com")
    u2 = await new_user(conn, "b2@example.com")
    p = bulk.Queries(conn)
    await p.copy_posts(
        [
            bulk.CopyPostsParams(user_id=u1, title="p1", body=None, views=0, metadata=None),
            bulk.CopyPostsParams(user_id=u1, title="p2", body=None, views=0, metadata=None),
            bulk.CopyPostsParams(user_id=u2, title="p3", body=None, views=0, metadata=None),
        ]
    )
    titles = await q.batch_list_post_titles(
        [
            batch.BatchListPostTitlesParams(user_id=u1),
            batch.BatchListPostTitlesParams(user_id=u2),
            batch.BatchListPostTitlesParams(user_id=999999),
        ]
    )
    assert [[r.title for r in rows] for rows in titles] == [["p1", "p2"], ["p3"], []]
    assert await q.batch_get_counters([]) == []
