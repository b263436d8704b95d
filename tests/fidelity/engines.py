"""The three engines through their own clients: scratch databases, native loads, catalog snapshots.

PostgreSQL goes through `psql`, MariaDB/MySQL through `mariadb` (or `mysql`), SQLite through
Python's sqlite3 module (the same SQLite library as the sqlite3 shell, and the only way to register
an application's SQL functions such as authelia's BIN2B64). A snapshot is a normalised JSON object
read from the engine's own catalogs, never from Flash's model: sections of objects keyed by name,
each object a flat-ish dict, so that a diff names the object and the property that differs.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse

from cases import Unit, goose_up

TIMEOUT = 300


class LoadError(Exception):
    pass


def _run(cmd: list[str], env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=TIMEOUT)


# ---------------------------------------------------------------------------------------------
# PostgreSQL


class Postgres:
    name = "postgresql"

    def __init__(self, url: str):
        self.url = urllib.parse.urlsplit(url)

    def db_url(self, db: str) -> str:
        return urllib.parse.urlunsplit(self.url._replace(path="/" + db))

    def _env(self) -> dict:
        env = dict(os.environ)
        env["PGOPTIONS"] = "-c client_min_messages=warning"
        env["PGCONNECT_TIMEOUT"] = "10"
        return env

    def psql(self, db: str | None, args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess:
        url = self.db_url(db) if db else urllib.parse.urlunsplit(self.url)
        return _run(["psql", "-X", "-q", "-d", url] + args, env=self._env(), stdin=stdin)

    def create(self, db: str) -> None:
        r = self.psql(None, ["-v", "ON_ERROR_STOP=1", "-c", f'CREATE DATABASE "{db}"'])
        if r.returncode != 0:
            raise LoadError(f"CREATE DATABASE {db}: {r.stderr.strip()}")

    def drop(self, db: str) -> None:
        _drop(lambda: self.psql(None, ["-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)']), db)

    def load(self, unit: Unit, corpus: str, db: str, scratch: str) -> list[str]:
        """Runs the unit's files through psql in one session; returns the tolerated errors."""
        lines = []
        for i, rel in enumerate(unit.files):
            path = os.path.join(corpus, rel)
            in_tx = unit.load == "tx"
            if unit.goose:
                with open(path, encoding="utf-8") as f:
                    up, no_tx = goose_up(f.read())
                path = os.path.join(scratch, f"{i:04d}.up.sql")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(up)
                in_tx = in_tx and not no_tx
            if in_tx:
                lines.append("BEGIN;")
            lines.append("\\i " + _psql_quote(path))
            if in_tx:
                lines.append("COMMIT;")
        stop = "0" if unit.tolerate else "1"
        r = self.psql(db, ["-v", f"ON_ERROR_STOP={stop}"], stdin="\n".join(lines) + "\n")
        errors = [ln for ln in r.stderr.splitlines() if "ERROR:" in ln]
        return _check_errors(unit, r.returncode, r.stderr, errors)

    def snapshot(self, db: str) -> dict:
        script = []
        for section, sql in PG_QUERIES:
            script.append(f"SELECT '@@{section}';")
            script.append(sql.replace("$USER_NS", PG_USER_NS) + ";")
        r = self.psql(db, ["-At", "-v", "ON_ERROR_STOP=1"], stdin="\n".join(script))
        if r.returncode != 0:
            raise LoadError(f"catalog query failed: {r.stderr.strip()}")
        rows = _sections(r.stdout)
        return _pg_normalise(rows)


def _drop(fn, db: str) -> None:
    for _ in range(3):
        r = fn()
        if r.returncode == 0:
            return
    print(f"warning: could not drop scratch database {db}: {r.stderr.strip()}", file=sys.stderr)


def _psql_quote(path: str) -> str:
    return "'" + path.replace("\\", "\\\\").replace("'", "\\'") + "'"


PG_USER_NS = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"


def _not_ext(classid: str, objid: str) -> str:
    return (f"NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{classid}'::regclass "
            f"AND e.objid = {objid} AND e.deptype = 'e')")


