// bench-ab [flags] OPS [CONTENDERS]: one operation of the workload for several Go contenders in ONE
// process, in alternating blocks (the first contender of each block rotates), so the machine's load
// drifts onto all of them alike. Like bench/node/phase_ab.mjs. Per block it measures wall time,
// process CPU (getrusage, user+sys) and heap allocations per operation; it prints medians and
// min–max over the blocks, the median of the per-block paired ratios A ÷ B, a table and one JSON line.
//
// OPS: a comma-separated list of
//
//	insert_users     sequential CreateUser (unique e-mails past the workload's)
//	insert_comments  sequential CreateComment
//	cte              one GetActiveUsersWithStats (1,000 rows)
//	mixed            a concurrent batch of 30 operations exactly as in mixed_concurrent
//	lookups          a concurrent batch of 50 name lookups (names verified)
//
// CONTENDERS: comma-separated, default flash-go,pgx. The pool is the workload's (workload.NewPool,
// 20 connections); each contender has its own. $BENCH_URL is seeded like bench/node/workload.mjs
// seed() before each operation (workload.Seed), $BENCH_SQL_JSON is bench/sql.json.
//
// -cpuprofile FILE writes one CPU profile of all timed blocks; each block runs under the pprof
// labels contender=NAME and op=OP (inherited by its goroutines), so
// `go tool pprof -tagfocus contender=flash-go FILE` shows one side only.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"flashbench/contenders/flashgo"
	"flashbench/contenders/pgxc"
	"flashbench/workload"
)

var makers = map[string]func(ctx context.Context) (workload.Contender, error){
	"flash-go": func(ctx context.Context) (workload.Contender, error) {
		pool, err := workload.NewPool(ctx)
		if err != nil {
			return nil, err
		}
		return flashgo.New(pool), nil
	},
	"pgx": func(ctx context.Context) (workload.Contender, error) {
		pool, err := workload.NewPool(ctx)
		if err != nil {
			return nil, err
		}
		return pgxc.New(pool, workload.SQL()), nil
	},
}

// serial makes every inserted value unique across contenders and blocks; base (µs since the epoch)
// across runs.
var serial int
var base = int(time.Now().UnixMicro())

func next() int { serial++; return serial }

var ops = map[string]func(ctx context.Context, c workload.Contender) error{
	"insert_users": func(ctx context.Context, c workload.Contender) error {
		return c.CreateUser(ctx, workload.UserValues(base+next()))
	},
	"insert_comments": func(ctx context.Context, c workload.Contender) error {
		return c.CreateComment(ctx, workload.CommentValues(next()))
	},
	"cte": func(ctx context.Context, c workload.Contender) error {
		n, _, err := c.ActiveUsers(ctx, false)
		if err == nil && n != workload.NUsers {
			err = fmt.Errorf("CTE returned %d rows, want %d", n, workload.NUsers)
		}
		return err
	},
	"mixed": func(ctx context.Context, c workload.Contender) error {
		first := serial
		serial += workload.MixedBatch
		return workload.Batched(workload.MixedBatch, workload.MixedBatch, func(i int) error { return workload.Mixed(ctx, c, first+i) })
	},
	"lookups": func(ctx context.Context, c workload.Contender) error {
		first := serial
		serial += workload.LookupBatch
		return workload.Batched(workload.LookupBatch, workload.LookupBatch, func(i int) error { return workload.Lookup(ctx, c, first+i) })
	},
}

// block is one contender's measurement of one block: per operation µs of wall and CPU, allocations.
type block struct{ Wall, CPU, Allocs, Bytes float64 }

type stat struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

func stats(xs []float64) stat {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{m, s[0], s[len(s)-1]}
}

