// The SQL lexer: token kinds, decoded text, exact offsets, per-dialect quoting rules, and
// normalize_expr.
#include <gtest/gtest.h>

#include "flash/sql/lexer.hpp"

using flash::schema::Dialect;
using flash::sql::lex;
using flash::sql::normalize_expr;
using flash::sql::SourceFile;
using flash::sql::Token;
using flash::sql::TokenKind;

namespace {
std::vector<Token> toks(const std::string& sql, Dialect d, flash::sql::LexOptions o = {}) {
  static std::vector<SourceFile> keep;  // tokens view into the source text
  keep.push_back({"t.sql", sql});
  flash::diag::Diagnostics diags;
  auto out = lex(keep.back(), d, diags, o);
  EXPECT_TRUE(diags.empty()) << (diags.empty() ? "" : diags.front().message);
  return out;
}
}  // namespace

TEST(Lexer, KindsTextAndOffsets) {
  auto t = toks("SELECT \"My Col\", 'it''s', 42, 1.5e3 FROM t WHERE a <> $1", Dialect::postgresql);
  ASSERT_EQ(t.size(), 15u);
  EXPECT_EQ(t[0].kind, TokenKind::identifier);
  EXPECT_TRUE(t[0].is("select"));
  EXPECT_EQ(t[1].kind, TokenKind::quoted_ident);
  EXPECT_EQ(t[1].text, "My Col");
  EXPECT_EQ(t[1].raw, "\"My Col\"");
  EXPECT_EQ(t[1].offset, 7u);
  EXPECT_EQ(t[3].kind, TokenKind::string);
  EXPECT_EQ(t[3].text, "it's");
  EXPECT_EQ(t[5].kind, TokenKind::number);
  EXPECT_EQ(t[7].raw, "1.5e3");
  EXPECT_EQ(t[12].raw, "<>");
  EXPECT_EQ(t[12].kind, TokenKind::op);
  EXPECT_EQ(t[13].kind, TokenKind::param);
  EXPECT_EQ(t[13].raw, "$1");
  EXPECT_EQ(t[14].kind, TokenKind::end);
}

TEST(Lexer, PostgresStringsAndComments) {
  auto t = toks("/* a /* nested */ b */ E'a\\nb' $fn$ body; 'x' $fn$ $$x$$ x::int -- tail", Dialect::postgresql,
                {.keep_comments = true});
  ASSERT_GE(t.size(), 8u);
  EXPECT_EQ(t[0].kind, TokenKind::comment);
  EXPECT_EQ(t[0].raw, "/* a /* nested */ b */");
  EXPECT_EQ(t[1].text, "a\nb");
  EXPECT_EQ(t[2].kind, TokenKind::string);
  EXPECT_EQ(t[2].text, " body; 'x' ");
  EXPECT_EQ(t[3].text, "x");
  EXPECT_EQ(t[5].raw, "::");
  EXPECT_EQ(t[7].kind, TokenKind::comment);
  EXPECT_EQ(t[7].raw, "-- tail");
  // Standard strings have no backslash escapes in PostgreSQL.
  auto s = toks("'a\\' x", Dialect::postgresql);
  EXPECT_EQ(s[0].text, "a\\");
  // Operators with #: not a comment outside MySQL.
  auto o = toks("info #>> '{a}'", Dialect::postgresql);
  EXPECT_EQ(o[1].raw, "#>>");
}

TEST(Lexer, MysqlQuoting) {
  const std::string sql = "`my``tbl` \"dq \\\"x\\\"\" 'it\\'s' # hash comment\n@name ? x'4142'";
  auto t = toks(sql, Dialect::mysql);
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].kind, TokenKind::quoted_ident);
  EXPECT_EQ(t[0].text, "my`tbl");
  EXPECT_EQ(t[1].kind, TokenKind::string);  // MySQL "..." is a string
  EXPECT_EQ(t[1].text, "dq \"x\"");
  EXPECT_EQ(t[2].text, "it's");
  EXPECT_EQ(t[3].kind, TokenKind::param);
  EXPECT_EQ(t[3].raw, "@name");
  EXPECT_EQ(t[4].kind, TokenKind::param);
  EXPECT_EQ(t[5].kind, TokenKind::string);
  EXPECT_EQ(t[5].offset, sql.find("x'4142'"));
  EXPECT_EQ(t[5].text, "4142");  // contents as written
  // "--" needs a following space in MySQL.
  auto m = toks("1--2", Dialect::mysql);
  EXPECT_EQ(m.size(), 5u);
}

TEST(Lexer, SqliteQuoting) {
  auto t = toks("[my col] `b` \"c\" ?1 :name $v", Dialect::sqlite);
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].kind, TokenKind::quoted_ident);
  EXPECT_EQ(t[0].text, "my col");
  EXPECT_EQ(t[1].text, "b");
  EXPECT_EQ(t[2].kind, TokenKind::quoted_ident);
  EXPECT_EQ(t[3].kind, TokenKind::param);
  EXPECT_EQ(t[3].raw, "?1");
  EXPECT_EQ(t[4].raw, ":name");
  EXPECT_EQ(t[5].raw, "$v");
}

