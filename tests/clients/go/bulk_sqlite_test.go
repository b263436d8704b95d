//go:build flash_sqlite

package clients_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	lite "flashclients/gen/sqlite"
)

// :copyfrom with database/sql: multi-row INSERTs chunked under the engine's parameter limit
// (40000 rows take several statements), NULLs and JSON included, an empty call, and a copy inside
// a transaction that is rolled back.
func TestSQLiteCopyFrom(t *testing.T) {
	ctx := context.Background()
	db := sqliteOpen(t)
	q := lite.New(db)
	res, err := db.ExecContext(ctx, "INSERT INTO users (email, created_at) VALUES ('bulk@example.com', CURRENT_TIMESTAMP)")
	must(t, err)
	userID, err := res.LastInsertId()
	must(t, err)

	meta := json.RawMessage(`{"k":1}`)
	n, err := q.CopyPosts(ctx, []lite.CopyPostsParams{
		{UserID: userID, Title: "one", Body: ptr("first"), Views: 3, Metadata: &meta},
		{UserID: userID, Title: "two"},
	})
	must(t, err)
	eq(t, "CopyPosts rows", n, int64(2))
	rows, err := db.QueryContext(ctx, "SELECT user_id, title, body, views, metadata FROM posts ORDER BY id")
	must(t, err)
	defer rows.Close()
	type post struct {
		user     int64
		title    string
		body     *string
		views    int32
		metadata []byte
	}
	var got []post
	for rows.Next() {
		var p post
		must(t, rows.Scan(&p.user, &p.title, &p.body, &p.views, &p.metadata))
		got = append(got, p)
	}
	must(t, rows.Err())
	eq(t, "posts", len(got), 2)
	eq(t, "post 1 user", got[0].user, userID)
	eq(t, "post 1 title", got[0].title, "one")
	derefEq(t, "post 1 body", got[0].body, "first")
	eq(t, "post 1 views", got[0].views, int32(3))
	jsonEq(t, "post 1 metadata", got[0].metadata, `{"k": 1}`)
	eq(t, "post 2 title", got[1].title, "two")
	isNil(t, "post 2 body", got[1].body)
	if got[1].metadata != nil {
		t.Fatalf("post 2 metadata = %q, want NULL", got[1].metadata)
	}

	counters := make([]lite.CopyCountersParams, 40000)
	for i := range counters {
		counters[i] = lite.CopyCountersParams{Name: fmt.Sprintf("c%05d", i), Value: int64(i)}
	}
	n, err = q.CopyCounters(ctx, counters)
	must(t, err)
	eq(t, "CopyCounters rows", n, int64(40000))
	var count, sum int64
	must(t, db.QueryRowContext(ctx, "SELECT count(*), sum(value) FROM counters").Scan(&count, &sum))
	eq(t, "counters", count, int64(40000))
	eq(t, "sum(value)", sum, int64(40000*(40000-1)/2))

	n, err = q.CopyCounters(ctx, nil)
	must(t, err)
	eq(t, "empty copy", n, int64(0))

	tx, err := db.BeginTx(ctx, nil)
	must(t, err)
	n, err = q.WithTx(tx).CopyCounters(ctx, []lite.CopyCountersParams{{Name: "tx", Value: 1}})
	must(t, err)
	eq(t, "copy in tx", n, int64(1))
	must(t, tx.Rollback())
	must(t, db.QueryRowContext(ctx, "SELECT count(*) FROM counters").Scan(&count))
	eq(t, "counters after rollback", count, int64(40000))
}
