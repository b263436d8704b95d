// PostgreSQL: every kind of change, with the exact Up and Down SQL.
#include <gtest/gtest.h>

#include <iostream>

#include "flash/diff/plan.hpp"
#include "flash/sql/ddl.hpp"
#include "diff_test_util.hpp"

namespace {

using namespace flash;
using diff::OpKind;
using diff::Plan;
using diff::testing::Lines;
using diff::testing::ups;
using diff::testing::downs;

schema::Schema pg(const std::string& sql) {
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{"schema.sql", sql}}, schema::Dialect::postgresql, ds);
  for (const auto& d : ds) ADD_FAILURE() << d.code << ": " << d.message << "\n" << sql;
  s.dialect = schema::Dialect::postgresql;
  return s;
}

bool warned(const Plan& p, const std::string& code) {
  for (const auto& w : p.warnings)
    if (w.code == code) return true;
  return false;
}
Plan d(const std::string& a, const std::string& b, const diff::DiffOptions& o = {}) {
  return diff::diff_schemas(pg(a), pg(b), o);
}

const std::string kUsers = "CREATE TABLE users (id integer PRIMARY KEY, name varchar(255) NOT NULL);";

TEST(PostgresDiff, AddColumnWithDefault) {
  const auto p = d(kUsers, "CREATE TABLE users (id integer PRIMARY KEY, name varchar(255) NOT NULL, "
                           "active boolean NOT NULL DEFAULT true);");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::add_column);
  EXPECT_TRUE(p.operations[0].has_default);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE users ADD COLUMN active boolean DEFAULT TRUE NOT NULL"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE users DROP COLUMN active"});
  EXPECT_FALSE(p.operations[0].destructive);
  EXPECT_TRUE(p.operations[0].lossy_down);
  EXPECT_FALSE(warned(p, "lint.not-null-no-default"));
}

TEST(PostgresDiff, AddNotNullColumnWithoutDefaultWarns) {
  const auto p = d(kUsers, "CREATE TABLE users (id integer PRIMARY KEY, name varchar(255) NOT NULL, email text NOT NULL);");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE users ADD COLUMN email text NOT NULL"});
  EXPECT_TRUE(warned(p, "lint.not-null-no-default"));
}

TEST(PostgresDiff, DropColumnIsDestructiveAndDownRecreatesIt) {
  const auto p = d("CREATE TABLE users (id integer PRIMARY KEY, bio text DEFAULT 'none' NOT NULL);",
                   "CREATE TABLE users (id integer PRIMARY KEY);");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::drop_column);
  EXPECT_TRUE(p.operations[0].destructive);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE users DROP COLUMN bio"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE users ADD COLUMN bio text DEFAULT 'none' NOT NULL"});
  EXPECT_TRUE(warned(p, "lint.destructive"));
  EXPECT_EQ(diff::render_migration(p),
            "-- +migrate Up\n"
            "ALTER TABLE users DROP COLUMN bio;\n"
            "-- +migrate Down\n"
            "-- flash:lossy\n"
            "ALTER TABLE users ADD COLUMN bio text DEFAULT 'none' NOT NULL;\n");
}

TEST(PostgresDiff, NarrowingVarchar) {
  const auto p = d(kUsers, "CREATE TABLE users (id integer PRIMARY KEY, name varchar(50) NOT NULL);");
  ASSERT_EQ(p.operations.size(), 1u);
  const auto& op = p.operations[0];
  EXPECT_EQ(op.kind, OpKind::alter_column_type);
  ASSERT_TRUE(op.old_type && op.new_type);
  EXPECT_EQ(op.old_type->args, Lines{"255"});
  EXPECT_EQ(op.new_type->args, Lines{"50"});
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE users ALTER COLUMN name TYPE varchar(50) USING name::varchar(50)"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE users ALTER COLUMN name TYPE varchar(255) USING name::varchar(255)"});
  EXPECT_TRUE(op.destructive);
  EXPECT_TRUE(warned(p, "lint.narrowing"));
}

TEST(PostgresDiff, IntegerAndNumericNarrowingAndWidening) {
  auto p = d("CREATE TABLE t (a bigint);", "CREATE TABLE t (a integer);");
  EXPECT_TRUE(warned(p, "lint.narrowing"));
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ALTER COLUMN a TYPE integer USING a::integer"});
  p = d("CREATE TABLE t (a integer);", "CREATE TABLE t (a bigint);");
  EXPECT_FALSE(warned(p, "lint.narrowing"));
  EXPECT_FALSE(p.operations[0].destructive);
  EXPECT_TRUE(p.operations[0].lossy_down);  // the Down narrows back
  p = d("CREATE TABLE t (a numeric(10,2));", "CREATE TABLE t (a numeric(8,2));");
  EXPECT_TRUE(warned(p, "lint.narrowing"));
  p = d("CREATE TABLE t (a numeric(10,2));", "CREATE TABLE t (a numeric(12,2));");
  EXPECT_FALSE(warned(p, "lint.narrowing"));
}

