#!/usr/bin/env python3
"""synth.py DIR [--tables N] [--queries M] [--provider sqlite|postgresql]: writes a synthetic Flash project (SQLite by default) with
N tables (10 schema files) and M annotated queries (M/N per table, 10 query files), with
[gen.go], [gen.js] and [gen.python] enabled, for timing `flash gen` and `flash migrate --dry-run`; and a sqlc.yaml over the
same files (sqlc's Go generator), for timing `sqlc generate` side by side."""
import argparse, os

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--tables", type=int, default=1000)
ap.add_argument("--queries", type=int, default=5000)
ap.add_argument("--provider", choices=["sqlite", "postgresql"], default="sqlite",
                help="postgresql: the same tables and queries in PostgreSQL's dialect ($n parameters, SERIAL)")
a = ap.parse_args()
d = a.dir
PG = a.provider == "postgresql"
for sub in ("db/schema", "db/queries", "db/migrations"):
    os.makedirs(os.path.join(d, sub), exist_ok=True)
open(os.path.join(d, "flash.toml"), "w").write("""version = "2"
schema_dir = "db/schema"
queries = "db/queries"
migrations_path = "db/migrations"

[database]
provider = "{PROVIDER}"
url_env = "DATABASE_URL"

[gen.go]
enabled = true
out = "gen/go/db"{GO_DRIVER}

[gen.js]
enabled = true
out = "gen/js"

[gen.python]
enabled = true
out = "gen/python/db"
""".replace("{PROVIDER}", a.provider).replace("{GO_DRIVER}", '\ndriver = "pgx/v5"' if PG else ""))
open(os.path.join(d, ".env"), "w").write("DATABASE_URL=" + ("postgres://localhost/synth" if PG else "sqlite://synth.db") + "\n")
# The same schema and queries for sqlc (its built-in Go generator; `sqlc generate` in this folder).
open(os.path.join(d, "sqlc.yaml"), "w").write("""version: "2"
sql:
  - engine: "{ENGINE}"
    schema: "db/schema"
    queries: "db/queries"
    gen:
      go:
        package: "db"
        out: "sqlc/go/db"{SQL_PACKAGE}
""".replace("{ENGINE}", a.provider).replace("{SQL_PACKAGE}", '\n        sql_package: "pgx/v5"' if PG else ""))

files = 10
per_file = (a.tables + files - 1) // files
for f in range(files):
    out = []
    for t in range(f * per_file, min(a.tables, (f + 1) * per_file)):
        ref = f",\n  parent_id INTEGER REFERENCES t{t - 1}(id) ON DELETE CASCADE" if t > 0 else ""
        out.append(f"""CREATE TABLE t{t} (
  id {"SERIAL PRIMARY KEY" if PG else "INTEGER PRIMARY KEY AUTOINCREMENT"},
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  score INTEGER NOT NULL DEFAULT 0,
  note TEXT,
  active BOOLEAN NOT NULL DEFAULT {"true" if PG else "1"},
  created_at {"TIMESTAMP" if PG else "DATETIME"} NOT NULL DEFAULT CURRENT_TIMESTAMP{ref}
);
CREATE INDEX t{t}_name_idx ON t{t} (name);
""")
    open(os.path.join(d, "db/schema", f"schema_{f:02d}.sql"), "w").write("\n".join(out))

templates = [
    ("Get{T}", ":one", "SELECT id, name, email, score, note, active, created_at FROM {t} WHERE id = ?;"),
    ("List{T}", ":many", "SELECT id, name, email, score FROM {t} WHERE active = ? ORDER BY id LIMIT ?;"),
    ("Create{T}", ":exec", "INSERT INTO {t} (name, email, score, note) VALUES (?, ?, ?, ?);"),
    ("Update{T}Score", ":execrows", "UPDATE {t} SET score = ? WHERE id = ?;"),
    ("Delete{T}", ":exec", "DELETE FROM {t} WHERE id = ?;"),
    ("Count{T}", ":one", "SELECT COUNT(*) AS n FROM {t} WHERE score > ?;"),
]
queries = []
i = 0
while len(queries) < a.queries:
    t = i % a.tables
    name, kind, text = templates[(i // a.tables) % len(templates)]
    text = text.format(t=f't{t}')
    if PG:  # ? → $1, $2, ...
        parts = text.split("?")
        text = parts[0] + "".join(f"${k + 1}{p}" for k, p in enumerate(parts[1:]))
    queries.append(f"-- name: {name.format(T=f'T{t}')} {kind}\n{text}\n")
    i += 1
per_qfile = (len(queries) + files - 1) // files
for f in range(files):
    open(os.path.join(d, "db/queries", f"queries_{f:02d}.sql"), "w").write("\n".join(queries[f * per_qfile:(f + 1) * per_qfile]))
print(f"synth.py: {a.tables} tables, {len(queries)} queries in {d}")
