#include "flash/schema/types.hpp"

#include <gtest/gtest.h>

namespace flash::schema {
namespace {

TEST(CanonicalTypeName, PostgresSynonyms) {
  const Dialect pg = Dialect::postgresql;
  EXPECT_EQ(canonical_type_name("INT4", pg), "integer");
  EXPECT_EQ(canonical_type_name("int", pg), "integer");
  EXPECT_EQ(canonical_type_name("int8", pg), "bigint");
  EXPECT_EQ(canonical_type_name("int2", pg), "smallint");
  EXPECT_EQ(canonical_type_name("bool", pg), "boolean");
  EXPECT_EQ(canonical_type_name("float8", pg), "double precision");
  EXPECT_EQ(canonical_type_name("Double   Precision", pg), "double precision");
  EXPECT_EQ(canonical_type_name("float4", pg), "real");
  EXPECT_EQ(canonical_type_name("character varying", pg), "varchar");
  // bpchar without a length is unlimited blank-padded text, not char(1): a name of its own.
  EXPECT_EQ(canonical_type_name("bpchar", pg), "bpchar");
  EXPECT_EQ(canonical_type_name("character", pg), "char");
  EXPECT_EQ(canonical_type_name("timestamp without time zone", pg), "timestamp");
  EXPECT_EQ(canonical_type_name("timestamp with time zone", pg), "timestamptz");
  EXPECT_EQ(canonical_type_name("time with time zone", pg), "timetz");
  EXPECT_EQ(canonical_type_name("decimal", pg), "numeric");
  EXPECT_EQ(canonical_type_name("pg_catalog.int4", pg), "integer");
  EXPECT_EQ(canonical_type_name("jsonb", pg), "jsonb");
  EXPECT_EQ(canonical_type_name("Mood", pg), "mood");
}

TEST(CanonicalTypeName, MysqlAndSqlite) {
  EXPECT_EQ(canonical_type_name("INTEGER", Dialect::mysql), "int");
  EXPECT_EQ(canonical_type_name("BOOLEAN", Dialect::mysql), "tinyint");
  EXPECT_EQ(canonical_type_name("numeric", Dialect::mysql), "decimal");
  EXPECT_EQ(canonical_type_name("double precision", Dialect::mysql), "double");
  EXPECT_EQ(canonical_type_name("NVARCHAR", Dialect::mysql), "nvarchar");
  EXPECT_EQ(canonical_type_name("national  character varying", Dialect::mysql), "nvarchar");
  EXPECT_EQ(canonical_type_name("DATETIME", Dialect::mysql), "datetime");
  EXPECT_EQ(canonical_type_name("NVARCHAR", Dialect::sqlite), "nvarchar");
  EXPECT_EQ(canonical_type_name("UNSIGNED  BIG INT", Dialect::sqlite), "unsigned big int");
}

TypeRef T(std::string name, std::vector<std::string> args = {}) {
  TypeRef t;
  t.name = std::move(name);
  t.args = std::move(args);
  return t;
}

TEST(Category, Postgres) {
  const Dialect pg = Dialect::postgresql;
  EXPECT_EQ(category(T("integer"), pg), TypeCategory::int32);
  EXPECT_EQ(category(T("int8"), pg), TypeCategory::int64);
  EXPECT_EQ(category(T("smallint"), pg), TypeCategory::int16);
  EXPECT_EQ(category(T("boolean"), pg), TypeCategory::boolean);
  EXPECT_EQ(category(T("numeric", {"10", "2"}), pg), TypeCategory::decimal);
  EXPECT_EQ(category(T("varchar", {"20"}), pg), TypeCategory::text);
  EXPECT_EQ(category(T("timestamptz"), pg), TypeCategory::timestamptz);
  EXPECT_EQ(category(T("timestamp"), pg), TypeCategory::timestamp);
  EXPECT_EQ(category(T("jsonb"), pg), TypeCategory::json);
  EXPECT_EQ(category(T("uuid"), pg), TypeCategory::uuid);
  EXPECT_EQ(category(T("bytea"), pg), TypeCategory::bytes);
  EXPECT_EQ(category(T("interval"), pg), TypeCategory::interval);
  EXPECT_EQ(category(T("inet"), pg), TypeCategory::inet);
  EXPECT_EQ(category(T("varbit"), pg), TypeCategory::bits);
  EXPECT_EQ(category(T("tsvector"), pg), TypeCategory::text);
  EXPECT_EQ(category(T("mood"), pg), TypeCategory::other);
  TypeRef arr = T("text");
  arr.array_dims = 1;
  EXPECT_EQ(category(arr, pg), TypeCategory::text);  // element category

  Schema s;
  s.enums.push_back({"", "mood", {"sad", "ok"}, {}});
  Domain year;
  year.name = "year";
  year.type = T("integer");
  s.domains.push_back(year);
  EXPECT_EQ(category(T("mood"), pg, &s), TypeCategory::enum_);
  EXPECT_EQ(category(T("year"), pg, &s), TypeCategory::int32);
  TypeRef other_schema = T("mood");
  other_schema.schema = "x";
  EXPECT_EQ(category(other_schema, pg, &s), TypeCategory::other);
}

TEST(Category, Mysql) {
  const Dialect my = Dialect::mysql;
  EXPECT_EQ(category(T("tinyint", {"1"}), my), TypeCategory::boolean);
  EXPECT_EQ(category(T("tinyint", {"4"}), my), TypeCategory::int16);
  EXPECT_EQ(category(T("int"), my), TypeCategory::int32);
  EXPECT_EQ(category(T("integer"), my), TypeCategory::int32);
  TypeRef u = T("int");
  u.is_unsigned = true;
  EXPECT_EQ(category(u, my), TypeCategory::int64);
  u.name = "smallint";
  EXPECT_EQ(category(u, my), TypeCategory::int32);
  u.name = "mediumint";
  EXPECT_EQ(category(u, my), TypeCategory::int64);
  u.name = "bigint";
  EXPECT_EQ(category(u, my), TypeCategory::int64);
  EXPECT_EQ(category(T("datetime"), my), TypeCategory::timestamp);
  EXPECT_EQ(category(T("decimal", {"10", "2"}), my), TypeCategory::decimal);
  EXPECT_EQ(category(T("longtext"), my), TypeCategory::text);
  EXPECT_EQ(category(T("nvarchar", {"10"}), my), TypeCategory::text);
  EXPECT_EQ(category(T("varbinary", {"16"}), my), TypeCategory::bytes);
  EXPECT_EQ(category(T("double"), my), TypeCategory::float64);
  EXPECT_EQ(category(T("float"), my), TypeCategory::float32);
  EXPECT_EQ(category(T("json"), my), TypeCategory::json);
  TypeRef e = T("enum");
  e.values = {"a", "b"};
  EXPECT_EQ(category(e, my), TypeCategory::enum_);
}

TEST(Category, SqliteAffinity) {
  const Dialect lite = Dialect::sqlite;
  EXPECT_EQ(category(T("integer"), lite), TypeCategory::int64);
  EXPECT_EQ(category(T("unsigned big int"), lite), TypeCategory::int64);
  EXPECT_EQ(category(T("nvarchar", {"100"}), lite), TypeCategory::text);
  EXPECT_EQ(category(T("clob"), lite), TypeCategory::text);
  EXPECT_EQ(category(T("blob"), lite), TypeCategory::bytes);
  EXPECT_EQ(category(T("double precision"), lite), TypeCategory::float64);
  EXPECT_EQ(category(T("real"), lite), TypeCategory::float64);
  EXPECT_EQ(category(T("numeric", {"10", "2"}), lite), TypeCategory::decimal);
  EXPECT_EQ(category(T("money"), lite), TypeCategory::decimal);  // rule 5: NUMERIC
  EXPECT_EQ(category(T("point"), lite), TypeCategory::int64);    // "poINT": rule 1 wins
  EXPECT_EQ(category(T("boolean"), lite), TypeCategory::boolean);
  EXPECT_EQ(category(T("datetime"), lite), TypeCategory::timestamp);
  EXPECT_EQ(category(T("date"), lite), TypeCategory::date);
  EXPECT_EQ(category(T("json"), lite), TypeCategory::json);
  EXPECT_EQ(category(T(""), lite), TypeCategory::other);
}

TEST(RenderType, PerDialect) {
  EXPECT_EQ(render_type(T("varchar", {"255"}), Dialect::postgresql), "varchar(255)");
  EXPECT_EQ(render_type(T("numeric", {"10", "2"}), Dialect::postgresql), "numeric(10,2)");
  TypeRef arr = T("integer");
  arr.array_dims = 2;
  EXPECT_EQ(render_type(arr, Dialect::postgresql), "integer[][]");
  EXPECT_EQ(render_type(T("double precision"), Dialect::postgresql), "double precision");
  TypeRef user = T("Mood");
  EXPECT_EQ(render_type(user, Dialect::postgresql), "\"Mood\"");
  user.name = "mood";
  user.schema = "app";
  EXPECT_EQ(render_type(user, Dialect::postgresql), "app.mood");
  EXPECT_EQ(render_type(T("bıgınt"), Dialect::postgresql), "\"bıgınt\"");
  EXPECT_EQ(render_type(T("year"), Dialect::postgresql), "year");
  EXPECT_EQ(render_type(T("time", {"3"}), Dialect::postgresql), "time(3)");

  TypeRef e = T("enum");
  e.values = {"a", "it's"};
  EXPECT_EQ(render_type(e, Dialect::mysql), "enum('a','it''s')");
  TypeRef u = T("int", {"10"});
  u.is_unsigned = true;
  u.zerofill = true;
  EXPECT_EQ(render_type(u, Dialect::mysql), "int(10) unsigned zerofill");
  TypeRef cs = T("varchar", {"20"});
  cs.charset = "latin1";
  EXPECT_EQ(render_type(cs, Dialect::mysql), "varchar(20) CHARACTER SET latin1");
  EXPECT_EQ(render_type(T("nvarchar", {"40"}), Dialect::sqlite), "nvarchar(40)");
}

TEST(Category, Names) {
  EXPECT_EQ(to_string(TypeCategory::enum_), "enum");
  EXPECT_EQ(to_string(TypeCategory::timestamptz), "timestamptz");
}

}  // namespace
}  // namespace flash::schema
