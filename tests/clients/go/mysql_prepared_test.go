//go:build flash_mysql_prepared

package clients_test

import (
	"context"
	"sync"
	"testing"

	myp "flashclients/gen/mysql_prepared"
)

// prepare = true on MySQL: Prepare, concurrent use, WithTx, the unprepared slice query, Close.
func TestMySQLPrepared(t *testing.T) {
	ctx := context.Background()
	db := mysqlOpen(t, "flash_go_clients_my_prepared")
	q, err := myp.Prepare(ctx, db)
	must(t, err)

	id, err := q.CreateUser(ctx, myp.CreateUserParams{Email: "p@example.com", Name: ptr("P"), Role: myp.UsersRoleMember, Active: true, Balance: "3.10"})
	must(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []error
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				u, err := q.GetUser(ctx, id)
				if err == nil && (u.Name == nil || *u.Name != "P") {
					t.Errorf("GetUser: %#v", u)
				}
				if err != nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range failures {
		t.Fatal(err)
	}
	rows, err := q.ListUsersByIDs(ctx, []int64{id, id + 1000})
	must(t, err)
	eq(t, "ListUsersByIDs", rows, []myp.ListUsersByIDsRow{{ID: id, Email: "p@example.com"}})

	tx, err := db.BeginTx(ctx, nil)
	must(t, err)
	n, err := q.WithTx(tx).UpsertCounter(ctx, myp.UpsertCounterParams{Name: "c", Value: 1})
	must(t, err)
	eq(t, "UpsertCounter in tx", n, int64(1))
	must(t, tx.Commit())
	c, err := q.GetCounter(ctx, "c")
	must(t, err)
	eq(t, "GetCounter", c, myp.Counter{Name: "c", Value: 1})
	must(t, q.Close())
}
