// Sequences, domains, MySQL per-table index names, CONCURRENTLY and the dependency order of
// operations: exact Up and Down SQL (the live checks against the servers' catalogs are in
// live_catalog_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "flash/diff/plan.hpp"
#include "flash/schema/depend.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "diff_test_util.hpp"

namespace {

using namespace flash;
using diff::OpKind;
using diff::Plan;
using diff::testing::Lines;
using diff::testing::ups;
using diff::testing::downs;

schema::Schema parse(const std::string& sql, schema::Dialect d = schema::Dialect::postgresql) {
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{"schema.sql", sql}}, d, ds);
  for (const auto& x : ds) ADD_FAILURE() << x.code << ": " << x.message << "\n" << sql;
  s.dialect = d;
  return s;
}
Plan d(const std::string& a, const std::string& b, schema::Dialect dl = schema::Dialect::postgresql) {
  return diff::diff_schemas(parse(a, dl), parse(b, dl));
}
// Position of the first statement starting with `prefix` (npos when none).
std::size_t pos(const Lines& l, const std::string& prefix) {
  for (std::size_t i = 0; i < l.size(); ++i)
    if (l[i].rfind(prefix, 0) == 0) return i;
  return std::string::npos;
}

// ---- sequences ----------------------------------------------------------------------------------

TEST(Sequences, PgDumpSpellingEqualsTheDefaults) {
  const auto a = parse("CREATE SEQUENCE s AS bigint START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;");
  const auto b = parse("CREATE SEQUENCE s;");
  ASSERT_EQ(a.sequences.size(), 1u);
  EXPECT_EQ(a.sequences, b.sequences);
  EXPECT_EQ(a.sequences[0].options_text(), "");
  const auto c = parse("CREATE SEQUENCE s AS integer INCREMENT BY -2 MAXVALUE 100 START WITH 100 CACHE 5 CYCLE;");
  // Descending: START WITH 100 is the default (the maximum), MAXVALUE 100 is not (-1 is).
  EXPECT_EQ(c.sequences[0].options_text(), "AS integer INCREMENT BY -2 MAXVALUE 100 CACHE 5 CYCLE");
  EXPECT_EQ(*c.sequences[0].max_value, 100);
  EXPECT_EQ(c.sequences[0].min_effective(), -2147483648LL);
}

TEST(Sequences, CreatedBeforeTheTableAndOwnedAfterIt) {
  const auto p = d("", R"(
CREATE SEQUENCE public.t_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
CREATE TABLE t (id integer NOT NULL, n int);
ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;
ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT nextval('public.t_id_seq'::regclass);)");
  const Lines u = ups(p);
  ASSERT_NE(pos(u, "CREATE SEQUENCE t_id_seq AS integer"), std::string::npos) << testing::PrintToString(u);
  EXPECT_LT(pos(u, "CREATE SEQUENCE t_id_seq"), pos(u, "CREATE TABLE t"));
  EXPECT_LT(pos(u, "CREATE TABLE t"), pos(u, "ALTER SEQUENCE t_id_seq OWNED BY t.id"));
  EXPECT_TRUE(p.warnings.empty());
  // Down: ownership released before the table goes (else DROP TABLE takes the sequence), the
  // sequence dropped after it.
  const Lines dn = downs(p);
  EXPECT_LT(pos(dn, "ALTER SEQUENCE t_id_seq OWNED BY NONE"), pos(dn, "DROP TABLE t"));
  EXPECT_LT(pos(dn, "DROP TABLE t"), pos(dn, "DROP SEQUENCE t_id_seq"));
}

TEST(Sequences, AlterChangesOnlyWhatDiffers) {
  auto p = d("CREATE SEQUENCE s START WITH 5;", "CREATE SEQUENCE s START WITH 5 INCREMENT BY 10 CACHE 20;");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::alter_sequence);
  EXPECT_EQ(ups(p), Lines{"ALTER SEQUENCE s INCREMENT BY 10 CACHE 20"});
  EXPECT_EQ(downs(p), Lines{"ALTER SEQUENCE s INCREMENT BY 1 CACHE 1"});
  p = d("CREATE SEQUENCE s AS integer MAXVALUE 500;", "CREATE SEQUENCE s;");
  EXPECT_EQ(ups(p), Lines{"ALTER SEQUENCE s AS bigint NO MAXVALUE"});
  EXPECT_EQ(downs(p), Lines{"ALTER SEQUENCE s AS integer MAXVALUE 500"});
  EXPECT_TRUE(d("CREATE SEQUENCE s CACHE 1;", "CREATE SEQUENCE s;").empty());
}

