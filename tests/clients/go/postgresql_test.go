//go:build flash_postgresql

package clients_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	pg "flashclients/gen/postgresql"
)

// pgConnect creates a fresh database `name` on FLASH_TEST_PG_URL's server, loads the project's
// schema into it and returns a connection to it.
func pgConnect(t *testing.T, name string) *pgx.Conn {
	t.Helper()
	url := os.Getenv("FLASH_TEST_PG_URL")
	if url == "" {
		t.Skip("FLASH_TEST_PG_URL is not set (eval \"$(scripts/db.sh start)\")")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, url)
	must(t, err)
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	must(t, err)
	_, err = admin.Exec(ctx, "CREATE DATABASE "+name)
	must(t, err)
	cfg, err := pgx.ParseConfig(url)
	must(t, err)
	cfg.Database = name
	conn, err := pgx.ConnectConfig(ctx, cfg)
	must(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	_, err = conn.Exec(ctx, schemaSQL(t, "postgresql"))
	must(t, err)
	return conn
}

func TestPostgreSQLPgx(t *testing.T) {
	ctx := context.Background()
	conn := pgConnect(t, "flash_go_clients_pg")
	q := pg.New(conn)
	if pg.Newq(conn) == nil {
		t.Fatal("Newq returned nil")
	}

	bday := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
	upd := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	profile := json.RawMessage(`{"theme": "dark", "n": 1}`)
	uuid := "0b5ad7a4-0c8f-4f6e-9b59-3c1f0b3b1a11"

	// CreateUser: every column type as a parameter, RETURNING * into the User model.
	alice, err := q.CreateUser(ctx, pg.CreateUserParams{
		Email: "alice@example.com", Name: ptr("Alice"), Age: ptr(int32(34)), Role: pg.UserRoleAdmin,
		Active: true, Balance: "12.50", Score: ptr(9.5), ExternalID: &uuid, Tags: []string{"a", "b c"},
		Profile: &profile, Avatar: []byte{0, 1, 2, 255}, Birthday: &bday, UpdatedAt: &upd,
	})
	must(t, err)
	if alice.ID <= 0 {
		t.Fatalf("CreateUser id = %d", alice.ID)
	}
	eq(t, "alice.Email", alice.Email, "alice@example.com")
	derefEq(t, "alice.Name", alice.Name, "Alice")
	derefEq(t, "alice.Age", alice.Age, int32(34))
	eq(t, "alice.Role", alice.Role, pg.UserRoleAdmin)
	eq(t, "alice.Active", alice.Active, true)
	eq(t, "alice.Balance", alice.Balance, "12.50")
	derefEq(t, "alice.Score", alice.Score, 9.5)
	derefEq(t, "alice.ExternalID", alice.ExternalID, uuid)
	eq(t, "alice.Tags", alice.Tags, []string{"a", "b c"})
	if alice.Profile == nil {
		t.Fatal("alice.Profile is NULL")
	}
	jsonEq(t, "alice.Profile", *alice.Profile, `{"n": 1, "theme": "dark"}`)
	bytesEq(t, "alice.Avatar", alice.Avatar, []byte{0, 1, 2, 255})
	timeEq(t, "alice.Birthday", alice.Birthday, bday)
	timeEq(t, "alice.UpdatedAt", alice.UpdatedAt, upd)
	if alice.CreatedAt.IsZero() || time.Since(alice.CreatedAt) > time.Hour {
		t.Errorf("alice.CreatedAt = %v", alice.CreatedAt)
	}

	// Every nullable column NULL.
	bob, err := q.CreateUser(ctx, pg.CreateUserParams{
		Email: "bob@example.com", Role: pg.UserRoleGuest, Active: true, Balance: "0", Tags: []string{},
	})
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
	eq(t, "bob.Tags", got.Tags, []string{})
	if !pg.UserRoleGuest.Valid() || pg.UserRole("nope").Valid() {
		t.Error("UserRole.Valid")
	}
	eq(t, "AllUserRoleValues", pg.AllUserRoleValues(), []pg.UserRole{pg.UserRoleAdmin, pg.UserRoleMember, pg.UserRoleGuest})

	byEmail, err := q.GetUserByEmail(ctx, "alice@example.com")
	must(t, err)
	eq(t, "GetUserByEmail", byEmail, pg.GetUserByEmailRow{ID: alice.ID, Email: "alice@example.com", Name: ptr("Alice")})
	_, err = q.GetUserByEmail(ctx, "nobody@example.com")
	if !errors.Is(err, pgx.ErrNoRows) {
		t.Errorf("GetUserByEmail(nobody): err = %v, want pgx.ErrNoRows", err)
	}

	users, err := q.ListUsers(ctx)
	must(t, err)
	eq(t, "len(ListUsers)", len(users), 2)
	eq(t, "ListUsers[1]", users[1], bob)

	byIDs, err := q.ListUsersByIDs(ctx, []int64{bob.ID, alice.ID, 999})
	must(t, err)
	eq(t, "ListUsersByIDs", byIDs, []pg.ListUsersByIDsRow{{ID: alice.ID, Email: alice.Email}, {ID: bob.ID, Email: bob.Email}})
	none, err := q.ListUsersByIDs(ctx, []int64{})
	must(t, err)
	eq(t, "ListUsersByIDs(empty)", len(none), 0)

	found, err := q.SearchUsers(ctx, pg.SearchUsersParams{MinAge: nil, Role: pg.UserRoleAdmin})
	must(t, err)
	eq(t, "SearchUsers(nil, admin)", found, []pg.SearchUsersRow{{ID: alice.ID, Email: alice.Email, Age: ptr(int32(34)), Role: pg.UserRoleAdmin}})
	found, err = q.SearchUsers(ctx, pg.SearchUsersParams{MinAge: ptr(int32(40)), Role: pg.UserRoleAdmin})
	must(t, err)
	eq(t, "SearchUsers(40, admin)", len(found), 0)
	found, err = q.SearchUsers(ctx, pg.SearchUsersParams{Role: pg.UserRoleGuest})
	must(t, err)
	eq(t, "SearchUsers(nil, guest)", found, []pg.SearchUsersRow{{ID: bob.ID, Email: bob.Email, Age: nil, Role: pg.UserRoleGuest}})

	upd2 := time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	must(t, q.UpdateUserName(ctx, pg.UpdateUserNameParams{Name: nil, UpdatedAt: &upd2, ID: alice.ID}))
	got, err = q.GetUser(ctx, alice.ID)
	must(t, err)
	isNil(t, "UpdateUserName → Name", got.Name)
	timeEq(t, "UpdateUserName → UpdatedAt", got.UpdatedAt, upd2)

	counts, err := q.CountUsers(ctx, true)
	must(t, err)
	eq(t, "CountUsers(true)", counts, pg.CountUsersRow{Total: 2, TotalBalance: ptr("12.50")})
	counts, err = q.CountUsers(ctx, false)
	must(t, err)
	eq(t, "CountUsers(false)", counts, pg.CountUsersRow{Total: 0, TotalBalance: nil})

	tag, err := q.SetUserProfile(ctx, pg.SetUserProfileParams{Profile: nil, Avatar: nil, ID: alice.ID})
	must(t, err)
	eq(t, "SetUserProfile rows", tag.RowsAffected(), int64(1))
	got, err = q.GetUser(ctx, alice.ID)
	must(t, err)
	isNil(t, "SetUserProfile → Profile", got.Profile)
	bytesEq(t, "SetUserProfile → Avatar", got.Avatar, nil)

	n, err := q.DeactivateUsersOlderThan(ctx, 30)
	must(t, err)
	eq(t, "DeactivateUsersOlderThan", n, int64(1))

	// Posts: JOINs, LEFT JOIN nullability, aggregates.
	meta := json.RawMessage(`{"tags":["x"]}`)
	p1, err := q.CreatePost(ctx, pg.CreatePostParams{UserID: alice.ID, Title: "Hello", Body: ptr("body"), Metadata: &meta})
	must(t, err)
	p2, err := q.CreatePost(ctx, pg.CreatePostParams{UserID: alice.ID, Title: "Second"})
	must(t, err)
	if p2 <= p1 {
		t.Errorf("CreatePost ids %d, %d", p1, p2)
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
	eq(t, "ListPostsWithAuthors", withAuthors, []pg.ListPostsWithAuthorsRow{
		{ID: p1, Title: "Hello", Views: 0, AuthorEmail: alice.Email},
		{ID: p2, Title: "Second", Views: 0, AuthorEmail: alice.Email},
	})
	withPosts, err := q.ListUsersWithPosts(ctx)
	must(t, err)
	eq(t, "ListUsersWithPosts", withPosts, []pg.ListUsersWithPostsRow{
		{ID: alice.ID, Email: alice.Email, PostID: ptr(p1), PostTitle: ptr("Hello")},
		{ID: alice.ID, Email: alice.Email, PostID: ptr(p2), PostTitle: ptr("Second")},
		{ID: bob.ID, Email: bob.Email, PostID: nil, PostTitle: nil},
	})
	perUser, err := q.CountPostsPerUser(ctx)
	must(t, err)
	eq(t, "CountPostsPerUser", perUser, []pg.CountPostsPerUserRow{{UserID: alice.ID, PostCount: 2, TotalViews: ptr(int64(0))}})

	now := time.Now().UTC().Truncate(time.Microsecond)
	n, err = q.PublishPost(ctx, pg.PublishPostParams{PublishedAt: &now, ID: p1})
	must(t, err)
	eq(t, "PublishPost", n, int64(1))
	n, err = q.PublishPost(ctx, pg.PublishPostParams{PublishedAt: &now, ID: p1})
	must(t, err)
	eq(t, "PublishPost again", n, int64(0))

	// Upsert with RETURNING, and a transaction that rolls back.
	v, err := q.UpsertCounter(ctx, pg.UpsertCounterParams{Name: "hits", Value: 5})
	must(t, err)
	eq(t, "UpsertCounter insert", v, int64(5))
	v, err = q.UpsertCounter(ctx, pg.UpsertCounterParams{Name: "hits", Value: 3})
	must(t, err)
	eq(t, "UpsertCounter update", v, int64(8))
	tx, err := conn.Begin(ctx)
	must(t, err)
	v, err = q.WithTx(tx).UpsertCounter(ctx, pg.UpsertCounterParams{Name: "hits", Value: 100})
	must(t, err)
	eq(t, "UpsertCounter in tx", v, int64(108))
	must(t, tx.Rollback(ctx))
	c, err := q.GetCounter(ctx, "hits")
	must(t, err)
	eq(t, "GetCounter after rollback", c, pg.Counter{Name: "hits", Value: 8})

	n, err = q.DeletePostsByUser(ctx, alice.ID)
	must(t, err)
	eq(t, "DeletePostsByUser", n, int64(2))
	must(t, q.DeleteUser(ctx, bob.ID))
	_, err = q.GetUser(ctx, bob.ID)
	if !errors.Is(err, pgx.ErrNoRows) {
		t.Errorf("GetUser(deleted): err = %v, want pgx.ErrNoRows", err)
	}
}