TEST(PostgresDiff, TypeChangeMovesDefaultAround) {
  const auto p = d("CREATE TABLE t (a integer DEFAULT 0);", "CREATE TABLE t (a bigint DEFAULT 1);");
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE t ALTER COLUMN a DROP DEFAULT",
                           "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint",
                           "ALTER TABLE t ALTER COLUMN a SET DEFAULT 1"}));
  EXPECT_EQ(downs(p), (Lines{"ALTER TABLE t ALTER COLUMN a DROP DEFAULT",
                             "ALTER TABLE t ALTER COLUMN a TYPE integer USING a::integer",
                             "ALTER TABLE t ALTER COLUMN a SET DEFAULT 0"}));
}

TEST(PostgresDiff, NullabilityAndDefaults) {
  auto p = d("CREATE TABLE t (a text);", "CREATE TABLE t (a text NOT NULL);");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::set_not_null);
  EXPECT_EQ(p.operations[0].columns, Lines{"a"});
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ALTER COLUMN a SET NOT NULL"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ALTER COLUMN a DROP NOT NULL"});

  p = d("CREATE TABLE t (a text NOT NULL);", "CREATE TABLE t (a text);");
  EXPECT_EQ(p.operations[0].kind, OpKind::drop_not_null);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ALTER COLUMN a DROP NOT NULL"});

  p = d("CREATE TABLE t (a text);", "CREATE TABLE t (a text DEFAULT 'x');");
  EXPECT_EQ(p.operations[0].kind, OpKind::set_default);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ALTER COLUMN a SET DEFAULT 'x'"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ALTER COLUMN a DROP DEFAULT"});

  p = d("CREATE TABLE t (a text DEFAULT 'x');", "CREATE TABLE t (a text DEFAULT 'y');");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ALTER COLUMN a SET DEFAULT 'y'"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ALTER COLUMN a SET DEFAULT 'x'"});

  p = d("CREATE TABLE t (a text DEFAULT 'x');", "CREATE TABLE t (a text);");
  EXPECT_EQ(p.operations[0].kind, OpKind::drop_default);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ALTER COLUMN a DROP DEFAULT"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ALTER COLUMN a SET DEFAULT 'x'"});
}

TEST(PostgresDiff, IdentityCollationComment) {
  auto p = d("CREATE TABLE t (id bigint NOT NULL);", "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY NOT NULL);");
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
                           "SELECT setval(pg_get_serial_sequence('t', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM t"}));
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ALTER COLUMN id DROP IDENTITY"});
  EXPECT_EQ(p.operations[0].kind, OpKind::alter_column_other);

  p = d("CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY);",
        "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY);");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ALTER COLUMN id SET GENERATED BY DEFAULT"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ALTER COLUMN id SET GENERATED ALWAYS"});

  p = d("CREATE TABLE t (a text);", "CREATE TABLE t (a text COLLATE \"C\");");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ALTER COLUMN a TYPE text COLLATE \"C\" USING a::text"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ALTER COLUMN a TYPE text USING a::text"});

  p = d("CREATE TABLE t (a text);", "CREATE TABLE t (a text); COMMENT ON COLUMN t.a IS 'the a';");
  EXPECT_EQ(ups(p), Lines{"COMMENT ON COLUMN t.a IS 'the a'"});
  EXPECT_EQ(downs(p), Lines{"COMMENT ON COLUMN t.a IS NULL"});

  p = d("CREATE TABLE t (a text);", "CREATE TABLE t (a text); COMMENT ON TABLE t IS 'it''s t';");
  EXPECT_EQ(p.operations[0].kind, OpKind::set_table_comment);
  EXPECT_EQ(ups(p), Lines{"COMMENT ON TABLE t IS 'it''s t'"});
  EXPECT_EQ(downs(p), Lines{"COMMENT ON TABLE t IS NULL"});
}

