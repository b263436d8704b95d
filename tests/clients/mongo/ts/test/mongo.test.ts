// Behaviour test of the generated TypeScript MongoDB client (tests/clients/mongo/run.sh): the same
// scenario as the Go and Python tests, so the three leave identical documents behind, which run.sh
// then reads with the C++ driver and compares with expected.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Binary, BSON, BSONRegExp, Code, Decimal128, MaxKey, MinKey, MongoClient, ObjectId, Timestamp } from "mongodb";
import { EventsCollection, ProductsCollection, type Event, type Ledger, type Product } from "../.out/gen/mongo.js";

const { EJSON } = BSON;

const url = process.env.FLASH_TEST_MONGO_URL;
const dbName = process.env.FLASH_MONGO_CLIENT_DB;

test("generated MongoDB client", { skip: !url || !dbName ? "FLASH_TEST_MONGO_URL / FLASH_MONGO_CLIENT_DB not set" : false }, async () => {
  const client = new MongoClient(url!);
  try {
    const db = client.db(dbName);
    await db.dropDatabase();
    const products = new ProductsCollection(db);
    const events = new EventsCollection(db);

    const created = new Date("2024-01-02T03:04:05.678Z");
    const p1: Product = {
      _id: new ObjectId("650000000000000000000001"),
      sku: "A-1",
      name: "Hammer",
      stock: 7,
      views: 9007199254740993n,
      rating: 4.0,
      active: true,
      created_at: created,
      thumbnail: new Binary(Buffer.from([0, 1, 2, 255]), 0),
      category: "tool",
      tags: ["steel", "heavy"],
      scores: [1, 2],
      dimensions: { width: 10.0, height: 2.5, unit: "cm" },
      variants: [{ code: "R", qty: 3n, supplier_id: new ObjectId("650000000000000000000009") }],
      attributes: { color: "red" },
      extra: "anything",
    };
    // @ts-expect-error stock is declared int: a string is refused at compile time
    const bad: Product = { ...p1, stock: "7" };
    void bad;
    const id = await products.insertOne(p1);
    assert.equal(id.toHexString(), "650000000000000000000001");
    const more: Product[] = [
      { sku: "B-2", name: "Saw", stock: 2, views: 1n, rating: 3.5, active: true, created_at: created, tags: [], dimensions: { width: 1, height: 1 } },
      { sku: "C-3", name: "Kite", stock: 0, views: 0n, rating: 0, active: false, created_at: created, category: "toy", tags: [], dimensions: { width: 0.5, height: 0.25 } },
    ];
    const ids = await products.insertMany(more);
    assert.equal(ids.length, 2);
    assert.ok(more[0]._id instanceof ObjectId && more[1]._id instanceof ObjectId);
    assert.notEqual(more[0]._id!.toHexString(), more[1]._id!.toHexString());

    // Typed filters (the driver's Filter<Product>).
    const got = await products.findOne({ sku: "A-1" });
    assert.ok(got);
    assert.equal(typeof got.views, "bigint");
    assert.equal(got.views, 9007199254740993n);
    assert.equal(got.variants?.[0].qty, 3n);
    assert.deepEqual(EJSON.serialize(got, { relaxed: false }), EJSON.serialize(p1, { relaxed: false }));
    const find = async (what: string, f: Parameters<ProductsCollection["find"]>[0], want: string[]) => {
      const ps = await products.find(f, { sort: { sku: 1 } });
      assert.deepEqual(ps.map((p) => p.sku), want, what);
    };
    await find("int32 gte", { stock: { $gte: 2 } }, ["A-1", "B-2"]);
    await find("int64 gt 2^53", { views: { $gt: 9007199254740992n } }, ["A-1"]);
    await find("double lt", { rating: { $lt: 3.6 } }, ["B-2", "C-3"]);
    await find("array contains", { tags: "steel" }, ["A-1"]);
    await find("nested", { "dimensions.width": 10 }, ["A-1"]);
    await find("array of objects", { "variants.code": "R" }, ["A-1"]);
    await find("enum in", { category: { $in: ["tool", "toy"] } }, ["A-1", "C-3"]);
    await find("null or missing", { discontinued_at: null }, ["A-1", "B-2", "C-3"]);
    await find("exists", { thumbnail: { $exists: true } }, ["A-1"]);
    await find("date", { created_at: created, active: true }, ["A-1", "B-2"]);
    await find("or", { $or: [{ sku: "C-3" }, { scores: 2 }] }, ["A-1", "C-3"]);
    await find("none", { sku: "nope" }, []);
    // @ts-expect-error rating is a number: a string filter value is refused at compile time
    await find("typed", { rating: "high" }, []);
    assert.equal(await products.findOne({ sku: "nope" }), null);
    assert.equal(await products.count({}), 3);

    // Typed updates.
    let res = await products.updateOne({ sku: "A-1" }, {
      set: { rating: 4.5, discontinued_at: new Date("2025-06-30T00:00:00Z") },
      inc: { stock: 1, views: 2n },
      unset: ["attributes"],
    });
    assert.equal(res.matchedCount, 1);
    // Whole-array and nested changes through set (TypeScript has no typed $push here).
    const a1 = (await products.findOne({ sku: "A-1" }))!;
    await products.updateOne({ sku: "A-1" }, { set: { tags: [...a1.tags, "sale"], dimensions: { ...a1.dimensions, unit: "mm" } } });
    for (const p of await products.find({ active: true })) {
      res = await products.updateOne({ _id: p._id }, { set: { scores: [...(p.scores ?? []), 3] } });
      assert.equal(res.modifiedCount, 1);
    }

    // Deletes.
    assert.equal(await products.deleteOne({ sku: "B-2" }), 1);
    assert.equal(await products.deleteMany({ sku: { $in: ["C-3", "nope"] } }), 1);

    // A string _id, timestamp, regex, nullable nested object.
    const e1: Event = {
      _id: "evt-1", kind: "restock", at: new Timestamp({ t: 1700000000, i: 7 }), seq: 1n,
      pattern: new BSONRegExp("^A-", "i"), product_id: new ObjectId("650000000000000000000001"), payload: { note: "first" },
    };
    const e2: Event = { _id: "evt-2", kind: "audit", at: new Timestamp({ t: 1700000001, i: 1 }), seq: 2n, payload: null };
    assert.deepEqual(await events.insertMany([e1, e2]), ["evt-1", "evt-2"]);
    const ev = await events.findOne({ at: new Timestamp({ t: 1700000000, i: 7 }) });
    assert.deepEqual(EJSON.serialize(ev, { relaxed: false }), EJSON.serialize(e1, { relaxed: false }));
    await events.updateOne({ _id: "evt-2" }, { inc: { seq: 40n }, set: { payload: { note: "second" } } });

    // Types FerretDB cannot store (decimal, javascript, minKey, maxKey): the model holds exactly
    // these BSON types (the driver's own serializer, canonical Extended JSON).
    const ledger: Ledger = {
      _id: new ObjectId("650000000000000000000002"), amount: Decimal128.fromString("12.50"),
      fees: [Decimal128.fromString("12.50")], rule: new Code("x > 1"), low: new MinKey(), high: new MaxKey(),
    };
    const bytes = BSON.serialize(ledger);
    assert.equal(
      EJSON.stringify(BSON.deserialize(bytes, { promoteValues: false }), { relaxed: false }),
      '{"_id":{"$oid":"650000000000000000000002"},"amount":{"$numberDecimal":"12.50"},' +
        '"fees":[{"$numberDecimal":"12.50"}],"rule":{"$code":"x > 1"},"low":{"$minKey":1},"high":{"$maxKey":1}}',
    );
  } finally {
    await client.close();
  }
});
