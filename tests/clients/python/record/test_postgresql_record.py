"""[gen.python] rows = "record" on PostgreSQL (run.sh's postgresql/asyncpg-record run): result rows
are asyncpg.Record subclasses that asyncpg builds itself (record_class=). Every query kind runs
against the server, and every row's attributes are compared with what the namedtuple client
(client_nt: the same project generated with the default rows) returns for the same rows: equal
values of identical Python types, NULLs, arrays, enums, JSON and sqlc.embed included. client_retry
is the record client generated with read_retry = true (reads go through _rt.retry_read)."""

from __future__ import annotations

import datetime
import decimal
import pickle
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

import client
import client_nt
import client_retry
from client import batch, bulk, counters, models, posts, record, users

UTC = datetime.timezone.utc
EXT = uuid.UUID("12345678-1234-5678-1234-567812345678")


def kind(v: Any) -> tuple[str, str]:
    """A value's type, the package name left out (client.models.User ~ client_nt.models.User)."""
    t = type(v)
    module = t.__module__.split(".", 1)[1] if t.__module__.startswith("client") else t.__module__
    return module, t.__qualname__


def same_value(a: Any, b: Any, where: str) -> None:
    assert kind(a) == kind(b), (where, a, b)
    assert a == b, (where, a, b)
    if isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same_value(x, y, f"{where}[{i}]")
    elif isinstance(b, tuple) and hasattr(b, "_fields"):  # an embedded model
        for f in b._fields:
            same_value(getattr(a, f), getattr(b, f), f"{where}.{f}")


def same(rec: Any, nt: Any) -> None:
    """The record row `rec` reads as the NamedTuple `nt`, attribute by attribute."""
    assert rec is not None and nt is not None
    assert isinstance(rec, asyncpg.Record) and not isinstance(rec, tuple)
    for f in nt._fields:
        same_value(getattr(rec, f), getattr(nt, f), f)


def same_rows(recs: list[Any], nts: list[Any]) -> None:
    assert len(recs) == len(nts)
    for r, n in zip(recs, nts):
        same(r, n)


async def make_users(q: users.Queries) -> tuple[models.UserRecord, models.UserRecord]:
    full = await q.create_user(
        email="alice@example.com",
        name="Alice",
        age=34,
        role=models.UserRole.ADMIN,
        active=True,
        balance=decimal.Decimal("12.50"),
        score=9.5,
        external_id=EXT,
        tags=["a", "b"],
        profile={"theme": "dark", "n": [1, 2]},
        avatar=b"\x00\x01\xff",
        birthday=datetime.date(1990, 5, 17),
        updated_at=datetime.datetime(2024, 1, 2, 3, 4, 5),
    )
    empty = await q.create_user(
        email="bob@example.com",
        name=None,
        age=None,
        role=models.UserRole.GUEST,
        active=False,
        balance=decimal.Decimal("0"),
        score=None,
        external_id=None,
        tags=[],
        profile=None,
        avatar=None,
        birthday=None,
        updated_at=None,
    )
    assert full is not None and empty is not None
    return full, empty


