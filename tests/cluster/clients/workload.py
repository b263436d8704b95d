"""A read workload on the Python (asyncpg) client generated with read_retry = true
(tests/cluster/patroni_clients.py): get_item and list_items in a loop on an asyncpg pool through the
multi-host DSN in $URL, for $SECONDS_TO_RUN seconds. Prints "ready" after the first successful read,
then one JSON line: reads, errors (the ones that reached the caller), max_gap_s (the longest time
between two successful reads: the outage this client saw), first_errors."""

import asyncio
import json
import os
import sys
import time
from typing import Any, cast

import asyncpg

sys.path.insert(0, sys.argv[1])
from failoverdb import _runtime, queries  # noqa: E402


async def main() -> None:
    pool = await asyncpg.create_pool(os.environ["URL"], min_size=1, max_size=4)
    q = queries.Queries(cast(_runtime.Connection, pool))
    deadline = time.monotonic() + float(os.environ["SECONDS_TO_RUN"])
    reads = errors = 0
    first: list[str] = []
    last = 0.0
    max_gap = 0.0
    while time.monotonic() < deadline:
        try:
            if reads % 2 == 0:
                await q.get_item(id=1)
            else:
                await q.list_items()
        except Exception as e:  # noqa: BLE001 - every error that reaches the caller counts
            errors += 1
            if len(first) < 3:
                first.append(f"{type(e).__name__}: {e}")
        else:
            now = time.monotonic()
            if last == 0.0:
                print("ready", flush=True)
            else:
                max_gap = max(max_gap, now - last)
            last = now
            reads += 1
        await asyncio.sleep(0.02)
    out: dict[str, Any] = {"reads": reads, "errors": errors, "max_gap_s": max_gap, "first_errors": first}
    print(json.dumps(out), flush=True)
    # Not a graceful close: it waits for each connection's server to acknowledge, and a connection
    # opened to the killed primary may never be answered. The figures are printed already.
    pool.terminate()


asyncio.run(main())
