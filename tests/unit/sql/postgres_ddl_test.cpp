// PostgreSQL DDL → model (sql/ddl_postgres.cpp, through libpg_query).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flash/schema/model.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/lexer.hpp"

namespace {

using namespace flash;
using schema::Dialect;

struct Parsed {
  schema::Schema model;
  diag::Diagnostics diags;
};

Parsed parse(const std::string& sql, schema::Schema start = {}) {
  Parsed p;
  p.model = std::move(start);
  p.model.dialect = Dialect::postgresql;
  sql::apply_ddl_postgres(p.model, sql::SourceFile{"schema.sql", sql}, p.diags);
  return p;
}

std::string dump(const diag::Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds)
    out += d.location.file + ":" + std::to_string(d.location.line) + ":" +
           std::to_string(d.location.column) + ": [" + d.code + "] " + d.message + "\n";
  return out;
}

#define EXPECT_CLEAN(p) EXPECT_TRUE((p).diags.empty()) << dump((p).diags)

TEST(PostgresDdl, ColumnsTypesAndNullability) {
  auto p = parse(R"sql(
    CREATE TABLE public.users (
      id bigserial PRIMARY KEY,
      small smallserial,
      email varchar(255) NOT NULL,
      name character varying,
      score numeric(10, 2) DEFAULT 0.5,
      tags text[] NOT NULL DEFAULT '{}',
      grid int[][],
      created_at timestamp with time zone NOT NULL DEFAULT now(),
      t2 timestamp(3) without time zone,
      flag bool NULL,
      f8 double precision,
      code char(3) COLLATE "C",
      "Mixed" int4
    );
  )sql");
  EXPECT_CLEAN(p);
  ASSERT_EQ(p.model.tables.size(), 1u);
  const auto& t = p.model.tables[0];
  EXPECT_EQ(t.schema, "");
  EXPECT_EQ(t.name, "users");
  ASSERT_EQ(t.columns.size(), 13u);
  EXPECT_EQ(t.columns[0].type.name, "bigint");
  EXPECT_TRUE(t.columns[0].auto_increment);
  EXPECT_FALSE(t.columns[0].nullable);
  EXPECT_EQ(t.columns[1].type.name, "smallint");
  EXPECT_TRUE(t.columns[1].auto_increment);
  EXPECT_EQ(t.columns[2].type.name, "varchar");
  EXPECT_EQ(t.columns[2].type.args, std::vector<std::string>{"255"});
  EXPECT_FALSE(t.columns[2].nullable);
  EXPECT_EQ(t.columns[3].type.name, "varchar");
  EXPECT_TRUE(t.columns[3].type.args.empty());
  EXPECT_TRUE(t.columns[3].nullable);
  EXPECT_EQ(t.columns[4].type.name, "numeric");
  EXPECT_EQ(t.columns[4].type.args, (std::vector<std::string>{"10", "2"}));
  EXPECT_EQ(t.columns[4].default_expr, "0.5");
  EXPECT_EQ(t.columns[5].type.name, "text");
  EXPECT_EQ(t.columns[5].type.array_dims, 1);
  EXPECT_EQ(t.columns[5].default_expr, "'{}'");
  EXPECT_EQ(t.columns[6].type.name, "integer");
  EXPECT_EQ(t.columns[6].type.array_dims, 2);
  EXPECT_EQ(t.columns[7].type.name, "timestamptz");
  EXPECT_EQ(t.columns[7].default_expr, "now()");
  EXPECT_EQ(t.columns[8].type.name, "timestamp");
  EXPECT_EQ(t.columns[8].type.args, std::vector<std::string>{"3"});
  EXPECT_EQ(t.columns[9].type.name, "boolean");
  EXPECT_TRUE(t.columns[9].nullable);
  EXPECT_EQ(t.columns[10].type.name, "double precision");
  EXPECT_EQ(t.columns[11].type.name, "char");
  EXPECT_EQ(t.columns[11].collation, "C");
  EXPECT_EQ(t.columns[12].name, "Mixed");
  EXPECT_EQ(t.columns[12].type.name, "integer");
  ASSERT_TRUE(t.primary_key);
  EXPECT_EQ(t.primary_key->name, "");
  EXPECT_EQ(t.primary_key->columns, std::vector<std::string>{"id"});
  // Declaration positions.
  EXPECT_EQ(t.loc.line, 2);
  EXPECT_EQ(t.columns[2].loc.line, 5);
}

