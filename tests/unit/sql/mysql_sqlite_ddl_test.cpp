// MySQL and SQLite DDL → schema model: every column and table constraint form, indexes, ALTER
// effects, DROP, views, raw statements, skipped DML, and located diagnostics.
#include <gtest/gtest.h>

#include "flash/sql/ddl.hpp"

using namespace flash;
using schema::Dialect;
using schema::GeneratedKind;
using schema::RefAction;

namespace {

schema::Schema parse(const std::string& sql, Dialect d, diag::Diagnostics* out = nullptr) {
  diag::Diagnostics diags;
  auto m = sql::parse_schema({{"schema.sql", sql}}, d, diags);
  if (out) {
    *out = diags;
  } else {
    for (const auto& dg : diags) ADD_FAILURE() << dg.location.line << ":" << dg.location.column << " " << dg.message;
  }
  return m;
}

const schema::Column& col(const schema::Schema& m, const char* table, const char* column) {
  const auto* t = m.find_table(table);
  if (!t) throw std::runtime_error(std::string("no table ") + table);
  const auto* c = t->find_column(column);
  if (!c) throw std::runtime_error(std::string("no column ") + column);
  return *c;
}

}  // namespace

TEST(MysqlDdl, ColumnsTypesAndOptions) {
  auto m = parse(R"sql(
CREATE TABLE IF NOT EXISTS `shop`.`items` (
  `id` INT(10) UNSIGNED ZEROFILL NOT NULL AUTO_INCREMENT COMMENT 'pk',
  name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT "none",
  price DECIMAL(13, 4) DEFAULT -1,
  flag BOOLEAN DEFAULT TRUE,
  amount double precision,
  size ENUM('s', 'm', 'it''s') NOT NULL,
  tags SET('a','b'),
  updated TIMESTAMP(6) NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  total INT AS (price * 2) STORED,
  v INT GENERATED ALWAYS AS ((`id` + 1)) VIRTUAL,
  note TEXT,
  big SERIAL,
  PRIMARY KEY (id)
) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='All items';
)sql",
                 Dialect::mysql);
  ASSERT_EQ(m.tables.size(), 1u);
  const auto& t = m.tables[0];
  EXPECT_EQ(t.schema, "shop");
  EXPECT_EQ(t.name, "items");
  EXPECT_TRUE(t.if_not_exists);
  ASSERT_EQ(t.columns.size(), 12u);
  const auto& id = t.columns[0];
  EXPECT_EQ(id.type.name, "int");
  EXPECT_EQ(id.type.args, (std::vector<std::string>{"10"}));
  EXPECT_TRUE(id.type.is_unsigned);
  EXPECT_TRUE(id.type.zerofill);
  EXPECT_FALSE(id.nullable);
  EXPECT_TRUE(id.auto_increment);
  EXPECT_EQ(id.comment, "pk");
  const auto& name = t.columns[1];
  EXPECT_EQ(name.type.name, "varchar");
  EXPECT_EQ(name.type.charset, "utf8mb4");
  EXPECT_EQ(name.collation, "utf8mb4_bin");
  EXPECT_FALSE(name.nullable);
  EXPECT_EQ(name.default_expr, "'none'");
  EXPECT_EQ(t.columns[2].type.name, "decimal");
  EXPECT_EQ(t.columns[2].type.args, (std::vector<std::string>{"13", "4"}));
  EXPECT_EQ(t.columns[2].default_expr, "-1");
  EXPECT_EQ(t.columns[3].type.name, "tinyint");
  EXPECT_EQ(t.columns[3].type.args, (std::vector<std::string>{"1"}));
  EXPECT_EQ(t.columns[3].default_expr, "TRUE");
  EXPECT_EQ(t.columns[4].type.name, "double");
  EXPECT_EQ(t.columns[5].type.name, "enum");
  EXPECT_EQ(t.columns[5].type.values, (std::vector<std::string>{"s", "m", "it's"}));
  EXPECT_EQ(t.columns[6].type.name, "set");
  EXPECT_EQ(t.columns[6].type.values, (std::vector<std::string>{"a", "b"}));
  const auto& upd = t.columns[7];
  EXPECT_EQ(upd.type.name, "timestamp");
  EXPECT_EQ(upd.type.args, (std::vector<std::string>{"6"}));
  EXPECT_TRUE(upd.nullable);
  EXPECT_EQ(upd.default_expr, "CURRENT_TIMESTAMP(6)");
  EXPECT_EQ(upd.on_update, "CURRENT_TIMESTAMP(6)");
  EXPECT_EQ(t.columns[8].generated, GeneratedKind::stored);
  EXPECT_EQ(t.columns[8].generated_expr, "price * 2");
  EXPECT_EQ(t.columns[9].generated, GeneratedKind::virtual_);
  EXPECT_EQ(t.columns[9].generated_expr, "id + 1");
  EXPECT_TRUE(t.columns[10].nullable);
  EXPECT_FALSE(t.columns[10].default_expr.has_value());
  // SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
  const auto& big = t.columns[11];
  EXPECT_EQ(big.type.name, "bigint");
  EXPECT_TRUE(big.type.is_unsigned);
  EXPECT_FALSE(big.nullable);
  EXPECT_TRUE(big.auto_increment);
  ASSERT_EQ(t.uniques.size(), 1u);
  EXPECT_EQ(t.uniques[0].columns, (std::vector<std::string>{"big"}));
  ASSERT_TRUE(t.primary_key);
  EXPECT_EQ(t.primary_key->columns, (std::vector<std::string>{"id"}));
  EXPECT_EQ(t.options.at("engine"), "InnoDB");
  EXPECT_EQ(t.options.at("auto_increment"), "42");
  EXPECT_EQ(t.options.at("charset"), "utf8mb4");
  EXPECT_EQ(t.options.at("collate"), "utf8mb4_unicode_ci");
  EXPECT_EQ(t.comment, "All items");
  EXPECT_EQ(id.loc.line, 3);
  EXPECT_EQ(id.loc.column, 3);
}

