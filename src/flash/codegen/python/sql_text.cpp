// Placeholder rewriting for the Python drivers' paramstyles and Python string literals.
//
// The analyser hands over engine SQL: `$n` for PostgreSQL, `?` (and `/*SLICE:name*/?`) for MySQL
// and SQLite. Only asyncpg and the sqlite modules take that as is; psycopg, PyMySQL and aiomysql
// use `%s` and run Python %-formatting over the whole statement text, so a literal `%` anywhere
// (LIKE patterns, comments, the modulo operator) must be doubled. The SQL lexer walks the text,
// so placeholders are only recognised outside strings, quoted identifiers, comments and
// dollar-quoted bodies.
#include <cctype>
#include <string>

#include "flash/codegen/python/python.hpp"
#include "flash/sql/lexer.hpp"

namespace flash::codegen::python {
namespace {

bool uses_pyformat(Driver d) {
  return d == Driver::psycopg || d == Driver::pymysql || d == Driver::aiomysql;
}

// Appends `s` to out, doubling '%' when needed.
void copy(std::string& out, std::string_view s, bool pyformat) {
  for (char c : s) {
    out += c;
    if (pyformat && c == '%') out += '%';
  }
}

// The number of a `$n` / `?n` placeholder (0 for a bare `?`).
int placeholder_number(std::string_view raw) {
  int n = 0;
  for (char c : raw.substr(1)) n = n * 10 + (c - '0');
  return n;
}

}  // namespace

DriverSql rewrite_sql(std::string_view s, schema::Dialect dialect, Driver drv) {
  DriverSql out;
  const bool pyformat = uses_pyformat(drv);
  const bool pg = dialect == schema::Dialect::postgresql;
  for (std::size_t pos = 0; pos < s.size();) {
    const sql::Scanned t = sql::scan_token(s, pos, dialect);
    pos = t.end;
    const std::string_view raw = s.substr(t.begin, t.end - t.begin);
    const bool numbered = raw.size() > 1 && std::isdigit(static_cast<unsigned char>(raw[1]));
    if (t.kind == sql::TokenKind::param && pg && raw.front() == '$' && numbered) {
      if (drv == Driver::psycopg) {
        out.text += "%s";
        out.order.push_back(placeholder_number(raw));
      } else {
        out.text.append(raw);
      }
    } else if (t.kind == sql::TokenKind::param && !pg && raw.front() == '?') {
      // `?NNN` (SQLite's numbered form, used when a name repeats) becomes a plain placeholder
      // bound per occurrence; a plain `?` records 0 (bound by the query's bind_order).
      out.text += pyformat ? "%s" : "?";
      out.order.push_back(placeholder_number(raw));
    } else {
      copy(out.text, raw, pyformat);
    }
  }
  return out;
}

std::string py_string(std::string_view s, bool multiline) {
  std::string out = multiline ? "\"\"\"" : "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      // In a triple-quoted literal a quote only needs escaping when it could close the literal:
      // as part of `"""` or as the last character.
      const bool risky = !multiline || i + 1 == s.size() || (i + 1 < s.size() && s[i + 1] == '"');
      out += risky ? "\\\"" : "\"";
    } else if (c == '\n') {
      out += multiline ? "\n" : "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += multiline ? "\t" : "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;  // UTF-8 passes through: Python source is UTF-8
    }
  }
  out += multiline ? "\"\"\"" : "\"";
  return out;
}

}  // namespace flash::codegen::python