TEST(PostgresDdl, DefaultExpressionsAreDelimitedAndNormalised) {
  auto p = parse(
      "CREATE TABLE t (\n"
      "  a int DEFAULT 1 + 2 NOT NULL,\n"
      "  b text DEFAULT 'x' COLLATE \"C\" CHECK (b <> ''),\n"
      "  c text[] DEFAULT ARRAY['a', 'b'],\n"
      "  d int DEFAULT (1),\n"
      "  e timestamptz default (NOW() at time zone 'utc'),\n"
      "  f int DEFAULT nextval('t_f_seq'::regclass)\n"
      ")");
  EXPECT_CLEAN(p);
  const auto& t = p.model.tables.at(0);
  EXPECT_EQ(t.find_column("a")->default_expr, "1 + 2");
  EXPECT_FALSE(t.find_column("a")->nullable);
  EXPECT_EQ(t.find_column("b")->default_expr, "'x'");
  EXPECT_EQ(t.find_column("b")->collation, "C");
  // Compared through normalize_expr: what matters here is where each expression ends.
  const auto norm = [](std::string_view e) { return sql::normalize_expr(e, Dialect::postgresql); };
  EXPECT_EQ(t.find_column("c")->default_expr, norm("ARRAY['a', 'b']"));
  EXPECT_EQ(t.find_column("d")->default_expr, "1");
  EXPECT_EQ(t.find_column("e")->default_expr, norm("now() AT TIME ZONE 'utc'"));
  EXPECT_EQ(t.find_column("f")->default_expr, "nextval('t_f_seq'::regclass)");
  ASSERT_EQ(t.checks.size(), 1u);
  EXPECT_EQ(t.checks[0].expr, "b <> ''");
}

TEST(PostgresDdl, ConstraintsMovedToTableLevel) {
  auto p = parse(R"sql(
    CREATE TABLE authors (id int PRIMARY KEY);
    CREATE TABLE books (
      id int,
      isbn text UNIQUE,
      author_id int REFERENCES authors ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
      editor_id int CONSTRAINT books_editor_fk REFERENCES authors(id) ON UPDATE SET NULL,
      price numeric CONSTRAINT positive CHECK (price > 0) NO INHERIT,
      a int, b int,
      CONSTRAINT books_pk PRIMARY KEY (id, a),
      UNIQUE NULLS NOT DISTINCT (a, b),
      CONSTRAINT fk_ab FOREIGN KEY (a, b) REFERENCES other.pairs (x, y)
        MATCH FULL ON DELETE SET DEFAULT ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED,
      CHECK (a < b)
    );
  )sql");
  // other.pairs does not exist: references are not checked (files may be in any order).
  EXPECT_CLEAN(p);
  const auto& t = *p.model.find_table("books");
  ASSERT_TRUE(t.primary_key);
  EXPECT_EQ(t.primary_key->name, "books_pk");
  EXPECT_EQ(t.primary_key->columns, (std::vector<std::string>{"id", "a"}));
  EXPECT_FALSE(t.find_column("id")->nullable);
  EXPECT_FALSE(t.find_column("a")->nullable);
  EXPECT_TRUE(t.find_column("b")->nullable);

  ASSERT_EQ(t.uniques.size(), 2u);
  EXPECT_EQ(t.uniques[0].columns, std::vector<std::string>{"isbn"});
  EXPECT_FALSE(t.uniques[0].nulls_not_distinct);
  EXPECT_EQ(t.uniques[1].columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(t.uniques[1].nulls_not_distinct);

  ASSERT_EQ(t.foreign_keys.size(), 3u);
  const auto& f0 = t.foreign_keys[0];
  EXPECT_EQ(f0.name, "");
  EXPECT_EQ(f0.columns, std::vector<std::string>{"author_id"});
  EXPECT_EQ(f0.ref_table, "authors");
  EXPECT_TRUE(f0.ref_columns.empty());
  EXPECT_EQ(f0.on_delete, schema::RefAction::cascade);
  // Unwritten and NO ACTION are one thing to PostgreSQL (its catalog cannot tell them apart).
  EXPECT_EQ(f0.on_update, schema::RefAction::unspecified);
  EXPECT_TRUE(f0.deferrable);
  EXPECT_TRUE(f0.initially_deferred);
  const auto& f1 = t.foreign_keys[1];
  EXPECT_EQ(f1.name, "books_editor_fk");
  EXPECT_EQ(f1.ref_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(f1.on_update, schema::RefAction::set_null);
  EXPECT_FALSE(f1.deferrable);
  const auto& f2 = t.foreign_keys[2];
  EXPECT_EQ(f2.name, "fk_ab");
  EXPECT_EQ(f2.ref_schema, "other");
  EXPECT_EQ(f2.ref_table, "pairs");
  EXPECT_EQ(f2.ref_columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(f2.match, "FULL");
  EXPECT_EQ(f2.on_delete, schema::RefAction::set_default);
  EXPECT_EQ(f2.on_update, schema::RefAction::restrict);
  EXPECT_TRUE(f2.deferrable);
  EXPECT_TRUE(f2.initially_deferred);

  ASSERT_EQ(t.checks.size(), 2u);
  EXPECT_EQ(t.checks[0].name, "positive");
  EXPECT_EQ(t.checks[0].expr, "price > 0");
  EXPECT_TRUE(t.checks[0].no_inherit);
  EXPECT_EQ(t.checks[1].name, "");
  EXPECT_EQ(t.checks[1].expr, "a < b");
}

TEST(PostgresDdl, GeneratedIdentityAndTableOptions) {
  auto p = parse(R"sql(
    CREATE UNLOGGED TABLE IF NOT EXISTS s1.m (
      id integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5),
      id2 bigint GENERATED BY DEFAULT AS IDENTITY,
      w numeric, h numeric,
      area numeric GENERATED ALWAYS AS (w * h) STORED,
      day date NOT NULL
    ) PARTITION BY RANGE (day);
    CREATE TABLE s1.m_2024 PARTITION OF s1.m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  )sql");
  EXPECT_CLEAN(p);
  const auto* t = p.model.find_table("m", "s1");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->if_not_exists);
  EXPECT_EQ(t->options.at("unlogged"), "1");
  EXPECT_EQ(t->options.at("partition_by"), "RANGE (day)");
  EXPECT_EQ(t->columns[0].identity, schema::Identity::always);
  EXPECT_EQ(t->columns[0].identity_options, "START WITH 10 INCREMENT BY 5");
  EXPECT_FALSE(t->columns[0].nullable);
  EXPECT_EQ(t->columns[1].identity, schema::Identity::by_default);
  EXPECT_EQ(t->columns[1].identity_options, "");
  EXPECT_EQ(t->columns[4].generated, schema::GeneratedKind::stored);
  EXPECT_EQ(t->columns[4].generated_expr, "w * h");
  const auto* part = p.model.find_table("m_2024", "s1");
  ASSERT_NE(part, nullptr);
  EXPECT_EQ(part->options.at("partition_of"), "s1.m");
  EXPECT_EQ(part->options.at("partition_bound"), "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
}

TEST(PostgresDdl, VirtualGeneratedColumnOfPostgres18) {
  auto p = parse("CREATE TABLE f (len int, hours numeric GENERATED ALWAYS AS (round(len / 60.0, 2)) VIRTUAL);");
  EXPECT_CLEAN(p);
  const auto& c = p.model.tables.at(0).columns.at(1);
  EXPECT_EQ(c.generated, schema::GeneratedKind::virtual_);
  EXPECT_EQ(c.generated_expr, "round(len / 60.0, 2)");
}

TEST(PostgresDdl, EnumsAndAlterType) {
  auto p = parse(R"sql(
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    CREATE TYPE app.status AS ENUM ();
    ALTER TYPE mood ADD VALUE 'happy';
    ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'ok';
    ALTER TYPE mood ADD VALUE 'fine' AFTER 'sad';
    ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok';
    ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
    CREATE TABLE p (m mood NOT NULL, s app.status, hist public.mood[]);
  )sql");
  EXPECT_CLEAN(p);
  const auto* e = p.model.find_enum("mood");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->values, (std::vector<std::string>{"blue", "fine", "meh", "ok", "happy"}));
  const auto* s = p.model.find_enum("status", "app");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->values.empty());
  const auto& t = p.model.tables.at(0);
  EXPECT_EQ(t.columns[0].type.name, "mood");
  EXPECT_EQ(t.columns[0].type.schema, "");
  EXPECT_EQ(t.columns[1].type.name, "status");
  EXPECT_EQ(t.columns[1].type.schema, "app");
  EXPECT_EQ(t.columns[2].type.name, "mood");
  EXPECT_EQ(t.columns[2].type.schema, "");
  EXPECT_EQ(t.columns[2].type.array_dims, 1);

  auto bad = parse("CREATE TYPE mood AS ENUM ('a');\nALTER TYPE mood ADD VALUE 'b' AFTER 'x';");
  ASSERT_EQ(bad.diags.size(), 1u);
  EXPECT_EQ(bad.diags[0].code, "sql.unknown-value");
  EXPECT_EQ(bad.diags[0].location.line, 2);
}