TEST(MysqlDdl, ConstraintsAndInlineIndexes) {
  auto m = parse(R"sql(
CREATE TABLE author (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) UNIQUE, name TEXT);
CREATE TABLE book (
  id INT NOT NULL,
  author_id INT UNSIGNED NOT NULL REFERENCES author(id) ON DELETE CASCADE,
  isbn CHAR(13) NOT NULL,
  title VARCHAR(200),
  pages INT CHECK (pages > 0),
  CONSTRAINT `pk_book` PRIMARY KEY (id, isbn),
  CONSTRAINT uq_isbn UNIQUE (isbn),
  UNIQUE KEY uk_title (title(50), pages DESC),
  KEY idx_author (author_id) USING HASH,
  INDEX (pages),
  FULLTEXT KEY ft_title (title),
  CONSTRAINT fk_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE SET NULL ON UPDATE RESTRICT,
  CONSTRAINT chk_title CHECK (title <> '') NOT ENFORCED
);
)sql",
                 Dialect::mysql);
  const auto* a = m.find_table("author");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->primary_key->columns, (std::vector<std::string>{"id"}));
  ASSERT_EQ(a->uniques.size(), 1u);
  EXPECT_EQ(a->uniques[0].name, "");
  const auto* b = m.find_table("book");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->primary_key->name, "pk_book");
  EXPECT_EQ(b->primary_key->columns, (std::vector<std::string>{"id", "isbn"}));
  ASSERT_EQ(b->uniques.size(), 1u);
  EXPECT_EQ(b->uniques[0].name, "uq_isbn");
  ASSERT_EQ(b->foreign_keys.size(), 2u);
  EXPECT_EQ(b->foreign_keys[0].name, "");
  EXPECT_EQ(b->foreign_keys[0].columns, (std::vector<std::string>{"author_id"}));
  EXPECT_EQ(b->foreign_keys[0].ref_table, "author");
  EXPECT_EQ(b->foreign_keys[0].on_delete, RefAction::cascade);
  EXPECT_EQ(b->foreign_keys[1].name, "fk_author");
  EXPECT_EQ(b->foreign_keys[1].ref_columns, (std::vector<std::string>{"id"}));
  EXPECT_EQ(b->foreign_keys[1].on_delete, RefAction::set_null);
  EXPECT_EQ(b->foreign_keys[1].on_update, RefAction::restrict);
  ASSERT_EQ(b->checks.size(), 2u);
  EXPECT_EQ(b->checks[0].name, "");
  EXPECT_EQ(b->checks[0].expr, "pages > 0");
  EXPECT_EQ(b->checks[1].name, "chk_title");
  EXPECT_EQ(b->checks[1].expr, "title <> ''");
  auto idx = m.indexes_of("book");
  ASSERT_EQ(idx.size(), 4u);
  EXPECT_EQ(idx[0]->name, "uk_title");
  EXPECT_TRUE(idx[0]->unique);
  ASSERT_EQ(idx[0]->parts.size(), 2u);
  EXPECT_EQ(idx[0]->parts[0].column, "title");
  EXPECT_EQ(idx[0]->parts[0].length, 50);
  EXPECT_TRUE(idx[0]->parts[1].descending);
  EXPECT_EQ(idx[1]->name, "idx_author");
  EXPECT_EQ(idx[1]->method, "hash");
  EXPECT_FALSE(idx[1]->unique);
  EXPECT_EQ(idx[2]->name, "pages");  // MySQL names an unnamed key after its first column
  EXPECT_EQ(idx[3]->method, "fulltext");
  EXPECT_FALSE(b->find_column("id")->nullable);
  EXPECT_FALSE(b->find_column("isbn")->nullable);
}