PG_QUERIES = [
    ("schemas", """SELECT json_build_object('name', n.nspname, 'comment', obj_description(n.oid, 'pg_namespace'))
        FROM pg_namespace n WHERE $USER_NS"""),
    ("extensions", "SELECT json_build_object('name', extname) FROM pg_extension WHERE extname <> 'plpgsql'"),
    ("relations", f"""SELECT json_build_object('schema', n.nspname, 'name', c.relname, 'kind', c.relkind,
          'persistence', c.relpersistence,
          'partition_key', CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
          'partition_of', CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
          'inherits', (SELECT json_agg(pn.nspname || '.' || p.relname ORDER BY i.inhseqno) FROM pg_inherits i
                       JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
                       WHERE i.inhrelid = c.oid),
          'options', c.reloptions, 'row_security', c.relrowsecurity, 'force_row_security', c.relforcerowsecurity,
          'comment', obj_description(c.oid, 'pg_class'),
          'view', CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
          'columns', (SELECT json_agg(json_build_object('name', a.attname,
                         'type', format_type(a.atttypid, a.atttypmod), 'not_null', a.attnotnull,
                         'default', pg_get_expr(ad.adbin, ad.adrelid), 'identity', a.attidentity,
                         'generated', a.attgenerated, 'local', a.attislocal,
                         'collation', CASE WHEN a.attcollation <> t.typcollation
                                      THEN (SELECT collname FROM pg_collation WHERE oid = a.attcollation) END,
                         'comment', col_description(c.oid, a.attnum)) ORDER BY a.attnum)
                      FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                      LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND $USER_NS AND c.relname !~ '^_flash'
          AND {_not_ext('pg_class', 'c.oid')}"""),
    ("constraints", """SELECT json_build_object('schema', n.nspname, 'on', coalesce(c.relname, t.typname),
          'name', co.conname, 'type', co.contype, 'def', pg_get_constraintdef(co.oid),
          'comment', obj_description(co.oid, 'pg_constraint'))
        FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
        LEFT JOIN pg_class c ON c.oid = co.conrelid LEFT JOIN pg_type t ON t.oid = co.contypid
        WHERE $USER_NS AND (co.conrelid <> 0 OR co.contypid <> 0) AND coalesce(c.relname, '') !~ '^_flash'"""),
    ("indexes", f"""SELECT json_build_object('schema', n.nspname, 'name', i.relname, 'table', t.relname,
          'def', pg_get_indexdef(i.oid), 'comment', obj_description(i.oid, 'pg_class'))
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE $USER_NS AND t.relname !~ '^_flash' AND {_not_ext('pg_class', 't.oid')}"""),
    ("sequences", f"""SELECT json_build_object('schema', n.nspname, 'name', c.relname,
          'type', format_type(s.seqtypid, NULL), 'start', s.seqstart, 'increment', s.seqincrement,
          'min', s.seqmin, 'max', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle,
          'owned_by', (SELECT tn.nspname || '.' || t.relname || '.' || a.attname || ' (' || d.deptype::text || ')'
                       FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                       JOIN pg_namespace tn ON tn.oid = t.relnamespace
                       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                         AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1),
          'comment', obj_description(c.oid, 'pg_class'))
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE $USER_NS AND c.relname !~ '^_flash' AND {_not_ext('pg_class', 'c.oid')}"""),
    ("functions", f"""SELECT json_build_object('schema', n.nspname, 'name', p.proname,
          'args', pg_get_function_identity_arguments(p.oid), 'kind', p.prokind,
          'def', CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END,
          'aggregate', (SELECT json_build_object('sfunc', a.aggtransfn::regproc::text,
                          'stype', format_type(a.aggtranstype, NULL), 'finalfunc', a.aggfinalfn::regproc::text,
                          'initcond', a.agginitval) FROM pg_aggregate a WHERE a.aggfnoid = p.oid),
          'comment', obj_description(p.oid, 'pg_proc'))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE $USER_NS AND {_not_ext('pg_proc', 'p.oid')}"""),
    ("triggers", """SELECT json_build_object('schema', n.nspname, 'table', c.relname, 'name', tg.tgname,
          'def', pg_get_triggerdef(tg.oid), 'enabled', tg.tgenabled)
        FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT tg.tgisinternal AND $USER_NS"""),
    ("types", f"""SELECT json_build_object('schema', n.nspname, 'name', t.typname, 'kind', t.typtype,
          'labels', (SELECT json_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = t.oid),
          'base', CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
          'not_null', t.typnotnull, 'default', t.typdefault,
          'range_of', (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid),
          'comment', obj_description(t.oid, 'pg_type'))
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype IN ('e', 'd', 'r', 'm') AND $USER_NS AND {_not_ext('pg_type', 't.oid')}"""),
    ("rules", """SELECT json_build_object('schema', schemaname, 'table', tablename, 'name', rulename,
          'def', definition) FROM pg_rules WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema'"""),
    ("policies", """SELECT json_build_object('schema', schemaname, 'table', tablename, 'name', policyname,
          'permissive', permissive, 'roles', roles, 'cmd', cmd, 'qual', qual, 'with_check', with_check)
        FROM pg_policies WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema'"""),
]