TEST(Sequences, DropReleasesOwnerFirst) {
  const auto p = d("CREATE TABLE t (id int); CREATE SEQUENCE s OWNED BY t.id;", "CREATE TABLE t (id int);");
  const Lines u = ups(p);
  ASSERT_EQ(u.size(), 2u) << testing::PrintToString(u);
  EXPECT_EQ(u[0], "ALTER SEQUENCE s OWNED BY NONE");
  EXPECT_EQ(u[1], "DROP SEQUENCE s");
  EXPECT_EQ(downs(p), (Lines{"CREATE SEQUENCE s", "ALTER SEQUENCE s OWNED BY t.id"}));
}

TEST(Sequences, DroppingTheOwningTableDropsTheSequenceInTheModel) {
  const auto s = parse("CREATE TABLE t (id int); CREATE SEQUENCE s OWNED BY t.id; DROP TABLE t;");
  EXPECT_TRUE(s.sequences.empty());
  const auto r = parse("CREATE TABLE t (id int); CREATE SEQUENCE s OWNED BY t.id; ALTER TABLE t RENAME TO u;");
  EXPECT_EQ(r.sequences.at(0).owned_by, "u.id");
}

TEST(Sequences, PrintedSchemaReparsesToTheSameModel) {
  const auto s = parse(R"(
CREATE SEQUENCE app_seq AS smallint INCREMENT BY 5 MINVALUE 10 CACHE 3;
CREATE TABLE t (id smallint DEFAULT nextval('app_seq') NOT NULL);
ALTER SEQUENCE app_seq OWNED BY t.id;)");
  const std::string text = schema::print_schema(s);
  EXPECT_LT(text.find("CREATE SEQUENCE app_seq AS smallint INCREMENT BY 5 MINVALUE 10 CACHE 3"), text.find("CREATE TABLE"));
  EXPECT_LT(text.find("CREATE TABLE"), text.find("ALTER SEQUENCE app_seq OWNED BY t.id"));
  EXPECT_EQ(parse(text).sequences, s.sequences);
}

// A serial column stays serial only while its sequence is the one PostgreSQL makes for it; the
// model otherwise holds what the catalog holds: the sequence (real name, the column's type, OWNED
// BY the column) and a nextval() default (authelia, atuin, concourse).
TEST(Sequences, SerialWhoseNameWasTakenKeepsTheRealName) {
  const auto s = parse(R"(
CREATE TABLE totp (id serial PRIMARY KEY);
ALTER TABLE totp RENAME TO bkp;
CREATE TABLE totp (id serial PRIMARY KEY);)");
  ASSERT_EQ(s.sequences.size(), 2u);
  EXPECT_EQ(s.sequences[0].name, "totp_id_seq");  // kept its name when its table was renamed
  EXPECT_EQ(s.sequences[0].owned_by, "bkp.id");
  EXPECT_EQ(s.sequences[0].type, "integer");
  EXPECT_EQ(s.find_table("bkp")->find_column("id")->default_expr, "nextval('totp_id_seq')");
  EXPECT_EQ(s.sequences[1].name, "totp_id_seq1");  // PostgreSQL's ChooseRelationName
  EXPECT_EQ(s.sequences[1].owned_by, "totp.id");
  const auto* id = s.find_table("totp")->find_column("id");
  EXPECT_FALSE(id->auto_increment);
  EXPECT_EQ(id->default_expr, "nextval('totp_id_seq1')");
  EXPECT_FALSE(id->nullable);
  // A serial whose name is free stays serial.
  EXPECT_TRUE(parse("CREATE TABLE t (id serial);").find_table("t")->find_column("id")->auto_increment);
  EXPECT_TRUE(parse("CREATE TABLE t (id serial);").sequences.empty());
  // The printed schema rebuilds the same model.
  EXPECT_EQ(parse(schema::print_schema(s)), s) << schema::print_schema(s);
}

