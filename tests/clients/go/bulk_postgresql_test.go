//go:build flash_postgresql

package clients_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	pg "flashclients/gen/postgresql"
)

// :copyfrom with pgx/v5: CopyFrom (COPY FROM STDIN), NULLs and JSON included, 40000 rows in one
// call, an empty call, and a copy inside a transaction that is rolled back.
func TestPostgreSQLCopyFrom(t *testing.T) {
	ctx := context.Background()
	conn := pgConnect(t, "flash_go_clients_pg_bulk")
	q := pg.New(conn)
	var userID int64
	must(t, conn.QueryRow(ctx, "INSERT INTO users (email) VALUES ('bulk@example.com') RETURNING id").Scan(&userID))

	meta := json.RawMessage(`{"k": 1}`)
	n, err := q.CopyPosts(ctx, []pg.CopyPostsParams{
		{UserID: userID, Title: "one", Body: ptr("first"), Views: 3, Metadata: &meta},
		{UserID: userID, Title: "two"},
	})
	must(t, err)
	eq(t, "CopyPosts rows", n, int64(2))
	rows, err := conn.Query(ctx, "SELECT user_id, title, body, views, metadata::text FROM posts ORDER BY id")
	must(t, err)
	type post struct {
		user     int64
		title    string
		body     *string
		views    int32
		metadata *string
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
	if got[0].metadata == nil {
		t.Fatal("post 1 metadata is NULL")
	}
	jsonEq(t, "post 1 metadata", []byte(*got[0].metadata), `{"k": 1}`)
	eq(t, "post 2 title", got[1].title, "two")
	isNil(t, "post 2 body", got[1].body)
	isNil(t, "post 2 metadata", got[1].metadata)

	counters := make([]pg.CopyCountersParams, 40000)
	for i := range counters {
		counters[i] = pg.CopyCountersParams{Name: fmt.Sprintf("c%05d", i), Value: int64(i)}
	}
	n, err = q.CopyCounters(ctx, counters)
	must(t, err)
	eq(t, "CopyCounters rows", n, int64(40000))
	var count, sum int64
	must(t, conn.QueryRow(ctx, "SELECT count(*), sum(value) FROM counters").Scan(&count, &sum))
	eq(t, "counters", count, int64(40000))
	eq(t, "sum(value)", sum, int64(40000*39999/2))

	n, err = q.CopyCounters(ctx, nil)
	must(t, err)
	eq(t, "empty copy", n, int64(0))

	tx, err := conn.Begin(ctx)
	must(t, err)
	n, err = q.WithTx(tx).CopyCounters(ctx, []pg.CopyCountersParams{{Name: "tx", Value: 1}})
	must(t, err)
	eq(t, "copy in tx", n, int64(1))
	must(t, tx.Rollback(ctx))
	must(t, conn.QueryRow(ctx, "SELECT count(*) FROM counters").Scan(&count))
	eq(t, "counters after rollback", count, int64(40000))
}