def _sections(out: str) -> dict[str, list]:
    rows: dict[str, list] = {}
    cur = None
    for line in out.splitlines():
        if line.startswith("@@"):
            cur = line[2:]
            rows[cur] = []
        elif line.strip() and cur is not None:
            rows[cur].append(json.loads(line))
    return rows


def _columns(cols: list | None) -> tuple[dict, list]:
    cols = cols or []
    return {c.pop("name"): c for c in [dict(c) for c in cols]}, [c["name"] for c in cols]


def _pg_normalise(rows: dict[str, list]) -> dict:
    snap: dict = {}
    snap["schemas"] = {r["name"]: {"comment": r["comment"]} for r in rows["schemas"]}
    snap["extensions"] = {r["name"]: {} for r in rows["extensions"]}
    rel = {}
    for r in rows["relations"]:
        key = f"{r.pop('schema')}.{r.pop('name')}"
        r["columns"], r["column_order"] = _columns(r["columns"])
        rel[key] = r
    snap["relations"] = rel
    snap["constraints"] = {f"{r.pop('schema')}.{r.pop('on')}.{r.pop('name')}": r for r in rows["constraints"]}
    snap["indexes"] = {f"{r.pop('schema')}.{r.pop('name')}": r for r in rows["indexes"]}
    snap["sequences"] = {f"{r.pop('schema')}.{r.pop('name')}": r for r in rows["sequences"]}
    snap["functions"] = {f"{r.pop('schema')}.{r.pop('name')}({r.pop('args')})": r for r in rows["functions"]}
    snap["triggers"] = {f"{r.pop('schema')}.{r.pop('table')}.{r.pop('name')}": r for r in rows["triggers"]}
    snap["types"] = {f"{r.pop('schema')}.{r.pop('name')}": r for r in rows["types"]}
    snap["rules"] = {f"{r.pop('schema')}.{r.pop('table')}.{r.pop('name')}": r for r in rows["rules"]}
    snap["policies"] = {f"{r.pop('schema')}.{r.pop('table')}.{r.pop('name')}": r for r in rows["policies"]}
    return snap


def _check_errors(unit: Unit, rc: int, stderr: str, errors: list[str]) -> list[str]:
    if not unit.tolerate:
        if rc != 0:
            raise LoadError(_first_lines(stderr))
        return []
    tolerated = []
    for e in errors:
        if not any(re.search(rx, e) for rx, _ in unit.tolerate):
            raise LoadError(e.strip())
        tolerated.append(e.strip())
    if rc != 0 and not errors:
        raise LoadError(_first_lines(stderr))
    return tolerated


def _first_lines(text: str, n: int = 3) -> str:
    return " | ".join(ln.strip() for ln in text.strip().splitlines()[:n]) or "(no message)"


