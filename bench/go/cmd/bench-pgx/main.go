// Hand-written pgx/v5 (contenders/pgxc) running the workload.
package main

import (
	"context"

	"flashbench/contenders/pgxc"
	"flashbench/workload"
)

func main() {
	pool, err := workload.NewPool(context.Background())
	if err != nil {
		workload.Main("pgx", nil, err)
	}
	workload.Main("pgx", pgxc.New(pool, workload.SQL()), nil)
}
