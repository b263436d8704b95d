#include "flash/sql/lexer.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "flash/schema/printer.hpp"
#include "flash/sql/ddl_parser_internal.hpp"
#include "flash/util/text.hpp"

namespace flash::sql {

using schema::Dialect;

namespace detail {

bool is_ident_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

namespace {

bool is_ident_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Characters PostgreSQL allows in a multi-character operator.
bool is_pg_op_char(char c) {
  return std::string_view("+-*/<>=~!@#%^&|`?").find(c) != std::string_view::npos;
}

// Decodes a backslash escape as MySQL and PostgreSQL E'' strings do. `i` points at the character
// after the backslash; returns the decoded bytes. Unknown escapes keep the character (MySQL keeps
// the backslash for \% and \_, which only matter to LIKE).
std::string decode_escape(char c) {
  switch (c) {
    case 'n': return "\n";
    case 't': return "\t";
    case 'r': return "\r";
    case 'b': return "\b";
    case 'f': return "\f";
    case '0': return std::string(1, '\0');
    case 'Z': return "\x1a";
    case '%': return "\\%";
    case '_': return "\\_";
    default: return std::string(1, c);
  }
}

// A quoted run closed by `q`, where a doubled `q` stands for one. With `backslash`, \x escapes are
// decoded. `p` is the index of the first content byte; returns the index past the closing quote,
// or npos when unterminated.
std::size_t scan_quoted(std::string_view s, std::size_t p, char q, bool backslash, std::string& out) {
  while (p < s.size()) {
    const char c = s[p];
    if (backslash && c == '\\' && p + 1 < s.size()) {
      out += decode_escape(s[p + 1]);
      p += 2;
      continue;
    }
    if (c == q) {
      if (p + 1 < s.size() && s[p + 1] == q) {
        out += q;
        p += 2;
        continue;
      }
      return p + 1;
    }
    out += c;
    ++p;
  }
  return std::string_view::npos;
}

// $tag$ opener at p (s[p] == '$'): returns the tag length including both dollars, or 0.
std::size_t dollar_tag_length(std::string_view s, std::size_t p) {
  std::size_t q = p + 1;
  if (q < s.size() && s[q] == '$') return 2;
  if (q >= s.size() || !is_ident_start(s[q])) return 0;
  while (q < s.size() && (is_ident_char(s[q]) && s[q] != '$')) ++q;
  if (q < s.size() && s[q] == '$') return q - p + 1;
  return 0;
}

}  // namespace

}  // namespace detail

using namespace detail;  // the character classes above

Scanned scan_token(std::string_view s, std::size_t pos, Dialect d) {
  Scanned t;
  t.begin = pos;
  const char c = s[pos];
  const auto at = [&](std::size_t i) -> char { return i < s.size() ? s[i] : '\0'; };
  const auto finish = [&](TokenKind k, std::size_t end) {
    t.kind = k;
    t.end = end;
    if (t.text.empty() && k != TokenKind::string && k != TokenKind::quoted_ident)
      t.text = std::string(s.substr(pos, end - pos));
    return t;
  };
  const auto unterminated = [&](TokenKind k, std::string msg) {
    t.kind = k;
    t.end = s.size();
    t.error = std::move(msg);
    return t;
  };

  if (is_space(c)) {
    std::size_t p = pos;
    while (p < s.size() && is_space(s[p])) ++p;
    return finish(TokenKind::whitespace, p);
  }

  // Comments. MySQL wants whitespace (or end of line) after "--"; "#" is a comment in MySQL only
  // (PostgreSQL uses it in operators such as #>>).
  const bool dash_comment =
      c == '-' && at(pos + 1) == '-' &&
      (d != Dialect::mysql || at(pos + 2) == '\0' || is_space(at(pos + 2)));
  if (dash_comment || (c == '#' && d == Dialect::mysql)) {
    std::size_t p = s.find('\n', pos);
    if (p == std::string_view::npos) p = s.size();
    // The comment excludes a trailing \r so that CRLF files keep clean comment text.
    std::size_t e = p;
    if (e > pos && s[e - 1] == '\r') --e;
    t.text = std::string(s.substr(pos, e - pos));
    return finish(TokenKind::comment, p);
  }
  if (c == '/' && at(pos + 1) == '*') {
    // PostgreSQL block comments nest; MySQL and SQLite end at the first */.
    int depth = 1;
    std::size_t p = pos + 2;
    while (p < s.size()) {
      if (s[p] == '*' && at(p + 1) == '/') {
        p += 2;
        if (--depth == 0) return finish(TokenKind::comment, p);
        continue;
      }
      if (d == Dialect::postgresql && s[p] == '/' && at(p + 1) == '*') {
        ++depth;
        p += 2;
        continue;
      }
      ++p;
    }
    return unterminated(TokenKind::comment, "unterminated block comment");
  }

  // Strings, with the prefixes each dialect accepts: E'' (PostgreSQL escapes), X''/B''/N''.
  {
    std::size_t p = pos;
    bool backslash = d == Dialect::mysql;
    if ((c == 'E' || c == 'e') && at(pos + 1) == '\'' && d == Dialect::postgresql) {
      backslash = true;
      p = pos + 1;
    } else if ((c == 'X' || c == 'x' || c == 'B' || c == 'b' || c == 'N' || c == 'n') &&
               at(pos + 1) == '\'') {
      if (c != 'N' && c != 'n') backslash = false;
      p = pos + 1;
    }
    if (s[p] == '\'') {
      const std::size_t e = scan_quoted(s, p + 1, '\'', backslash, t.text);
      if (e == std::string_view::npos) return unterminated(TokenKind::string, "unterminated string literal");
      return finish(TokenKind::string, e);
    }
  }

  if (c == '"') {
    // MySQL (without ANSI_QUOTES) reads "..." as a string; elsewhere it is an identifier.
    if (d == Dialect::mysql) {
      const std::size_t e = scan_quoted(s, pos + 1, '"', true, t.text);
      if (e == std::string_view::npos) return unterminated(TokenKind::string, "unterminated string literal");
      return finish(TokenKind::string, e);
    }
    const std::size_t e = scan_quoted(s, pos + 1, '"', false, t.text);
    if (e == std::string_view::npos) return unterminated(TokenKind::quoted_ident, "unterminated quoted identifier");
    return finish(TokenKind::quoted_ident, e);
  }
  if (c == '`' && d != Dialect::postgresql) {
    const std::size_t e = scan_quoted(s, pos + 1, '`', false, t.text);
    if (e == std::string_view::npos) return unterminated(TokenKind::quoted_ident, "unterminated quoted identifier");
    return finish(TokenKind::quoted_ident, e);
  }
  if (c == '[' && d == Dialect::sqlite) {
    const std::size_t e = s.find(']', pos + 1);
    if (e == std::string_view::npos) return unterminated(TokenKind::quoted_ident, "unterminated [identifier]");
    t.text = std::string(s.substr(pos + 1, e - pos - 1));
    return finish(TokenKind::quoted_ident, e + 1);
  }

  if (c == '$') {
    if (d == Dialect::postgresql) {
      if (is_digit(at(pos + 1))) {
        std::size_t p = pos + 1;
        while (p < s.size() && is_digit(s[p])) ++p;
        return finish(TokenKind::param, p);
      }
      if (const std::size_t n = dollar_tag_length(s, pos)) {
        const std::string_view tag = s.substr(pos, n);
        const std::size_t close = s.find(tag, pos + n);
        if (close == std::string_view::npos)
          return unterminated(TokenKind::string, "unterminated dollar-quoted string " + std::string(tag));
        t.text = std::string(s.substr(pos + n, close - pos - n));
        return finish(TokenKind::string, close + n);
      }
    } else if (d == Dialect::sqlite && is_ident_start(at(pos + 1))) {
      std::size_t p = pos + 1;
      while (p < s.size() && is_ident_char(s[p])) ++p;
      return finish(TokenKind::param, p);
    }
    return finish(TokenKind::op, pos + 1);
  }

  if (c == '?' && d != Dialect::postgresql) {
    std::size_t p = pos + 1;
    while (p < s.size() && is_digit(s[p])) ++p;
    return finish(TokenKind::param, p);
  }
  if (c == ':' && is_ident_start(at(pos + 1))) {
    std::size_t p = pos + 1;
    while (p < s.size() && is_ident_char(s[p])) ++p;
    return finish(TokenKind::param, p);
  }
  if (c == '@') {
    std::size_t p = pos + 1;
    if (at(p) == '@' && d == Dialect::mysql) ++p;  // @@system_variable
    if (is_ident_start(at(p))) {
      while (p < s.size() && (is_ident_char(s[p]) || s[p] == '.')) ++p;
      return finish(TokenKind::param, p);
    }
  }

  if (is_digit(c) || (c == '.' && is_digit(at(pos + 1)))) {
    std::size_t p = pos;
    if (c == '0' && (at(pos + 1) == 'x' || at(pos + 1) == 'X') && std::isxdigit(static_cast<unsigned char>(at(pos + 2)))) {
      p += 2;
      while (p < s.size() && std::isxdigit(static_cast<unsigned char>(s[p]))) ++p;
      return finish(TokenKind::number, p);
    }
    while (p < s.size() && (is_digit(s[p]) || s[p] == '_')) ++p;
    if (at(p) == '.' && at(p + 1) != '.') {
      ++p;
      while (p < s.size() && is_digit(s[p])) ++p;
    }
    if ((at(p) == 'e' || at(p) == 'E') &&
        (is_digit(at(p + 1)) || ((at(p + 1) == '+' || at(p + 1) == '-') && is_digit(at(p + 2))))) {
      p += 2;
      while (p < s.size() && is_digit(s[p])) ++p;
    }
    // MySQL allows identifiers that start with digits (1col); keep them whole.
    if (d == Dialect::mysql && p < s.size() && is_ident_start(s[p])) {
      while (p < s.size() && is_ident_char(s[p])) ++p;
      return finish(TokenKind::identifier, p);
    }
    return finish(TokenKind::number, p);
  }

  if (is_ident_start(c)) {
    std::size_t p = pos;
    while (p < s.size() && is_ident_char(s[p])) {
      if (s[p] == '$' && d == Dialect::postgresql && dollar_tag_length(s, p) == 2) break;
      ++p;
    }
    return finish(TokenKind::identifier, p);
  }

  // Operators and punctuation.
  if (std::string_view("(),;.[]{}").find(c) != std::string_view::npos) return finish(TokenKind::op, pos + 1);
  if (c == ':' && at(pos + 1) == ':') return finish(TokenKind::op, pos + 2);
  if (c == ':' && at(pos + 1) == '=') return finish(TokenKind::op, pos + 2);
  if (d == Dialect::postgresql && is_pg_op_char(c)) {
    // PostgreSQL's rule: the longest run of operator characters, not swallowing a comment start,
    // and a trailing + or - only when the operator also has one of ~!@#%^&|`?.
    std::size_t p = pos;
    while (p < s.size() && is_pg_op_char(s[p])) {
      if (p > pos && ((s[p] == '-' && at(p + 1) == '-') || (s[p] == '/' && at(p + 1) == '*'))) break;
      ++p;
    }
    std::string_view op = s.substr(pos, p - pos);
    if (op.size() > 1 && op.find_first_of("~!@#%^&|`?") == std::string_view::npos) {
      while (op.size() > 1 && (op.back() == '+' || op.back() == '-')) op.remove_suffix(1);
    }
    return finish(TokenKind::op, pos + op.size());
  }
  static constexpr std::array<std::string_view, 14> multi = {
      "<=>", "->>", "<=", ">=", "<>", "!=", "==", "||", "&&", "<<", ">>", "->", ":=", "=>"};
  for (const auto m : multi)
    if (s.substr(pos, m.size()) == m) return finish(TokenKind::op, pos + m.size());
  return finish(TokenKind::op, pos + 1);
}

std::optional<std::size_t> too_deep_at(std::string_view s, Dialect d) {
  int depth = 0;
  for (std::size_t pos = 0; pos < s.size();) {
    const char c = s[pos];
    // Brackets are single-byte tokens: no need to scan them (nor whitespace) through scan_token.
    if (c == '(' || (c == '[' && d != Dialect::sqlite)) {
      if (++depth > kMaxNesting) return pos;
      ++pos;
      continue;
    }
    if (c == ')' || c == ']') {
      if (depth > 0) --depth;
      ++pos;
      continue;
    }
    const detail::Scanned t = detail::scan_token(s, pos, d);
    if (!t.error.empty()) return std::nullopt;  // reported by the lexer
    pos = t.end;
  }
  return std::nullopt;
}

std::string leading_keyword(std::string_view sql, Dialect d) {
  for (std::size_t pos = 0; pos < sql.size();) {
    const detail::Scanned t = detail::scan_token(sql, pos, d);
    if (!t.error.empty()) return {};
    pos = t.end;
    if (t.kind == TokenKind::whitespace || t.kind == TokenKind::comment) continue;
    if (t.kind == TokenKind::op && t.text == "(") continue;
    return t.kind == TokenKind::identifier ? util::to_upper(t.text) : std::string();
  }
  return {};
}

bool is_dml(std::string_view sql, Dialect d) {
  const std::string kw = leading_keyword(sql, d);
  return kw == "INSERT" || kw == "UPDATE" || kw == "DELETE" || kw == "REPLACE";
}

bool Token::is(std::string_view keyword) const {
  if (kind != TokenKind::identifier && kind != TokenKind::op) return false;
  return util::iequals(raw, keyword);
}

std::vector<Token> lex(const SourceFile& src, Dialect d, diag::Diagnostics& diags, const LexOptions& opts) {
  std::vector<Token> out;
  const std::string_view s = src.text;
  std::size_t pos = 0;
  while (pos < s.size()) {
    detail::Scanned t = detail::scan_token(s, pos, d);
    if (!t.error.empty()) {
      diags.push_back(diag::at_offset("sql.lex", t.error, src.path, s, t.begin, 1));
      break;
    }
    pos = t.end;
    if (t.kind == TokenKind::whitespace && !opts.keep_whitespace) continue;
    if (t.kind == TokenKind::comment && !opts.keep_comments) continue;
    Token tok;
    tok.kind = t.kind;
    tok.raw = s.substr(t.begin, t.end - t.begin);
    tok.text = std::move(t.text);
    tok.offset = t.begin;
    out.push_back(std::move(tok));
  }
  Token end;
  end.kind = TokenKind::end;
  end.offset = s.size();
  end.raw = s.substr(s.size());
  out.push_back(std::move(end));
  return out;
}

namespace {

// Words written upper-case by normalize_expr: the reserved words of the three dialects that
// appear in expressions, so that `now() at time zone 'utc'` and `NOW() AT TIME ZONE 'utc'` match.
constexpr std::string_view kKeywords[] = {
    "ADD", "ALL", "ALTER", "AND", "ANY", "ARRAY", "AS", "ASC", "AT", "BETWEEN", "BINARY", "BOTH",
    "BY", "CASCADE", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN", "CONSTRAINT", "CREATE",
    "CROSS", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT",
    "DEFERRABLE", "DELETE", "DESC", "DISTINCT", "DIV", "DROP", "ELSE", "END", "ESCAPE", "EXCEPT",
    "EXISTS", "FALSE", "FILTER", "FOR", "FOREIGN", "FROM", "FULL", "GLOB", "GROUP", "HAVING",
    "ILIKE", "IN", "INNER", "INSERT", "INTERSECT", "INTERVAL", "INTO", "IS", "ISNULL", "JOIN",
    "LEADING", "LEFT", "LIKE", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "MATCH", "MOD", "NATURAL",
    "NOT", "NOTNULL", "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PRIMARY",
    "REFERENCES", "REGEXP", "RETURNING", "RIGHT", "RLIKE", "SELECT", "SESSION_USER", "SET",
    "SIMILAR", "SOME", "TABLE", "THEN", "TIME", "TO", "TRAILING", "TRUE", "UNION", "UNIQUE",
    "UPDATE", "USING", "VALUES", "WHEN", "WHERE", "WITH", "XOR", "ZONE"};
static_assert(std::is_sorted(std::begin(kKeywords), std::end(kKeywords)), "kKeywords is binary-searched");

// PostgreSQL prints a name bare when it is lower-case; MySQL and SQLite when it is plain ASCII.
bool needs_no_quotes(std::string_view s, Dialect d) {
  const auto ok_start = [&](char c) {
    return c == '_' || (d == Dialect::postgresql ? std::islower(static_cast<unsigned char>(c)) != 0
                                                 : std::isalpha(static_cast<unsigned char>(c)) != 0);
  };
  if (s.empty() || !ok_start(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return ok_start(c) || std::isdigit(static_cast<unsigned char>(c));
  });
}

}  // namespace

// Keywords that are written like function calls: CAST(x AS t), ARRAY[1], LEFT(s, 2).
static bool is_call_keyword(std::string_view w) {
  for (std::string_view k : {"ARRAY", "CAST", "LEFT", "RIGHT", "MOD", "VALUES", "EXISTS", "CURRENT_TIMESTAMP",
                             "CURRENT_TIME", "LOCALTIME", "LOCALTIMESTAMP"})
    if (util::iequals(w, k)) return true;
  return false;
}

bool is_keyword(std::string_view word) {
  const std::string up = util::to_upper(word);
  return std::binary_search(std::begin(kKeywords), std::end(kKeywords), std::string_view(up));
}

namespace {
// A token of normalize_expr: positions only, the decoded text (strings, quoted names) on the side,
// so that an expression of millions of tokens costs 24 bytes per token.
struct ExprToken {
  TokenKind kind;
  std::size_t begin;
  std::size_t end;
  std::size_t decoded;  // index into the decoded texts, for strings and quoted names
};
}  // namespace

std::string normalize_expr(std::string_view expr, Dialect d) {
  std::vector<ExprToken> toks;
  std::vector<std::string> decoded;
  for (std::size_t pos = 0; pos < expr.size();) {
    detail::Scanned t = detail::scan_token(expr, pos, d);
    pos = t.end;
    if (t.kind == TokenKind::whitespace || t.kind == TokenKind::comment) continue;
    std::size_t di = 0;
    if (t.kind == TokenKind::string || t.kind == TokenKind::quoted_ident) {
      di = decoded.size();
      decoded.push_back(std::move(t.text));
    }
    toks.push_back(ExprToken{t.kind, t.begin, t.end, di});
  }
  const auto raw = [&](const ExprToken& t) { return expr.substr(t.begin, t.end - t.begin); };
  const auto is_op = [&](std::size_t i, std::string_view o) {
    return toks[i].kind == TokenKind::op && raw(toks[i]) == o;
  };
  // Strip redundant outer parentheses: "((a + b))" → "a + b". The partner of every '(' is found
  // in one pass, so this stays linear however deep the nesting (it was quadratic: 80,000 nested
  // parentheses took 40 s).
  std::vector<std::size_t> partner(toks.size(), toks.size());
  {
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < toks.size(); ++i) {
      if (is_op(i, "(")) {
        open.push_back(i);
      } else if (is_op(i, ")") && !open.empty()) {
        partner[open.back()] = i;
        open.pop_back();
      }
    }
  }
  std::size_t lo = 0, hi = toks.size();
  while (hi - lo >= 2 && is_op(lo, "(") && partner[lo] == hi - 1) {
    ++lo;
    --hi;
  }
  // Spacing: one space between tokens, except none after "(" "[" "." "::" or a unary sign,
  // none before ")" "]" "," "." "::", and none between a function name and its "(" — so
  // "now() AT TIME ZONE 'utc'", "coalesce(a, b)", "(a >= 1) AND (b < 2)", "x::text".
  const auto text_of = [&](std::size_t i) { return raw(toks[i]); };
  const auto no_space_after = [](std::string_view o) {
    return o == "(" || o == "[" || o == "." || o == "::";
  };
  const auto no_space_before = [](std::string_view o) {
    return o == ")" || o == "]" || o == "," || o == "." || o == "::";
  };
  std::string out;
  bool suppress_next = true;
  for (std::size_t i = lo; i < hi; ++i) {
    const auto& t = toks[i];
    std::string piece(raw(t));
    const bool is_op_tok = t.kind == TokenKind::op;
    // A sign directly before a number is part of it: "DEFAULT -1", "x * -2".
    const bool prev_is_operand =
        i > lo && (toks[i - 1].kind != TokenKind::op || text_of(i - 1) == ")") &&
        !(toks[i - 1].kind == TokenKind::identifier && is_keyword(text_of(i - 1)));
    const bool unary_sign = (piece == "-" || piece == "+") && !prev_is_operand && i + 1 < hi &&
                            toks[i + 1].kind == TokenKind::number;
    // "f(" and "ARRAY[" / "arr[1]": a call or subscript directly follows its name.
    const bool call_paren =
        is_op_tok && (piece == "(" || piece == "[") && i > lo &&
        ((toks[i - 1].kind == TokenKind::identifier &&
          (!is_keyword(text_of(i - 1)) || is_call_keyword(text_of(i - 1)))) ||
         toks[i - 1].kind == TokenKind::quoted_ident || (piece == "[" && text_of(i - 1) == "]"));
    if (t.kind == TokenKind::string && d == Dialect::mysql && piece.front() == '"') {
      // MySQL "text" is a string; print it the way the server does, in single quotes.
      piece = schema::quote_string(decoded[t.decoded], Dialect::mysql);
    }
    if (t.kind == TokenKind::identifier) {
      if (is_keyword(piece)) piece = util::to_upper(piece);
      else if (d == Dialect::postgresql) piece = util::to_lower(piece);
    } else if (t.kind == TokenKind::quoted_ident) {
      // A quoted name that needs no quoting prints bare, as the databases print it back.
      const std::string& name = decoded[t.decoded];
      if (needs_no_quotes(name, d) && !is_keyword(name)) piece = name;
    }
    const bool glue = suppress_next || call_paren || (is_op_tok && no_space_before(piece));
    if (!out.empty() && !glue) out += ' ';
    out += piece;
    suppress_next = (is_op_tok && no_space_after(piece)) || unary_sign;
  }
  return out;
}

std::string replace_identifier(std::string_view text, std::string_view from, std::string_view to, Dialect d) {
  diag::Diagnostics ignored;
  const SourceFile src{"", std::string(text)};  // tokens' offsets are into this copy, the same bytes
  std::string out;
  std::size_t pos = 0;
  for (const auto& t : lex(src, d, ignored)) {
    if ((t.kind != TokenKind::identifier && t.kind != TokenKind::quoted_ident) || !util::iequals(t.text, from)) continue;
    out.append(text.substr(pos, t.offset - pos));
    out.append(to);
    pos = t.offset + t.raw.size();
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace flash::sql
