//go:build flash_postgresql_batch

package clients_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	pgb "flashclients/gen/postgresql_batch"
)

// The :batch kinds with pgx/v5: one SendBatch per call, results read through the callbacks in
// element order; pgx.ErrNoRows for a :batchone element without a row; ErrBatchAlreadyClosed
// after Close.
func TestPostgreSQLBatch(t *testing.T) {
	ctx := context.Background()
	conn := pgConnect(t, "flash_go_clients_pg_batch")
	q := pgb.New(conn)

	// :batchexec — the third element adds to the first one's row, so order matters.
	var seen []int
	q.BatchUpsertCounters(ctx, []pgb.BatchUpsertCountersParams{
		{Name: "a", Value: 1}, {Name: "b", Value: 2}, {Name: "a", Value: 10},
	}).Exec(func(i int, err error) {
		must(t, err)
		seen = append(seen, i)
	})
	eq(t, "exec callbacks", seen, []int{0, 1, 2})

	// :batchone — a table model per element, pgx.ErrNoRows for a missing one.
	var values []int64
	q.BatchGetCounters(ctx, []string{"a", "missing", "b"}).QueryRow(func(i int, c pgb.Counter, err error) {
		if i == 1 {
			if !errors.Is(err, pgx.ErrNoRows) {
				t.Fatalf("BatchGetCounters[1]: want pgx.ErrNoRows, got %v", err)
			}
			return
		}
		must(t, err)
		values = append(values, c.Value)
	})
	eq(t, "batchone values", values, []int64{11, 2})

	// :batchmany — a slice of rows per element (empty for a user without posts).
	var u1, u2 int64
	must(t, conn.QueryRow(ctx, "INSERT INTO users (email) VALUES ('u1@example.com') RETURNING id").Scan(&u1))
	must(t, conn.QueryRow(ctx, "INSERT INTO users (email) VALUES ('u2@example.com') RETURNING id").Scan(&u2))
	_, err := conn.Exec(ctx, "INSERT INTO posts (user_id, title) VALUES ($1, 'p1'), ($1, 'p2'), ($2, 'p3')", u1, u2)
	must(t, err)
	titles := map[int][]string{}
	q.BatchListPostTitles(ctx, []int64{u1, u2, 999}).Query(func(i int, rows []pgb.BatchListPostTitlesRow, err error) {
		must(t, err)
		titles[i] = []string{}
		for _, r := range rows {
			titles[i] = append(titles[i], r.Title)
		}
	})
	eq(t, "batchmany 0", titles[0], []string{"p1", "p2"})
	eq(t, "batchmany 1", titles[1], []string{"p3"})
	eq(t, "batchmany 2", titles[2], []string{})

	// Close before reading: every callback gets ErrBatchAlreadyClosed.
	br := q.BatchGetCounters(ctx, []string{"a", "b"})
	must(t, br.Close())
	closed := 0
	br.QueryRow(func(i int, c pgb.Counter, err error) {
		if !errors.Is(err, pgb.ErrBatchAlreadyClosed) {
			t.Fatalf("after Close: want ErrBatchAlreadyClosed, got %v", err)
		}
		closed++
	})
	eq(t, "callbacks after Close", closed, 2)

	// Inside a transaction: rolled back with it.
	tx, err := conn.Begin(ctx)
	must(t, err)
	q.WithTx(tx).BatchUpsertCounters(ctx, []pgb.BatchUpsertCountersParams{{Name: "tx", Value: 1}}).Exec(func(_ int, err error) {
		must(t, err)
	})
	must(t, tx.Rollback(ctx))
	var n int64
	must(t, conn.QueryRow(ctx, "SELECT count(*) FROM counters WHERE name = 'tx'").Scan(&n))
	eq(t, "rolled back", n, int64(0))
}
