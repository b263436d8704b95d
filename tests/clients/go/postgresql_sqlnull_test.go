//go:build flash_postgresql_sqlnull

package clients_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	pgn "flashclients/gen/postgresql_sqlnull"
)

// null_style = "sql" with pgx/v5: nullable values are pgtype.* structs.
func TestPostgreSQLSQLNullStyle(t *testing.T) {
	ctx := context.Background()
	conn := pgConnect(t, "flash_go_clients_pg_sqlnull")
	q := pgn.New(conn)

	bday := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
	var uuid pgtype.UUID
	must(t, uuid.Scan("0b5ad7a4-0c8f-4f6e-9b59-3c1f0b3b1a11"))
	alice, err := q.CreateUser(ctx, pgn.CreateUserParams{
		Email: "alice@example.com", Name: pgtype.Text{String: "Alice", Valid: true},
		Age: pgtype.Int4{Int32: 34, Valid: true}, Role: pgn.UserRoleAdmin, Active: true, Balance: "1.25",
		ExternalID: uuid, Tags: []string{"x"}, Birthday: pgtype.Date{Time: bday, Valid: true},
	})
	must(t, err)
	eq(t, "Name", alice.Name, pgtype.Text{String: "Alice", Valid: true})
	eq(t, "Age", alice.Age, pgtype.Int4{Int32: 34, Valid: true})
	eq(t, "Score (NULL)", alice.Score, pgtype.Float8{})
	eq(t, "ExternalID", alice.ExternalID, uuid)
	eq(t, "Birthday", alice.Birthday.Time.Equal(bday) && alice.Birthday.Valid, true)
	eq(t, "UpdatedAt (NULL)", alice.UpdatedAt.Valid, false)
	bytesEq(t, "Profile (NULL)", alice.Profile, nil)

	found, err := q.SearchUsers(ctx, pgn.SearchUsersParams{MinAge: pgtype.Int4{Int32: 30, Valid: true}, Role: pgn.UserRoleAdmin})
	must(t, err)
	eq(t, "SearchUsers(30)", len(found), 1)
	found, err = q.SearchUsers(ctx, pgn.SearchUsersParams{Role: pgn.UserRoleAdmin})
	must(t, err)
	eq(t, "SearchUsers(NULL)", len(found), 1)

	withPosts, err := q.ListUsersWithPosts(ctx)
	must(t, err)
	eq(t, "ListUsersWithPosts", withPosts, []pgn.ListUsersWithPostsRow{{ID: alice.ID, Email: alice.Email}})
	eq(t, "ListUsersWithPosts PostID is NULL", withPosts[0].PostID.Valid, false)

	counts, err := q.CountUsers(ctx, false)
	must(t, err)
	eq(t, "CountUsers(false).TotalBalance is NULL", counts.TotalBalance.Valid, false)
}