TEST(MysqlDdl, CreateIndexViewAndRaw) {
  auto m = parse(R"sql(
CREATE DATABASE shop;
USE shop;
SET NAMES utf8mb4;
CREATE TABLE t (a INT, b VARCHAR(20), c JSON);
CREATE UNIQUE INDEX ix_ab USING BTREE ON t (a, b(10));
CREATE INDEX ix_expr ON t ((CAST(c->>'$.x' AS UNSIGNED)));
CREATE SPATIAL INDEX ix_sp ON t (b);
INSERT INTO t VALUES (1, 'x;y', '{}');
CREATE OR REPLACE ALGORITHM=MERGE VIEW v (x) AS SELECT a FROM t WHERE b <> ';';
DELIMITER //
CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON t FOR EACH ROW
BEGIN
  SET NEW.a = COALESCE(NEW.a, 0);
END//
DELIMITER ;
CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END;
CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x + 1;
)sql",
                 Dialect::mysql);
  EXPECT_TRUE(m.schemas.empty());
  ASSERT_EQ(m.indexes.size(), 3u);
  EXPECT_EQ(m.indexes[0].name, "ix_ab");
  EXPECT_TRUE(m.indexes[0].unique);
  EXPECT_EQ(m.indexes[0].method, "");  // btree is the default
  EXPECT_EQ(m.indexes[0].parts[1].length, 10);
  EXPECT_EQ(m.indexes[1].parts[0].expr, "CAST(c ->> '$.x' AS UNSIGNED)");
  EXPECT_EQ(m.indexes[2].method, "spatial");
  ASSERT_EQ(m.views.size(), 1u);
  EXPECT_EQ(m.views[0].name, "v");
  EXPECT_EQ(m.views[0].columns, (std::vector<std::string>{"x"}));
  EXPECT_EQ(m.views[0].query, "SELECT a FROM t WHERE b <> ';'");
  ASSERT_EQ(m.raw.size(), 3u);
  EXPECT_EQ(m.raw[0].kind, "trigger");
  EXPECT_EQ(m.raw[0].name, "trg");
  EXPECT_EQ(m.raw[0].sql.substr(0, 14), "CREATE DEFINER");
  EXPECT_EQ(m.raw[0].sql.substr(m.raw[0].sql.size() - 3), "END");
  EXPECT_EQ(m.raw[0].loc.line, 12);
  EXPECT_EQ(m.raw[1].kind, "procedure");
  EXPECT_EQ(m.raw[1].sql, "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END");
  EXPECT_EQ(m.raw[2].kind, "function");
  EXPECT_EQ(m.raw[2].name, "f");
}

TEST(MysqlDdl, AlterTable) {
  auto m = parse(R"sql(
CREATE TABLE users (id INT NOT NULL, name TEXT NOT NULL, email VARCHAR(50), old INT);
CREATE TABLE posts (id INT PRIMARY KEY, user_id INT);
ALTER TABLE users ADD PRIMARY KEY (id), ADD COLUMN age INT DEFAULT 0 AFTER name, ADD bio TEXT FIRST;
ALTER TABLE users MODIFY COLUMN name VARCHAR(100) NULL, CHANGE email mail VARCHAR(80) NOT NULL;
ALTER TABLE users ADD UNIQUE INDEX ux_mail (mail), ADD CONSTRAINT ck_age CHECK (age >= 0);
ALTER TABLE users DROP COLUMN old, ALTER COLUMN age SET DEFAULT 18, ENGINE = MyISAM;
ALTER TABLE posts ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE users RENAME COLUMN mail TO email_address;
ALTER TABLE users RENAME INDEX ux_mail TO ux_email;
ALTER TABLE users RENAME TO members;
RENAME TABLE posts TO articles;
ALTER TABLE articles DROP FOREIGN KEY fk_user, ADD INDEX ix_user (user_id);
ALTER TABLE members DROP INDEX ux_email, DROP CHECK ck_age;
)sql",
                 Dialect::mysql);
  const auto* u = m.find_table("members");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(m.find_table("users"), nullptr);
  std::vector<std::string> names;
  for (const auto& c : u->columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"bio", "id", "name", "age", "email_address"}));
  EXPECT_EQ(u->primary_key->columns, (std::vector<std::string>{"id"}));
  EXPECT_TRUE(u->find_column("name")->nullable);
  EXPECT_EQ(u->find_column("name")->type.args, (std::vector<std::string>{"100"}));
  EXPECT_FALSE(u->find_column("email_address")->nullable);
  EXPECT_EQ(u->find_column("email_address")->type.args, (std::vector<std::string>{"80"}));
  EXPECT_EQ(u->find_column("age")->default_expr, "18");
  EXPECT_TRUE(u->checks.empty());
  EXPECT_EQ(u->options.at("engine"), "MyISAM");
  const auto* a = m.find_table("articles");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->foreign_keys.empty());
  ASSERT_EQ(m.indexes.size(), 1u);
  EXPECT_EQ(m.indexes[0].name, "ix_user");
  EXPECT_EQ(m.indexes[0].table, "articles");
}

