// Hand-written pgx/v5: a pgxpool of 20 connections, the pool's default statement cache (every
// query is prepared once per connection), QueryRow/Query/Exec with the exact workload SQL.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"flashbench/workload"
)

type pgxContender struct {
	pool *pgxpool.Pool
	sql  map[string]string
}

func (c *pgxContender) CreateUser(ctx context.Context, u workload.User) error {
	_, err := c.pool.Exec(ctx, c.sql["CreateUser"], u.Name, u.Email, u.Address, u.IsAdmin)
	return err
}
func (c *pgxContender) CreateCategory(ctx context.Context, name string) error {
	_, err := c.pool.Exec(ctx, c.sql["CreateCategory"], name)
	return err
}
func (c *pgxContender) CreatePost(ctx context.Context, p workload.Post) error {
	_, err := c.pool.Exec(ctx, c.sql["CreatePost"], p.UserID, p.CategoryID, p.Title, p.Content)
	return err
}
func (c *pgxContender) CreateComment(ctx context.Context, m workload.Comment) error {
	_, err := c.pool.Exec(ctx, c.sql["CreateComment"], m.PostID, m.UserID, m.Content)
	return err
}

type statsRow struct {
	ID                      int32
	Name, Email             string
	PostCount, CommentCount int64
	LatestPost              *time.Time
}

func (c *pgxContender) stats(ctx context.Context, q string) ([]statsRow, error) {
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
func (c *pgxContender) ActiveUsers(ctx context.Context, check bool) (int, []workload.Counts, error) {
	rows, err := c.stats(ctx, "GetActiveUsersWithStats")
	var counts []workload.Counts
	if check {
		for _, r := range rows {
			counts = append(counts, workload.Counts{Posts: r.PostCount, Comments: r.CommentCount})
		}
	}
	return len(rows), counts, err
}
func (c *pgxContender) TopUsers(ctx context.Context) (int, error) {
	rows, err := c.stats(ctx, "GetTopActiveUsers")
	return len(rows), err
}
func (c *pgxContender) UserEmail(ctx context.Context, id int32) (s string, err error) {
	err = c.pool.QueryRow(ctx, c.sql["GetUserEmail"], id).Scan(&s)
	return
}
func (c *pgxContender) UserIsAdmin(ctx context.Context, id int32) (b bool, err error) {
	err = c.pool.QueryRow(ctx, c.sql["GetUserIsAdmin"], id).Scan(&b)
	return
}
func (c *pgxContender) UserName(ctx context.Context, id int32) (s string, err error) {
	err = c.pool.QueryRow(ctx, c.sql["GetUserName"], id).Scan(&s)
	return
}
func (c *pgxContender) Close() { c.pool.Close() }

// Open connects one pooled connection before the timed phases (workload.Opener).
func (c *pgxContender) Open(ctx context.Context) error { return c.pool.Ping(ctx) }

func main() {
	cfg, err := pgxpool.ParseConfig(os.Getenv("BENCH_URL"))
	var c *pgxContender
	if err == nil {
		cfg.MaxConns = int32(workload.PoolSize)
		var pool *pgxpool.Pool
		pool, err = pgxpool.NewWithConfig(context.Background(), cfg)
		c = &pgxContender{pool: pool, sql: workload.SQL()}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgx:", err)
		os.Exit(1)
	}
	workload.Main("pgx", c, nil)
}