# ---------------------------------------------------------------------------------------------
# MariaDB / MySQL


class MySQL:
    name = "mysql"

    def __init__(self, url: str):
        self.url = urllib.parse.urlsplit(url)
        self.client = shutil.which("mariadb") or shutil.which("mysql") or "mariadb"

    def db_url(self, db: str) -> str:
        return urllib.parse.urlunsplit(self.url._replace(path="/" + db))

    def _cmd(self, db: str | None, extra: list[str]) -> tuple[list[str], dict]:
        u = self.url
        cmd = [self.client, "--protocol=TCP", "-h", u.hostname or "127.0.0.1", "-P", str(u.port or 3306),
               "-u", urllib.parse.unquote(u.username or "root"), "--default-character-set=utf8mb4"]
        env = dict(os.environ)
        if u.password is not None:
            env["MYSQL_PWD"] = urllib.parse.unquote(u.password)
        return cmd + extra + ([db] if db else []), env

    def run(self, db: str | None, extra: list[str], stdin: str) -> subprocess.CompletedProcess:
        cmd, env = self._cmd(db, extra)
        return _run(cmd, env=env, stdin=stdin)

    def create(self, db: str) -> None:
        r = self.run(None, [], f"CREATE DATABASE `{db}`;")
        if r.returncode != 0:
            raise LoadError(f"CREATE DATABASE {db}: {r.stderr.strip()}")

    def drop(self, db: str) -> None:
        _drop(lambda: self.run(None, [], f"DROP DATABASE IF EXISTS `{db}`;"), db)

    def load(self, unit: Unit, corpus: str, db: str, scratch: str) -> list[str]:
        script = []
        for i, rel in enumerate(unit.files):
            path = os.path.join(corpus, rel)
            if unit.goose:
                with open(path, encoding="utf-8") as f:
                    up, _ = goose_up(f.read())
                path = os.path.join(scratch, f"{i:04d}.up.sql")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(up)
            if unit.load == "multi":
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if not text.strip():
                    continue  # an empty migration: the driver sends nothing
                # A client delimiter that never occurs in SQL sends the whole file as one query.
                script.append("DELIMITER $$fidelity$$\n" + text + "\n$$fidelity$$\nDELIMITER ;")
            else:
                script.append("source " + path)
        extra = ["--force"] if unit.tolerate else []
        r = self.run(db, extra, "\n".join(script) + "\n")
        errors = [ln for ln in r.stderr.splitlines() if ln.startswith("ERROR")]
        return _check_errors(unit, r.returncode, r.stderr, errors)

    def snapshot(self, db: str) -> dict:
        lit = "'" + db + "'"
        script = ["SET SESSION group_concat_max_len = 1073741824;"]
        for section, sql in MY_QUERIES:
            script.append(f"SELECT '@@{section}';")
            script.append(sql.replace("$DB", lit) + ";")
        r = self.run(db, ["-N", "-B", "-r"], "\n".join(script))
        if r.returncode != 0:
            raise LoadError(f"catalog query failed: {r.stderr.strip()}")
        rows = _sections(r.stdout)
        return _strip_db(_my_normalise(rows), db)


