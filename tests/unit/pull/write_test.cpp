// Writing pulled schemas: one schema.sql, backups, replaced files.
#include <gtest/gtest.h>

#include "pull_test_util.hpp"

namespace flash::pull::test {
namespace {

class WriteSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("flash_pull_write_" + unique_suffix());
    fs::create_directories(root);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  fs::path root;
};

const char* kSchema =
    "CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id), z text, y text);\n"
    "CREATE TABLE a (id integer PRIMARY KEY);\n";

TEST_F(WriteSchema, WritesOneFileInDependencyOrderKeepingColumnOrder) {
  const auto s = parse(kSchema, Dialect::postgresql);
  const auto r = write_schema(s, root / "db" / "schema", false);
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0], root / "db" / "schema" / "schema.sql");
  EXPECT_FALSE(r.backup);
  const std::string text = util::read_file(r.files[0]);
  EXPECT_LT(text.find("CREATE TABLE a"), text.find("CREATE TABLE b"));
  EXPECT_LT(text.find("z text"), text.find("y text"));
  const auto back = parse(text, Dialect::postgresql);
  EXPECT_EQ(changes(s, back), "");
}

TEST_F(WriteSchema, BackupKeepsThePreviousFilesAndOthersAreReplaced) {
  const fs::path dir = root / "schema";
  fs::create_directories(dir);
  util::write_file_atomic(dir / "01_users.sql", "CREATE TABLE users (id integer);\n");
  util::write_file_atomic(dir / "notes.txt", "keep me\n");
  const auto r = write_schema(parse(kSchema, Dialect::postgresql), dir, true);
  ASSERT_TRUE(r.backup);
  EXPECT_EQ(r.backup->filename().string().rfind("schema.backup-", 0), 0u);
  EXPECT_EQ(util::read_file(*r.backup / "01_users.sql"), "CREATE TABLE users (id integer);\n");
  EXPECT_FALSE(fs::exists(dir / "01_users.sql"));
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  EXPECT_EQ(existing_schema_files(dir), std::vector<fs::path>{dir / "schema.sql"});
}

TEST_F(WriteSchema, ASingleFileTargetIsWrittenInPlace) {
  const fs::path file = root / "schema.sql";
  util::write_file_atomic(file, "CREATE TABLE old (id integer);\n");
  EXPECT_EQ(existing_schema_files(file), std::vector<fs::path>{file});
  const auto r = write_schema(parse(kSchema, Dialect::postgresql), file, true);
  EXPECT_EQ(r.files, std::vector<fs::path>{file});
  ASSERT_TRUE(r.backup);
  EXPECT_EQ(util::read_file(*r.backup), "CREATE TABLE old (id integer);\n");
  EXPECT_NE(util::read_file(file).find("CREATE TABLE b"), std::string::npos);
}

TEST(ConstraintNames, GeneratedPostgresNamesBecomeUnnamed) {
  auto s = parse(
      "CREATE TABLE t (id integer CONSTRAINT t_pkey PRIMARY KEY, a integer CONSTRAINT t_a_key UNIQUE, "
      "b integer CONSTRAINT t_b_fkey REFERENCES t (id), c integer CONSTRAINT t_c_check CHECK (c > 0), "
      "CONSTRAINT t_check1 CHECK (a < c), CONSTRAINT keep_me UNIQUE (b), CONSTRAINT t_a_key_x UNIQUE (c));",
      Dialect::postgresql);
  clear_generated_names(s);
  const auto& t = s.tables.at(0);
  EXPECT_EQ(t.primary_key->name, "");
  EXPECT_EQ(t.uniques.at(0).name, "");
  EXPECT_EQ(t.uniques.at(1).name, "keep_me");
  EXPECT_EQ(t.uniques.at(2).name, "t_a_key_x");
  EXPECT_EQ(t.foreign_keys.at(0).name, "");
  EXPECT_EQ(t.checks.at(0).name, "");
  EXPECT_EQ(t.checks.at(1).name, "");
}

}  // namespace
}  // namespace flash::pull::test