TEST(PostgresDiff, SerialToIdentityDropsTheSequenceFirst) {
  const auto p = d("CREATE TABLE t (id serial PRIMARY KEY);",
                   "CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);");
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE t ALTER COLUMN id DROP DEFAULT", "DROP SEQUENCE IF EXISTS t_id_seq",
                           "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
                           "SELECT setval(pg_get_serial_sequence('t', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM t"}));
  EXPECT_EQ(downs(p), (Lines{"ALTER TABLE t ALTER COLUMN id DROP IDENTITY", "CREATE SEQUENCE t_id_seq AS integer OWNED BY t.id",
                             "SELECT setval('t_id_seq', COALESCE(MAX(id), 0) + 1, false) FROM t",
                             "ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('t_id_seq')"}));
}

TEST(PostgresDiff, PrimaryKeyUniqueCheck) {
  auto p = d("CREATE TABLE t (a integer NOT NULL, b integer NOT NULL);",
             "CREATE TABLE t (a integer NOT NULL, b integer NOT NULL, PRIMARY KEY (a, b));");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ADD PRIMARY KEY (a, b)"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t DROP CONSTRAINT t_pkey"});
  EXPECT_EQ(p.operations[0].kind, OpKind::add_primary_key);
  EXPECT_EQ(p.operations[0].columns, (Lines{"a", "b"}));

  p = d("CREATE TABLE t (a integer, b integer);", "CREATE TABLE t (a integer, b integer, UNIQUE (a, b));");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ADD UNIQUE (a, b)"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t DROP CONSTRAINT t_a_b_key"});
  EXPECT_TRUE(warned(p, "lint.unique-existing"));

  p = d("CREATE TABLE t (a integer CONSTRAINT a_uq UNIQUE);", "CREATE TABLE t (a integer);");
  EXPECT_EQ(p.operations[0].kind, OpKind::drop_unique);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t DROP CONSTRAINT a_uq"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ADD CONSTRAINT a_uq UNIQUE (a)"});

  p = d("CREATE TABLE t (age integer);", "CREATE TABLE t (age integer CHECK (age > 0));");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ADD CHECK (age > 0)"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t DROP CONSTRAINT t_age_check"});

  p = d("CREATE TABLE t (age integer, CONSTRAINT adult CHECK (age >= 18));",
        "CREATE TABLE t (age integer, CONSTRAINT adult CHECK (age >= 21));");
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE t DROP CONSTRAINT adult", "ALTER TABLE t ADD CONSTRAINT adult CHECK (age >= 21)"}));
  EXPECT_EQ(downs(p), (Lines{"ALTER TABLE t DROP CONSTRAINT adult", "ALTER TABLE t ADD CONSTRAINT adult CHECK (age >= 18)"}));
}

TEST(PostgresDiff, CompositeForeignKeyWithActions) {
  const std::string parent = "CREATE TABLE p (a integer, b integer, PRIMARY KEY (a, b));";
  const auto p = d(parent + "CREATE TABLE c (x integer, y integer);",
                   parent + "CREATE TABLE c (x integer, y integer, CONSTRAINT c_p FOREIGN KEY (x, y) REFERENCES p (a, b) "
                            "ON DELETE CASCADE ON UPDATE SET NULL);");
  ASSERT_EQ(p.operations.size(), 1u);
  const auto& op = p.operations[0];
  EXPECT_EQ(op.kind, OpKind::add_foreign_key);
  EXPECT_EQ(op.columns, (Lines{"x", "y"}));
  EXPECT_EQ(op.ref_table, "p");
  EXPECT_EQ(op.ref_columns, (Lines{"a", "b"}));
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (x, y) REFERENCES p (a, b) ON DELETE CASCADE "
                          "ON UPDATE SET NULL"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE c DROP CONSTRAINT c_p"});

  // Changing only the action re-creates the constraint.
  const auto q = d(parent + "CREATE TABLE c (x integer, y integer, CONSTRAINT c_p FOREIGN KEY (x, y) REFERENCES p (a, b));",
                   parent + "CREATE TABLE c (x integer, y integer, CONSTRAINT c_p FOREIGN KEY (x, y) REFERENCES p (a, b) "
                            "ON DELETE RESTRICT);");
  EXPECT_EQ(ups(q), (Lines{"ALTER TABLE c DROP CONSTRAINT c_p",
                           "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (x, y) REFERENCES p (a, b) ON DELETE RESTRICT"}));
  EXPECT_EQ(downs(q), (Lines{"ALTER TABLE c DROP CONSTRAINT c_p",
                             "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (x, y) REFERENCES p (a, b)"}));

  // Unwritten and NO ACTION are the same on PostgreSQL, also for a model built in code (or read
  // from JSON) that says NO ACTION explicitly.
  const std::string with = parent + "CREATE TABLE c (x integer, y integer, CONSTRAINT c_p FOREIGN KEY (x, y) REFERENCES p (a, b));";
  EXPECT_TRUE(d(with, parent + "CREATE TABLE c (x integer, y integer, CONSTRAINT c_p FOREIGN KEY (x, y) REFERENCES p (a, b) "
                               "ON DELETE NO ACTION);").operations.empty());
  auto explicit_no_action = pg(with);
  explicit_no_action.tables[1].foreign_keys[0].on_delete = schema::RefAction::no_action;
  EXPECT_TRUE(diff::diff_schemas(pg(with), explicit_no_action).operations.empty());
}

