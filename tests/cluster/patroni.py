"""The Patroni cluster of scripts/cluster/patroni.sh, as the cluster tests use it.

`Cluster.open()` takes the running setup from the environment (FLASH_TEST_PATRONI_URL, FLASH_PATRONI_API,
FLASH_PATRONI_DIR: scripts/test.sh starts it) or starts one of its own through scripts/cluster.sh (then
`close()` stops it). A missing package (patroni, etcd, psql) is a skip: exit 77, which ctest reports
as skipped. Everything else that goes wrong is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SKIP = 77


def skip_unless_installed() -> None:
    missing = [t for t in ("patroni", "etcd", "haproxy", "psql", "curl") if shutil.which(t) is None]
    if missing:
        print(f"SKIP: not installed: {', '.join(missing)} (scripts/install-deps.sh installs Debian's patroni, "
              f"etcd-server, postgresql-client)", flush=True)
        sys.exit(SKIP)


def stats(xs: list[float]) -> str:
    """min/median/max of a list of seconds."""
    if not xs:
        return "-"
    s = sorted(xs)
    return f"{s[0]:.2f}/{s[len(s) // 2]:.2f}/{s[-1]:.2f}"


class Cluster:
    def __init__(self, url: str, proxy_url: str, apis: list[str], folder: str, own_env: dict[str, str] | None):
        self.url = url
        self.proxy_url = proxy_url
        self.apis = apis
        self.folder = folder
        self._own_env = own_env  # set when this process started the cluster (and must stop it)

    @staticmethod
    def open() -> "Cluster":
        skip_unless_installed()
        url, proxy, api, folder = (os.environ.get(k, "") for k in ("FLASH_TEST_PATRONI_URL", "FLASH_TEST_PATRONI_PROXY_URL",
                                                                   "FLASH_PATRONI_API", "FLASH_PATRONI_DIR"))
        if url and proxy and api and folder:
            return Cluster(url, proxy, api.split(","), folder, None)
        # A cluster of our own, on ports of our own (the defaults of scripts/cluster/patroni.sh + 40).
        env = dict(os.environ, FLASH_CLUSTER_DIR=os.environ.get("FLASH_CLUSTER_DIR", "/tmp/flash-cluster-test-%d" % os.getpid()),
                   FLASH_PATRONI_PG_PORT=os.environ.get("FLASH_PATRONI_PG_PORT", "54420"),
                   FLASH_PATRONI_API_PORT=os.environ.get("FLASH_PATRONI_API_PORT", "18048"),
                   FLASH_PATRONI_ETCD_PORT=os.environ.get("FLASH_PATRONI_ETCD_PORT", "23820"))
        r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "cluster.sh"), "start", "patroni"], env=env,
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"scripts/cluster.sh start patroni failed:\n{r.stderr[-3000:]}")
        vals = dict(re.findall(r"export (\w+)='([^']*)'", r.stdout))
        return Cluster(vals["FLASH_TEST_PATRONI_URL"], vals["FLASH_TEST_PATRONI_PROXY_URL"],
                       vals["FLASH_PATRONI_API"].split(","), vals["FLASH_PATRONI_DIR"], env)

    def close(self) -> None:
        if self._own_env is not None:
            subprocess.run(["bash", os.path.join(ROOT, "scripts", "cluster.sh"), "stop", "patroni"],
                           env=self._own_env, capture_output=True, text=True, timeout=120)

    def db_url(self, db: str, proxy: bool = False) -> str:
        """The multi-host URL (or, with proxy, the HAProxy address) with another database name."""
        if proxy:
            return self.proxy_url.rsplit("/", 1)[0] + "/" + db
        return re.sub(r"/[^/?]+\?", f"/{db}?", self.url, count=1)

    def members(self) -> list[dict]:
        for api in self.apis:
            try:
                with urllib.request.urlopen(api + "/cluster", timeout=2) as r:
                    return json.load(r).get("members", [])
            except (OSError, ValueError):
                continue
        return []

    def leader(self) -> str | None:
        for m in self.members():
            if m.get("role") == "leader" and m.get("state") == "running":
                return m["name"]
        return None

    def wait_healthy(self, timeout: float = 120) -> str:
        """Waits for a running leader and a streaming synchronous standby (so that a failover is possible
        and loses nothing acknowledged); returns the leader's name."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ms = self.members()
            lead = [m["name"] for m in ms if m.get("role") == "leader" and m.get("state") == "running"]
            sync = [m for m in ms if m.get("role") == "sync_standby" and m.get("state") in ("running", "streaming")
                    and m.get("lag", 0) in (0, "0")]
            if lead and sync:
                return lead[0]
            time.sleep(0.2)
        raise RuntimeError(f"the cluster did not become healthy in {timeout:.0f} s: {self.members()}")

    def postmaster_pid(self, node: str) -> int:
        with open(os.path.join(self.folder, node, "data", "postmaster.pid"), encoding="utf-8") as f:
            return int(f.readline().strip())

    def kill_primary(self) -> tuple[str, float]:
        """kill -9 of the primary's postmaster; returns (the node, time.monotonic() of the kill)."""
        node = self.leader()
        if node is None:
            raise RuntimeError("no leader to kill")
        pid = self.postmaster_pid(node)
        os.kill(pid, signal.SIGKILL)
        return node, time.monotonic()

    def psql(self, db: str, sql: str, timeout: float = 30) -> subprocess.CompletedProcess:
        """The engine's own client on the primary (the multi-host URL picks it)."""
        return subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", self.db_url(db)],
                              input=sql, capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, PGCONNECT_TIMEOUT="2"))

    def query(self, db: str, sql: str) -> list[list[str]]:
        r = self.psql(db, sql)
        if r.returncode != 0:
            raise RuntimeError(f"query failed: {sql}: {r.stderr.strip()}")
        return [ln.split("\t") for ln in r.stdout.splitlines() if ln]

    def wait_primary(self, db: str, timeout: float = 60) -> float:
        """Polls until the multi-host URL reaches a read-write server; returns time.monotonic() then.
        Also after CREATE DATABASE: libpq tries the hosts in order and stops at a server that refuses the
        session (FATAL: database does not exist on a replica that has not replayed it yet) instead of going
        on to the next host, so a new database is usable through the URL only once every earlier host has it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.psql(db, "SELECT 1").returncode == 0:
                return time.monotonic()
            time.sleep(0.1)
        raise RuntimeError(f"no read-write server after {timeout:.0f} s: {self.members()}")