@pytest.mark.asyncio
async def test_table_rows_attribute_index_and_name_access(conn: client.Connection) -> None:
    q = users.Queries(conn)
    nt = client_nt.users.Queries(conn)
    a, b = await make_users(q)
    # RETURNING *: the model's record twin, typed attributes with the namedtuple values and types.
    assert type(a) is models.UserRecord
    same(a, await nt.get_user(id=a.id))
    same(b, await nt.get_user(id=b.id))
    assert a.role is models.UserRole.ADMIN and type(a.external_id) is uuid.UUID
    assert a.profile == {"theme": "dark", "n": [1, 2]} and a.tags == ["a", "b"]
    assert (b.name, b.age, b.score, b.external_id, b.profile, b.avatar, b.birthday, b.updated_at) == (
        None, None, None, None, None, None, None, None)
    # Index and column-name access, iteration, equality with the tuple of its values.
    assert a[0] == a.id and a["email"] == a.email == "alice@example.com" and a[-1] == a.updated_at
    assert a.get("name") == "Alice" and "email" in a and list(a.keys())[:2] == ["id", "email"]
    assert len(a) == len(models.User._fields) == 15 and a == tuple(a) and tuple(a)[1] == "alice@example.com"
    assert dict(a.items())["age"] == 34
    # Immutable, and not constructible or picklable (asyncpg.Record).
    with pytest.raises(AttributeError):
        setattr(a, "email", "x")
    with pytest.raises(TypeError):
        pickle.dumps(a)
    with pytest.raises(TypeError):
        models.UserRecord()
    # The constructible NamedTuple model is still there.
    assert models.User._fields[:2] == ("id", "email")
    got = await q.get_user(id=a.id)
    assert got == a and type(got) is models.UserRecord
    assert await q.get_user(id=a.id + 1000) is None
    row = await q.get_user_by_email(email="bob@example.com")
    assert row is not None and (row.id, row.email, row.name) == (b.id, "bob@example.com", None)
    assert row == (b.id, "bob@example.com", None) and type(row) is users.GetUserByEmailRow
    same(row, await nt.get_user_by_email(email="bob@example.com"))
    assert await q.get_user_by_email(email="nobody@example.com") is None


@pytest.mark.asyncio
async def test_many_iter_slices_and_optional_params(conn: client.Connection) -> None:
    q = users.Queries(conn)
    nt = client_nt.users.Queries(conn)
    a, b = await make_users(q)
    listed = await q.list_users()
    assert [type(x) for x in listed] == [models.UserRecord, models.UserRecord]
    same_rows(listed, await nt.list_users())
    assert [x async for x in q.iter_list_users()] == listed
    same_rows([x async for x in q.iter_list_users()], await nt.list_users())
    same_rows(await q.list_users_by_ids(ids=[b.id]), await nt.list_users_by_ids(ids=[b.id]))
    assert await q.list_users_by_ids(ids=[]) == []
    found = await q.search_users(role=models.UserRole.ADMIN)
    same_rows(found, await nt.search_users(role=client_nt.models.UserRole.ADMIN))
    assert [(r.id, r.email, r.age, r.role) for r in found] == [(a.id, a.email, 34, models.UserRole.ADMIN)]
    guests = await q.search_users(role=models.UserRole.GUEST)
    assert [(r.id, r.age) for r in guests] == [(b.id, None)]
    assert await q.search_users(min_age=40, role=models.UserRole.ADMIN) == []


@pytest.mark.asyncio
async def test_exec_kinds_and_aggregates(conn: client.Connection) -> None:
    q = users.Queries(conn)
    nt = client_nt.users.Queries(conn)
    a, b = await make_users(q)
    when = datetime.datetime(2025, 6, 7, 8, 9, 10)
    await q.update_user_name(name=None, updated_at=when, id=a.id)
    got = await q.get_user(id=a.id)
    assert got is not None and got.name is None and got.updated_at == when
    assert await q.deactivate_users_older_than(age=30) == 1
    res = await q.set_user_profile(profile=[1, "two", None], avatar=b"img", id=b.id)
    assert isinstance(res, client.ExecResult) and res.rows_affected == 1
    totals = await q.count_users(active=False)
    assert totals is not None and totals.total == 2 and type(totals.total_balance) is decimal.Decimal
    same(totals, await nt.count_users(active=False))
    none = await q.count_users(active=True)
    assert none is not None and none.total == 0 and none.total_balance is None
    same(none, await nt.count_users(active=True))
    await q.delete_user(id=b.id)
    assert await q.get_user(id=b.id) is None


