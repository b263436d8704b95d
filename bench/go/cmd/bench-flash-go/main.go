// Flash's generated Go client (bench/go/flashdb, written by `flash gen --lang go`, driver pgx/v5)
// on the same pgxpool of 20 connections as the hand-written pgx contender.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"flashbench/flashdb"
	"flashbench/workload"
)

type flashGo struct {
	pool *pgxpool.Pool
	q    *flashdb.Queries
}

func (c *flashGo) CreateUser(ctx context.Context, u workload.User) error {
	addr := u.Address
	return c.q.CreateUser(ctx, flashdb.CreateUserParams{Name: u.Name, Email: u.Email, Address: &addr, Isadmin: u.IsAdmin})
}
func (c *flashGo) CreateCategory(ctx context.Context, name string) error {
	return c.q.CreateCategory(ctx, name)
}
func (c *flashGo) CreatePost(ctx context.Context, p workload.Post) error {
	return c.q.CreatePost(ctx, flashdb.CreatePostParams{UserID: p.UserID, CategoryID: p.CategoryID, Title: p.Title, Content: p.Content})
}
func (c *flashGo) CreateComment(ctx context.Context, m workload.Comment) error {
	return c.q.CreateComment(ctx, flashdb.CreateCommentParams{PostID: m.PostID, UserID: m.UserID, Content: m.Content})
}
func (c *flashGo) ActiveUsers(ctx context.Context, check bool) (int, []workload.Counts, error) {
	rows, err := c.q.GetActiveUsersWithStats(ctx)
	var counts []workload.Counts
	if check {
		for _, r := range rows {
			counts = append(counts, workload.Counts{Posts: r.PostCount, Comments: r.CommentCount})
		}
	}
	return len(rows), counts, err
}
func (c *flashGo) TopUsers(ctx context.Context) (int, error) {
	rows, err := c.q.GetTopActiveUsers(ctx)
	return len(rows), err
}
func (c *flashGo) UserEmail(ctx context.Context, id int32) (string, error) {
	return c.q.GetUserEmail(ctx, id)
}
func (c *flashGo) UserIsAdmin(ctx context.Context, id int32) (bool, error) {
	return c.q.GetUserIsAdmin(ctx, id)
}
func (c *flashGo) UserName(ctx context.Context, id int32) (string, error) {
	return c.q.GetUserName(ctx, id)
}
func (c *flashGo) Close() { c.pool.Close() }

// Open connects one pooled connection before the timed phases (workload.Opener).
func (c *flashGo) Open(ctx context.Context) error { return c.pool.Ping(ctx) }

func main() {
	cfg, err := pgxpool.ParseConfig(os.Getenv("BENCH_URL"))
	if err == nil {
		cfg.MaxConns = int32(workload.PoolSize)
		var pool *pgxpool.Pool
		if pool, err = pgxpool.NewWithConfig(context.Background(), cfg); err == nil {
			workload.Main("flash-go", &flashGo{pool: pool, q: flashdb.New(pool)}, nil)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "flash-go:", err)
	os.Exit(1)
}
