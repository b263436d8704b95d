// A read workload on the Go client generated with read_retry = true (tests/cluster/patroni_clients.py):
// GetItem and ListItems in a loop on a pgxpool through the multi-host URL in $URL, for the duration
// in $SECONDS_TO_RUN ($NO_RETRY set: without the retry, the control). Prints "ready" after the first successful read, then one JSON line:
// reads, errors (the ones that reached the caller), max_gap_s (the longest time between two
// successful reads: the outage this client saw), first_errors.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"flashclients/gen/failover/db"
)

func main() {
	ctx := context.Background()
	secs, _ := strconv.ParseFloat(os.Getenv("SECONDS_TO_RUN"), 64)
	pool, err := pgxpool.New(ctx, os.Getenv("URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer pool.Close()
	q := db.New(pool)
	if os.Getenv("NO_RETRY") != "" { // the control: the same reads without the retry
		q = q.WithReadRetry(db.ReadRetry{})
	}
	deadline := time.Now().Add(time.Duration(secs * float64(time.Second)))
	reads, errs := 0, 0
	var firstErrors []string
	var last time.Time
	var maxGap time.Duration
	for time.Now().Before(deadline) {
		var err error
		if reads%2 == 0 {
			_, err = q.GetItem(ctx, 1)
		} else {
			_, err = q.ListItems(ctx)
		}
		now := time.Now()
		if err != nil {
			errs++
			if len(firstErrors) < 3 {
				firstErrors = append(firstErrors, err.Error())
			}
		} else {
			if last.IsZero() {
				fmt.Println("ready")
			} else if now.Sub(last) > maxGap {
				maxGap = now.Sub(last)
			}
			last = now
			reads++
		}
		time.Sleep(20 * time.Millisecond)
	}
	out, _ := json.Marshal(map[string]any{"reads": reads, "errors": errs, "max_gap_s": maxGap.Seconds(),
		"first_errors": firstErrors})
	fmt.Println(string(out))
}
