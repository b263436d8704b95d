//go:build flash_sqlite_sqlnull

package clients_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	litn "flashclients/gen/sqlite_sqlnull"
)

// null_style = "sql" and prepare = true with database/sql: sql.Null* values, and one prepared
// statement set shared by goroutines and re-bound inside a transaction.
func TestSQLiteSQLNullPrepared(t *testing.T) {
	ctx := context.Background()
	db := sqliteOpen(t)
	q, err := litn.Prepare(ctx, db)
	must(t, err)
	defer func() { must(t, q.Close()) }()

	upd := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	alice, err := q.CreateUser(ctx, litn.CreateUserParams{
		Email: "alice@example.com", Name: sql.NullString{String: "Alice", Valid: true},
		Age: sql.NullInt64{Int64: 34, Valid: true}, Role: "admin", Active: true, Balance: "2",
		UpdatedAt: sql.NullTime{Time: upd, Valid: true},
	})
	must(t, err)
	eq(t, "Name", alice.Name, sql.NullString{String: "Alice", Valid: true})
	eq(t, "Age", alice.Age, sql.NullInt64{Int64: 34, Valid: true})
	eq(t, "Score (NULL)", alice.Score, sql.NullFloat64{})
	eq(t, "Profile (NULL)", alice.Profile, sql.NullString{})
	eq(t, "Birthday (NULL)", alice.Birthday, sql.NullTime{})
	eq(t, "UpdatedAt", alice.UpdatedAt.Valid && alice.UpdatedAt.Time.Equal(upd), true)

	// Concurrent use of the prepared statements.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				u, err := q.GetUser(ctx, alice.ID)
				if err != nil {
					errs <- err
					return
				}
				if u.Email != alice.Email {
					errs <- sql.ErrNoRows
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// The slice query is not prepared (its text changes with the slice length) but works.
	byIDs, err := q.ListUsersByIDs(ctx, []int64{alice.ID})
	must(t, err)
	eq(t, "ListUsersByIDs", len(byIDs), 1)

	// Prepared statements re-bound to a transaction.
	tx, err := db.BeginTx(ctx, nil)
	must(t, err)
	_, err = q.WithTx(tx).UpsertCounter(ctx, litn.UpsertCounterParams{Name: "c", Value: 1})
	must(t, err)
	must(t, tx.Rollback())
	_, err = q.GetCounter(ctx, "c")
	eq(t, "GetCounter after rollback is ErrNoRows", err, sql.ErrNoRows)

	found, err := q.SearchUsers(ctx, litn.SearchUsersParams{MinAge: sql.NullInt64{}, Role: "admin"})
	must(t, err)
	eq(t, "SearchUsers(NULL)", len(found), 1)
}
