// Package pgxc is the hand-written pgx/v5 contender: a pgxpool of 20 connections, the pool's
// default statement cache (every query is prepared once per connection), QueryRow/Query/Exec with
// the exact workload SQL. Used by cmd/bench-pgx (the workload) and cmd/bench-ab (A/B blocks).
package pgxc

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"flashbench/workload"
)

// Contender runs the workload's queries with pgx directly.
type Contender struct {
	pool *pgxpool.Pool
	sql  map[string]string
}

// New binds the contender to pool, with the workload's SQL text (workload.SQL()).
func New(pool *pgxpool.Pool, sql map[string]string) *Contender {
	return &Contender{pool: pool, sql: sql}
}

func (c *Contender) CreateUser(ctx context.Context, u workload.User) error {
	_, err := c.pool.Exec(ctx, c.sql["CreateUser"], u.Name, u.Email, u.Address, u.IsAdmin)
	return err
}
func (c *Contender) CreateCategory(ctx context.Context, name string) error {
	_, err := c.pool.Exec(ctx, c.sql["CreateCategory"], name)
	return err
}
func (c *Contender) CreatePost(ctx context.Context, p workload.Post) error {
	_, err := c.pool.Exec(ctx, c.sql["CreatePost"], p.UserID, p.CategoryID, p.Title, p.Content)
	return err
}
func (c *Contender) CreateComment(ctx context.Context, m workload.Comment) error {
	_, err := c.pool.Exec(ctx, c.sql["CreateComment"], m.PostID, m.UserID, m.Content)
	return err
}

type statsRow struct {
	ID                      int32
	Name, Email             string
	PostCount, CommentCount int64
	LatestPost              *time.Time
}

func (c *Contender) stats(ctx context.Context, q string) ([]statsRow, error) {
	rows, err := c.pool.Query(ctx, c.sql[q])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []statsRow
	for rows.Next() {
		var r statsRow
		if err := rows.Scan(&r.ID, &r.Name, &r.Email, &r.PostCount, &r.LatestPost, &r.CommentCount); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
func (c *Contender) ActiveUsers(ctx context.Context, check bool) (int, []workload.Counts, error) {
	rows, err := c.stats(ctx, "GetActiveUsersWithStats")
	var counts []workload.Counts
	if check {
		for _, r := range rows {
			counts = append(counts, workload.Counts{Posts: r.PostCount, Comments: r.CommentCount})
		}
	}
	return len(rows), counts, err
}
func (c *Contender) TopUsers(ctx context.Context) (int, error) {
	rows, err := c.stats(ctx, "GetTopActiveUsers")
	return len(rows), err
}
func (c *Contender) UserEmail(ctx context.Context, id int32) (s string, err error) {
	err = c.pool.QueryRow(ctx, c.sql["GetUserEmail"], id).Scan(&s)
	return
}
func (c *Contender) UserIsAdmin(ctx context.Context, id int32) (b bool, err error) {
	err = c.pool.QueryRow(ctx, c.sql["GetUserIsAdmin"], id).Scan(&b)
	return
}
func (c *Contender) UserName(ctx context.Context, id int32) (s string, err error) {
	err = c.pool.QueryRow(ctx, c.sql["GetUserName"], id).Scan(&s)
	return
}
func (c *Contender) Close() { c.pool.Close() }

// Open connects one pooled connection before the timed phases (workload.Opener).
func (c *Contender) Open(ctx context.Context) error { return c.pool.Ping(ctx) }