TEST(PostgresDdl, DomainsSequencesExtensionsSchemas) {
  auto p = parse(R"sql(
    CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA ext;
    CREATE EXTENSION "uuid-ossp";
    CREATE SCHEMA app;
    CREATE SCHEMA IF NOT EXISTS app;
    CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
    CREATE DOMAIN app.email AS text NOT NULL DEFAULT '' CHECK (value ~ '@');
    CREATE SEQUENCE public.film_film_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
    ALTER SEQUENCE film_film_id_seq OWNED BY film.film_id;
    ALTER SEQUENCE film_film_id_seq INCREMENT BY 2;
  )sql");
  EXPECT_CLEAN(p);
  ASSERT_EQ(p.model.extensions.size(), 2u);
  EXPECT_EQ(p.model.extensions[0].name, "pgcrypto");
  EXPECT_EQ(p.model.extensions[0].schema, "ext");
  EXPECT_EQ(p.model.extensions[1].name, "uuid-ossp");
  EXPECT_EQ(p.model.schemas, std::vector<std::string>{"app"});
  ASSERT_EQ(p.model.domains.size(), 2u);
  const auto& y = p.model.domains[0];
  EXPECT_EQ(y.name, "year");
  EXPECT_EQ(y.type.name, "integer");
  ASSERT_EQ(y.checks.size(), 1u);
  EXPECT_EQ(y.checks[0].name, "year_check");
  EXPECT_EQ(y.checks[0].expr, "value >= 1901 AND value <= 2155");
  const auto& em = p.model.domains[1];
  EXPECT_EQ(em.schema, "app");
  EXPECT_FALSE(em.nullable);
  EXPECT_EQ(em.default_expr, "''");
  ASSERT_EQ(p.model.sequences.size(), 1u);
  EXPECT_EQ(p.model.sequences[0].schema, "");
  EXPECT_EQ(p.model.sequences[0].name, "film_film_id_seq");
  // Options equal to the defaults are not kept; OWNED BY is a field of its own.
  EXPECT_EQ(p.model.sequences[0].options_text(), "INCREMENT BY 2");
  EXPECT_EQ(p.model.sequences[0].owned_by, "film.film_id");
}