TEST(MysqlDdl, AlterKeepsReferencesInStep) {
  auto m = parse(R"sql(
CREATE TABLE a (id INT PRIMARY KEY, code INT, KEY k_code (code));
CREATE TABLE b (a_id INT, FOREIGN KEY (a_id) REFERENCES a (id));
ALTER TABLE a CHANGE COLUMN id a_key INT NOT NULL;
ALTER TABLE a RENAME COLUMN code TO kode;
ALTER TABLE a RENAME TO aa;
)sql",
                 Dialect::mysql);
  const auto* a = m.find_table("aa");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->primary_key->columns, (std::vector<std::string>{"a_key"}));
  EXPECT_EQ(m.indexes.at(0).parts.at(0).column, "kode");
  EXPECT_EQ(m.indexes.at(0).table, "aa");
  const auto& fk = m.find_table("b")->foreign_keys.at(0);
  EXPECT_EQ(fk.ref_table, "aa");
  EXPECT_EQ(fk.ref_columns, (std::vector<std::string>{"a_key"}));
}

TEST(MysqlDdl, DropStatements) {
  auto m = parse(R"sql(
CREATE SCHEMA foo;
CREATE TABLE foo.bar (baz TEXT);
CREATE TABLE t1 (a INT, INDEX ia (a));
CREATE TABLE t2 (a INT);
CREATE VIEW v AS SELECT 1;
CREATE TRIGGER tr BEFORE INSERT ON t2 FOR EACH ROW SET NEW.a = 1;
DROP INDEX ia ON t1;
DROP TABLE IF EXISTS t1, missing;
DROP VIEW IF EXISTS v;
DROP TRIGGER tr;
DROP SCHEMA foo;
)sql",
                 Dialect::mysql);
  EXPECT_TRUE(m.schemas.empty());
  ASSERT_EQ(m.tables.size(), 1u);
  EXPECT_EQ(m.tables[0].name, "t2");
  EXPECT_TRUE(m.indexes.empty());
  EXPECT_TRUE(m.views.empty());
  EXPECT_TRUE(m.raw.empty());
}

// The index InnoDB made for a foreign key is not in the model; dropping it in the ALTER TABLE that
// drops the key (named: after the constraint; unnamed: after its first column) replays. Any other
// unknown index is still an error.
TEST(MysqlDdl, DropForeignKeyWithItsServerMadeIndex) {
  diag::Diagnostics diags;
  auto m = parse(
      "CREATE TABLE p (id INT PRIMARY KEY);\n"
      "CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES p (id),\n"
      "  FOREIGN KEY (b) REFERENCES p (id));\n"
      "ALTER TABLE c DROP FOREIGN KEY fk_a, DROP INDEX fk_a;\n"
      "ALTER TABLE c DROP FOREIGN KEY c_ibfk_1, DROP INDEX b;\n"
      "ALTER TABLE c DROP INDEX a;\n",
      Dialect::mysql, &diags);
  ASSERT_EQ(diags.size(), 1u) << diags[0].message;
  EXPECT_EQ(diags[0].code, "sql.unknown-table");
  EXPECT_EQ(diags[0].location.line, 6);
  EXPECT_TRUE(m.find_table("c")->foreign_keys.empty());
}

