"""Behaviour test of the generated Python MongoDB client (tests/clients/mongo/run.sh).

Written once for the async package (AsyncMongoClient); run.sh derives the sync test from it by
dropping async/await. The scenario is the Go and TypeScript one, so all of them leave identical
documents behind, which run.sh reads with the C++ driver and compares with expected.json.
"""
import datetime
import os

import pytest
from bson import BSON, Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from bson.json_util import CANONICAL_JSON_OPTIONS, dumps
from pymongo import AsyncMongoClient as Client

import shop_async as shop

URL = os.environ.get("FLASH_TEST_MONGO_URL", "")
DB = os.environ.get("FLASH_MONGO_CLIENT_DB", "")


def canonical(doc: object) -> str:
    return dumps(doc, json_options=CANONICAL_JSON_OPTIONS)


@pytest.mark.asyncio
@pytest.mark.skipif(not URL or not DB, reason="FLASH_TEST_MONGO_URL / FLASH_MONGO_CLIENT_DB not set")
async def test_client() -> None:
    client: Client[dict[str, object]] = Client(URL, tz_aware=True)
    try:
        await client.drop_database(DB)
        db = client.get_database(DB)
        products = shop.ProductsCollection(db)
        events = shop.EventsCollection(db)
        P, E = shop.ProductField, shop.EventField
        utc = datetime.timezone.utc
        created = datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=utc)

        p1: shop.Product = {
            "_id": ObjectId("650000000000000000000001"),
            "sku": "A-1",
            "name": "Hammer",
            "stock": 7,
            "views": 9007199254740993,
            "rating": 4.0,
            "active": True,
            "created_at": created,
            "thumbnail": bytes([0, 1, 2, 255]),
            "category": "tool",
            "tags": ["steel", "heavy"],
            "scores": [1, 2],
            "dimensions": {"width": 10.0, "height": 2.5, "unit": "cm"},
            "variants": [{"code": "R", "qty": 3, "supplier_id": ObjectId("650000000000000000000009")}],
            "attributes": {"color": "red"},
            "extra": "anything",
        }
        assert await products.insert_one(p1) == ObjectId("650000000000000000000001")
        more: list[shop.Product] = [
            {"sku": "B-2", "name": "Saw", "stock": 2, "views": 1, "rating": 3.5, "active": True,
             "created_at": created, "tags": [], "dimensions": {"width": 1.0, "height": 1.0}},
            {"sku": "C-3", "name": "Kite", "stock": 0, "views": 0, "rating": 0.0, "active": False,
             "created_at": created, "category": "toy", "tags": [], "dimensions": {"width": 0.5, "height": 0.25}},
        ]
        ids = await products.insert_many(more)
        assert len(ids) == 2 and ids[0] != ids[1]
        assert more[0]["_id"] == ids[0] and more[1]["_id"] == ids[1]

        got = await products.find_one(shop.where(P.sku.eq("A-1")))
        assert got is not None
        assert isinstance(got["views"], Int64) and got["views"] == 9007199254740993
        assert isinstance(got["variants"][0]["qty"], Int64)
        assert isinstance(got["rating"], float)
        assert canonical(got) == canonical(shop._encode_Product(p1))

        async def find(what: str, f: shop.Filter, *want: str) -> None:
            ps = await products.find(f, sort=[("sku", 1)])
            assert [p["sku"] for p in ps] == list(want), what

        await find("int32 gte", shop.where(P.stock.gte(2)), "A-1", "B-2")
        await find("int64 gt 2^53", shop.where(P.views.gt(9007199254740992)), "A-1")
        await find("double lt", shop.where(P.rating.lt(3.6)), "B-2", "C-3")
        await find("array contains", shop.where(P.tags.contains("steel")), "A-1")
        await find("nested", shop.where(P.dimensions.width.eq(10.0)), "A-1")
        await find("array of objects", shop.where(P.variants.code.eq("R")), "A-1")
        await find("enum in", shop.where(P.category.in_("tool", "toy")), "A-1", "C-3")
        await find("null or missing", shop.where(P.discontinued_at.is_null()), "A-1", "B-2", "C-3")
        await find("exists", shop.where(P.thumbnail.exists()), "A-1")
        await find("date", shop.where(P.created_at.eq(created), P.active.eq(True)), "A-1", "B-2")
        await find("or", shop.where(shop.or_(P.sku.eq("C-3"), P.scores.contains(2))), "A-1", "C-3")
        await find("none", shop.where(P.sku.eq("nope")))
        assert await products.find_one(shop.where(P.sku.eq("nope"))) is None
        assert await products.count(shop.where()) == 3

        res = await products.update_one(shop.where(P.sku.eq("A-1")), shop.updates(
            P.rating.set(4.5), P.stock.inc(1), P.views.inc(2), P.tags.push("sale"), P.attributes.unset(),
            P.discontinued_at.set(datetime.datetime(2025, 6, 30, tzinfo=utc)), P.dimensions.unit.set("mm")))
        assert res.matched_count == 1
        res = await products.update_many(shop.where(P.active.eq(True)), shop.updates(P.scores.push(3)))
        assert res.modified_count == 2

        assert await products.delete_one(shop.where(P.sku.eq("B-2"))) == 1
        assert await products.delete_many(shop.where(P.sku.in_("C-3", "nope"))) == 1

        e1: shop.Event = {"_id": "evt-1", "kind": "restock", "at": Timestamp(1700000000, 7), "seq": 1,
                          "pattern": Regex("^A-", "i"), "product_id": ObjectId("650000000000000000000001"),
                          "payload": {"note": "first"}}
        e2: shop.Event = {"_id": "evt-2", "kind": "audit", "at": Timestamp(1700000001, 1), "seq": 2, "payload": None}
        assert await events.insert_many([e1, e2]) == ["evt-1", "evt-2"]
        ev = await events.find_one(shop.where(E.at.eq(Timestamp(1700000000, 7))))
        assert ev is not None and canonical(ev) == canonical(shop._encode_Event(e1))
        await events.update_one(shop.where(E.id.eq("evt-2")), shop.updates(E.seq.inc(40), E.payload.set({"note": "second"})))

        # Types FerretDB cannot store (decimal, javascript, minKey, maxKey): the model holds exactly
        # these BSON types (the driver's own encoder, canonical Extended JSON).
        ledger: shop.Ledger = {"_id": ObjectId("650000000000000000000002"), "amount": Decimal128("12.50"),
                               "fees": [Decimal128("12.50")], "rule": Code("x > 1"), "low": MinKey(), "high": MaxKey()}
        assert canonical(BSON.encode(ledger).decode()) == (
            '{"_id": {"$oid": "650000000000000000000002"}, "amount": {"$numberDecimal": "12.50"}, '
            '"fees": [{"$numberDecimal": "12.50"}], "rule": {"$code": "x > 1"}, "low": {"$minKey": 1}, '
            '"high": {"$maxKey": 1}}')
        assert isinstance(Binary(b"x", 4), bytes)  # any binData subtype is a bytes
    finally:
        await client.close()
