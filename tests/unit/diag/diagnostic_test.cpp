#include "flash/diag/diagnostic.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "flash/diag/position.hpp"
#include "flash/util/text.hpp"

using namespace flash;

TEST(Diagnostic, AtOffsetComputesLineColumnAndSourceLine) {
  const std::string text = "CREATE TABLE a (\n  id int,\n  nme text\n);";
  const auto off = text.find("nme");
  auto d = diag::at_offset("sql.unknown-column", "unknown column nme", "schema.sql", text, off, 3);
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.location.column, 3);
  EXPECT_EQ(d.source_line, "  nme text");
  d.hint = diag::did_you_mean("nme", {"name", "id"});
  const auto out = diag::render_human(d);
  EXPECT_EQ(out,
            "schema.sql:3:3: error[sql.unknown-column]: unknown column nme\n"
            " 3 |   nme text\n"
            "   |   ^~~\n"
            "  hint: did you mean `name`?\n");
}

TEST(Diagnostic, JsonHasDocumentedFields) {
  auto d = diag::at_offset("config.unknown-key", "unknown key", "flash.toml", "a = 1\nshema = 2", 6, 5);
  const auto j = nlohmann::json::parse(diag::render_json(d));
  EXPECT_EQ(j["code"], "config.unknown-key");
  EXPECT_EQ(j["file"], "flash.toml");
  EXPECT_EQ(j["line"], 2);
  EXPECT_EQ(j["column"], 1);
  EXPECT_TRUE(j["hint"].is_null());
  EXPECT_EQ(j["severity"], "error");
  EXPECT_EQ(j["exit_code"], 1);
}

TEST(Diagnostic, DidYouMeanOnlyForCloseNames) {
  EXPECT_EQ(diag::did_you_mean("emial", {"email", "id"}), "did you mean `email`?");
  EXPECT_FALSE(diag::did_you_mean("zzz", {"email", "id"}).has_value());
  EXPECT_FALSE(diag::did_you_mean("email", {"email"}).has_value());
}

TEST(Util, Sha256AndLineCol) {
  EXPECT_EQ(util::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(diag::line_col("ab\ncd", 4).line, 2);
  EXPECT_EQ(diag::line_col("ab\ncd", 4).column, 2);
  EXPECT_EQ(util::split("a,b,,c", ',').size(), 4u);
  EXPECT_EQ(util::trim("  x \n"), "x");
}

// The cursor going back (a column's location after a later one's) gives what line_col gives, for
// every pair of offsets, UTF-8 and line breaks included.
TEST(Util, LineColCursorBackAndForthMatchesLineCol) {
  const std::string text = "ab\nc\xc3\xa9" "d\n\nxyz\n\xe2\x82\xac" "1";
  for (std::size_t from = 0; from <= text.size() + 1; ++from) {
    for (std::size_t to = 0; to <= text.size() + 1; ++to) {
      diag::LineColCursor c(text);
      c.at(from);
      const auto got = c.at(to), want = diag::line_col(text, to);
      EXPECT_EQ(got.line, want.line) << from << " -> " << to;
      EXPECT_EQ(got.column, want.column) << from << " -> " << to;
    }
  }
}

TEST(Util, AtomicWriteReplacesWholeFile) {
  const auto p = std::filesystem::temp_directory_path() / "flash_atomic_test.txt";
  util::write_file_atomic(p, "first");
  util::write_file_atomic(p, "second");
  EXPECT_EQ(util::read_file(p), "second");
  std::filesystem::remove(p);
  EXPECT_THROW(util::read_file(p), diag::Error);
}