TEST(PostgresDdl, Indexes) {
  auto p = parse(R"sql(
    CREATE TABLE s.t (a int, b text, c int, d jsonb);
    CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_ab ON s.t USING btree (a DESC, lower(b) COLLATE "C" text_pattern_ops, (a + c)) INCLUDE (c) WHERE a > 0 AND b IS NOT NULL;
    CREATE INDEX ON s.t USING gin (d jsonb_path_ops);
    CREATE INDEX ON s.t (lower(b));
    CREATE INDEX ON s.t (lower(b));
    CREATE INDEX IF NOT EXISTS t_ab ON s.t (a);
  )sql");
  EXPECT_CLEAN(p);
  ASSERT_EQ(p.model.indexes.size(), 4u);
  const auto& ix = p.model.indexes[0];
  EXPECT_EQ(ix.schema, "s");
  EXPECT_EQ(ix.name, "t_ab");
  EXPECT_EQ(ix.table, "t");
  EXPECT_TRUE(ix.unique);
  EXPECT_TRUE(ix.concurrently);
  EXPECT_EQ(ix.method, "");
  ASSERT_EQ(ix.parts.size(), 3u);
  EXPECT_EQ(ix.parts[0].column, "a");
  EXPECT_TRUE(ix.parts[0].descending);
  EXPECT_EQ(ix.parts[1].column, "");
  EXPECT_EQ(ix.parts[1].expr, "lower(b)");
  EXPECT_EQ(ix.parts[1].collation, "C");
  EXPECT_EQ(ix.parts[1].opclass, "text_pattern_ops");
  EXPECT_EQ(ix.parts[2].expr, "a + c");
  EXPECT_EQ(ix.include, std::vector<std::string>{"c"});
  EXPECT_EQ(ix.where, "a > 0 AND b IS NOT NULL");
  const auto& gin = p.model.indexes[1];
  EXPECT_EQ(gin.name, "t_d_idx");  // PostgreSQL's generated name
  EXPECT_EQ(gin.method, "gin");
  EXPECT_EQ(gin.parts[0].opclass, "jsonb_path_ops");
  EXPECT_EQ(p.model.indexes[2].name, "t_lower_idx");
  EXPECT_EQ(p.model.indexes[3].name, "t_lower_idx1");

  auto bad = parse("CREATE TABLE users (id int);\nCREATE INDEX i ON userz (id);");
  ASSERT_EQ(bad.diags.size(), 1u);
  EXPECT_EQ(bad.diags[0].code, "sql.unknown-table");
  EXPECT_EQ(bad.diags[0].location.line, 2);
  EXPECT_EQ(bad.diags[0].location.column, 19);
  EXPECT_EQ(bad.diags[0].hint, "did you mean `users`?");
}

TEST(PostgresDdl, AlterTableAppliesToModel) {
  auto p = parse(R"sql(
    CREATE TABLE accounts (id int, email text, legacy int, n int NOT NULL);
    CREATE INDEX accounts_legacy ON accounts (legacy);
    ALTER TABLE accounts ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
                         ADD COLUMN IF NOT EXISTS email text;
    ALTER TABLE ONLY public.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);
    ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);
    ALTER TABLE accounts DROP COLUMN legacy;
    ALTER TABLE accounts ALTER COLUMN n TYPE bigint USING n::bigint, ALTER COLUMN n DROP NOT NULL;
    ALTER TABLE accounts ALTER COLUMN email SET DEFAULT 'x' || 'y', ALTER COLUMN email SET NOT NULL;
    ALTER TABLE accounts ALTER COLUMN created_at DROP DEFAULT;
    ALTER TABLE accounts RENAME COLUMN email TO mail;
    ALTER TABLE accounts RENAME CONSTRAINT accounts_email_key TO accounts_mail_key;
    ALTER TABLE accounts OWNER TO postgres;
    ALTER TABLE accounts RENAME TO users;
    CREATE SCHEMA auth;
    ALTER TABLE users SET SCHEMA auth;
    ALTER TABLE IF EXISTS nothing ADD COLUMN x int;
  )sql");
  EXPECT_CLEAN(p);
  EXPECT_EQ(p.model.find_table("accounts"), nullptr);
  const auto* t = p.model.find_table("users", "auth");
  ASSERT_NE(t, nullptr);
  std::vector<std::string> cols;
  for (const auto& c : t->columns) cols.push_back(c.name);
  EXPECT_EQ(cols, (std::vector<std::string>{"id", "mail", "n", "created_at"}));
  EXPECT_FALSE(t->find_column("id")->nullable);
  EXPECT_EQ(t->find_column("n")->type.name, "bigint");
  EXPECT_TRUE(t->find_column("n")->nullable);
  EXPECT_EQ(t->find_column("mail")->default_expr, "'x' || 'y'");
  EXPECT_FALSE(t->find_column("mail")->nullable);
  EXPECT_FALSE(t->find_column("created_at")->default_expr);
  EXPECT_FALSE(t->find_column("created_at")->nullable);
  ASSERT_TRUE(t->primary_key);
  EXPECT_EQ(t->primary_key->name, "accounts_pkey");
  ASSERT_EQ(t->uniques.size(), 1u);
  EXPECT_EQ(t->uniques[0].name, "accounts_mail_key");
  EXPECT_EQ(t->uniques[0].columns, std::vector<std::string>{"mail"});
  EXPECT_TRUE(p.model.indexes.empty());  // dropped with its column
  EXPECT_TRUE(p.model.raw.empty());      // OWNER TO is ignored

  auto drop = parse(R"sql(
    CREATE TABLE a (id int PRIMARY KEY, x int UNIQUE, y int REFERENCES a);
    ALTER TABLE a DROP CONSTRAINT a_pkey, DROP CONSTRAINT a_x_key, DROP CONSTRAINT a_y_fkey;
    ALTER TABLE a DROP CONSTRAINT IF EXISTS nope;
  )sql");
  EXPECT_CLEAN(drop);
  EXPECT_FALSE(drop.model.tables[0].primary_key);
  EXPECT_TRUE(drop.model.tables[0].uniques.empty());
  EXPECT_TRUE(drop.model.tables[0].foreign_keys.empty());
}

