//go:build flash_mysql

package clients_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	my "flashclients/gen/mysql"
)

// mysqlOpen creates a fresh database `name` on FLASH_TEST_MYSQL_URL's server (mysql://user:pass@
// host:port/db), loads the project's schema and returns a pool on it.
func mysqlOpen(t *testing.T, name string) *sql.DB {
	t.Helper()
	raw := os.Getenv("FLASH_TEST_MYSQL_URL")
	if raw == "" {
		t.Skip("FLASH_TEST_MYSQL_URL is not set (eval \"$(scripts/db.sh start)\")")
	}
	u, err := url.Parse(raw)
	must(t, err)
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	cfg.ParseTime = true
	cfg.MultiStatements = true
	cfg.Loc = time.UTC
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	must(t, err)
	defer admin.Close()
	_, err = admin.Exec("DROP DATABASE IF EXISTS " + name)
	must(t, err)
	_, err = admin.Exec("CREATE DATABASE " + name)
	must(t, err)
	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	must(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(schemaSQL(t, "mysql"))
	must(t, err)
	return db
}

func TestMySQL(t *testing.T) {
	ctx := context.Background()
	db := mysqlOpen(t, "flash_go_clients_my")
	q := my.New(db)

	bday := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
	upd := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	profile := json.RawMessage(`{"theme":"dark","n":1}`)
	uuid := "0b5ad7a4-0c8f-4f6e-9b59-3c1f0b3b1a11"

	// CreateUser (:execlastid): every column type as a parameter.
	aliceID, err := q.CreateUser(ctx, my.CreateUserParams{
		Email: "alice@example.com", Name: ptr("Alice"), Age: ptr(int32(34)), Role: my.UsersRoleAdmin,
		Active: true, Balance: "12.50", Score: ptr(9.5), ExternalID: &uuid,
		Profile: &profile, Avatar: []byte{0, 1, 2, 255}, Birthday: &bday, UpdatedAt: &upd,
	})
	must(t, err)
	if aliceID <= 0 {
		t.Fatalf("CreateUser id = %d", aliceID)
	}
	alice, err := q.GetUser(ctx, aliceID)
	must(t, err)
	eq(t, "alice.ID", alice.ID, aliceID)
	eq(t, "alice.Email", alice.Email, "alice@example.com")
	derefEq(t, "alice.Name", alice.Name, "Alice")
	derefEq(t, "alice.Age", alice.Age, int32(34))
	eq(t, "alice.Role", alice.Role, my.UsersRoleAdmin)
	eq(t, "alice.Active", alice.Active, true)
	eq(t, "alice.Balance", alice.Balance, "12.50")
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

	bobID, err := q.CreateUser(ctx, my.CreateUserParams{Email: "bob@example.com", Role: my.UsersRoleGuest, Active: true, Balance: "0"})
	must(t, err)
	bob, err := q.GetUser(ctx, bobID)
	must(t, err)
	isNil(t, "bob.Name", bob.Name)
	isNil(t, "bob.Age", bob.Age)
	isNil(t, "bob.Score", bob.Score)
	isNil(t, "bob.ExternalID", bob.ExternalID)
	isNil(t, "bob.Profile", bob.Profile)
	bytesEq(t, "bob.Avatar", bob.Avatar, nil)
	isNil(t, "bob.Birthday", bob.Birthday)
	isNil(t, "bob.UpdatedAt", bob.UpdatedAt)
	eq(t, "bob.Balance", bob.Balance, "0.00")
	eq(t, "bob.Role", bob.Role, my.UsersRoleGuest)

	byEmail, err := q.GetUserByEmail(ctx, "alice@example.com")
	must(t, err)
	eq(t, "GetUserByEmail", byEmail, my.GetUserByEmailRow{ID: alice.ID, Email: "alice@example.com", Name: ptr("Alice")})
	_, err = q.GetUserByEmail(ctx, "nobody@example.com")
	if !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("GetUserByEmail(nobody): err = %v, want sql.ErrNoRows", err)
	}

	users, err := q.ListUsers(ctx)
	must(t, err)
	eq(t, "ListUsers", users, []my.User{alice, bob})

	byIDs, err := q.ListUsersByIDs(ctx, []int64{bob.ID, alice.ID, 999})
	must(t, err)
	eq(t, "ListUsersByIDs", byIDs, []my.ListUsersByIDsRow{{ID: alice.ID, Email: alice.Email}, {ID: bob.ID, Email: bob.Email}})
	none, err := q.ListUsersByIDs(ctx, nil)
	must(t, err)
	eq(t, "ListUsersByIDs(empty)", len(none), 0)

	found, err := q.SearchUsers(ctx, my.SearchUsersParams{MinAge: nil, Role: my.UsersRoleAdmin})
	must(t, err)
	eq(t, "SearchUsers(nil, admin)", len(found), 1)
	if len(found) == 1 {
		eq(t, "SearchUsers(nil, admin)[0].ID", found[0].ID, alice.ID)
		derefEq(t, "SearchUsers(nil, admin)[0].Age", found[0].Age, int32(34))
		eq(t, "SearchUsers(nil, admin)[0].Role", string(found[0].Role), "admin")
	}
	found, err = q.SearchUsers(ctx, my.SearchUsersParams{MinAge: ptr(int32(40)), Role: my.UsersRoleAdmin})
	must(t, err)
	eq(t, "SearchUsers(40, admin)", len(found), 0)
	found, err = q.SearchUsers(ctx, my.SearchUsersParams{Role: my.UsersRoleGuest})
	must(t, err)
	eq(t, "SearchUsers(nil, guest)", len(found), 1)
	if len(found) == 1 {
		isNil(t, "SearchUsers(nil, guest)[0].Age", found[0].Age)
	}

	upd2 := time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	must(t, q.UpdateUserName(ctx, my.UpdateUserNameParams{Name: nil, UpdatedAt: &upd2, ID: alice.ID}))
	got, err := q.GetUser(ctx, alice.ID)
	must(t, err)
	isNil(t, "UpdateUserName → Name", got.Name)
	timeEq(t, "UpdateUserName → UpdatedAt", got.UpdatedAt, upd2)

	counts, err := q.CountUsers(ctx, true)
	must(t, err)
	eq(t, "CountUsers(true)", counts, my.CountUsersRow{Total: 2, TotalBalance: ptr("12.50")})
	counts, err = q.CountUsers(ctx, false)
	must(t, err)
	eq(t, "CountUsers(false)", counts, my.CountUsersRow{Total: 0, TotalBalance: nil})

	res, err := q.SetUserProfile(ctx, my.SetUserProfileParams{Profile: nil, Avatar: nil, ID: alice.ID})
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
	p1, err := q.CreatePost(ctx, my.CreatePostParams{UserID: alice.ID, Title: "Hello", Body: ptr("body"), Metadata: &meta})
	must(t, err)
	p2, err := q.CreatePost(ctx, my.CreatePostParams{UserID: alice.ID, Title: "Second"})
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
	eq(t, "ListPostsWithAuthors", withAuthors, []my.ListPostsWithAuthorsRow{
		{ID: p1, Title: "Hello", Views: 0, AuthorEmail: alice.Email},
		{ID: p2, Title: "Second", Views: 0, AuthorEmail: alice.Email},
	})
	withPosts, err := q.ListUsersWithPosts(ctx)
	must(t, err)
	eq(t, "ListUsersWithPosts", withPosts, []my.ListUsersWithPostsRow{
		{ID: alice.ID, Email: alice.Email, PostID: ptr(p1), PostTitle: ptr("Hello")},
		{ID: alice.ID, Email: alice.Email, PostID: ptr(p2), PostTitle: ptr("Second")},
		{ID: bob.ID, Email: bob.Email, PostID: nil, PostTitle: nil},
	})
	perUser, err := q.CountPostsPerUser(ctx)
	must(t, err)
	eq(t, "len(CountPostsPerUser)", len(perUser), 1)
	if len(perUser) == 1 {
		eq(t, "CountPostsPerUser.PostCount", perUser[0].PostCount, int64(2))
		if perUser[0].TotalViews == nil {
			t.Error("CountPostsPerUser.TotalViews is NULL")
		} else {
			decimalEq(t, "CountPostsPerUser.TotalViews", *perUser[0].TotalViews, 0)
		}
	}

	now := time.Now().UTC().Truncate(time.Second)
	n, err = q.PublishPost(ctx, my.PublishPostParams{PublishedAt: &now, ID: p1})
	must(t, err)
	eq(t, "PublishPost", n, int64(1))
	n, err = q.PublishPost(ctx, my.PublishPostParams{PublishedAt: &now, ID: p1})
	must(t, err)
	eq(t, "PublishPost again", n, int64(0))

	// ON DUPLICATE KEY UPDATE reports 1 affected row for an insert, 2 for an update.
	n, err = q.UpsertCounter(ctx, my.UpsertCounterParams{Name: "hits", Value: 5})
	must(t, err)
	eq(t, "UpsertCounter insert", n, int64(1))
	n, err = q.UpsertCounter(ctx, my.UpsertCounterParams{Name: "hits", Value: 3})
	must(t, err)
	eq(t, "UpsertCounter update", n, int64(2))
	tx, err := db.BeginTx(ctx, nil)
	must(t, err)
	_, err = q.WithTx(tx).UpsertCounter(ctx, my.UpsertCounterParams{Name: "hits", Value: 100})
	must(t, err)
	must(t, tx.Rollback())
	c, err := q.GetCounter(ctx, "hits")
	must(t, err)
	eq(t, "GetCounter after rollback", c, my.Counter{Name: "hits", Value: 8})

	n, err = q.DeletePostsByUser(ctx, alice.ID)
	must(t, err)
	eq(t, "DeletePostsByUser", n, int64(2))
	must(t, q.DeleteUser(ctx, bob.ID))
	_, err = q.GetUser(ctx, bob.ID)
	if !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("GetUser(deleted): err = %v, want sql.ErrNoRows", err)
	}
}
