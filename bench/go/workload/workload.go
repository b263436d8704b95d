// Package workload is the benchmark workload for the Go contenders (the same values, counts and
// batch sizes as bench/node/workload.mjs). Run prints one JSON line {"contender", "phases"}.
package workload

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
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

// Mixed is operation i of mixed_concurrent: i % 4 == 0 inserts a comment, otherwise by i % 3 the
// top-10 CTE, an email lookup by id, an isadmin lookup by id.
func Mixed(ctx context.Context, c Contender, i int) error {
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
}

// Lookup is operation i of lookups_concurrent: the name of user i % NUsers + 1, verified.
func Lookup(ctx context.Context, c Contender, i int) error {
	name, err := c.UserName(ctx, int32(i%NUsers+1))
	if err == nil && name != fmt.Sprintf("User %d", i%NUsers) {
		err = fmt.Errorf("user %d: wrong name %q", i%NUsers+1, name)
	}
	return err
}

// Batched runs op(i) for i in [0, total) in concurrent batches of size (one goroutine per
// operation, as the concurrent phases do) and returns the first error.
func Batched(total, size int, op func(i int) error) error { return batched(total, size, op) }

func ms(t time.Time) float64 { return float64(time.Since(t).Nanoseconds()) / 1e6 }

// cpuNow is this process's CPU time (user+sys, ms): per-phase client CPU, load-robust where wall
// time is not.
func cpuNow() float64 { return CPUms() }

// CPUms is this process's CPU time so far (user+sys, ms).
func CPUms() float64 {
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
	err := batched(NMixed, MixedBatch, func(i int) error { return Mixed(ctx, c, i) })
	if err != nil {
		return nil, err
	}
	ph["mixed_concurrent"] = ms(t)
	cpu["mixed_concurrent"] = cpuNow() - c0

	t, c0 = time.Now(), cpuNow()
	err = batched(NLookups, LookupBatch, func(i int) error { return Lookup(ctx, c, i) })
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

// NewPool is the pool every Go contender uses: pgxpool on BENCH_URL with MaxConns = PoolSize and
// pgx's defaults otherwise (statement cache: every query prepared once per connection).
func NewPool(ctx context.Context) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(os.Getenv("BENCH_URL"))
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(PoolSize)
	return pgxpool.NewWithConfig(ctx, cfg)
}

// Seed fills the workload tables with the workload's row counts at BENCH_SCALE (bench/seed.sql,
// beside BENCH_SQL_JSON), unless they already hold exactly those counts, so the CTE returns NUsers
// rows with counts 5 and 15. For cmd/bench-ab, which measures operations, not phases.
func Seed(ctx context.Context, pool *pgxpool.Pool) error {
	var nu, np, nc int
	err := pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts), (SELECT count(*) FROM comments)").Scan(&nu, &np, &nc)
	if err != nil || (nu == NUsers && np == NPosts && nc == NComments) {
		return err
	}
	text, err := os.ReadFile(filepath.Join(filepath.Dir(os.Getenv("BENCH_SQL_JSON")), "seed.sql"))
	if err != nil {
		return err
	}
	seed := strings.NewReplacer("{users}", strconv.Itoa(NUsers), "{categories}", strconv.Itoa(NCategories),
		"{posts}", strconv.Itoa(NPosts), "{comments}", strconv.Itoa(NComments)).Replace(string(text))
	for _, q := range []string{seed, "VACUUM ANALYZE"} {
		if _, err := pool.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
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