TEST(PostgresDdl, AlterTableSemanticErrorsAreLocatedWithHints) {
  auto p = parse(
      "CREATE TABLE users (id int, email text);\n"
      "ALTER TABLE usres ADD COLUMN x int;\n"
      "ALTER TABLE users ALTER COLUMN emial SET NOT NULL;\n"
      "ALTER TABLE users DROP CONSTRAINT nope;\n"
      "ALTER TABLE users ADD COLUMN id int;\n"
      "ALTER TABLE users ADD COLUMN ok int;\n");
  ASSERT_EQ(p.diags.size(), 4u) << dump(p.diags);
  EXPECT_EQ(p.diags[0].code, "sql.unknown-table");
  EXPECT_EQ(p.diags[0].location.line, 2);
  EXPECT_EQ(p.diags[0].location.column, 13);
  EXPECT_EQ(p.diags[0].location.length, 5);
  EXPECT_EQ(p.diags[0].hint, "did you mean `users`?");
  EXPECT_EQ(p.diags[0].source_line, "ALTER TABLE usres ADD COLUMN x int;");
  EXPECT_EQ(p.diags[1].code, "sql.unknown-column");
  EXPECT_EQ(p.diags[1].location.line, 3);
  EXPECT_EQ(p.diags[1].location.column, 32);
  EXPECT_EQ(p.diags[1].hint, "did you mean `email`?");
  EXPECT_EQ(p.diags[2].code, "sql.unknown-constraint");
  EXPECT_EQ(p.diags[3].code, "sql.duplicate");
  EXPECT_EQ(p.diags[3].location.line, 5);
  // The statement after the errors is still applied.
  EXPECT_NE(p.model.tables[0].find_column("ok"), nullptr);
}

