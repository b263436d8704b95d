// Placeholder rewriting for the Python drivers' paramstyles and Python string literals.
//
// The analyser hands over engine SQL: `$n` for PostgreSQL, `?` (and `/*SLICE:name*/?`) for MySQL
// and SQLite. Only asyncpg and the sqlite modules take that as is; psycopg, PyMySQL and aiomysql
// use `%s` and run Python %-formatting over the whole statement text, so a literal `%` anywhere
// (LIKE patterns, comments, the modulo operator) must be doubled. A small scanner walks the text
// so that placeholders are only recognised outside strings, quoted identifiers, comments and
// dollar-quoted bodies.
#include <cctype>
#include <string>

#include "flash/codegen/python/python.hpp"

namespace flash::codegen::python {
namespace {

bool uses_pyformat(Driver d) {
  return d == Driver::psycopg || d == Driver::pymysql || d == Driver::aiomysql;
}

// Copies s[i..end) to out, doubling '%' when needed.
void copy(std::string& out, std::string_view s, std::size_t from, std::size_t to, bool pyformat) {
  for (std::size_t k = from; k < to && k < s.size(); ++k) {
    out += s[k];
    if (pyformat && s[k] == '%') out += '%';
  }
}

// End (exclusive) of a quoted section starting at s[i] == quote. `backslash`: backslash escapes
// (MySQL strings, PostgreSQL E'' strings). A doubled quote is an escaped quote everywhere.
std::size_t quoted_end(std::string_view s, std::size_t i, char quote, bool backslash) {
  std::size_t k = i + 1;
  while (k < s.size()) {
    if (backslash && s[k] == '\\') {
      k += 2;
      continue;
    }
    if (s[k] == quote) {
      if (k + 1 < s.size() && s[k + 1] == quote) {
        k += 2;
        continue;
      }
      return k + 1;
    }
    ++k;
  }
  return s.size();
}

// PostgreSQL dollar quote: `$tag$` where tag is empty or an identifier not starting with a digit.
// Returns the length of the opening delimiter, or 0.
std::size_t dollar_tag(std::string_view s, std::size_t i) {
  std::size_t k = i + 1;
  if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) return 0;
  while (k < s.size() && (std::isalnum(static_cast<unsigned char>(s[k])) || s[k] == '_' ||
                          static_cast<unsigned char>(s[k]) >= 0x80))
    ++k;
  if (k < s.size() && s[k] == '$') return k - i + 1;
  return 0;
}

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

DriverSql rewrite_sql(std::string_view s, schema::Dialect dialect, Driver drv) {
  DriverSql out;
  const bool pyformat = uses_pyformat(drv);
  const bool pg = dialect == schema::Dialect::postgresql;
  const bool mysql = dialect == schema::Dialect::mysql;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    // Comments.
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      std::size_t e = s.find('\n', i);
      e = e == std::string_view::npos ? s.size() : e;
      copy(out.text, s, i, e, pyformat);
      i = e;
      continue;
    }
    if (mysql && c == '#') {
      std::size_t e = s.find('\n', i);
      e = e == std::string_view::npos ? s.size() : e;
      copy(out.text, s, i, e, pyformat);
      i = e;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      // PostgreSQL block comments nest; MySQL and SQLite ones do not.
      std::size_t k = i + 2;
      int depth = 1;
      while (k < s.size() && depth > 0) {
        if (s[k] == '*' && k + 1 < s.size() && s[k + 1] == '/') {
          --depth;
          k += 2;
        } else if (pg && s[k] == '/' && k + 1 < s.size() && s[k + 1] == '*') {
          ++depth;
          k += 2;
        } else {
          ++k;
        }
      }
      copy(out.text, s, i, k, pyformat);
      i = k;
      continue;
    }
    // Strings and quoted identifiers.
    if (c == '\'') {
      const bool escapes = mysql || (pg && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
                                     (i < 2 || !ident_char(s[i - 2])));
      const std::size_t e = quoted_end(s, i, '\'', escapes);
      copy(out.text, s, i, e, pyformat);
      i = e;
      continue;
    }
    if (c == '"' || (mysql && c == '`') || (!pg && !mysql && (c == '`' || c == '['))) {
      const char close = c == '[' ? ']' : c;
      std::size_t e;
      if (c == '[') {
        e = s.find(']', i);
        e = e == std::string_view::npos ? s.size() : e + 1;
      } else {
        e = quoted_end(s, i, close, mysql && c == '"');
      }
      copy(out.text, s, i, e, pyformat);
      i = e;
      continue;
    }
    if (pg && c == '$') {
      if (i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
          (i == 0 || !ident_char(s[i - 1]))) {
        std::size_t k = i + 1;
        int n = 0;
        while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) n = n * 10 + (s[k++] - '0');
        if (drv == Driver::psycopg) {
          out.text += "%s";
          out.order.push_back(n);
        } else {
          out.text.append(s.substr(i, k - i));
        }
        i = k;
        continue;
      }
      if (i == 0 || !ident_char(s[i - 1])) {
        if (const std::size_t tag = dollar_tag(s, i); tag > 0) {
          const std::string_view delim = s.substr(i, tag);
          std::size_t e = s.find(delim, i + tag);
          e = e == std::string_view::npos ? s.size() : e + tag;
          copy(out.text, s, i, e, pyformat);
          i = e;
          continue;
        }
      }
    }
    if (!pg && c == '?') {
      // `?NNN` (SQLite's numbered form, used when a name repeats) becomes a plain placeholder
      // bound per occurrence; a plain `?` records 0 (bound by the query's bind_order).
      std::size_t k = i + 1;
      int n = 0;
      while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) n = n * 10 + (s[k++] - '0');
      out.text += pyformat ? "%s" : "?";
      out.order.push_back(n);
      i = k;
      continue;
    }
    copy(out.text, s, i, i + 1, pyformat);
    ++i;
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
