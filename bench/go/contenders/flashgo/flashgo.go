// Package flashgo is the flash-go contender: Flash's generated Go client (bench/go/flashdb,
// written by `flash gen --lang go`, driver pgx/v5) on the same pgxpool of 20 connections as the
// hand-written pgx contender. Used by cmd/bench-flash-go (the workload) and cmd/bench-ab.
package flashgo

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"flashbench/flashdb"
	"flashbench/workload"
)

// Contender runs the workload's queries through the generated flashdb.Queries.
type Contender struct {
	pool *pgxpool.Pool
	q    *flashdb.Queries
}

// New binds the generated queries to pool.
func New(pool *pgxpool.Pool) *Contender { return &Contender{pool: pool, q: flashdb.New(pool)} }

func (c *Contender) CreateUser(ctx context.Context, u workload.User) error {
	addr := u.Address
	return c.q.CreateUser(ctx, flashdb.CreateUserParams{Name: u.Name, Email: u.Email, Address: &addr, Isadmin: u.IsAdmin})
}
func (c *Contender) CreateCategory(ctx context.Context, name string) error {
	return c.q.CreateCategory(ctx, name)
}
func (c *Contender) CreatePost(ctx context.Context, p workload.Post) error {
	return c.q.CreatePost(ctx, flashdb.CreatePostParams{UserID: p.UserID, CategoryID: p.CategoryID, Title: p.Title, Content: p.Content})
}
func (c *Contender) CreateComment(ctx context.Context, m workload.Comment) error {
	return c.q.CreateComment(ctx, flashdb.CreateCommentParams{PostID: m.PostID, UserID: m.UserID, Content: m.Content})
}
func (c *Contender) ActiveUsers(ctx context.Context, check bool) (int, []workload.Counts, error) {
	rows, err := c.q.GetActiveUsersWithStats(ctx)
	var counts []workload.Counts
	if check {
		for _, r := range rows {
			counts = append(counts, workload.Counts{Posts: r.PostCount, Comments: r.CommentCount})
		}
	}
	return len(rows), counts, err
}
func (c *Contender) TopUsers(ctx context.Context) (int, error) {
	rows, err := c.q.GetTopActiveUsers(ctx)
	return len(rows), err
}
func (c *Contender) UserEmail(ctx context.Context, id int32) (string, error) {
	return c.q.GetUserEmail(ctx, id)
}
func (c *Contender) UserIsAdmin(ctx context.Context, id int32) (bool, error) {
	return c.q.GetUserIsAdmin(ctx, id)
}
func (c *Contender) UserName(ctx context.Context, id int32) (string, error) {
	return c.q.GetUserName(ctx, id)
}
func (c *Contender) Close() { c.pool.Close() }

// Open connects one pooled connection before the timed phases (workload.Opener).
func (c *Contender) Open(ctx context.Context) error { return c.pool.Ping(ctx) }