TEST(PostgresDdl, SyntaxErrorIsLocatedAndOtherStatementsApply) {
  auto p = parse(
      "CREATE TABLE a (id int);\n"
      "CREATE TABLE b (id int,, x int);\n"
      "CREATE TABLE c (id int);\n");
  ASSERT_EQ(p.diags.size(), 1u);
  const auto& d = p.diags[0];
  EXPECT_EQ(d.code, "sql.syntax");
  EXPECT_EQ(d.severity, diag::Severity::error);
  EXPECT_EQ(d.location.file, "schema.sql");
  EXPECT_EQ(d.location.line, 2);
  EXPECT_EQ(d.location.column, 24);
  EXPECT_EQ(d.source_line, "CREATE TABLE b (id int,, x int);");
  EXPECT_NE(d.message.find("syntax error"), std::string::npos);
  EXPECT_NE(p.model.find_table("a"), nullptr);
  EXPECT_EQ(p.model.find_table("b"), nullptr);
  EXPECT_NE(p.model.find_table("c"), nullptr);

  // With a syntax error in the file, BEGIN ATOMIC bodies still stay whole.
  auto atomic = parse(
      "CREATE TABLE a (x int);\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n"
      "CREATE TABEL b (y int);\n"
      "CREATE TABLE c (z int);");
  ASSERT_EQ(atomic.diags.size(), 1u) << dump(atomic.diags);
  EXPECT_EQ(atomic.diags[0].location.line, 3);
  EXPECT_EQ(atomic.diags[0].location.column, 8);
  EXPECT_EQ(atomic.diags[0].location.length, 5);
  ASSERT_EQ(atomic.model.raw.size(), 1u);
  EXPECT_EQ(atomic.model.raw[0].sql,
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END");
  EXPECT_EQ(atomic.model.tables.size(), 2u);

  auto unterminated = parse("CREATE TABLE a (x int);\nCREATE TABLE b (x text DEFAULT 'abc);\n");
  ASSERT_EQ(unterminated.diags.size(), 1u);
  // The splitter's lexer error, as in MySQL/SQLite schemas and every migration file.
  EXPECT_EQ(unterminated.diags[0].code, "sql.lex");
  EXPECT_EQ(unterminated.model.tables.size(), 1u);
  EXPECT_EQ(unterminated.diags[0].location.line, 2);
  EXPECT_EQ(unterminated.diags[0].location.column, 32);  // the opening quote

  // Positions are counted in characters on the line even after multi-byte text.
  auto u = parse("COMMENT ON SCHEMA public IS 'ünïcødé';\nCREATE TABLE ö (id int) garbage;");
  ASSERT_EQ(u.diags.size(), 1u);
  EXPECT_EQ(u.diags[0].location.line, 2);
  EXPECT_EQ(u.diags[0].location.column, 25);
}

TEST(PostgresDdl, DropStatements) {
  auto p = parse(R"sql(
    CREATE TYPE mood AS ENUM ('a');
    CREATE TABLE a (id int PRIMARY KEY);
    CREATE TABLE b (id int, a_id int REFERENCES a (id));
    CREATE INDEX b_a ON b (a_id);
    CREATE VIEW v AS SELECT * FROM b;
    CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
    DROP VIEW IF EXISTS v, missing_view;
    DROP INDEX b_a;
    DROP TABLE IF EXISTS a CASCADE;
    DROP TYPE mood;
    DROP FUNCTION f();
    CREATE FUNCTION app.g() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER tr BEFORE UPDATE ON b FOR EACH ROW EXECUTE FUNCTION app.g();
    CREATE TABLE c (id int);
    CREATE TRIGGER tr BEFORE UPDATE ON c FOR EACH ROW EXECUTE FUNCTION app.g();
    DROP TRIGGER tr ON public.b;
    CREATE TABLE d (id int);
    CREATE TRIGGER tr BEFORE UPDATE ON d FOR EACH ROW EXECUTE FUNCTION app.g();
    DROP TABLE c, d;
    DROP TABLE nope;
  )sql");
  ASSERT_EQ(p.diags.size(), 1u) << dump(p.diags);
  EXPECT_EQ(p.diags[0].code, "sql.unknown-table");
  EXPECT_EQ(p.model.tables.size(), 1u);
  EXPECT_TRUE(p.model.tables[0].foreign_keys.empty());
  EXPECT_TRUE(p.model.indexes.empty());
  EXPECT_TRUE(p.model.views.empty());
  EXPECT_TRUE(p.model.enums.empty());
  // f() is gone with its DROP, the trigger on b with DROP TRIGGER (triggers are named per
  // table), the one on c with its table.
  ASSERT_EQ(p.model.raw.size(), 1u);
  EXPECT_EQ(p.model.raw[0].kind, "function");
  EXPECT_EQ(p.model.raw[0].name, "app.g");
}

// A migration directory folded into one schema holds only what exists at the end (concourse's
// 149 migrations: a TRUNCATE of a table dropped later, DROP TRIGGER IF EXISTS before CREATE
// TRIGGER, ALTER TABLE clauses kept verbatim for a table dropped later).
TEST(PostgresDdl, FoldedMigrationsKeepOnlyWhatExistsAtTheEnd) {
  auto p = parse(R"sql(
    CREATE TABLE gone (id int);
    CREATE TABLE kept (id int);
    CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    TRUNCATE TABLE gone;
    ALTER TABLE gone ENABLE ROW LEVEL SECURITY;
    ALTER TABLE kept ENABLE ROW LEVEL SECURITY;
    DROP TRIGGER IF EXISTS tr ON kept;
    CREATE TRIGGER tr AFTER INSERT ON kept FOR EACH ROW EXECUTE FUNCTION f();
    DROP FUNCTION IF EXISTS never_created;
    DROP TABLE gone;
    CREATE TABLE AS_copy AS SELECT 1 AS x;
    DROP TABLE as_copy;
    DROP FUNCTION not_created_here();
  )sql");
  EXPECT_CLEAN(p);
  std::vector<std::string> kinds;
  for (const auto& r : p.model.raw) kinds.push_back(r.kind + " " + r.name);
  // The DROP of an object not created here is kept only without IF EXISTS.
  EXPECT_EQ(kinds, (std::vector<std::string>{"function f", "alter table kept", "trigger tr ON kept", "drop "}));
  ASSERT_EQ(p.model.tables.size(), 1u);
  EXPECT_EQ(p.model.tables[0].name, "kept");
}

TEST(PostgresDdl, RangeTypes) {
  auto p = parse(R"sql(
    CREATE TYPE uuidrange AS RANGE (SUBTYPE = UUID);
    CREATE TYPE app.span AS RANGE (subtype = float8, subtype_diff = public.float_diff, subtype_opclass = app.my_ops,
                                   collation = "C", multirange_type_name = app.spans);
    CREATE TYPE daterange2 AS RANGE (SUBTYPE = date, MULTIRANGE_TYPE_NAME = datemultirange2);
    CREATE TABLE t (r uuidrange, m uuidmultirange, s app.span);
    CREATE TYPE gone AS RANGE (SUBTYPE = int4);
    DROP TYPE gone;
    CREATE TYPE uuidrange AS RANGE (SUBTYPE = uuid);
  )sql");
  ASSERT_EQ(p.diags.size(), 1u) << dump(p.diags);
  EXPECT_EQ(p.diags[0].code, "sql.duplicate");
  EXPECT_TRUE(p.model.raw.empty());  // in the model, not kept verbatim
  ASSERT_EQ(p.model.ranges.size(), 3u);
  const auto& u = p.model.ranges[0];
  EXPECT_EQ(u.name, "uuidrange");
  EXPECT_EQ(u.subtype.name, "uuid");
  EXPECT_EQ(u.multirange_name(), "uuidmultirange");
  const auto& s = p.model.ranges[1];
  EXPECT_EQ(s.schema, "app");
  EXPECT_EQ(s.subtype.name, "double precision");
  EXPECT_EQ(s.subtype_diff, "float_diff");  // public is the default schema
  EXPECT_EQ(s.subtype_opclass, "app.my_ops");
  EXPECT_EQ(s.collation, "C");
  EXPECT_EQ(s.multirange, "spans");
  EXPECT_EQ(p.model.ranges[2].multirange, "");  // PostgreSQL's own name for it, written out
  EXPECT_EQ(schema::default_multirange_name("period"), "period_multirange");
}

// concourse renames builds.rerun_of to rerun_of_old: the server keeps the constraint names it
// generated from the old column name and rewrites the expressions that read the column.
TEST(PostgresDdl, RenameColumnKeepsGeneratedNamesAndRewritesExpressions) {
  auto p = parse(R"sql(
    CREATE TABLE builds (id bigint PRIMARY KEY, rerun_of integer REFERENCES builds (id), code text UNIQUE,
                         CHECK (rerun_of <> id));
    CREATE INDEX b_order ON builds ((coalesce(rerun_of, id)) DESC) WHERE rerun_of IS NOT NULL;
    ALTER TABLE builds RENAME COLUMN rerun_of TO rerun_of_old;
    ALTER TABLE builds RENAME COLUMN code TO "Code";
    ALTER TABLE builds ADD COLUMN rerun_of bigint REFERENCES builds (id);
  )sql");
  EXPECT_CLEAN(p);
  const auto& t = p.model.tables.at(0);
  ASSERT_EQ(t.foreign_keys.size(), 2u);
  EXPECT_EQ(t.foreign_keys[0].name, "builds_rerun_of_fkey");
  EXPECT_EQ(t.foreign_keys[0].columns, std::vector<std::string>{"rerun_of_old"});
  EXPECT_EQ(t.foreign_keys[1].name, "");  // the server names it builds_rerun_of_fkey1
  ASSERT_EQ(t.uniques.size(), 1u);
  EXPECT_EQ(t.uniques[0].name, "builds_code_key");
  EXPECT_EQ(t.checks.at(0).expr, "rerun_of_old <> id");
  const auto& ix = p.model.indexes.at(0);
  EXPECT_EQ(ix.parts.at(0).expr, "coalesce(rerun_of_old, id)");
  EXPECT_EQ(ix.where, "rerun_of_old IS NOT NULL");
}

TEST(PostgresDdl, ViewsKeepQueryVerbatim) {
  auto p = parse(R"sql(
    CREATE TABLE t (a int, b int);
    CREATE VIEW v (x, y) AS SELECT a, b
      FROM t  -- comment kept
      WHERE a > 1 WITH LOCAL CHECK OPTION;
    CREATE OR REPLACE VIEW v AS SELECT a AS x FROM t;
    CREATE MATERIALIZED VIEW app.mv AS
      WITH q AS (SELECT a FROM t) SELECT count(*) FROM q
    WITH NO DATA;
    CREATE INDEX mv_idx ON app.mv (count);
  )sql");
  EXPECT_CLEAN(p);
  ASSERT_EQ(p.model.views.size(), 2u);
  EXPECT_EQ(p.model.views[0].name, "v");
  EXPECT_TRUE(p.model.views[0].columns.empty());
  EXPECT_EQ(p.model.views[0].query, "SELECT a AS x FROM t");
  EXPECT_TRUE(p.model.views[1].materialized);
  EXPECT_EQ(p.model.views[1].schema, "app");
  EXPECT_EQ(p.model.views[1].query, "WITH q AS (SELECT a FROM t) SELECT count(*) FROM q");
  EXPECT_EQ(p.model.indexes.size(), 1u);

  auto first = parse("CREATE VIEW v (x, y) AS SELECT 1, 2\n  FROM t -- c\n  WITH CASCADED CHECK OPTION;");
  EXPECT_EQ(first.model.views[0].columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(first.model.views[0].query, "SELECT 1, 2\n  FROM t");
}

TEST(PostgresDdl, CommentsOnTablesColumnsAndOtherObjects) {
  auto p = parse(R"sql(
    CREATE TABLE s.t (id int);
    CREATE INDEX t_id ON s.t (id);
    COMMENT ON TABLE s.t IS 'the table';
    COMMENT ON COLUMN s.t.id IS 'it''s the id';
    COMMENT ON INDEX s.t_id IS 'fast';
    COMMENT ON EXTENSION plpgsql IS 'PL/pgSQL';
    COMMENT ON FUNCTION f(integer, text) IS 'fn';
    COMMENT ON INDEX s.t_id IS NULL;
    COMMENT ON COLUMN s.t.nope IS 'x';
  )sql");
  ASSERT_EQ(p.diags.size(), 1u);
  EXPECT_EQ(p.diags[0].code, "sql.unknown-column");
  const auto& t = p.model.tables[0];
  EXPECT_EQ(t.comment, "the table");
  EXPECT_EQ(t.columns[0].comment, "it's the id");
  ASSERT_EQ(p.model.comments.size(), 2u);
  EXPECT_EQ(p.model.comments[0].object_kind, "extension");
  EXPECT_EQ(p.model.comments[0].object_name, "plpgsql");
  EXPECT_EQ(p.model.comments[0].text, "PL/pgSQL");
  EXPECT_EQ(p.model.comments[1].object_kind, "function");
  EXPECT_EQ(p.model.comments[1].object_name, "f(integer, text)");
}

TEST(PostgresDdl, UnmodelledStatementsKeptRawInOrderAndNoiseSkipped) {
  const std::string fn =
      "CREATE FUNCTION public.touch() RETURNS trigger\n"
      "    LANGUAGE plpgsql\n"
      "    AS $$\n"
      "BEGIN\n"
      "    NEW.updated_at = now(); -- ; inside\n"
      "    RETURN NEW;\n"
      "END $$";
  auto p = parse(
      "SET statement_timeout = 0;\n"
      "SELECT pg_catalog.set_config('search_path', '', false);\n"
      "CREATE TABLE t (id int, updated_at timestamptz);\n"
      "-- leading comment\n" +
      fn +
      ";\n"
      "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION public.touch();\n"
      "ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY p ON t USING (true);\n"
      "GRANT SELECT ON t TO PUBLIC;\n"
      "INSERT INTO t VALUES (1, now());\n"
      "ALTER FUNCTION public.touch() OWNER TO postgres;\n"
      "CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"
      "BEGIN; COMMIT;\n");
  EXPECT_CLEAN(p);
  ASSERT_EQ(p.model.raw.size(), 7u);
  EXPECT_EQ(p.model.raw[0].kind, "function");
  EXPECT_EQ(p.model.raw[0].name, "touch");  // public is the default schema
  EXPECT_EQ(p.model.raw[0].sql, fn);
  EXPECT_EQ(p.model.raw[0].loc.line, 5);
  EXPECT_EQ(p.model.raw[1].kind, "trigger");
  EXPECT_EQ(p.model.raw[1].name, "t_touch ON t");
  EXPECT_EQ(p.model.raw[2].kind, "alter table");
  EXPECT_EQ(p.model.raw[2].sql, "ALTER TABLE t ENABLE ROW LEVEL SECURITY");
  EXPECT_EQ(p.model.raw[3].kind, "policy");
  EXPECT_EQ(p.model.raw[4].kind, "grant");
  EXPECT_EQ(p.model.raw[5].kind, "owner");
  EXPECT_EQ(p.model.raw[6].kind, "function");
  EXPECT_EQ(p.model.raw[6].sql, "CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END");
}

TEST(PostgresDdl, QuotedIdentifiersKeepCase) {
  auto p = parse(R"sql(
    CREATE TABLE "Users" ("ID" SERIAL PRIMARY KEY, "Name" TEXT, plain INT);
    CREATE TABLE Other (X int);
    ALTER TABLE "Users" ADD CONSTRAINT "Users_fk" FOREIGN KEY ("ID") REFERENCES OTHER (x);
  )sql");
  EXPECT_CLEAN(p);
  const auto* t = p.model.find_table("Users");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->columns[0].name, "ID");
  EXPECT_EQ(t->columns[0].type.name, "integer");
  EXPECT_TRUE(t->columns[0].auto_increment);
  EXPECT_EQ(t->primary_key->columns, std::vector<std::string>{"ID"});
  EXPECT_EQ(t->columns[2].name, "plain");
  EXPECT_NE(p.model.find_table("other"), nullptr);
  EXPECT_EQ(p.model.find_table("other")->columns[0].name, "x");
  EXPECT_EQ(t->foreign_keys.at(0).ref_table, "other");
}

TEST(PostgresDdl, ReplayingMigrationsAcrossFiles) {
  schema::Schema m;
  m.dialect = Dialect::postgresql;
  diag::Diagnostics ds;
  sql::apply_ddl_postgres(m, {"001.sql", "CREATE TABLE t (id int);"}, ds);
  sql::apply_ddl_postgres(m, {"002.sql", "ALTER TABLE t ADD COLUMN name text;"}, ds);
  sql::apply_ddl_postgres(m, {"003.sql", "ALTER TABLE t RENAME COLUMN nme TO n;"}, ds);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].location.file, "003.sql");
  EXPECT_EQ(ds[0].code, "sql.unknown-column");
  EXPECT_EQ(ds[0].hint, "did you mean `name`?");
  EXPECT_EQ(m.tables[0].columns.size(), 2u);
}

}  // namespace
