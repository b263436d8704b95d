#include "flash/query/scan.hpp"

#include <cctype>

#include "flash/sql/lexer.hpp"

namespace flash::query {

namespace {

QTok kind_of(const sql::Scanned& t, std::string_view raw) {
  switch (t.kind) {
    case sql::TokenKind::whitespace: return QTok::space;
    case sql::TokenKind::comment: return raw.starts_with("/*") ? QTok::block_comment : QTok::line_comment;
    case sql::TokenKind::identifier: return QTok::word;
    case sql::TokenKind::quoted_ident: return QTok::quoted_ident;
    case sql::TokenKind::string: return raw.front() == '$' ? QTok::dollar_string : QTok::string;
    case sql::TokenKind::number: return QTok::number;
    case sql::TokenKind::param: return QTok::param;
    default: return QTok::op;
  }
}

}  // namespace

// The SQL lexer's tokens, whitespace and comments included, as the query stage reads them. One
// difference: named-parameter sigils are the query stage's business (sqlc's `@name`; `:name` and
// `$name` are left as written), so the lexer's `@name`, `:name` and `$name` parameters come out as
// the sigil (an op token) followed by the name.
std::vector<QToken> scan(std::string_view text, schema::Dialect d) {
  std::vector<QToken> out;
  for (std::size_t pos = 0; pos < text.size();) {
    sql::Scanned t = sql::scan_token(text, pos, d);
    std::string_view raw = text.substr(t.begin, t.end - t.begin);
    const bool named = t.kind == sql::TokenKind::param && raw.size() > 1 &&
                       (raw[0] == '@' || raw[0] == ':' ||
                        (raw[0] == '$' && !std::isdigit(static_cast<unsigned char>(raw[1]))));
    if (named) {
      const std::size_t sigil = raw[1] == '@' ? 2 : 1;  // MySQL @@system_variable
      out.push_back(QToken{QTok::op, t.begin, t.begin + sigil, std::string(raw.substr(0, sigil)), false});
      pos = t.begin + sigil;
      continue;
    }
    pos = t.end;
    QToken q;
    q.kind = kind_of(t, raw);
    q.begin = t.begin;
    q.end = t.end;
    const bool decoded = t.kind == sql::TokenKind::string || t.kind == sql::TokenKind::quoted_ident ||
                         t.kind == sql::TokenKind::comment;
    q.value = decoded ? std::move(t.text) : std::string(raw);
    q.unterminated = !t.error.empty();
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace flash::query