TEST(MysqlDdl, Diagnostics) {
  diag::Diagnostics diags;
  auto m = parse(
      "CREATE TABLE users (id INT, email TEXT);\n"
      "ALTER TABLE userz ADD COLUMN x INT;\n"
      "ALTER TABLE users DROP COLUMN emial;\n"
      "CREATE TABLE users (id INT);\n"
      "CREATE TABLE t (a INT,, b INT);\n"
      "CREATE TABLE after_errors (a INT);\n",
      Dialect::mysql, &diags);
  ASSERT_EQ(diags.size(), 4u);
  EXPECT_EQ(diags[0].code, "sql.unknown-table");
  EXPECT_EQ(diags[0].location.file, "schema.sql");
  EXPECT_EQ(diags[0].location.line, 2);
  EXPECT_EQ(diags[0].location.column, 13);
  EXPECT_EQ(diags[0].hint, "did you mean `users`?");
  EXPECT_EQ(diags[1].code, "sql.unknown-column");
  EXPECT_EQ(diags[1].location.line, 3);
  EXPECT_EQ(diags[1].location.column, 31);
  EXPECT_EQ(diags[1].hint, "did you mean `email`?");
  EXPECT_EQ(diags[2].code, "sql.duplicate");
  EXPECT_EQ(diags[2].location.line, 4);
  EXPECT_EQ(diags[3].code, "sql.syntax");
  EXPECT_EQ(diags[3].location.line, 5);
  EXPECT_EQ(diags[3].location.column, 23);
  // Parsing went on after each error; the failing ALTER left the table untouched.
  EXPECT_NE(m.find_table("after_errors"), nullptr);
  EXPECT_EQ(m.find_table("users")->columns.size(), 2u);
  EXPECT_EQ(m.find_table("t"), nullptr);
}

TEST(MysqlDdl, UnknownKeyColumn) {
  diag::Diagnostics diags;
  parse("CREATE TABLE t (id INT,\n  PRIMARY KEY (idd));", Dialect::mysql, &diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "sql.unknown-column");
  EXPECT_EQ(diags[0].location.line, 2);
  EXPECT_EQ(diags[0].location.column, 16);
  EXPECT_EQ(diags[0].hint, "did you mean `id`?");
}

TEST(SqliteDdl, TablesAndConstraints) {
  auto m = parse(R"sql(
PRAGMA foreign_keys = ON;
CREATE TABLE "user profiles" (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  [display name] TEXT NOT NULL COLLATE NOCASE DEFAULT 'anon',
  score REAL CHECK (score >= 0) DEFAULT (0.5),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  parent INT CONSTRAINT fk_parent REFERENCES "user profiles"(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  untyped,
  big UNSIGNED BIG INT,
  full_name TEXT GENERATED ALWAYS AS (lower([display name])) STORED,
  UNIQUE ([display name] COLLATE NOCASE) ON CONFLICT REPLACE
) WITHOUT ROWID;
CREATE TABLE strict_one (x INT PRIMARY KEY, y TEXT) STRICT, WITHOUT ROWID;
CREATE TABLE pair (a INT NOT NULL, b INT, PRIMARY KEY (a, b), FOREIGN KEY (a) REFERENCES "user profiles");
)sql",
                 Dialect::sqlite);
  const auto* t = m.find_table("user profiles");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->columns.size(), 8u);
  const auto& id = t->columns[0];
  EXPECT_EQ(id.type.name, "integer");
  EXPECT_TRUE(id.auto_increment);
  EXPECT_FALSE(id.nullable);
  EXPECT_EQ(t->primary_key->columns, (std::vector<std::string>{"id"}));
  EXPECT_EQ(t->columns[1].name, "display name");
  EXPECT_EQ(t->columns[1].collation, "NOCASE");
  EXPECT_EQ(t->columns[1].default_expr, "'anon'");
  EXPECT_EQ(t->columns[2].type.name, "real");
  EXPECT_EQ(t->columns[2].default_expr, "0.5");
  EXPECT_EQ(t->columns[3].default_expr, "CURRENT_TIMESTAMP");
  EXPECT_EQ(t->columns[5].name, "untyped");
  EXPECT_EQ(t->columns[5].type.name, "");
  EXPECT_EQ(t->columns[6].type.name, "unsigned big int");
  EXPECT_EQ(t->columns[7].generated, GeneratedKind::stored);
  EXPECT_EQ(t->columns[7].generated_expr, "lower([display name])");
  ASSERT_EQ(t->checks.size(), 1u);
  EXPECT_EQ(t->checks[0].expr, "score >= 0");
  ASSERT_EQ(t->foreign_keys.size(), 1u);
  const auto& fk = t->foreign_keys[0];
  EXPECT_EQ(fk.name, "fk_parent");
  EXPECT_EQ(fk.ref_table, "user profiles");
  EXPECT_EQ(fk.on_delete, RefAction::set_null);
  EXPECT_TRUE(fk.deferrable);
  EXPECT_TRUE(fk.initially_deferred);
  ASSERT_EQ(t->uniques.size(), 1u);
  EXPECT_EQ(t->uniques[0].columns, (std::vector<std::string>{"display name"}));
  // (A STRICT table allows INT, INTEGER, REAL, TEXT, BLOB and ANY only: sql/validate.hpp.)
  EXPECT_EQ(m.find_table("strict_one")->options.at("strict"), "1");
  EXPECT_EQ(m.find_table("strict_one")->options.at("without_rowid"), "1");
  EXPECT_EQ(t->options.at("without_rowid"), "1");
  const auto* p = m.find_table("pair");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->primary_key->columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(p->find_column("b")->nullable);  // primary-key columns are NOT NULL
  EXPECT_TRUE(p->foreign_keys[0].ref_columns.empty());
}

