#!/usr/bin/env python3
"""Self-test of the fidelity runner's own logic (no servers): the comparison, the SQLite text
normalisation, goose sections, stable error keys and the allow-list's unexpected / stale verdicts.
A measuring instrument that cannot fail proves nothing: these cases show that it does."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cases import Unit, goose_up, units  # noqa: E402
from engines import _default, _index_tail, _sqlite_snapshot, norm_sql  # noqa: E402
from fidelity import AllowList, Outcome, diff_dirs, diff_snapshots, load_allow, write_allow  # noqa: E402
from flashrun import key_message, scrub  # noqa: E402


def outcome(case: str, engine: str, **steps) -> Outcome:
    o = Outcome(Unit(case, engine, []))
    for name, diffs in steps.items():
        o.steps[name].status = "fail" if diffs else "pass"
        o.steps[name].diffs = diffs
    return o


class Compare(unittest.TestCase):
    def test_property_and_object_differences_are_keyed_by_path(self):
        n = {"tables": {"a": {"columns": {"x": {"type": "int"}}}, "b": {}}}
        f = {"tables": {"a": {"columns": {"x": {"type": "bigint"}}}, "c": {}}}
        keys = [k for k, _ in diff_snapshots(n, f, "F")]
        self.assertEqual(keys, ["tables/a/columns/x/type", "tables/b", "tables/c"])
        self.assertEqual(diff_snapshots(n, n, "F"), [])

    def test_pulls_compare_byte_for_byte(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            for d, text in ((a, "x\ny\n"), (b, "x\nz\n")):
                with open(os.path.join(d, "schema.sql"), "w") as f:
                    f.write(text)
            [(key, detail)] = diff_dirs(a, b)
            self.assertEqual(key, "file schema.sql")
            self.assertIn("line 2", detail)


class SQLiteText(unittest.TestCase):
    def test_quoting_case_and_whitespace_do_not_matter_but_literals_do(self):
        self.assertEqual(norm_sql('CREATE TABLE "T" ( [a]  INT )'), norm_sql("create table t(a int)"))
        self.assertNotEqual(norm_sql("DEFAULT 'A'"), norm_sql("DEFAULT 'a'"))

    def test_redundant_parentheses_around_an_index_key(self):
        self.assertEqual(_index_tail(norm_sql("CREATE INDEX i ON t ((lower(a)), b) WHERE c IS NULL")),
                         "t(lower(a),b)where c is null")
        self.assertEqual(_index_tail(norm_sql("CREATE INDEX i ON t((a)+(b))")), "t((a)+(b))")

    def test_double_quoted_default_is_a_string(self):
        self.assertEqual(_default('""'), "''")
        self.assertEqual(_default("CURRENT_TIMESTAMP"), _default("current_timestamp"))

    def test_snapshot_sees_without_rowid_checks_and_not_null(self):
        a, b = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
        a.executescript("CREATE TABLE t (id TEXT PRIMARY KEY, n INT CHECK (n > 0)) WITHOUT ROWID;"
                        "CREATE TABLE u (id TEXT PRIMARY KEY, \"Name\" TEXT COLLATE NOCASE, b TEXT COLLATE BINARY);")
        b.executescript("CREATE TABLE t (id TEXT PRIMARY KEY, n INT);"
                        "CREATE TABLE u (id TEXT NOT NULL PRIMARY KEY, Name TEXT, b TEXT);")
        keys = {k for k, _ in diff_snapshots(_sqlite_snapshot(a), _sqlite_snapshot(b), "F")}
        self.assertEqual(keys, {"tables/t/without_rowid", "tables/t/checks", "tables/t/columns/id/not_null",
                                "tables/u/columns/id/not_null", "tables/u/columns/Name/collation"})


class Loading(unittest.TestCase):
    def test_goose_up_section_only(self):
        up, no_tx = goose_up("-- +goose NO TRANSACTION\n-- +goose Up\nCREATE x;\n-- +goose Down\nDROP x;\n")
        self.assertEqual(up, "CREATE x;\n")
        self.assertTrue(no_tx)

    def test_every_real_case_is_covered(self):
        corpus = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "corpus")
        if not os.path.isdir(corpus):
            self.skipTest("no corpus")
        ids = {(u.case.split("#")[0], u.engine) for u in units(corpus)}
        self.assertEqual(len({c for c, _ in ids}), 19)
        self.assertIn(("authelia/migrations", "mysql"), ids)


class Keys(unittest.TestCase):
    def test_error_keys_have_no_ids_positions_or_database_names(self):
        msg = scrub("migration 20261206044512_init failed at statement 7 of 196: relation \"s\" does not exist "
                    "(/tmp/w/files/db/migrations/20261206044512_init.sql:8)", {"/tmp/w": "<work>"})
        self.assertEqual(key_message(msg), 'relation "s" does not exist')


class Allow(unittest.TestCase):
    def entries(self):
        e = dict(case="c", engine="mysql", kind="flash-gap", reason="r")
        return [dict(e, step="files_equal", key="foreign_keys/*/on_delete"),
                dict(e, step="files_equal", key="tables/t"),
                dict(e, step="pull_equal", key="gone")]

    def test_listed_differences_pass_new_ones_fail_and_fixed_ones_are_stale(self):
        al = AllowList(self.entries())
        res = outcome("c", "mysql", files_equal=[("foreign_keys/a.fk/on_delete", "d"), ("tables/u", "d")],
                      pull_equal=[])
        unexpected, used, stale = al.check([res], None)
        self.assertEqual([k for _, _, k, _ in unexpected], ["tables/u"])
        self.assertEqual(sorted(e["key"] for e in stale), ["gone", "tables/t"])

    def test_blocked_steps_and_filtered_units_are_not_judged(self):
        al = AllowList(self.entries())
        res = outcome("c", "mysql", files_equal=[("foreign_keys/a.fk/on_delete", "d"), ("tables/t", "d")])
        _, _, stale = al.check([res], None)  # pull_equal never ran (blocked): "gone" is not stale
        self.assertEqual(stale, [])
        _, _, stale = al.check([], {("other", "mysql")})
        self.assertEqual(stale, [])

    def test_round_trip_and_validation(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "allow.toml")
            write_allow(p, self.entries())
            self.assertEqual(len(load_allow(p)), 3)
            with open(p, "a") as f:
                f.write('[[allow]]\ncase = "c"\nengine = "e"\nstep = "files_equal"\nkey = "k"\nkind = "maybe"\n'
                        'reason = "r"\n')
            with self.assertRaises(SystemExit):
                load_allow(p)


if __name__ == "__main__":
    unittest.main()