TEST(Lexer, UnterminatedIsLocated) {
  SourceFile f{"x.sql", "SELECT 1;\n  /* never closed"};
  flash::diag::Diagnostics diags;
  lex(f, Dialect::mysql, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "sql.lex");
  EXPECT_EQ(diags[0].location.file, "x.sql");
  EXPECT_EQ(diags[0].location.line, 2);
  EXPECT_EQ(diags[0].location.column, 3);
}

TEST(Lexer, NormalizeExpr) {
  EXPECT_EQ(normalize_expr("((price  >  0))", Dialect::mysql), "price > 0");
  EXPECT_EQ(normalize_expr("(a > 0) and (b < 1)", Dialect::mysql), "(a > 0) AND (b < 1)");
  EXPECT_EQ(normalize_expr("lower( t . name )", Dialect::sqlite), "lower(t.name)");
  EXPECT_EQ(normalize_expr("coalesce(a , b)", Dialect::sqlite), "coalesce(a, b)");
  // As documented: no space on either side of '.', '(', ')', ',' and '::'.
  EXPECT_EQ(normalize_expr("now() at time zone 'UTC'", Dialect::postgresql), "now() AT TIME ZONE 'UTC'");
  EXPECT_EQ(normalize_expr("NOW()", Dialect::postgresql), "now()");
  EXPECT_EQ(normalize_expr("'a' :: text", Dialect::postgresql), "'a'::text");
  EXPECT_EQ(normalize_expr("-1", Dialect::mysql), "-1");
  EXPECT_EQ(normalize_expr("x - 1", Dialect::mysql), "x - 1");
  EXPECT_EQ(normalize_expr("current_timestamp", Dialect::mysql), "CURRENT_TIMESTAMP");
  EXPECT_EQ(normalize_expr("\"it's\"", Dialect::mysql), "'it''s'");
  EXPECT_EQ(normalize_expr("\"col\" is not null", Dialect::postgresql), "col IS NOT NULL");
  EXPECT_EQ(normalize_expr("(a) + (b)", Dialect::sqlite), "(a) + (b)");
  EXPECT_EQ(normalize_expr("a /* c */ + -- d\n b", Dialect::sqlite), "a + b");
  EXPECT_EQ(normalize_expr("(1, 2)", Dialect::sqlite), "1, 2");
}

// The one "statement that changes rows" rule (drivers' row counts, MySQL per-statement
// transactions in migrations): the first word after whitespace, comments and '(' decides. The
// migration engine's copy used to test only a prefix of the raw text, so a leading comment hid an
// INSERT and `INSERTED_AT ...` looked like one.
TEST(Lexer, LeadingKeywordAndIsDml) {
  using flash::sql::is_dml;
  using flash::sql::leading_keyword;
  EXPECT_EQ(leading_keyword("  /* a */ -- b\n ( select 1)", Dialect::postgresql), "SELECT");
  EXPECT_EQ(leading_keyword("# note\nreplace into t values (1)", Dialect::mysql), "REPLACE");
  EXPECT_EQ(leading_keyword("'x'", Dialect::sqlite), "");
  EXPECT_EQ(leading_keyword("/* never closed", Dialect::sqlite), "");
  EXPECT_TRUE(is_dml("-- seed\nINSERT INTO t VALUES (1)", Dialect::mysql));
  EXPECT_TRUE(is_dml("/* x */ update t set a = 1", Dialect::sqlite));
  EXPECT_TRUE(is_dml("DELETE FROM t", Dialect::postgresql));
  EXPECT_FALSE(is_dml("INSERTED_AT", Dialect::mysql));
  EXPECT_FALSE(is_dml("CREATE TABLE insert_log (a INT)", Dialect::mysql));
  EXPECT_FALSE(is_dml("SELECT 1", Dialect::mysql));
  // "#" starts a comment in MySQL only.
  EXPECT_FALSE(is_dml("# c\nINSERT INTO t VALUES (1)", Dialect::postgresql));
}

// The streaming scanner's tokens tile the text exactly, whitespace and comments included.
TEST(Lexer, ScanTokenTilesTheText) {
  const std::string sql = "SELECT $1, 'a;b' /* c */ -- d\r\n FROM \"t\"; $$x$$";
  std::size_t pos = 0;
  std::string joined;
  while (pos < sql.size()) {
    const auto t = flash::sql::scan_token(sql, pos, Dialect::postgresql);
    EXPECT_EQ(t.begin, pos);
    EXPECT_TRUE(t.error.empty());
    joined += sql.substr(t.begin, t.end - t.begin);
    pos = t.end;
  }
  EXPECT_EQ(joined, sql);
}