TEST(SqliteDdl, IndexesViewsTriggersAndAlter) {
  auto m = parse(R"sql(
CREATE TABLE Users (id integer primary key, name text, "Email" text);
CREATE UNIQUE INDEX IF NOT EXISTS main.ux_email ON Users ("Email" COLLATE NOCASE DESC) WHERE "Email" IS NOT NULL;
CREATE INDEX ix_lower ON users (lower(name), id);
CREATE INDEX IF NOT EXISTS ix_lower ON users (name);
CREATE VIEW IF NOT EXISTS named AS SELECT id, name FROM Users WHERE name IS NOT NULL;
CREATE TRIGGER tr AFTER INSERT ON Users BEGIN
  UPDATE Users SET name = CASE WHEN new.name IS NULL THEN 'x' ELSE new.name END WHERE id = new.id;
END;
CREATE VIRTUAL TABLE docs USING fts5(body);
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE Users RENAME "Email" TO "EmailAddress";
ALTER TABLE Users ADD COLUMN created_at text NOT NULL DEFAULT '';
ALTER TABLE Users DROP COLUMN created_at;
ALTER TABLE Users RENAME TO people;
BEGIN TRANSACTION;
INSERT INTO people (full_name) VALUES ('a');
COMMIT;
)sql",
                 Dialect::sqlite);
  const auto* t = m.find_table("people");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->columns.size(), 3u);
  EXPECT_EQ(t->columns[1].name, "full_name");
  EXPECT_EQ(t->columns[2].name, "EmailAddress");
  ASSERT_EQ(m.indexes.size(), 2u);
  const auto& ux = m.indexes[0];
  EXPECT_EQ(ux.name, "ux_email");
  EXPECT_EQ(ux.schema, "");
  EXPECT_EQ(ux.table, "people");
  EXPECT_TRUE(ux.unique);
  EXPECT_EQ(ux.parts[0].column, "EmailAddress");
  EXPECT_EQ(ux.parts[0].collation, "NOCASE");
  EXPECT_TRUE(ux.parts[0].descending);
  EXPECT_EQ(ux.where, "Email IS NOT NULL");
  const auto& lx = m.indexes[1];
  EXPECT_EQ(lx.parts[0].expr, "lower(name)");
  EXPECT_EQ(lx.parts[1].column, "id");
  ASSERT_EQ(m.views.size(), 1u);
  EXPECT_EQ(m.views[0].query, "SELECT id, name FROM Users WHERE name IS NOT NULL");
  ASSERT_EQ(m.raw.size(), 2u);
  EXPECT_EQ(m.raw[0].kind, "trigger");
  EXPECT_EQ(m.raw[0].name, "tr");
  EXPECT_EQ(m.raw[0].sql.substr(m.raw[0].sql.size() - 3), "END");
  EXPECT_EQ(m.raw[1].kind, "virtual table");
  EXPECT_EQ(m.raw[1].name, "docs");
}

TEST(SqliteDdl, DropAndErrors) {
  diag::Diagnostics diags;
  auto m = parse(
      "CREATE TABLE \"Books\" (id integer);\n"
      "CREATE INDEX ib ON Books (id);\n"
      "DROP TABLE \"Books\";\n"
      "DROP TABLE IF EXISTS Books;\n"
      "DROP TABLE Books;\n"
      "CREATE INDEX ix ON nope (a);\n",
      Dialect::sqlite, &diags);
  EXPECT_TRUE(m.tables.empty());
  EXPECT_TRUE(m.indexes.empty());
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].code, "sql.unknown-table");
  EXPECT_EQ(diags[0].location.line, 5);
  EXPECT_EQ(diags[0].location.column, 12);
  EXPECT_EQ(diags[1].code, "sql.unknown-table");
  EXPECT_EQ(diags[1].location.line, 6);
  EXPECT_EQ(diags[1].location.column, 20);
}

