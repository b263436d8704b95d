// Schema files written for a migration tool (goose, sql-migrate, dbmate, tern) carry their
// rollback: only the Up part is schema, on every dialect, with locations unchanged.
#include <gtest/gtest.h>

#include <string>

#include "flash/sql/ddl.hpp"

using flash::schema::Dialect;
using flash::sql::SourceFile;

namespace {

flash::schema::Schema parse(const std::string& text, Dialect d, flash::diag::Diagnostics& diags) {
  return flash::sql::parse_schema({SourceFile{"0001_users.sql", text}}, d, diags);
}

class RollbackSections : public ::testing::TestWithParam<Dialect> {};

TEST_P(RollbackSections, OnlyTheUpPartIsSchema) {
  // Two files as goose writes them: the second alters what the first created; each Down undoes.
  const std::string goose1 =
      "-- +goose Up\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"
      "-- +goose Down\nDROP TABLE users;\n";
  const std::string goose2 =
      "-- +goose Up\n-- +goose StatementBegin\nALTER TABLE users ADD COLUMN email TEXT;\n-- +goose StatementEnd\n"
      "-- +goose Down\nALTER TABLE users DROP COLUMN email;\n";
  flash::diag::Diagnostics diags;
  auto m = flash::sql::parse_schema({SourceFile{"1.sql", goose1}, SourceFile{"2.sql", goose2}}, GetParam(), diags);
  ASSERT_FALSE(flash::diag::has_errors(diags)) << diags.front().message;
  const auto* users = m.find_table("users");
  ASSERT_NE(users, nullptr) << "the Down section dropped the table";
  EXPECT_NE(users->find_column("email"), nullptr) << "the Down section dropped the column";
}

TEST_P(RollbackSections, EveryToolsMarkers) {
  for (const std::string text : {
           "-- +migrate Up\nCREATE TABLE t (id INTEGER);\n-- +migrate Down\nDROP TABLE t;\n",
           "-- migrate:up\nCREATE TABLE t (id INTEGER);\n\n-- migrate:down\nDROP TABLE t;\n",
           "CREATE TABLE t (id INTEGER);\n---- create above / drop below ----\nDROP TABLE t;\n",
           // A marker inside a string is data, not a marker.
           "CREATE TABLE t (id INTEGER, note TEXT DEFAULT '-- +goose Down');\n",
       }) {
    flash::diag::Diagnostics diags;
    auto m = parse(text, GetParam(), diags);
    ASSERT_FALSE(flash::diag::has_errors(diags)) << text << "\n" << diags.front().message;
    EXPECT_NE(m.find_table("t"), nullptr) << text;
  }
}

TEST_P(RollbackSections, LocationsAfterADownSectionStayTrue) {
  // Down, then Up again (goose allows sections in any order); the error is on line 5, column 1.
  const std::string text =
      "-- +goose Down\nDROP TABLE t;\n-- +goose Up\nCREATE TABLE t (id INTEGER);\nCREATE TABEL u (id INTEGER);\n";
  flash::diag::Diagnostics diags;
  parse(text, GetParam(), diags);
  ASSERT_TRUE(flash::diag::has_errors(diags));
  EXPECT_EQ(diags.front().location.line, 5) << diags.front().message;
}

INSTANTIATE_TEST_SUITE_P(Dialects, RollbackSections,
                         ::testing::Values(Dialect::postgresql, Dialect::mysql, Dialect::sqlite),
                         [](const auto& info) { return std::string(flash::schema::to_string(info.param)); });

}  // namespace