MY_QUERIES = [
    ("tables", """SELECT JSON_OBJECT('name', TABLE_NAME, 'type', TABLE_TYPE, 'engine', ENGINE,
          'collation', TABLE_COLLATION, 'options', CREATE_OPTIONS, 'comment', TABLE_COMMENT)
        FROM information_schema.TABLES WHERE TABLE_SCHEMA = $DB AND TABLE_NAME NOT LIKE '\\_flash%'"""),
    ("columns", """SELECT JSON_OBJECT('table', TABLE_NAME, 'name', COLUMN_NAME, 'pos', ORDINAL_POSITION,
          'type', COLUMN_TYPE, 'nullable', IS_NULLABLE, 'default', COLUMN_DEFAULT, 'extra', EXTRA,
          'charset', CHARACTER_SET_NAME, 'collation', COLLATION_NAME, 'comment', COLUMN_COMMENT,
          'generated', IS_GENERATED, 'expression', GENERATION_EXPRESSION)
        FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = $DB AND TABLE_NAME NOT LIKE '\\_flash%'"""),
    ("indexes", """SELECT JSON_OBJECT('table', TABLE_NAME, 'name', INDEX_NAME, 'non_unique', NON_UNIQUE,
          'seq', SEQ_IN_INDEX, 'column', COLUMN_NAME, 'sub_part', SUB_PART, 'order', COLLATION,
          'index_type', INDEX_TYPE, 'comment', INDEX_COMMENT)
        FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = $DB AND TABLE_NAME NOT LIKE '\\_flash%'"""),
    ("table_constraints", """SELECT JSON_OBJECT('table', TABLE_NAME, 'name', CONSTRAINT_NAME, 'type', CONSTRAINT_TYPE)
        FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = $DB
          AND TABLE_NAME NOT LIKE '\\_flash%'"""),
    ("checks", """SELECT JSON_OBJECT('table', TABLE_NAME, 'name', CONSTRAINT_NAME, 'clause', CHECK_CLAUSE,
          'level', LEVEL) FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = $DB"""),
    ("foreign_keys", """SELECT JSON_OBJECT('table', TABLE_NAME, 'name', CONSTRAINT_NAME,
          'references', REFERENCED_TABLE_NAME, 'on_update', UPDATE_RULE, 'on_delete', DELETE_RULE)
        FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = $DB"""),
    ("fk_columns", """SELECT JSON_OBJECT('table', TABLE_NAME, 'name', CONSTRAINT_NAME, 'pos', ORDINAL_POSITION,
          'column', COLUMN_NAME, 'ref_schema', REFERENCED_TABLE_SCHEMA, 'ref_column', REFERENCED_COLUMN_NAME)
        FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = $DB AND REFERENCED_TABLE_NAME IS NOT NULL"""),
    ("views", """SELECT JSON_OBJECT('name', TABLE_NAME, 'definition', VIEW_DEFINITION, 'check_option', CHECK_OPTION,
          'updatable', IS_UPDATABLE, 'security', SECURITY_TYPE, 'algorithm', ALGORITHM)
        FROM information_schema.VIEWS WHERE TABLE_SCHEMA = $DB"""),
    ("routines", """SELECT JSON_OBJECT('name', ROUTINE_NAME, 'type', ROUTINE_TYPE, 'returns', DTD_IDENTIFIER,
          'body', ROUTINE_DEFINITION, 'deterministic', IS_DETERMINISTIC, 'data_access', SQL_DATA_ACCESS,
          'security', SECURITY_TYPE, 'comment', ROUTINE_COMMENT)
        FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = $DB"""),
    ("parameters", """SELECT JSON_OBJECT('routine', SPECIFIC_NAME, 'type', ROUTINE_TYPE, 'pos', ORDINAL_POSITION,
          'mode', PARAMETER_MODE, 'name', PARAMETER_NAME, 'dtd', DTD_IDENTIFIER)
        FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = $DB"""),
    ("triggers", """SELECT JSON_OBJECT('name', TRIGGER_NAME, 'event', EVENT_MANIPULATION, 'table', EVENT_OBJECT_TABLE,
          'order', ACTION_ORDER, 'timing', ACTION_TIMING, 'statement', ACTION_STATEMENT)
        FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = $DB"""),
]