TEST(Ddl, DialectDispatch) {
  diag::Diagnostics diags;
  schema::Schema m;
  m.dialect = Dialect::sqlite;
  sql::apply_ddl(m, {"a.sql", "CREATE TABLE a (x);"}, diags);
  sql::apply_ddl(m, {"b.sql", "CREATE TABLE b (y); ALTER TABLE a ADD z;"}, diags);
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(m.tables.size(), 2u);
  EXPECT_EQ(m.tables[0].columns.size(), 2u);
  schema::Schema mongo;
  mongo.dialect = Dialect::mongodb;
  sql::apply_ddl(mongo, {"c.sql", "CREATE TABLE c (x)"}, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "sql.unsupported-dialect");
}

TEST(MysqlDdl, MiscForms) {
  auto m = parse(R"sql(
CREATE TABLE src (id BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT, label VARCHAR(10) DEFAULT _utf8mb4'x',
  `key` TEXT, PRIMARY KEY (id), KEY k_label (label)) ENGINE=InnoDB;
CREATE TABLE copy LIKE src;
ALTER TABLE copy ADD COLUMN IF NOT EXISTS label INT, ADD COLUMN (extra1 INT, extra2 INT NOT NULL);
ALTER TABLE copy DROP PRIMARY KEY, DROP COLUMN IF EXISTS nothing;
ALTER TABLE src CONVERT TO CHARACTER SET latin1 COLLATE latin1_swedish_ci, ALGORITHM=INPLACE;
CREATE TABLE flags (ready bool not null, k INT KEY);
CREATE TABLE kw (`id` INT, spatial VARCHAR(10), fulltext TEXT, index INT, KEY date (spatial), FULLTEXT (fulltext))
  DATA DIRECTORY = '/tmp/x';
)sql",
                 Dialect::mysql);
  EXPECT_EQ(col(m, "src", "label").default_expr, "_utf8mb4 'x'");
  EXPECT_EQ(col(m, "src", "key").type.name, "text");
  EXPECT_EQ(col(m, "src", "id").type.args, (std::vector<std::string>{"20"}));
  EXPECT_EQ(col(m, "copy", "label").type.name, "varchar");  // IF NOT EXISTS kept the old column
  EXPECT_FALSE(col(m, "copy", "extra2").nullable);
  EXPECT_FALSE(m.find_table("copy")->primary_key.has_value());
  EXPECT_EQ(m.indexes_of("copy").size(), 1u);
  EXPECT_EQ(m.find_table("src")->options.at("charset"), "latin1");
  EXPECT_EQ(m.find_table("src")->options.at("collate"), "latin1_swedish_ci");
  EXPECT_EQ(col(m, "flags", "ready").type.name, "tinyint");
  EXPECT_FALSE(col(m, "flags", "ready").nullable);
  EXPECT_EQ(m.find_table("flags")->primary_key->columns, (std::vector<std::string>{"k"}));
  // Column names that are also index keywords.
  ASSERT_EQ(m.find_table("kw")->columns.size(), 4u);
  auto kw = m.indexes_of("kw");
  ASSERT_EQ(kw.size(), 2u);
  EXPECT_EQ(kw[0]->name, "date");
  EXPECT_EQ(kw[0]->parts[0].column, "spatial");
  EXPECT_EQ(kw[1]->method, "fulltext");
  EXPECT_EQ(m.find_table("kw")->options.at("data_directory"), "/tmp/x");
}

// Issue 10, class 6: MySQL names an unnamed key after its first column, with _2, _3 ... when the
// table already has a key of that name (unnamed UNIQUE constraints included), in declaration order
// (the names MariaDB 10.11 gives: a, a_2, a_3, b, b_2).
TEST(MysqlDdl, UnnamedKeysGetTheServersNames) {
  auto m = parse("CREATE TABLE e1 (a INT, b INT, KEY (a), UNIQUE (a), KEY (a, b), INDEX (b), UNIQUE KEY (b));", Dialect::mysql);
  std::vector<std::string> names;
  for (const auto& ix : m.indexes) names.push_back(ix.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "a_3", "b", "b_2"}));
  // ALTER TABLE ADD KEY on a table that already has the name.
  m = parse("CREATE TABLE t (role INT, KEY (role)); ALTER TABLE t ADD UNIQUE KEY (role); ALTER TABLE t ADD INDEX (role);",
            Dialect::mysql);
  names.clear();
  for (const auto& ix : m.indexes) names.push_back(ix.name);
  EXPECT_EQ(names, (std::vector<std::string>{"role", "role_2", "role_3"}));
}

