// The schema editor's file side (schema_text.hpp) without a database: each edit changes only the
// text of its statement, in several layouts, and the result parses to the intended model.
#include <gtest/gtest.h>

#include "flash/sql/ddl.hpp"
#include "flash/studio/api.hpp"
#include "flash/studio/schema_text.hpp"

namespace flash::studio {
namespace {

using nlohmann::json;
using schema::Dialect;

struct Case {
  std::vector<sql::SourceFile> files;
  schema::Schema model;
};

Case load(std::vector<sql::SourceFile> files, Dialect d) {
  diag::Diagnostics dg;
  auto m = sql::parse_schema(files, d, dg);
  m.dialect = d;
  EXPECT_FALSE(diag::has_errors(dg));
  return {std::move(files), std::move(m)};
}

std::string edited(const std::string& text, const json& e, Dialect d = Dialect::sqlite) {
  auto c = load({{"a.sql", text}}, d);
  return edit_schema_files(c.files, c.model, e, "new.sql").files.at(0).text;
}

TEST(SchemaText, AddColumnGoesAfterTheLastColumnBeforeTableConstraints) {
  const std::string t =
      "-- top\nCREATE TABLE t (\n  a INTEGER PRIMARY KEY, -- a's note\n  b TEXT, -- b's note\n"
      "  CONSTRAINT u UNIQUE (b)\n);\n-- tail\n";
  EXPECT_EQ(edited(t, {{"op", "add_column"}, {"table", "t"}, {"column", {{"name", "c"}, {"type", "INTEGER"}}}}),
            "-- top\nCREATE TABLE t (\n  a INTEGER PRIMARY KEY, -- a's note\n  b TEXT, -- b's note\n  c integer,\n"
            "  CONSTRAINT u UNIQUE (b)\n);\n-- tail\n");
}

TEST(SchemaText, OneLineTablesStayOnOneLine) {
  EXPECT_EQ(edited("CREATE TABLE t (a INTEGER, b TEXT); -- x\n",
                   {{"op", "add_column"}, {"table", "t"}, {"column", {{"name", "c"}, {"type", "TEXT"}, {"nullable", false}}}}),
            "CREATE TABLE t (a INTEGER, b TEXT, c text NOT NULL); -- x\n");
  EXPECT_EQ(edited("CREATE TABLE t (a INTEGER, b TEXT);\n", {{"op", "drop_column"}, {"table", "t"}, {"column_name", "a"}}),
            "CREATE TABLE t (b TEXT);\n");
}

TEST(SchemaText, TheLastColumnKeepsItsCommentWhenOneIsAdded) {
  EXPECT_EQ(edited("CREATE TABLE t (\n  a INTEGER -- the a\n);\n",
                   {{"op", "add_column"}, {"table", "t"}, {"column", {{"name", "b"}, {"type", "TEXT"}}}}),
            "CREATE TABLE t (\n  a INTEGER, -- the a\n  b text\n);\n");
}

TEST(SchemaText, InlineForeignKeyIsDroppedFromItsColumn) {
  const std::string t = "CREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (\n  id INTEGER PRIMARY KEY,\n"
                        "  p_id INTEGER REFERENCES p(id) -- parent\n);\n";
  EXPECT_EQ(edited(t, {{"op", "drop_constraint"}, {"table", "c"}, {"kind", "foreign_key"}, {"index", 0}}),
            "CREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (\n  id INTEGER PRIMARY KEY,\n"
            "  p_id INTEGER -- parent\n);\n");
}

TEST(SchemaText, NewTableGoesToTheFileOfTheTableItReferences) {
  auto c = load({{"a.sql", "CREATE TABLE x (id INTEGER PRIMARY KEY);\nCREATE TABLE y (id INTEGER PRIMARY KEY);\n"},
                 {"b.sql", "-- users\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n"}},
                Dialect::sqlite);
  const json e = {{"op", "create_table"}, {"table", "z"},
                  {"columns", {{{"name", "id"}, {"type", "INTEGER"}, {"nullable", false}}}}, {"primary_key", {"id"}}};
  auto r = edit_schema_files(c.files, c.model, e, "new.sql");
  ASSERT_EQ(r.changed, std::vector<std::size_t>{0});  // the file with the most tables
  EXPECT_EQ(r.files[1].text, c.files[1].text);
  EXPECT_TRUE(r.files[0].text.starts_with(c.files[0].text));
  EXPECT_NE(r.files[0].text.find("CREATE TABLE z"), std::string::npos);
}

TEST(SchemaText, NoSchemaFileGetsANewOne) {
  auto c = load({}, Dialect::postgresql);
  auto r = edit_schema_files(c.files, c.model,
                             {{"op", "create_table"}, {"table", "t"}, {"columns", {{{"name", "id"}, {"type", "bigint"}}}}},
                             "db/schema/schema.sql");
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].path, "db/schema/schema.sql");
  EXPECT_EQ(r.files[0].text, "CREATE TABLE t (\n  id bigint\n);\n");
}

TEST(SchemaText, RefusalsNameTheProblem) {
  auto c = load({{"a.sql", "CREATE TABLE t (a INTEGER);\n"}}, Dialect::sqlite);
  auto code = [&](const json& e) {
    try {
      edit_schema_files(c.files, c.model, e, "n.sql");
      return std::string("accepted");
    } catch (const ApiError& x) {
      return x.code();
    }
  };
  EXPECT_EQ(code({{"op", "drop_column"}, {"table", "t"}, {"column_name", "a"}}), "studio.edit");  // the last column
  EXPECT_EQ(code({{"op", "add_column"}, {"table", "t"}, {"column", {{"name", "a"}, {"type", "TEXT"}}}}), "studio.column");
  EXPECT_EQ(code({{"op", "add_column"}, {"table", "t"}, {"column", {{"name", "1x"}, {"type", "TEXT"}}}}), "studio.name");
  EXPECT_EQ(code({{"op", "add_column"}, {"table", "t"}, {"column", {{"name", "b"}, {"type", "TEXT'"}}}}), "studio.edit");
  EXPECT_EQ(code({{"op", "add_column"}, {"table", "nope"}, {"column", {{"name", "b"}, {"type", "TEXT"}}}}), "studio.table");
  EXPECT_EQ(code({{"op", "create_enum"}, {"name", "e"}, {"values", {"a"}}}), "studio.edit");  // not SQLite's
  EXPECT_FALSE(valid_new_name("a b"));
  EXPECT_FALSE(valid_new_name(std::string(64, 'a')));
  EXPECT_TRUE(valid_new_name("user_id$2"));
}

}  // namespace
}  // namespace flash::studio
