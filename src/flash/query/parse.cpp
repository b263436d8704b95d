#include "flash/query/parse.hpp"

#include "flash/sql/lexer.hpp"

namespace flash::query {

namespace {
struct ParserEntry {
  schema::Dialect dialect;
  ParseFunction parse;
};
// The explicit dialect table (no self-registration: static libraries would drop it). The MySQL
// and SQLite parser (parse_mysql_sqlite.cpp) adds its entries here.
constexpr ParserEntry kParsers[] = {
    {schema::Dialect::postgresql, &parse_postgres},
    {schema::Dialect::mysql, &parse_mysql_sqlite},
    {schema::Dialect::sqlite, &parse_mysql_sqlite},
};
}  // namespace

ParseResult parse_query(std::string_view sql, schema::Dialect d) {
  // One nesting limit for every dialect, checked before any parser recurses (sql/lexer.hpp).
  if (const auto at = sql::too_deep_at(sql, d)) {
    ParseResult r;
    r.error = "parentheses nested deeper than " + std::to_string(sql::kMaxNesting) + " levels";
    r.error_code = "sql.too-deep";
    r.error_offset = *at;
    return r;
  }
  for (const ParserEntry& e : kParsers)
    if (e.dialect == d) return e.parse(sql, d);
  ParseResult r;
  r.error = "no query parser for " + std::string(schema::to_string(d)) + " yet";
  return r;
}

}  // namespace flash::query