// A later migration drops an unnamed constraint by the name the server gave it.
TEST(MysqlDdl, ImplicitConstraintNamesResolve) {
  auto m = parse(R"sql(
CREATE TABLE p (id INT PRIMARY KEY);
CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, u INT, v INT,
  FOREIGN KEY (a) REFERENCES p (id), CONSTRAINT named FOREIGN KEY (b) REFERENCES p (id), FOREIGN KEY (b) REFERENCES p (id),
  UNIQUE (u), UNIQUE (u, v), CHECK (a > 0), CHECK (b > 0));
ALTER TABLE c DROP FOREIGN KEY c_ibfk_2;
ALTER TABLE c DROP INDEX u_2;
ALTER TABLE c DROP CONSTRAINT CONSTRAINT_2;
ALTER TABLE c DROP CHECK c_chk_1;
)sql", Dialect::mysql);
  const auto* c = m.find_table("c");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->foreign_keys.size(), 2u);
  EXPECT_EQ(c->foreign_keys[0].columns, (std::vector<std::string>{"a"}));
  EXPECT_EQ(c->foreign_keys[1].name, "named");
  ASSERT_EQ(c->uniques.size(), 1u);
  EXPECT_EQ(c->uniques[0].columns, (std::vector<std::string>{"u"}));
  EXPECT_TRUE(c->checks.empty());
  diag::Diagnostics ds;
  parse("CREATE TABLE c (id INT, a INT); ALTER TABLE c DROP FOREIGN KEY c_ibfk_1;", Dialect::mysql, &ds);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_NE(ds[0].message.find("unknown foreign key"), std::string::npos);
}

// Issue 10: an unwritten ON DELETE / ON UPDATE is not an explicit NO ACTION (MariaDB records
// RESTRICT for the one and NO ACTION for the other); both parsers keep what was written.
TEST(MysqlDdl, ForeignKeyActionsAsWritten) {
  for (Dialect d : {Dialect::mysql, Dialect::sqlite}) {
    auto m = parse("CREATE TABLE p (id INT PRIMARY KEY); CREATE TABLE c (a INT, b INT, r INT, "
                   "FOREIGN KEY (a) REFERENCES p (id), FOREIGN KEY (b) REFERENCES p (id) ON DELETE NO ACTION ON UPDATE NO ACTION, "
                   "FOREIGN KEY (r) REFERENCES p (id) ON DELETE RESTRICT);",
                   d);
    const auto& fks = m.find_table("c")->foreign_keys;
    ASSERT_EQ(fks.size(), 3u);
    EXPECT_EQ(fks[0].on_delete, RefAction::unspecified);
    EXPECT_EQ(fks[0].on_update, RefAction::unspecified);
    EXPECT_EQ(fks[1].on_delete, RefAction::no_action);
    EXPECT_EQ(fks[1].on_update, RefAction::no_action);
    EXPECT_EQ(fks[2].on_delete, RefAction::restrict);
    EXPECT_EQ(fks[2].on_update, RefAction::unspecified);
    // What each engine enforces: InnoDB's NO ACTION is RESTRICT; SQLite's default is NO ACTION.
    EXPECT_EQ(schema::effective_action(fks[0].on_delete, d),
              d == Dialect::mysql ? RefAction::restrict : RefAction::no_action);
    EXPECT_EQ(schema::same_foreign_key(fks[0], fks[1], d), false);  // different columns
  }
}

// Issue 10: `USE db` makes db the default database of what follows (the script's own target).
TEST(MysqlDdl, UseMakesTheDatabaseTheDefault) {
  auto m = parse("CREATE DATABASE app; USE app; CREATE TABLE app.users (id INT PRIMARY KEY); "
                 "CREATE TABLE posts (id INT, user_id INT REFERENCES app.users (id)); CREATE TABLE other.t (id INT);",
                 Dialect::mysql);
  ASSERT_NE(m.find_table("users"), nullptr);
  EXPECT_EQ(m.find_table("posts")->foreign_keys.at(0).ref_schema, "");
  EXPECT_NE(m.find_table("t", "other"), nullptr);
}