TEST(PostgresDiff, Indexes) {
  const std::string t = "CREATE TABLE t (a integer, b text);";
  auto p = d(t, t + "CREATE INDEX t_b_lower ON t (lower(b)) WHERE a > 0;");
  EXPECT_EQ(ups(p), Lines{"CREATE INDEX t_b_lower ON t ((lower(b))) WHERE a > 0"});
  EXPECT_EQ(downs(p), Lines{"DROP INDEX t_b_lower"});
  EXPECT_TRUE(warned(p, "lint.index-not-concurrent"));

  p = d(t, t + "CREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a);");
  EXPECT_EQ(ups(p), Lines{"CREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a)"});
  EXPECT_FALSE(warned(p, "lint.index-not-concurrent"));
  EXPECT_TRUE(warned(p, "lint.unique-existing"));

  p = d(t + "CREATE INDEX t_a ON t (a);", t + "CREATE INDEX t_a ON t (a DESC);");
  EXPECT_EQ(ups(p), (Lines{"DROP INDEX t_a", "CREATE INDEX t_a ON t (a DESC)"}));
  EXPECT_EQ(downs(p), (Lines{"DROP INDEX t_a", "CREATE INDEX t_a ON t (a)"}));

  // An index of a new table is not a locking concern.
  p = d("", t + "CREATE INDEX t_a ON t (a);");
  EXPECT_FALSE(warned(p, "lint.index-not-concurrent"));
}

TEST(PostgresDiff, EnumValueAdded) {
  const std::string a = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE p (m mood DEFAULT 'ok');";
  auto p = d(a, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic'); CREATE TABLE p (m mood DEFAULT 'ok');");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::add_enum_value);
  EXPECT_EQ(ups(p), Lines{"ALTER TYPE mood ADD VALUE 'ecstatic'"});
  EXPECT_EQ(downs(p), (Lines{"CREATE TYPE mood_new AS ENUM ('sad', 'ok', 'happy')",
                             "ALTER TABLE p ALTER COLUMN m DROP DEFAULT",
                             "ALTER TABLE p ALTER COLUMN m TYPE mood_new USING m::text::mood_new",
                             "DROP TYPE mood", "ALTER TYPE mood_new RENAME TO mood",
                             "ALTER TABLE p ALTER COLUMN m SET DEFAULT 'ok'"}));
  EXPECT_TRUE(p.operations[0].lossy_down);

  p = d(a, "CREATE TYPE mood AS ENUM ('meh', 'sad', 'ok', 'fine', 'happy'); CREATE TABLE p (m mood DEFAULT 'ok');");
  EXPECT_EQ(ups(p), (Lines{"ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad'", "ALTER TYPE mood ADD VALUE 'fine' AFTER 'ok'"}));
}

TEST(PostgresDiff, EnumValueRemovedRebuildsTheType) {
  const auto p = d("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE p (m mood, ms mood[]);",
                   "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE p (m mood, ms mood[]);");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::drop_enum_value);
  EXPECT_TRUE(p.operations[0].destructive);
  EXPECT_EQ(ups(p), (Lines{"CREATE TYPE mood_new AS ENUM ('sad', 'happy')",
                           "ALTER TABLE p ALTER COLUMN m TYPE mood_new USING m::text::mood_new",
                           "ALTER TABLE p ALTER COLUMN ms TYPE mood_new[] USING ms::text[]::mood_new[]",
                           "DROP TYPE mood", "ALTER TYPE mood_new RENAME TO mood"}));
  EXPECT_EQ(downs(p)[0], "CREATE TYPE mood_new AS ENUM ('sad', 'ok', 'happy')");
  EXPECT_TRUE(warned(p, "lint.destructive"));

  const auto r = d("CREATE TYPE e AS ENUM ('a', 'b');", "CREATE TYPE e AS ENUM ('b', 'a');");
  ASSERT_EQ(r.operations.size(), 1u);
  EXPECT_EQ(r.operations[0].kind, OpKind::reorder_enum);
  EXPECT_FALSE(r.operations[0].destructive);
}

