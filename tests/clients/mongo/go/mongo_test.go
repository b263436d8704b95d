// Behaviour test of the generated Go MongoDB client (tests/clients/mongo/run.sh): the same
// scenario as the TypeScript and Python tests, so the three leave identical documents behind,
// which run.sh then reads with the C++ driver and compares with expected.json.
package flashmongo_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"flashmongoclients/gen/shop"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func ptr[T any](v T) *T { return &v }

func oid(t *testing.T, hex string) bson.ObjectID {
	id, err := bson.ObjectIDFromHex(hex)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if !equal(got, want) {
		t.Fatalf("%s: got %#v, want %#v", what, got, want)
	}
}

func equal(a, b any) bool {
	ra, _ := bson.Marshal(bson.D{{Key: "v", Value: a}})
	rb, _ := bson.Marshal(bson.D{{Key: "v", Value: b}})
	return string(ra) == string(rb)
}

func skus(ps []shop.Product) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Sku)
	}
	return out
}

func TestMongoClient(t *testing.T) {
	url, db := os.Getenv("FLASH_TEST_MONGO_URL"), os.Getenv("FLASH_MONGO_CLIENT_DB")
	if url == "" || db == "" {
		t.Skip("FLASH_TEST_MONGO_URL / FLASH_MONGO_CLIENT_DB not set")
	}
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI(url))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	d := client.Database(db)
	if err := d.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	products, events := shop.NewProductsCollection(d), shop.NewEventsCollection(d)
	P, E := shop.ProductField, shop.EventField

	created := time.Date(2024, 1, 2, 3, 4, 5, 678000000, time.UTC)
	p1 := shop.Product{
		ID:             oid(t, "650000000000000000000001"),
		Sku:            "A-1",
		Name:           "Hammer",
		Stock:          7,
		Views:          9007199254740993,
		Rating:         4.0,
		Active:         true,
		CreatedAt:      created,
		DiscontinuedAt: nil,
		Thumbnail:      &bson.Binary{Subtype: 0, Data: []byte{0, 1, 2, 255}},
		Category:       ptr("tool"),
		Tags:           []string{"steel", "heavy"},
		Scores:         []int32{1, 2},
		Dimensions:     shop.ProductDimensions{Width: 10.0, Height: 2.5, Unit: ptr("cm")},
		Variants:       []shop.ProductVariant{{Code: "R", Qty: 3, SupplierID: ptr(oid(t, "650000000000000000000009"))}},
		Attributes:     bson.M{"color": "red"},
		Extra:          "anything",
	}
	if err := products.InsertOne(ctx, &p1); err != nil {
		t.Fatal(err)
	}
	check(t, "given _id kept", p1.ID, oid(t, "650000000000000000000001"))
	more := []shop.Product{
		{Sku: "B-2", Name: "Saw", Stock: 2, Views: 1, Rating: 3.5, Active: true, CreatedAt: created,
			Dimensions: shop.ProductDimensions{Width: 1, Height: 1}},
		{Sku: "C-3", Name: "Kite", Stock: 0, Views: 0, Rating: 0, Active: false, CreatedAt: created,
			Category: ptr("toy"), Dimensions: shop.ProductDimensions{Width: 0.5, Height: 0.25}},
	}
	if err := products.InsertMany(ctx, more); err != nil {
		t.Fatal(err)
	}
	if more[0].ID.IsZero() || more[1].ID.IsZero() || more[0].ID == more[1].ID {
		t.Fatalf("generated _ids not set back: %v %v", more[0].ID, more[1].ID)
	}

	// Typed filters.
	got, err := products.FindOne(ctx, shop.Where(P.Sku.Eq("A-1")))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "round trip", got, p1)
	find := func(what string, f shop.Filter, want ...string) {
		t.Helper()
		ps, err := products.Find(ctx, f, options.Find().SetSort(bson.D{{Key: "sku", Value: 1}}))
		if err != nil {
			t.Fatal(err)
		}
		check(t, what, skus(ps), append([]string{}, want...))
	}
	find("int32 gte", shop.Where(P.Stock.Gte(2)), "A-1", "B-2")
	find("int64 gt 2^53", shop.Where(P.Views.Gt(9007199254740992)), "A-1")
	find("double lt", shop.Where(P.Rating.Lt(3.6)), "B-2", "C-3")
	find("array contains", shop.Where(P.Tags.Contains("steel")), "A-1")
	find("nested", shop.Where(P.Dimensions.Width.Eq(10)), "A-1")
	find("array of objects", shop.Where(P.Variants.Code.Eq("R")), "A-1")
	find("enum in", shop.Where(P.Category.In("tool", "toy")), "A-1", "C-3")
	find("null or missing", shop.Where(P.DiscontinuedAt.IsNull()), "A-1", "B-2", "C-3")
	find("exists", shop.Where(P.Thumbnail.Exists(true)), "A-1")
	find("date", shop.Where(P.CreatedAt.Eq(created), P.Active.Eq(true)), "A-1", "B-2")
	find("or", shop.Where(shop.Or(P.Sku.Eq("C-3"), P.Scores.Contains(2))), "A-1", "C-3")
	find("none", shop.Where(P.Sku.Eq("nope")))
	if _, err := products.FindOne(ctx, shop.Where(P.Sku.Eq("nope"))); !errors.Is(err, mongo.ErrNoDocuments) {
		t.Fatalf("FindOne of nothing: %v", err)
	}
	n, err := products.Count(ctx, shop.Where())
	check(t, "count", n, int64(3))

	// Typed updates.
	res, err := products.UpdateOne(ctx, shop.Where(P.Sku.Eq("A-1")), shop.Updates(
		P.Rating.Set(4.5), P.Stock.Inc(1), P.Views.Inc(2), P.Tags.Push("sale"), P.Attributes.Unset(),
		P.DiscontinuedAt.Set(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)), P.Dimensions.Unit.Set("mm")))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "matched", res.MatchedCount, int64(1))
	res, err = products.UpdateMany(ctx, shop.Where(P.Active.Eq(true)), shop.Updates(P.Scores.Push(3)))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "update many", res.ModifiedCount, int64(2))

	// Deletes.
	k, err := products.DeleteOne(ctx, shop.Where(P.Sku.Eq("B-2")))
	check(t, "delete one", k, int64(1))
	k, err = products.DeleteMany(ctx, shop.Where(P.Sku.In("C-3", "nope")))
	check(t, "delete many", k, int64(1))

	// A string _id, timestamp, regex, nullable nested object.
	e1 := shop.Event{ID: "evt-1", Kind: "restock", At: bson.Timestamp{T: 1700000000, I: 7}, Seq: 1,
		Pattern: &bson.Regex{Pattern: "^A-", Options: "i"}, ProductID: ptr(oid(t, "650000000000000000000001")),
		Payload: &shop.EventPayload{Note: ptr("first")}}
	e2 := shop.Event{ID: "evt-2", Kind: "audit", At: bson.Timestamp{T: 1700000001, I: 1}, Seq: 2}
	if err := events.InsertMany(ctx, []shop.Event{e1, e2}); err != nil {
		t.Fatal(err)
	}
	ev, err := events.FindOne(ctx, shop.Where(E.At.Eq(bson.Timestamp{T: 1700000000, I: 7})))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "event round trip", ev, e1)
	if _, err := events.UpdateOne(ctx, shop.Where(E.ID.Eq("evt-2")), shop.Updates(E.Seq.Inc(40), E.Payload.Set(shop.EventPayload{Note: ptr("second")}))); err != nil {
		t.Fatal(err)
	}

	// Types FerretDB cannot store (decimal, javascript, minKey, maxKey): the model encodes them as
	// exactly these BSON types (the driver's own encoder, canonical Extended JSON).
	amount, _ := bson.ParseDecimal128("12.50")
	raw, err := bson.Marshal(shop.Ledger{ID: oid(t, "650000000000000000000002"), Amount: amount,
		Fees: []bson.Decimal128{amount}, Rule: bson.JavaScript("x > 1"), Low: bson.MinKey{}, High: bson.MaxKey{}})
	if err != nil {
		t.Fatal(err)
	}
	ext, err := bson.MarshalExtJSON(bson.Raw(raw), true, false)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "ledger", string(ext), `{"_id":{"$oid":"650000000000000000000002"},"amount":{"$numberDecimal":"12.50"},`+
		`"fees":[{"$numberDecimal":"12.50"}],"rule":{"$code":"x > 1"},"low":{"$minKey":1},"high":{"$maxKey":1}}`)
}