def _my_normalise(rows: dict[str, list]) -> dict:
    tables = {}
    for r in rows["tables"]:
        tables[r.pop("name")] = dict(r, columns={}, column_order=[])
    for c in sorted(rows["columns"], key=lambda c: (c["table"], c["pos"])):
        t = tables.setdefault(c["table"], {"columns": {}, "column_order": []})
        name = c.pop("name")
        c.pop("table"), c.pop("pos")
        t["columns"][name] = c
        t["column_order"].append(name)
    indexes: dict = {}
    for r in sorted(rows["indexes"], key=lambda r: (r["table"], r["name"], r["seq"])):
        key = f"{r['table']}.{r['name']}"
        ix = indexes.setdefault(key, {"unique": not r["non_unique"], "type": r["index_type"],
                                      "comment": r["comment"], "columns": []})
        ix["columns"].append(r["column"] + (f"({r['sub_part']})" if r["sub_part"] else "")
                             + (" DESC" if r["order"] == "D" else ""))
    constraints = {f"{r['table']}.{r['name']}": {"type": r["type"]} for r in rows["table_constraints"]}
    for r in rows["checks"]:
        constraints.setdefault(f"{r['table']}.{r['name']}", {"type": "CHECK"}).update(
            clause=r["clause"], level=r["level"])
    fks = {f"{r['table']}.{r['name']}": {"references": r["references"], "on_update": r["on_update"],
                                         "on_delete": r["on_delete"], "columns": [], "ref_columns": []}
           for r in rows["foreign_keys"]}
    for r in sorted(rows["fk_columns"], key=lambda r: (r["table"], r["name"], r["pos"])):
        fk = fks.setdefault(f"{r['table']}.{r['name']}", {"columns": [], "ref_columns": []})
        fk["columns"].append(r["column"])
        fk["ref_columns"].append(r["ref_column"])
        fk["ref_schema"] = r["ref_schema"]
    routines = {f"{r['type']} {r['name']}": dict(r, params=[]) for r in rows["routines"]}
    for p in sorted(rows["parameters"], key=lambda p: (p["routine"], p["pos"])):
        r = routines.get(f"{p['type']} {p['routine']}")
        if r is not None:
            r["params"].append(" ".join(str(x) for x in (p["mode"], p["name"], p["dtd"]) if x))
    return {
        "tables": tables,
        "indexes": indexes,
        "constraints": constraints,
        "foreign_keys": fks,
        "views": {r.pop("name"): r for r in rows["views"]},
        "routines": routines,
        "triggers": {r.pop("name"): r for r in rows["triggers"]},
    }


def _strip_db(value, db: str):
    """Removes the scratch database's own name (`db`. qualifiers) so that N, F and P compare."""
    if isinstance(value, dict):
        return {k: _strip_db(v, db) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_db(v, db) for v in value]
    if isinstance(value, str):
        return value.replace(f"`{db}`.", "").replace(db, "<db>")
    return value


# ---------------------------------------------------------------------------------------------
# SQLite


def _register_app_functions(con: sqlite3.Connection) -> None:
    # authelia's Go driver registers these on every connection (internal/storage/sql_provider_*.go).
    def bin2b64(v):
        return None if v is None else base64.b64encode(bytes(v) if not isinstance(v, str) else v.encode()).decode()

    def b642bin(v):
        return None if v is None else base64.b64decode(v)

    con.create_function("BIN2B64", 1, bin2b64, deterministic=True)
    con.create_function("B642BIN", 1, b642bin, deterministic=True)


_EXPLICIT_TX = re.compile(r"^\s*(BEGIN(\s+\w+)?(\s+TRANSACTION)?|COMMIT|END(\s+TRANSACTION)?)\s*;", re.I | re.M)


class SQLite:
    name = "sqlite"

    def __init__(self, workdir: str):
        self.workdir = workdir

    def path(self, db: str) -> str:
        return os.path.join(self.workdir, db + ".db")

    def db_url(self, db: str) -> str:
        return "sqlite://" + self.path(db)

    def create(self, db: str) -> None:
        if os.path.exists(self.path(db)):
            os.remove(self.path(db))

    def drop(self, db: str) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(self.path(db) + suffix):
                os.remove(self.path(db) + suffix)

    def load(self, unit: Unit, corpus: str, db: str, scratch: str) -> list[str]:
        con = sqlite3.connect(self.path(db), isolation_level=None)
        _register_app_functions(con)
        try:
            for rel in unit.files:
                with open(os.path.join(corpus, rel), encoding="utf-8") as f:
                    text = f.read()
                in_tx = unit.load == "tx"
                if unit.goose:
                    text, no_tx = goose_up(text)
                    in_tx = in_tx and not no_tx
                if in_tx and not _EXPLICIT_TX.search(text):
                    text = "BEGIN;\n" + text + "\n;COMMIT;"
                try:
                    con.executescript(text)
                except sqlite3.Error as e:
                    raise LoadError(f"{rel}: {e}") from None
        finally:
            con.close()
        return []

    def snapshot(self, db: str) -> dict:
        con = sqlite3.connect(f"file:{self.path(db)}?mode=ro", uri=True)
        try:
            return _sqlite_snapshot(con)
        finally:
            con.close()


