//go:build flash_sqlite

package clients_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	lite "flashclients/gen/sqlite"
)

// sqliteOpen creates a database file in a temp dir and loads the project's schema into it.
func sqliteOpen(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "test.db")+"?_foreign_keys=on")
	must(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(schemaSQL(t, "sqlite"))
	must(t, err)
	return db
}

func TestSQLite(t *testing.T) {
	ctx := context.Background()
	db := sqliteOpen(t)
	q := lite.New(db)

	bday := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
	upd := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	profile := json.RawMessage(`{"theme":"dark","n":1}`)
	uuid := "0b5ad7a4-0c8f-4f6e-9b59-3c1f0b3b1a11"

	// CreateUser: every column type as a parameter, RETURNING * into the User model.
	alice, err := q.CreateUser(ctx, lite.CreateUserParams{
		Email: "alice@example.com", Name: ptr("Alice"), Age: ptr(int64(34)), Role: "admin",
		Active: true, Balance: "12.5", Score: ptr(9.5), ExternalID: &uuid,
		Profile: &profile, Avatar: []byte{0, 1, 2, 255}, Birthday: &bday, UpdatedAt: &upd,
	})
	must(t, err)
	if alice.ID <= 0 {
		t.Fatalf("CreateUser id = %d", alice.ID)
	}
	eq(t, "alice.Email", alice.Email, "alice@example.com")
	derefEq(t, "alice.Name", alice.Name, "Alice")
	derefEq(t, "alice.Age", alice.Age, int64(34))
	eq(t, "alice.Role", alice.Role, "admin")
	eq(t, "alice.Active", alice.Active, true)
	decimalEq(t, "alice.Balance", alice.Balance, 12.5)
	derefEq(t, "alice.Score", alice.Score, 9.5)
	derefEq(t, "alice.ExternalID", alice.ExternalID, uuid)
	if alice.Profile == nil {
		t.Fatal("alice.Profile is NULL")
	}
	jsonEq(t, "alice.Profile", *alice.Profile, `{"n": 1, "theme": "dark"}`)
	bytesEq(t, "alice.Avatar", alice.Avatar, []byte{0, 1, 2, 255})
	timeEq(t, "alice.Birthday", alice.Birthday, bday)
	timeEq(t, "alice.UpdatedAt", alice.UpdatedAt, upd)
	if alice.CreatedAt.IsZero() {
		t.Errorf("alice.CreatedAt = %v", alice.CreatedAt)
	}

	bob, err := q.CreateUser(ctx, lite.CreateUserParams{Email: "bob@example.com", Role: "guest", Active: true, Balance: "0"})
	must(t, err)
	got, err := q.GetUser(ctx, bob.ID)
	must(t, err)
	eq(t, "GetUser(bob)", got, bob)
	isNil(t, "bob.Name", got.Name)
	isNil(t, "bob.Age", got.Age)
	isNil(t, "bob.Score", got.Score)
	isNil(t, "bob.ExternalID", got.ExternalID)
	isNil(t, "bob.Profile", got.Profile)
	bytesEq(t, "bob.Avatar", got.Avatar, nil)
	isNil(t, "bob.Birthday", got.Birthday)
	isNil(t, "bob.UpdatedAt", got.UpdatedAt)
	decimalEq(t, "bob.Balance", got.Balance, 0)

	byEmail, err := q.GetUserByEmail(ctx, "alice@example.com")
	must(t, err)
	eq(t, "GetUserByEmail", byEmail, lite.GetUserByEmailRow{ID: alice.ID, Email: "alice@example.com", Name: ptr("Alice")})
	_, err = q.GetUserByEmail(ctx, "nobody@example.com")
	if !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("GetUserByEmail(nobody): err = %v, want sql.ErrNoRows", err)
	}

	users, err := q.ListUsers(ctx)
	must(t, err)
	eq(t, "len(ListUsers)", len(users), 2)
	eq(t, "ListUsers[1]", users[1], bob)

	// sqlc.slice: the IN list is expanded at run time; an empty slice matches nothing.
	byIDs, err := q.ListUsersByIDs(ctx, []int64{bob.ID, alice.ID, 999})
	must(t, err)
	eq(t, "ListUsersByIDs", byIDs, []lite.ListUsersByIDsRow{{ID: alice.ID, Email: alice.Email}, {ID: bob.ID, Email: bob.Email}})
	none, err := q.ListUsersByIDs(ctx, nil)
	must(t, err)
	eq(t, "ListUsersByIDs(empty)", len(none), 0)

	found, err := q.SearchUsers(ctx, lite.SearchUsersParams{MinAge: nil, Role: "admin"})
	must(t, err)
	eq(t, "SearchUsers(nil, admin)", found, []lite.SearchUsersRow{{ID: alice.ID, Email: alice.Email, Age: ptr(int64(34)), Role: "admin"}})
	found, err = q.SearchUsers(ctx, lite.SearchUsersParams{MinAge: ptr(int64(40)), Role: "admin"})
	must(t, err)
	eq(t, "SearchUsers(40, admin)", len(found), 0)
	found, err = q.SearchUsers(ctx, lite.SearchUsersParams{Role: "guest"})
	must(t, err)
	eq(t, "SearchUsers(nil, guest)", found, []lite.SearchUsersRow{{ID: bob.ID, Email: bob.Email, Age: nil, Role: "guest"}})

	upd2 := time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	must(t, q.UpdateUserName(ctx, lite.UpdateUserNameParams{Name: nil, UpdatedAt: &upd2, ID: alice.ID}))
	got, err = q.GetUser(ctx, alice.ID)
	must(t, err)
	isNil(t, "UpdateUserName → Name", got.Name)
	timeEq(t, "UpdateUserName → UpdatedAt", got.UpdatedAt, upd2)

	counts, err := q.CountUsers(ctx, true)
	must(t, err)
	eq(t, "CountUsers(true).Total", counts.Total, int64(2))
	if counts.TotalBalance == nil {
		t.Error("CountUsers(true).TotalBalance is NULL")
	} else {
		decimalEq(t, "CountUsers(true).TotalBalance", *counts.TotalBalance, 12.5)
	}
	counts, err = q.CountUsers(ctx, false)
	must(t, err)
	eq(t, "CountUsers(false)", counts, lite.CountUsersRow{Total: 0, TotalBalance: nil})

	res, err := q.SetUserProfile(ctx, lite.SetUserProfileParams{Profile: nil, Avatar: nil, ID: alice.ID})
	must(t, err)
	affected, err := res.RowsAffected()
	must(t, err)
	eq(t, "SetUserProfile rows", affected, int64(1))
	got, err = q.GetUser(ctx, alice.ID)
	must(t, err)
	isNil(t, "SetUserProfile → Profile", got.Profile)
	bytesEq(t, "SetUserProfile → Avatar", got.Avatar, nil)

	n, err := q.DeactivateUsersOlderThan(ctx, 30)
	must(t, err)
	eq(t, "DeactivateUsersOlderThan", n, int64(1))

	meta := json.RawMessage(`{"tags":["x"]}`)
	p1, err := q.CreatePost(ctx, lite.CreatePostParams{UserID: alice.ID, Title: "Hello", Body: ptr("body"), Metadata: &meta})
	must(t, err)
	p2, err := q.CreatePost(ctx, lite.CreatePostParams{UserID: alice.ID, Title: "Second"})
	must(t, err)
	if p1 <= 0 || p2 <= p1 {
		t.Errorf("CreatePost (execlastid) ids %d, %d", p1, p2)
	}
	pm, err := q.GetPostMetadata(ctx, p1)
	must(t, err)
	if pm.Metadata == nil {
		t.Fatal("GetPostMetadata: NULL")
	}
	jsonEq(t, "GetPostMetadata", *pm.Metadata, `{"tags":["x"]}`)
	pm, err = q.GetPostMetadata(ctx, p2)
	must(t, err)
	isNil(t, "GetPostMetadata(p2)", pm.Metadata)

	withAuthors, err := q.ListPostsWithAuthors(ctx)
	must(t, err)
	eq(t, "ListPostsWithAuthors", withAuthors, []lite.ListPostsWithAuthorsRow{
		{ID: p1, Title: "Hello", Views: 0, AuthorEmail: alice.Email},
		{ID: p2, Title: "Second", Views: 0, AuthorEmail: alice.Email},
	})
	withPosts, err := q.ListUsersWithPosts(ctx)
	must(t, err)
	eq(t, "ListUsersWithPosts", withPosts, []lite.ListUsersWithPostsRow{
		{ID: alice.ID, Email: alice.Email, PostID: ptr(p1), PostTitle: ptr("Hello")},
		{ID: alice.ID, Email: alice.Email, PostID: ptr(p2), PostTitle: ptr("Second")},
		{ID: bob.ID, Email: bob.Email, PostID: nil, PostTitle: nil},
	})
	perUser, err := q.CountPostsPerUser(ctx)
	must(t, err)
	eq(t, "CountPostsPerUser", perUser, []lite.CountPostsPerUserRow{{UserID: alice.ID, PostCount: 2, TotalViews: ptr(int64(0))}})

	now := time.Now().UTC().Truncate(time.Second)
	n, err = q.PublishPost(ctx, lite.PublishPostParams{PublishedAt: &now, ID: p1})
	must(t, err)
	eq(t, "PublishPost", n, int64(1))
	n, err = q.PublishPost(ctx, lite.PublishPostParams{PublishedAt: &now, ID: p1})
	must(t, err)
	eq(t, "PublishPost again", n, int64(0))

	v, err := q.UpsertCounter(ctx, lite.UpsertCounterParams{Name: "hits", Value: 5})
	must(t, err)
	eq(t, "UpsertCounter insert", v, int64(5))
	v, err = q.UpsertCounter(ctx, lite.UpsertCounterParams{Name: "hits", Value: 3})
	must(t, err)
	eq(t, "UpsertCounter update", v, int64(8))
	tx, err := db.BeginTx(ctx, nil)
	must(t, err)
	v, err = q.WithTx(tx).UpsertCounter(ctx, lite.UpsertCounterParams{Name: "hits", Value: 100})
	must(t, err)
	eq(t, "UpsertCounter in tx", v, int64(108))
	must(t, tx.Rollback())
	c, err := q.GetCounter(ctx, "hits")
	must(t, err)
	eq(t, "GetCounter after rollback", c, lite.Counter{Name: "hits", Value: 8})

	n, err = q.DeletePostsByUser(ctx, alice.ID)
	must(t, err)
	eq(t, "DeletePostsByUser", n, int64(2))
	must(t, q.DeleteUser(ctx, bob.ID))
	_, err = q.GetUser(ctx, bob.ID)
	if !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("GetUser(deleted): err = %v, want sql.ErrNoRows", err)
	}
}
