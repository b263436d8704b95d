// codegen/output: atomic deterministic writes, the input-hash cache, --check, stale-file removal.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "flash/codegen/output.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/util/text.hpp"

namespace fs = std::filesystem;
using namespace flash;
using namespace flash::codegen;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("flash_output_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) { return util::read_file(p); }

}  // namespace

TEST(Output, WritesThenReportsUnchangedAndCaches) {
  TempDir t;
  std::vector<File> files = {{"db.go", "package db\n"}, {"sub/x.go", "package db // x\n"}};
  auto r = write_output(t.path, "go", files, "h1");
  EXPECT_EQ(r.written, (std::vector<std::string>{"db.go", "sub/x.go"}));
  EXPECT_TRUE(r.unchanged.empty());
  EXPECT_EQ(slurp(t.path / "sub/x.go"), "package db // x\n");
  EXPECT_TRUE(cache_fresh(t.path, "go", "h1"));
  EXPECT_FALSE(cache_fresh(t.path, "go", "h2"));
  EXPECT_FALSE(cache_fresh(t.path, "js", "h1"));

  auto again = write_output(t.path, "go", files, "h1");
  EXPECT_TRUE(again.written.empty());
  EXPECT_EQ(again.unchanged.size(), 2u);
  EXPECT_FALSE(check_output(t.path, "go", files).stale());

  // A hand edit makes the cache stale and --check report the file.
  std::ofstream(t.path / "db.go") << "package hacked\n";
  EXPECT_FALSE(cache_fresh(t.path, "go", "h1"));
  auto c = check_output(t.path, "go", files);
  EXPECT_TRUE(c.stale());
  EXPECT_EQ(c.written, std::vector<std::string>{"db.go"});
  EXPECT_EQ(slurp(t.path / "db.go"), "package hacked\n");  // check writes nothing
}

TEST(Output, RemovesFilesNoLongerGenerated) {
  TempDir t;
  write_output(t.path, "go", {{"a.sql.go", "a"}, {"b.sql.go", "b"}}, "h1");
  std::ofstream(t.path / "mine.go") << "hand-written\n";
  auto c = check_output(t.path, "go", {{"a.sql.go", "a"}});
  EXPECT_EQ(c.removed, std::vector<std::string>{"b.sql.go"});
  EXPECT_TRUE(c.stale());
  auto r = write_output(t.path, "go", {{"a.sql.go", "a"}}, "h2");
  EXPECT_EQ(r.removed, std::vector<std::string>{"b.sql.go"});
  EXPECT_FALSE(fs::exists(t.path / "b.sql.go"));
  EXPECT_TRUE(fs::exists(t.path / "mine.go"));  // never generated, never touched
  // Another language's entry in the same directory is kept.
  write_output(t.path, "python", {{"q.py", "x"}}, "p1");
  EXPECT_TRUE(cache_fresh(t.path, "go", "h2"));
  EXPECT_TRUE(cache_fresh(t.path, "python", "p1"));
}

TEST(Output, RejectsPathsOutsideOut) {
  TempDir t;
  EXPECT_THROW(write_output(t.path, "go", {{"../evil.go", "x"}}, "h"), diag::Error);
  EXPECT_THROW(write_output(t.path, "go", {{"/tmp/evil.go", "x"}}, "h"), diag::Error);
  EXPECT_FALSE(fs::exists(t.path.parent_path() / "evil.go"));
}

TEST(Output, InputsHashCoversEveryInput) {
  std::vector<sql::SourceFile> schema = {{"db/schema/a.sql", "CREATE TABLE a (id int);"}};
  std::vector<sql::SourceFile> queries = {{"db/queries/q.sql", "-- name: A :one\nSELECT 1;"}};
  config::GenTarget t;
  t.language = "go";
  t.out = "gen";
  const auto base = inputs_hash(schema, queries, t, schema::Dialect::postgresql, "1.0.0");
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(base, inputs_hash(schema, queries, t, schema::Dialect::postgresql, "1.0.0"));
  EXPECT_NE(base, inputs_hash(schema, queries, t, schema::Dialect::postgresql, "1.0.1"));
  EXPECT_NE(base, inputs_hash(schema, queries, t, schema::Dialect::mysql, "1.0.0"));
  auto s2 = schema;
  s2[0].text += " ";
  EXPECT_NE(base, inputs_hash(s2, queries, t, schema::Dialect::postgresql, "1.0.0"));
  auto q2 = queries;
  q2[0].path = "db/queries/r.sql";
  EXPECT_NE(base, inputs_hash(schema, q2, t, schema::Dialect::postgresql, "1.0.0"));
  auto t2 = t;
  t2.settings["json_tags"] = false;
  EXPECT_NE(base, inputs_hash(schema, queries, t2, schema::Dialect::postgresql, "1.0.0"));
  auto t3 = t;
  t3.driver = "database/sql";
  EXPECT_NE(base, inputs_hash(schema, queries, t3, schema::Dialect::postgresql, "1.0.0"));
  // A file's text moving into the next file's path is a different input set.
  std::vector<sql::SourceFile> two = {{"a", "xb"}, {"c", ""}};
  std::vector<sql::SourceFile> two2 = {{"a", "x"}, {"bc", ""}};
  EXPECT_NE(inputs_hash(two, {}, t, schema::Dialect::sqlite, ""), inputs_hash(two2, {}, t, schema::Dialect::sqlite, ""));
}

// A run killed between writing a file's temporary copy and renaming it leaves <file>.flash-tmp;
// the next run removes it (issue 11: gen leaves no .flash-tmp files).
TEST(Output, RemovesTemporaryFilesOfAKilledRun) {
  TempDir t;
  fs::create_directories(t.path / "sub");
  std::ofstream(t.path / "db.go.flash-tmp") << "package db // half";
  std::ofstream(t.path / "sub" / "x.go.flash-tmp") << "pack";
  std::ofstream(t.path / (std::string(kCacheFile) + ".flash-tmp")) << "{";
  write_output(t.path, "go", {{"db.go", "package db\n"}, {"sub/x.go", "package db // x\n"}}, "h1");
  for (const auto& e : fs::recursive_directory_iterator(t.path))
    EXPECT_EQ(e.path().string().find(".flash-tmp"), std::string::npos) << e.path();
}
