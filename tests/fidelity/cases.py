"""The real schemas of the shared corpus, and how each application's own migrator loads them.

One Unit is one database: a case on one engine (an application with several SQLite databases
gives one unit per database). `files` are corpus-relative paths in the order the application's
migrator applies them; `load` says how the engine's own client runs them, as the corpus
collector validated each case (index.json `notes` / `validated`):

  script  every file run by the client in one session, autocommit (pg_dump / mysqldump output,
          declarative schemas, CREATE INDEX CONCURRENTLY outside a transaction)
  tx      every file in its own transaction (sqlx, golang-migrate, Rust stores); goose files
          contribute only their Up section, and `-- +goose NO TRANSACTION` runs outside one
  multi   MySQL: every file sent whole as one multi-statement query (go-sql-driver/mysql with
          multiStatements, as authelia does), so CREATE PROCEDURE bodies need no DELIMITER

`tolerate` lists server errors the native load accepts, each with its reason (the application's
migrator fails there on this server too, or the statement only changes ownership).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass
class Unit:
    case: str  # corpus case path, plus "#<database>" when an application has several
    engine: str  # postgresql | mysql | sqlite
    files: list[str]
    load: str = "tx"
    goose: bool = False
    tolerate: list[tuple[str, str]] = field(default_factory=list)  # (regex on the error, reason)

    @property
    def id(self) -> str:
        return f"{self.case} [{self.engine}]"

    @property
    def slug(self) -> str:
        return (self.case + "_" + self.engine).replace("/", "_").replace("#", "_")


def _dir(corpus: str, rel: str, suffix: str = ".sql", exclude: str = ".down.sql") -> list[str]:
    names = sorted(n for n in os.listdir(os.path.join(corpus, rel))
                   if n.endswith(suffix) and not n.endswith(exclude))
    return [f"{rel}/{n}" for n in names]


def units(corpus: str) -> list[Unit]:
    u: list[Unit] = []
    # Classic sample databases: one schema file each.
    for case, engine in [("chinook/postgresql", "postgresql"), ("chinook/postgresql-serial-pks", "postgresql"),
                         ("chinook/postgresql-identity-pks", "postgresql"), ("chinook/mysql", "mysql"),
                         ("chinook/mysql-auto-increment-pks", "mysql"), ("chinook/sqlite", "sqlite"),
                         ("chinook/sqlite-autoincrement-pks", "sqlite")]:
        u.append(Unit(case, engine, [f"{case}/schema.sql"], load="script"))
    owner = (r'must be (able to SET ROLE|member of role) "postgres"',
             "pg_dump ownership lines: the test user may not hand objects to the postgres role")
    # Current pagila needs PostgreSQL 18 + pgvector: the native load fails on 15 (allow-listed).
    u.append(Unit("pagila/postgresql", "postgresql", ["pagila/postgresql/schema.sql"], load="script",
                  tolerate=[owner]))
    u.append(Unit("pagila/postgresql-2024", "postgresql", ["pagila/postgresql-2024/schema.sql"], load="script",
                  tolerate=[owner]))

    # openfga: goose files, Up section only, version order (file-name order).
    u.append(Unit("openfga/migrations", "postgresql", _dir(corpus, "openfga/migrations/postgres"), goose=True))
    u.append(Unit("openfga/migrations", "mysql", _dir(corpus, "openfga/migrations/mysql"), goose=True,
                  tolerate=[(r"ERROR 1064 .*LOCK = NONE",
                             "007 `DROP INDEX ... LOCK = NONE` is MySQL-8-only syntax; MariaDB rejects it")]))
    u.append(Unit("openfga/migrations", "sqlite", _dir(corpus, "openfga/migrations/sqlite"), goose=True))

    # atuin: sqlx, one database per migration directory, version order; kv/scripts have .up/.down pairs.
    u.append(Unit("atuin/migrations", "postgresql",
                  _dir(corpus, "atuin/migrations/atuin-server-postgres/migrations")))
    for sub in ["atuin-server-sqlite/migrations", "atuin-client/migrations", "atuin-client/record-migrations",
                "atuin-client/meta-migrations", "atuin-kv/migrations", "atuin-scripts/migrations",
                "atuin-ai/migrations"]:
        u.append(Unit(f"atuin/migrations#{sub}", "sqlite", _dir(corpus, f"atuin/migrations/{sub}")))

    # hatchet: declarative schema in sqlc.yaml order, autocommit (CREATE INDEX CONCURRENTLY).
    u.append(Unit("hatchet/schema", "postgresql",
                  [f"hatchet/schema/{n}" for n in ["v0.sql", "v1-core.sql", "v1-olap.sql", "pg-stubs.sql"]],
                  load="script"))
    # concourse: 149 .up.sql in version order (all version numbers have 10 digits), one transaction each.
    u.append(Unit("concourse/migrations", "postgresql", _dir(corpus, "concourse/migrations", ".up.sql")))

    # authelia: V0001..V0026 .up.sql per dialect; MySQL files are sent whole (multi-statement).
    u.append(Unit("authelia/migrations", "postgresql", _dir(corpus, "authelia/migrations/postgres", ".up.sql")))
    u.append(Unit("authelia/migrations", "mysql", _dir(corpus, "authelia/migrations/mysql", ".up.sql"),
                  load="multi"))
    u.append(Unit("authelia/migrations", "sqlite", _dir(corpus, "authelia/migrations/sqlite", ".up.sql")))

    # shiori: file-name order, one transaction each.
    for engine, d in [("postgresql", "postgres"), ("mysql", "mysql"), ("sqlite", "sqlite")]:
        u.append(Unit("shiori/migrations", engine, _dir(corpus, f"shiori/migrations/{d}", ".up.sql")))

    # kanboard: pg_dump / mysqldump install schemas (with seed data).
    u.append(Unit("kanboard/schema-dumps", "postgresql", ["kanboard/schema-dumps/postgres.sql"], load="script"))
    u.append(Unit("kanboard/schema-dumps", "mysql", ["kanboard/schema-dumps/mysql.sql"], load="script"))

    # dolphinscheduler: the fresh 3.3.0 schemas (the upgrade chain needs DolphinScheduler's own script parser).
    u.append(Unit("dolphinscheduler/sql", "postgresql", ["dolphinscheduler/sql/dolphinscheduler_postgresql.sql"],
                  load="script"))
    u.append(Unit("dolphinscheduler/sql", "mysql", ["dolphinscheduler/sql/dolphinscheduler_mysql.sql"],
                  load="script"))

    # memos: fresh installs run <dialect>/LATEST.sql.
    for engine, d in [("postgresql", "postgres"), ("mysql", "mysql"), ("sqlite", "sqlite")]:
        u.append(Unit("memos/migration", engine, [f"memos/migration/{d}/LATEST.sql"], load="script"))

    # matrix-rust-sdk: four stores, each its own database, files in name order, one transaction each.
    for store in ["crypto_store", "state_store", "event_cache_store", "media_store"]:
        u.append(Unit(f"matrix-rust-sdk/sqlite-migrations#{store}", "sqlite",
                      _dir(corpus, f"matrix-rust-sdk/sqlite-migrations/{store}")))
    return u


def goose_up(text: str) -> tuple[str, bool]:
    """The Up section of a goose file and whether it must run outside a transaction."""
    up: list[str] = []
    section = None
    no_tx = False
    for line in text.splitlines(keepends=True):
        s = line.strip().lower()
        if s.startswith("-- +goose"):
            word = s[len("-- +goose"):].strip()
            if word == "up":
                section = "up"
            elif word == "down":
                section = "down"
            elif word == "no transaction":
                no_tx = True
            continue
        if section == "up":
            up.append(line)
    return "".join(up), no_tx