type result struct {
	Contender   string  `json:"contender"`
	WallUs      stat    `json:"wall_us_per_op"`
	CPUUs       stat    `json:"cpu_us_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
}

type opResult struct {
	Op      string   `json:"op"`
	Blocks  int      `json:"blocks"`
	Per     int      `json:"per_block"`
	Results []result `json:"results"`
	// The first contender ÷ each other one: the median over blocks of the per-block ratio.
	WallRatio map[string]stat `json:"wall_ratio,omitempty"`
	CPURatio  map[string]stat `json:"cpu_ratio,omitempty"`
}

func measure(ctx context.Context, name, what string, c workload.Contender, op func(context.Context, workload.Contender) error, per int) (block, error) {
	runtime.GC() // each block starts on a collected heap: its own garbage is what its GC work collects
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	var err error
	t, c0 := time.Now(), workload.CPUms()
	pprof.Do(ctx, pprof.Labels("contender", name, "op", what), func(ctx context.Context) {
		for i := 0; i < per && err == nil; i++ {
			err = op(ctx, c)
		}
	})
	wall, cpu := time.Since(t).Seconds()*1e6, (workload.CPUms()-c0)*1e3
	runtime.ReadMemStats(&m1)
	p := float64(per)
	return block{wall / p, cpu / p, float64(m1.Mallocs-m0.Mallocs) / p, float64(m1.TotalAlloc-m0.TotalAlloc) / p}, err
}

func runOp(ctx context.Context, what string, names []string, cs []workload.Contender, blocks, per int) (opResult, error) {
	op := ops[what]
	seedPool, err := workload.NewPool(ctx)
	if err == nil {
		err = workload.Seed(ctx, seedPool)
		seedPool.Close()
	}
	if err != nil {
		return opResult{}, fmt.Errorf("seeding: %w", err)
	}
	// Warm-up (untimed): prepared statements on every pooled connection, pgx's caches.
	for _, c := range cs {
		for i := 0; i < workload.Warmup; i++ {
			if err := op(ctx, c); err != nil {
				return opResult{}, err
			}
		}
		for _, w := range []func(i int) error{
			func(i int) error { _, err := c.TopUsers(ctx); return err },
			func(i int) error { _, err := c.UserEmail(ctx, int32(i+1)); return err },
			func(i int) error { _, err := c.UserIsAdmin(ctx, int32(i+1)); return err },
			func(i int) error { _, err := c.UserName(ctx, int32(i+1)); return err },
			func(i int) error { return c.CreateComment(ctx, workload.CommentValues(i)) },
			func(i int) error { _, _, err := c.ActiveUsers(ctx, false); return err },
		} {
			if err := workload.Batched(workload.PoolSize, workload.PoolSize, w); err != nil {
				return opResult{}, err
			}
		}
	}
	got := make([][]block, len(cs))
	for b := 0; b < blocks; b++ {
		for j := range cs {
			k := (j + b) % len(cs)
			bl, err := measure(ctx, names[k], what, cs[k], op, per)
			if err != nil {
				return opResult{}, fmt.Errorf("%s %s: %w", names[k], what, err)
			}
			got[k] = append(got[k], bl)
		}
	}
	r := opResult{Op: what, Blocks: blocks, Per: per}
	col := func(k int, f func(block) float64) []float64 {
		var xs []float64
		for _, bl := range got[k] {
			xs = append(xs, f(bl))
		}
		return xs
	}
	for k, name := range names {
		r.Results = append(r.Results, result{
			Contender:   name,
			WallUs:      stats(col(k, func(b block) float64 { return b.Wall })),
			CPUUs:       stats(col(k, func(b block) float64 { return b.CPU })),
			AllocsPerOp: stats(col(k, func(b block) float64 { return b.Allocs })).Median,
			BytesPerOp:  stats(col(k, func(b block) float64 { return b.Bytes })).Median,
		})
	}
	if len(cs) > 1 {
		r.WallRatio, r.CPURatio = map[string]stat{}, map[string]stat{}
		for k := 1; k < len(cs); k++ {
			var w, c []float64
			for b := range got[0] {
				w = append(w, got[0][b].Wall/got[k][b].Wall)
				c = append(c, got[0][b].CPU/got[k][b].CPU)
			}
			r.WallRatio[names[k]], r.CPURatio[names[k]] = stats(w), stats(c)
		}
	}
	return r, nil
}

func main() {
	blocks := flag.Int("blocks", 20, "blocks per contender")
	per := flag.Int("per", 0, "operations per block (default: 200 for the inserts, 20 for cte, 20 for mixed and lookups)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the timed blocks (pprof labels contender, op)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: bench-ab [-blocks N] [-per N] [-cpuprofile FILE] OPS [CONTENDERS]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 || flag.NArg() > 2 {
		flag.Usage()
		os.Exit(2)
	}
	what := strings.Split(flag.Arg(0), ",")
	names := []string{"flash-go", "pgx"}
	if flag.NArg() == 2 {
		names = strings.Split(flag.Arg(1), ",")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "bench-ab:", err)
		os.Exit(1)
	}
	for _, w := range what {
		if ops[w] == nil {
			fail(fmt.Errorf("unknown operation %q (insert_users, insert_comments, cte, mixed, lookups)", w))
		}
	}
	ctx := context.Background()
	var cs []workload.Contender
	for _, n := range names {
		mk := makers[n]
		if mk == nil {
			fail(fmt.Errorf("unknown contender %q (flash-go, pgx)", n))
		}
		c, err := mk(ctx)
		if err == nil {
			err = c.(workload.Opener).Open(ctx)
		}
		if err != nil {
			fail(err)
		}
		cs = append(cs, c)
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	var all []opResult
	for _, w := range what {
		p := *per
		if p == 0 {
			p = map[string]int{"insert_users": 200, "insert_comments": 200, "cte": 20, "mixed": 20, "lookups": 20}[w]
		}
		r, err := runOp(ctx, w, names, cs, *blocks, p)
		if err != nil {
			pprof.StopCPUProfile()
			fail(err)
		}
		all = append(all, r)
	}
	for _, c := range cs {
		c.Close()
	}
	var load [3]float64
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Sscan(string(b), &load[0], &load[1], &load[2])
	}
	fmt.Printf("%-16s %-10s %22s %22s %9s %10s\n", "op", "contender", "wall µs/op med (min–max)", "CPU µs/op med (min–max)", "allocs/op", "bytes/op")
	for _, r := range all {
		for _, x := range r.Results {
			fmt.Printf("%-16s %-10s %8.1f (%5.0f–%5.0f) %8.1f (%5.0f–%5.0f) %9.1f %10.0f\n", r.Op, x.Contender,
				x.WallUs.Median, x.WallUs.Min, x.WallUs.Max, x.CPUUs.Median, x.CPUUs.Min, x.CPUUs.Max, x.AllocsPerOp, x.BytesPerOp)
		}
		for _, n := range names[1:] {
			w, c := r.WallRatio[n], r.CPURatio[n]
			fmt.Printf("%-16s %s ÷ %s: wall %.3f (%.2f–%.2f), CPU %.3f (%.2f–%.2f)  [%d blocks × %d]\n", r.Op, names[0], n,
				w.Median, w.Min, w.Max, c.Median, c.Min, c.Max, r.Blocks, r.Per)
		}
	}
	out, _ := json.Marshal(map[string]any{"ops": all, "load": load, "gomaxprocs": runtime.GOMAXPROCS(0)})
	fmt.Println(string(out))
}