TEST(Sequences, SerialDefaultDroppedOrTypeChangedKeepsTheSequence) {
  auto s = parse("CREATE TABLE h (id bigserial, user_id bigserial NOT NULL);\n"
                 "ALTER TABLE h ALTER COLUMN user_id DROP DEFAULT;\n"
                 "CREATE TABLE w (id serial); ALTER TABLE w ALTER COLUMN id TYPE bigint;");
  ASSERT_EQ(s.sequences.size(), 2u);
  EXPECT_EQ(s.sequences[0].name, "h_user_id_seq");
  EXPECT_EQ(s.sequences[0].owned_by, "h.user_id");
  EXPECT_EQ(s.sequences[0].type, "");  // bigint
  EXPECT_FALSE(s.find_table("h")->find_column("user_id")->default_expr);
  EXPECT_TRUE(s.find_table("h")->find_column("id")->auto_increment);
  EXPECT_EQ(s.sequences[1].name, "w_id_seq");
  EXPECT_EQ(s.sequences[1].type, "integer");  // ALTER COLUMN TYPE leaves the sequence as it was
  EXPECT_EQ(s.find_table("w")->find_column("id")->default_expr, "nextval('w_id_seq')");
}

// The differ sees the same sequence on both sides: dropping the default neither drops nor
// recreates it (that would restart the numbering).
TEST(Sequences, DroppingASerialsDefaultOnlyDropsTheDefault) {
  const auto p = d("CREATE TABLE h (user_id bigserial NOT NULL);",
                   "CREATE TABLE h (user_id bigserial NOT NULL); ALTER TABLE h ALTER COLUMN user_id DROP DEFAULT;");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE h ALTER COLUMN user_id DROP DEFAULT"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE h ALTER COLUMN user_id SET DEFAULT nextval('h_user_id_seq')"});
}

// Index storage parameters (concourse: WITH (FASTUPDATE = false)) are kept as pg_get_indexdef
// prints them, printed back, and a change rebuilds the index.
TEST(Indexes, StorageParametersAreKept) {
  const std::string t = "CREATE TABLE t (b jsonb, n int);";
  const auto s = parse(t + "CREATE INDEX t_b ON t USING gin (b jsonb_path_ops) WITH (FASTUPDATE = false);"
                           "CREATE INDEX t_n ON t (n) WITH (fillfactor = 70, deduplicate_items = off) WHERE n > 0;");
  ASSERT_EQ(s.indexes.size(), 2u);
  EXPECT_EQ(s.indexes[0].with, "fastupdate='false'");
  EXPECT_EQ(s.indexes[1].with, "fillfactor='70', deduplicate_items=off");
  EXPECT_EQ(s.indexes[1].where, "n > 0");
  const std::string text = schema::print_schema(s);
  EXPECT_NE(text.find("USING gin (b jsonb_path_ops) WITH (fastupdate='false')"), std::string::npos) << text;
  EXPECT_EQ(parse(text).indexes, s.indexes);
  // pg_get_indexdef's spelling is the same model.
  EXPECT_EQ(parse(t + "CREATE INDEX t_b ON public.t USING gin (b jsonb_path_ops) WITH (fastupdate='false');").indexes[0],
            s.indexes[0]);
  const auto p = d(t + "CREATE INDEX t_n ON t (n);", t + "CREATE INDEX t_n ON t (n) WITH (fillfactor = 70);");
  EXPECT_EQ(ups(p), (Lines{"DROP INDEX t_n", "CREATE INDEX t_n ON t (n) WITH (fillfactor='70')"}));
}

// ---- domains -------------------------------------------------------------------------------------

