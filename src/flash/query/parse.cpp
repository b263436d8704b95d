#include "flash/query/parse.hpp"

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
  for (const ParserEntry& e : kParsers)
    if (e.dialect == d) return e.parse(sql, d);
  ParseResult r;
  r.error = "no query parser for " + std::string(schema::to_string(d)) + " yet";
  return r;
}

}  // namespace flash::query