def norm_sql(text: str | None) -> str | None:
    """SQL text as SQLite keeps it, compared modulo identifier quoting, case and whitespace."""
    if text is None:
        return None
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "'":  # string literal: kept verbatim
            j = i + 1
            while j < n:
                if text[j] == "'" and (j + 1 >= n or text[j + 1] != "'"):
                    break
                j += 2 if text[j] == "'" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif ch in "\"`[":
            close = {"\"": "\"", "`": "`", "[": "]"}[ch]
            j = text.find(close, i + 1)
            j = n if j < 0 else j
            out.append(text[i + 1:j].lower())
            i = j + 1
        elif ch == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif ch == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif ch.isspace():
            out.append(" ")
            i += 1
        else:
            out.append(ch.lower())
            i += 1
    s = re.sub(r"\s+", " ", "".join(out)).strip()
    s = re.sub(r"\s*([(),;=<>+*/-])\s*", r"\1", s)
    return s.rstrip(";")


def _column_collations(sql: str) -> dict[str, str]:
    """Column COLLATE clauses from a CREATE TABLE's stored text (no pragma reports them); BINARY is the default."""
    s = norm_sql(sql) or ""
    start = s.find("(")
    if start < 0 or s.startswith("create virtual"):
        return {}
    out = {}
    for item in _split_top(s[start + 1:s.rfind(")")]):
        words = item.split(" ", 1)
        if words[0] in ("constraint", "primary", "unique", "check", "foreign") or len(words) < 2:
            continue
        m = re.search(r"\bcollate (\w+)", words[1])
        if m and m.group(1) != "binary":
            out[words[0]] = m.group(1)
    return out


def _table_checks(sql: str) -> list[str]:
    """The CHECK expressions of a CREATE TABLE, from its stored text (SQLite has no pragma for them)."""
    s = norm_sql(sql) or ""
    checks = []
    for m in re.finditer(r"\bcheck\(", s):
        depth, j = 0, m.end() - 1
        while j < len(s):
            depth += {"(": 1, ")": -1}.get(s[j], 0)
            if depth == 0:
                break
            j += 1
        checks.append(s[m.end():j])
    return sorted(checks)