TEST(Domains, CreatedBeforeTablesAndAltered) {
  auto p = d("", "CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901);\n"
                 "CREATE TABLE film (y year);");
  Lines u = ups(p);
  EXPECT_LT(pos(u, "CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK"), pos(u, "CREATE TABLE film"))
      << testing::PrintToString(u);
  p = d("CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901);",
        "CREATE DOMAIN year AS integer NOT NULL DEFAULT 2000 CONSTRAINT year_check CHECK (VALUE >= 1800);");
  EXPECT_EQ(ups(p), (Lines{"ALTER DOMAIN year DROP CONSTRAINT year_check", "ALTER DOMAIN year SET DEFAULT 2000",
                           "ALTER DOMAIN year SET NOT NULL",
                           "ALTER DOMAIN year ADD CONSTRAINT year_check CHECK (value >= 1800)"}));
  p = d("CREATE DOMAIN year AS integer;", "");
  EXPECT_EQ(ups(p), Lines{"DROP DOMAIN year"});
  EXPECT_EQ(downs(p), Lines{"CREATE DOMAIN year AS integer"});
}

// ---- MySQL index identity ---------------------------------------------------------------------

TEST(MysqlIndexNames, SameNameOnTwoTablesIsTwoIndexes) {
  const std::string s = R"(
CREATE TABLE task (id int PRIMARY KEY, project_id int, KEY project_id (project_id));
CREATE TABLE comment (id int PRIMARY KEY, project_id int, KEY project_id (project_id));)";
  EXPECT_TRUE(d(s, s, schema::Dialect::mysql).empty()) << diff::render_migration(d(s, s, schema::Dialect::mysql));
  // Changing one of them touches only that table.
  const auto p = d(s, R"(
CREATE TABLE task (id int PRIMARY KEY, project_id int, KEY project_id (project_id));
CREATE TABLE comment (id int PRIMARY KEY, project_id int, KEY project_id (project_id, id));)",
                   schema::Dialect::mysql);
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE comment DROP INDEX project_id", "CREATE INDEX project_id ON comment (project_id, id)"}));
}

// ---- CONCURRENTLY ---------------------------------------------------------------------------------

TEST(Concurrently, NewTableIndexIsBuiltInTheTransaction) {
  const auto p = d("", "CREATE TABLE t (a int); CREATE INDEX CONCURRENTLY t_a ON t (a);");
  EXPECT_TRUE(p.up_transactional);
  EXPECT_EQ(pos(ups(p), "CREATE INDEX t_a ON t (a)"), 1u) << testing::PrintToString(ups(p));
  EXPECT_EQ(diff::render_migration(p).rfind("-- +migrate Up\n", 0), 0u);
}

TEST(Concurrently, ExistingTableMarksTheMigrationNonTransactional) {
  const auto p = d("CREATE TABLE t (a int);", "CREATE TABLE t (a int); CREATE INDEX CONCURRENTLY t_a ON t (a);");
  EXPECT_FALSE(p.up_transactional);
  EXPECT_EQ(ups(p), Lines{"CREATE INDEX CONCURRENTLY t_a ON t (a)"});
  EXPECT_EQ(downs(p), Lines{"DROP INDEX t_a"});
  EXPECT_EQ(diff::render_migration(p).rfind("-- +migrate Up notransaction\n", 0), 0u) << diff::render_migration(p);
  // Dropping the table later recreates the index inside the Down's transaction, plainly.
  const auto back = d("CREATE TABLE t (a int); CREATE INDEX CONCURRENTLY t_a ON t (a);", "");
  EXPECT_EQ(pos(downs(back), "CREATE INDEX t_a ON t (a)"), 1u) << testing::PrintToString(downs(back));
}

// ---- dependency order ---------------------------------------------------------------------------

