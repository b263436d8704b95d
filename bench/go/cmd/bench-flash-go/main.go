// Flash's generated Go client (contenders/flashgo over bench/go/flashdb) running the workload.
package main

import (
	"context"

	"flashbench/contenders/flashgo"
	"flashbench/workload"
)

func main() {
	pool, err := workload.NewPool(context.Background())
	if err != nil {
		workload.Main("flash-go", nil, err)
	}
	workload.Main("flash-go", flashgo.New(pool), nil)
}