def _sqlite_snapshot(con: sqlite3.Connection) -> dict:
    q = con.execute
    master = q("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
               "AND name NOT LIKE '\\_flash%' ESCAPE '\\' AND tbl_name NOT LIKE '\\_flash%' ESCAPE '\\'").fetchall()
    tl = {r[1]: {"type": r[2], "without_rowid": bool(r[4]), "strict": bool(r[5])}
          for r in q("SELECT schema, name, type, ncol, wr, strict FROM pragma_table_list WHERE schema = 'main'")}
    snap: dict = {"tables": {}, "indexes": {}, "foreign_keys": {}, "views": {}, "triggers": {}}
    for typ, name, tbl, sql in master:
        if typ == "table":
            t = dict(tl.get(name, {}))
            norm = norm_sql(sql) or ""
            t["autoincrement"] = " autoincrement" in norm
            if norm.startswith("create virtual table"):
                t["virtual"] = norm
            cols = q("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)",
                     (name,)).fetchall()
            colls = _column_collations(sql or "")
            t["columns"] = {c[0]: {"type": c[1].upper(), "not_null": bool(c[2]), "default": _default(c[3]),
                                   "pk": c[4], "hidden": c[5], "collation": colls.get(c[0].lower())}
                            for c in cols}
            t["column_order"] = [c[0] for c in cols]
            t["checks"] = _table_checks(sql or "")
            snap["tables"][name] = t
            for fid, rows in _group(q("SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, match "
                                      "FROM pragma_foreign_key_list(?)", (name,)).fetchall()):
                # SQLite's foreign keys have no names; the key is what they link (ids follow declaration order).
                key = f"{name}({','.join(str(r[3]) for r in rows)})->{rows[0][2]}"
                if key in snap["foreign_keys"]:
                    key += f"#{fid}"
                snap["foreign_keys"][key] = {
                    "ref_columns": [r[4] for r in rows], "on_update": rows[0][5], "on_delete": rows[0][6],
                    "match": rows[0][7]}
            for _seq, iname, unique, origin, partial in q("SELECT seq, name, \"unique\", origin, partial "
                                                           "FROM pragma_index_list(?)", (name,)).fetchall():
                cols = q("SELECT seqno, cid, name, desc, coll, key FROM pragma_index_xinfo(?) WHERE key = 1 "
                         "ORDER BY seqno", (iname,)).fetchall()
                isql = q("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (iname,)).fetchone()
                ix = {"table": name, "unique": bool(unique), "origin": origin, "partial": bool(partial),
                      "columns": [(c[2] if c[1] >= 0 else "<expr>") + (" DESC" if c[3] else "")
                                  + (f" COLLATE {c[4]}" if c[4] and c[4].upper() != "BINARY" else "") for c in cols]}
                if isql and isql[0] and (partial or any(c[1] == -2 for c in cols)):
                    ix["sql"] = _index_tail(norm_sql(isql[0]))
                snap["indexes"][iname] = ix
        elif typ == "view":
            cols = q("SELECT name, type FROM pragma_table_xinfo(?)", (name,)).fetchall()
            snap["views"][name] = {"sql": _view_body(norm_sql(sql)), "columns": [f"{c[0]} {c[1]}" for c in cols]}
        elif typ == "trigger":
            snap["triggers"][name] = {"table": tbl, "sql": norm_sql(sql)}
    return snap


def _default(text: str | None) -> str | None:
    """A column default as stored (verbatim text), modulo case, whitespace and quoting; a lone double-quoted
    token is a string literal there (SQLite's DQS rule: a default cannot name a column)."""
    if text is None:
        return None
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] == '"' and '"' not in t[1:-1]:
        return "'" + t[1:-1].replace("'", "''") + "'"
    return norm_sql(t)


def _split_top(s: str) -> list[str]:
    parts, depth, cur, quote = [], 0, [], False
    for ch in s:
        if ch == "'":
            quote = not quote
        elif not quote and ch == "(":
            depth += 1
        elif not quote and ch == ")":
            depth -= 1
        if ch == "," and depth == 0 and not quote:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _unwrap(item: str) -> str:
    """`(expr)` -> `expr` when the parentheses enclose the whole item (redundant in an index key)."""
    while item.startswith("(") and item.endswith(")"):
        depth = 0
        for i, ch in enumerate(item):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and i < len(item) - 1:
                return item
        item = item[1:-1]
    return item


def _index_tail(s: str | None) -> str | None:
    # "create [unique] index [if not exists] name on table(...)..." -> "table(...)...": the name is the key.
    m = re.search(r"\bon ([^(]*)\((.*)$", s or "")
    if not m:
        return s
    table, rest = m.group(1), m.group(2)
    depth, end = 1, len(rest)
    for i, ch in enumerate(rest):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            end = i
            break
    keys = ",".join(_unwrap(k) for k in _split_top(rest[:end]))
    return f"{table}({keys}){rest[end + 1:]}"


def _view_body(s: str | None) -> str | None:
    m = re.search(r"\bas (.*)$", s or "")
    return m.group(1) if m else s


def _group(rows):
    out: dict = {}
    for r in rows:
        out.setdefault(r[0], []).append(r)
    return sorted(out.items())