TEST(DependencyOrder, FunctionsBeforeTheTablesThatCallThem) {
  const auto p = d("", R"(
CREATE TABLE t (id uuid DEFAULT uuidv7() NOT NULL, n int GENERATED ALWAYS AS (twice(1)) STORED);
CREATE FUNCTION uuidv7() RETURNS uuid LANGUAGE plpgsql AS $$ BEGIN RETURN gen_random_uuid(); END $$;
CREATE FUNCTION twice(n int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT n * 2 $$;)");
  const Lines u = ups(p);
  EXPECT_LT(pos(u, "CREATE FUNCTION uuidv7"), pos(u, "CREATE TABLE t")) << testing::PrintToString(u);
  EXPECT_LT(pos(u, "CREATE FUNCTION twice"), pos(u, "CREATE TABLE t"));
  // Down is the exact reverse: the table goes before the functions.
  const Lines dn = downs(p);
  EXPECT_LT(pos(dn, "DROP TABLE t"), pos(dn, "DROP FUNCTION IF EXISTS uuidv7"));
}

TEST(DependencyOrder, SqlFunctionBodyNeedsItsTablesButPlpgsqlOnlyItsSignature) {
  const auto p = d("", R"(
CREATE FUNCTION n_rows() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM t $$;
CREATE FUNCTION rows_of() RETURNS SETOF t LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY SELECT * FROM u; END $$;
CREATE TABLE t (id int);
CREATE TABLE u (id int);)");
  const Lines u = ups(p);
  EXPECT_LT(pos(u, "CREATE TABLE t"), pos(u, "CREATE FUNCTION n_rows")) << testing::PrintToString(u);
  EXPECT_LT(pos(u, "CREATE TABLE t"), pos(u, "CREATE FUNCTION rows_of"));
}

TEST(DependencyOrder, ForeignKeyAfterTheUniqueIndexItReferences) {
  const auto p = d("", R"(
CREATE TABLE a (id int PRIMARY KEY, code text NOT NULL);
CREATE TABLE b (id int PRIMARY KEY, a_code text REFERENCES a (code));
CREATE UNIQUE INDEX a_code_key ON a (code);)");
  const Lines u = ups(p);
  EXPECT_LT(pos(u, "CREATE UNIQUE INDEX a_code_key"), pos(u, "CREATE TABLE b")) << testing::PrintToString(u);
  // The printer agrees.
  const std::string text = schema::print_schema(parse(R"(
CREATE TABLE a (id int PRIMARY KEY, code text NOT NULL);
CREATE TABLE b (id int PRIMARY KEY, a_code text REFERENCES a (code));
CREATE UNIQUE INDEX a_code_key ON a (code);)"));
  EXPECT_LT(text.find("CREATE UNIQUE INDEX a_code_key"), text.find("CREATE TABLE b")) << text;
}

TEST(DependencyOrder, ViewsAfterFunctionsAndViewsTheyRead) {
  const std::string sql = R"(
CREATE VIEW top AS SELECT n FROM base WHERE pick(n);
CREATE VIEW base AS SELECT 1 AS n;
CREATE FUNCTION pick(n int) RETURNS boolean LANGUAGE sql AS $$ SELECT n > 0 $$;)";
  const Lines u = ups(d("", sql));
  EXPECT_LT(pos(u, "CREATE VIEW base"), pos(u, "CREATE VIEW top")) << testing::PrintToString(u);
  EXPECT_LT(pos(u, "CREATE FUNCTION pick"), pos(u, "CREATE VIEW top"));
  const std::string text = schema::print_schema(parse(sql));
  EXPECT_LT(text.find("CREATE VIEW base"), text.find("CREATE VIEW top")) << text;
  EXPECT_LT(text.find("CREATE FUNCTION pick"), text.find("CREATE VIEW top")) << text;
}

TEST(DependencyOrder, PrinterPutsFunctionsBeforeTablesThatCallThem) {
  const std::string text = schema::print_schema(parse(R"(
CREATE TABLE t (id uuid DEFAULT uuidv7() NOT NULL);
CREATE FUNCTION uuidv7() RETURNS uuid LANGUAGE plpgsql AS $$ BEGIN RETURN gen_random_uuid(); END $$;)"));
  EXPECT_LT(text.find("CREATE FUNCTION uuidv7"), text.find("CREATE TABLE t")) << text;
}

TEST(DependencyOrder, StableAndCycleSafe) {
  using schema::DepNode;
  // 0 needs 2; 1 independent; 2 needs nothing: 1 keeps its place, 0 moves after 2.
  EXPECT_EQ(schema::dependency_order({DepNode{{"a"}, {"c"}}, DepNode{{"b"}, {}}, DepNode{{"c"}, {}}}),
            (std::vector<std::size_t>{1, 2, 0}));
  // A cycle falls back to declaration order; unknown needs are ignored.
  EXPECT_EQ(schema::dependency_order({DepNode{{"a"}, {"b", "zzz"}}, DepNode{{"b"}, {"a"}}}),
            (std::vector<std::size_t>{0, 1}));
}

}  // namespace