@pytest.mark.asyncio
async def test_posts_joins_json_and_left_join_nulls(conn: client.Connection) -> None:
    a, _ = await make_users(users.Queries(conn))
    pq = posts.Queries(conn)
    nt = client_nt.posts.Queries(conn)
    p1 = await pq.create_post(user_id=a.id, title="Hello", body=None, metadata={"k": "v"}, published_at=None)
    p2 = await pq.create_post(user_id=a.id, title="Second", body="text", metadata=None,
                              published_at=datetime.datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC))
    assert isinstance(p1, int) and isinstance(p2, int) and p2 > p1
    meta = await pq.get_post_metadata(id=p1)
    assert meta is not None and meta.metadata == {"k": "v"}
    assert meta["metadata"] == '{"k": "v"}'  # index / name access: asyncpg's own value (json text)
    same(meta, await nt.get_post_metadata(id=p1))
    same(await pq.get_post_metadata(id=p2), await nt.get_post_metadata(id=p2))
    assert await pq.get_post_metadata(id=p2 + 100) is None
    same_rows(await pq.list_posts_with_authors(), await nt.list_posts_with_authors())
    joined = await pq.list_users_with_posts()
    same_rows(joined, await nt.list_users_with_posts())
    assert joined[-1].post_id is None and joined[-1].post_title is None
    assert [r async for r in pq.iter_list_users_with_posts()] == joined
    same_rows(await pq.count_posts_per_user(), await nt.count_posts_per_user())
    assert await pq.publish_post(published_at=datetime.datetime(2024, 5, 6, tzinfo=UTC), id=p1) == 1
    # sqlc.embed(users): the embedded model is the constructible NamedTuple, converted like the
    # namedtuple client's.
    rq = record.Queries(conn)
    emb = await rq.get_post_with_author(id=p1)
    assert emb is not None and isinstance(emb.user, models.User) and emb.user.role is models.UserRole.ADMIN
    same(emb, await client_nt.record.Queries(conn).get_post_with_author(id=p1))
    # Index access, len and iteration are asyncpg's: the SQL's columns, the embedded ones one by one.
    assert len(emb) == 15 + 2 and emb[1] == a.email and emb["title"] == "Hello"
    same_rows(await rq.list_arrays(), await client_nt.record.Queries(conn).list_arrays())
    assert await pq.delete_posts_by_user(user_id=a.id) == 2


@pytest.mark.asyncio
async def test_counters_transactions_batch_and_copy(conn: client.Connection) -> None:
    q = counters.Queries(conn)
    assert await q.upsert_counter(name="hits", value=5) == 5
    c = await q.get_counter(name="hits")
    assert c is not None and c == ("hits", 5) and type(c) is models.CounterRecord
    assert c == models.Counter(name="hits", value=5)
    with pytest.raises(RuntimeError):
        async with client.transaction(conn):
            await q.upsert_counter(name="hits", value=100)
            raise RuntimeError("roll back")
    assert await q.get_counter(name="hits") == c
    bq = batch.Queries(conn)
    await bq.batch_upsert_counters([batch.BatchUpsertCountersParams(name="a", value=1),
                                    batch.BatchUpsertCountersParams(name="a", value=10)])
    got = await bq.batch_get_counters([batch.BatchGetCountersParams(name="a"), batch.BatchGetCountersParams(name="x")])
    assert got == [("a", 11), None] and type(got[0]) is models.CounterRecord
    u = (await make_users(users.Queries(conn)))[0].id
    n = await bulk.Queries(conn).copy_posts(
        [bulk.CopyPostsParams(user_id=u, title=t, body=None, views=0, metadata=None) for t in ("p1", "p2")])
    assert n == 2
    titles = await bq.batch_list_post_titles([batch.BatchListPostTitlesParams(user_id=u),
                                              batch.BatchListPostTitlesParams(user_id=999999)])
    assert [[r.title for r in rows] for rows in titles] == [["p1", "p2"], []]
    assert type(titles[0][0]) is batch.BatchListPostTitlesRow and titles[0][0]["title"] == "p1"
    nt_titles = await client_nt.batch.Queries(conn).batch_list_post_titles(
        [client_nt.batch.BatchListPostTitlesParams(user_id=u)])
    same_rows(titles[0], nt_titles[0])


@pytest.mark.asyncio
async def test_read_retry_reads_records(conn: client.Connection) -> None:
    a, _ = await make_users(users.Queries(conn))
    rq = client_retry.users.Queries(conn)
    got = await rq.get_user(id=a.id)
    assert type(got) is client_retry.models.UserRecord and got == a
    listed = await rq.list_users()
    assert [type(x) for x in listed] == [client_retry.models.UserRecord] * 2
    same_rows(listed, await client_nt.users.Queries(conn).list_users())