TEST(PostgresDiff, EnumCreatedBeforeAndDroppedAfterItsTable) {
  const auto p = d("", "CREATE TYPE e AS ENUM ('a'); CREATE TABLE t (x e);");
  EXPECT_EQ(ups(p), (Lines{"CREATE TYPE e AS ENUM ('a')", "CREATE TABLE t (\n  x e\n)"}));
  const auto q = d("CREATE TYPE e AS ENUM ('a'); CREATE TABLE t (x e);", "");
  EXPECT_EQ(ups(q), (Lines{"DROP TABLE t", "DROP TYPE e"}));
  EXPECT_EQ(downs(q), (Lines{"CREATE TYPE e AS ENUM ('a')", "CREATE TABLE t (\n  x e\n)"}));
}

TEST(PostgresDiff, RangeTypeCreatedBeforeAndDroppedAfterItsTable) {
  const std::string r = "CREATE TYPE uuidrange AS RANGE (SUBTYPE = uuid); CREATE TABLE t (x uuidrange, m uuidmultirange);";
  const auto p = d("", r);
  EXPECT_EQ(ups(p), (Lines{"CREATE TYPE uuidrange AS RANGE (SUBTYPE = uuid)",
                           "CREATE TABLE t (\n  x uuidrange,\n  m uuidmultirange\n)"}));
  EXPECT_EQ(p.operations.at(0).kind, OpKind::create_range);
  const auto q = d(r, "");
  EXPECT_EQ(ups(q), (Lines{"DROP TABLE t", "DROP TYPE uuidrange"}));
  EXPECT_EQ(downs(q), (Lines{"CREATE TYPE uuidrange AS RANGE (SUBTYPE = uuid)",
                             "CREATE TABLE t (\n  x uuidrange,\n  m uuidmultirange\n)"}));
  // The same type written with its defaults spelled out is no change.
  EXPECT_TRUE(d(r, "CREATE TYPE uuidrange AS RANGE (subtype = UUID, multirange_type_name = uuidmultirange); "
                   "CREATE TABLE t (x uuidrange, m uuidmultirange);")
                  .operations.empty());
  const auto c = d("CREATE TYPE fr AS RANGE (SUBTYPE = float8);",
                   "CREATE TYPE fr AS RANGE (SUBTYPE = float8, SUBTYPE_DIFF = float8mi);");
  EXPECT_EQ(ups(c), (Lines{"DROP TYPE fr", "CREATE TYPE fr AS RANGE (SUBTYPE = double precision, SUBTYPE_DIFF = float8mi)"}));
}

TEST(PostgresDiff, ViewsAreRecreatedAroundColumnTypeChanges) {
  const auto p = d("CREATE TABLE t (a integer); CREATE VIEW v AS SELECT a FROM t;",
                   "CREATE TABLE t (a bigint); CREATE VIEW v AS SELECT a FROM t;");
  EXPECT_EQ(ups(p), (Lines{"DROP VIEW v", "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint",
                           "CREATE VIEW v AS\nSELECT a FROM t"}));
  EXPECT_EQ(downs(p), (Lines{"DROP VIEW v", "ALTER TABLE t ALTER COLUMN a TYPE integer USING a::integer",
                             "CREATE VIEW v AS\nSELECT a FROM t"}));

  const auto q = d("CREATE TABLE t (a integer); CREATE VIEW v AS SELECT a FROM t;",
                   "CREATE TABLE t (a integer); CREATE VIEW v AS SELECT a, 1 AS one FROM t;");
  EXPECT_EQ(ups(q), (Lines{"DROP VIEW v", "CREATE VIEW v AS\nSELECT a, 1 AS one FROM t"}));
}

TEST(PostgresDiff, SchemasAndExtensions) {
  const auto p = d("", "CREATE SCHEMA app; CREATE EXTENSION citext; CREATE TABLE app.t (a citext);");
  EXPECT_EQ(ups(p), (Lines{"CREATE SCHEMA app", "CREATE EXTENSION IF NOT EXISTS citext", "CREATE TABLE app.t (\n  a citext\n)"}));
  EXPECT_EQ(downs(p), (Lines{"DROP TABLE app.t", "DROP EXTENSION IF EXISTS citext", "DROP SCHEMA app"}));
}

TEST(PostgresDiff, RawStatementsAppended) {
  const std::string fn = "CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$";
  const auto p = d("CREATE TABLE t (a integer);", "CREATE TABLE t (a integer);\n" + fn + ";");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::raw_statement);
  EXPECT_EQ(ups(p), Lines{fn});
  EXPECT_EQ(downs(p), Lines{"DROP FUNCTION IF EXISTS one"});
}

}  // namespace
