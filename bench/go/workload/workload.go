// Package workload is the benchmark workload for the Go contenders (the same values, counts and
// batch sizes as bench/node/workload.mjs). Run prints one JSON line {"contender", "phases"}.
package workload

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func n(x int) int {
	s := 1.0
	if v, err := strconv.ParseFloat(os.Getenv("BENCH_SCALE"), 64); err == nil {
		s = v
	}
	return int(math.Max(1, math.Round(float64(x)*s)))
}

var (
	PoolSize    = 20
	NUsers      = n(1000)
	NCategories = 10
	NPosts      = n(5000)
	NComments   = n(15000)
	NCte        = n(500)
	NMixed      = n(1000)
	MixedBatch  = 30
	NLookups    = n(2000)
	LookupBatch = 50
	Warmup      = 20
)

type User struct {
	Name, Email, Address string
	IsAdmin              bool
}
type Post struct {
	UserID, CategoryID int32
	Title, Content     string
}
type Comment struct {
	PostID, UserID int32
	Content        string
}

func UserValues(i int) User {
	return User{fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@test.com", i), fmt.Sprintf("Address %d", i), i%5 == 0}
}
func PostValues(i int) Post {
	return Post{int32(i%NUsers + 1), int32(i%NCategories + 1), fmt.Sprintf("Post %d", i), strings.Repeat(fmt.Sprintf("Content %d...", i), 3)}
}
func CommentValues(i int) Comment {
	return Comment{int32(i%NPosts + 1), int32(i%NUsers + 1), fmt.Sprintf("Comment %d", i)}
}

// Counts is one row's (post_count, comment_count) of the active-users CTE.
type Counts struct{ Posts, Comments int64 }

type Contender interface {
	CreateUser(ctx context.Context, u User) error
	CreateCategory(ctx context.Context, name string) error
	CreatePost(ctx context.Context, p Post) error
	CreateComment(ctx context.Context, c Comment) error
	// ActiveUsers runs the full CTE; with check it returns every row's counts.
	ActiveUsers(ctx context.Context, check bool) (int, []Counts, error)
	TopUsers(ctx context.Context) (int, error)
	UserEmail(ctx context.Context, id int32) (string, error)
	UserIsAdmin(ctx context.Context, id int32) (bool, error)
	UserName(ctx context.Context, id int32) (string, error)
	Close()
}

func batched(total, size int, op func(i int) error) error {
	for s := 0; s < total; s += size {
		e := min(total, s+size)
		errs := make([]error, e-s)
		var wg sync.WaitGroup
		for i := s; i < e; i++ {
			wg.Add(1)
			go func(i int) { defer wg.Done(); errs[i-s] = op(i) }(i)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func ms(t time.Time) float64 { return float64(time.Since(t).Nanoseconds()) / 1e6 }

// cpuNow is this process's CPU time (user+sys, ms): per-phase client CPU, load-robust where wall
// time is not.
func cpuNow() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

var cpu = map[string]float64{}

// Opener is implemented by contenders whose pool connects lazily: Open connects one pooled
// connection before the timed phases (bench-libpq, bench-flash-cpp and asyncpg connect before them
// too), so insert_users measures inserts, not the connection set-up and authentication.
type Opener interface {
	Open(ctx context.Context) error
}

func run(ctx context.Context, c Contender) (map[string]float64, error) {
	ph := map[string]float64{}
	if o, ok := c.(Opener); ok {
		if err := o.Open(ctx); err != nil {
			return nil, err
		}
	}
	t, c0 := time.Now(), cpuNow()
	for i := 0; i < NUsers; i++ {
		if err := c.CreateUser(ctx, UserValues(i)); err != nil {
			return nil, err
		}
	}
	ph["insert_users"] = ms(t)
	cpu["insert_users"] = cpuNow() - c0

	t, c0 = time.Now(), cpuNow()
	for i := 0; i < NCategories; i++ {
		if err := c.CreateCategory(ctx, fmt.Sprintf("Category %d", i)); err != nil {
			return nil, err
		}
	}
	for i := 0; i < NPosts; i++ {
		if err := c.CreatePost(ctx, PostValues(i)); err != nil {
			return nil, err
		}
	}
	for i := 0; i < NComments; i++ {
		if err := c.CreateComment(ctx, CommentValues(i)); err != nil {
			return nil, err
		}
	}
	ph["insert_posts_comments"] = ms(t)
	cpu["insert_posts_comments"] = cpuNow() - c0

	for i := 0; i < Warmup; i++ { // untimed warm-up of the read paths
		id := int32(i + 1)
		if _, _, err := c.ActiveUsers(ctx, false); err != nil {
			return nil, err
		}
		if _, err := c.TopUsers(ctx); err != nil {
			return nil, err
		}
		if _, err := c.UserEmail(ctx, id); err != nil {
			return nil, err
		}
		if _, err := c.UserIsAdmin(ctx, id); err != nil {
			return nil, err
		}
		if _, err := c.UserName(ctx, id); err != nil {
			return nil, err
		}
	}

	// Open and warm every pooled connection (untimed): PoolSize concurrent calls of each read
	// path, so the concurrent phases measure queries, not connection set-up and first prepares.
	warm := []func(i int) error{
		func(int) error { _, err := c.TopUsers(ctx); return err },
		func(i int) error { _, err := c.UserEmail(ctx, int32(i+1)); return err },
		func(i int) error { _, err := c.UserIsAdmin(ctx, int32(i+1)); return err },
		func(i int) error { _, err := c.UserName(ctx, int32(i+1)); return err },
	}
	for _, op := range warm {
		if err := batched(PoolSize, PoolSize, op); err != nil {
			return nil, err
		}
	}

	t, c0 = time.Now(), cpuNow()
	var rows int
	var counts []Counts
	for i := 0; i < NCte; i++ {
		var err error
		if rows, counts, err = c.ActiveUsers(ctx, i == NCte-1); err != nil {
			return nil, err
		}
	}
	ph["active_users_cte"] = ms(t)
	cpu["active_users_cte"] = cpuNow() - c0
	if rows != NUsers || len(counts) != NUsers {
		return nil, fmt.Errorf("CTE returned %d rows, want %d", rows, NUsers)
	}
	for _, r := range counts {
		if r.Posts != 5 || r.Comments != 15 {
			return nil, fmt.Errorf("CTE counts %d/%d, want 5/15", r.Posts, r.Comments)
		}
	}

	t, c0 = time.Now(), cpuNow()
	err := batched(NMixed, MixedBatch, func(i int) error {
		if i%4 == 0 {
			return c.CreateComment(ctx, CommentValues(NComments+i))
		}
		id := int32(i%NUsers + 1)
		var err error
		switch i % 3 {
		case 0:
			_, err = c.TopUsers(ctx)
		case 1:
			_, err = c.UserEmail(ctx, id)
		default:
			_, err = c.UserIsAdmin(ctx, id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	ph["mixed_concurrent"] = ms(t)
	cpu["mixed_concurrent"] = cpuNow() - c0

	t, c0 = time.Now(), cpuNow()
	err = batched(NLookups, LookupBatch, func(i int) error {
		name, err := c.UserName(ctx, int32(i%NUsers+1))
		if err == nil && name != fmt.Sprintf("User %d", i%NUsers) {
			err = fmt.Errorf("user %d: wrong name %q", i%NUsers+1, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	ph["lookups_concurrent"] = ms(t)
	cpu["lookups_concurrent"] = cpuNow() - c0
	c.Close()
	return ph, nil
}

// Main runs the workload with c and prints the result line; exits 1 on any error.
func Main(name string, c Contender, err error) {
	if err == nil {
		var ph map[string]float64
		if ph, err = run(context.Background(), c); err == nil {
			out, _ := json.Marshal(map[string]any{"contender": name, "phases": ph, "cpu": cpu})
			fmt.Println(string(out))
			return
		}
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	os.Exit(1)
}

// SQL is the exact workload text from bench/sql.json (path in BENCH_SQL_JSON).
func SQL() map[string]string {
	m := map[string]string{}
	b, err := os.ReadFile(os.Getenv("BENCH_SQL_JSON"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reading BENCH_SQL_JSON:", err)
		os.Exit(1)
	}
	return m
}
