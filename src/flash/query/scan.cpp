#include "flash/query/scan.hpp"

#include <cctype>

namespace flash::query {
namespace {

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) {
  return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}
bool is_op_char(char c) {
  switch (c) {
    case '+': case '-': case '*': case '/': case '<': case '>': case '=': case '~': case '!':
    case '@': case '#': case '%': case '^': case '&': case '|': case '`': case '?': case ':':
      return true;
    default:
      return false;
  }
}

class Scanner {
 public:
  Scanner(std::string_view t, schema::Dialect d) : t_(t), d_(d) {}

  std::vector<QToken> run() {
    std::vector<QToken> out;
    while (i_ < t_.size()) out.push_back(next());
    return out;
  }

 private:
  std::string_view t_;
  schema::Dialect d_;
  std::size_t i_ = 0;

  char at(std::size_t k) const { return k < t_.size() ? t_[k] : '\0'; }
  bool pg() const { return d_ == schema::Dialect::postgresql; }
  bool my() const { return d_ == schema::Dialect::mysql; }

  QToken make(QTok k, std::size_t b) {
    QToken tok;
    tok.kind = k;
    tok.begin = b;
    tok.end = i_;
    tok.value = std::string(t_.substr(b, i_ - b));
    return tok;
  }

  // A quoted run closed by `close`; a doubled close character is an escaped one; backslash
  // escapes where the dialect has them.
  QToken quoted(QTok k, char close, bool backslash) {
    std::size_t b = i_;
    ++i_;
    std::string v;
    bool closed = false;
    while (i_ < t_.size()) {
      char c = t_[i_];
      if (backslash && c == '\\' && i_ + 1 < t_.size()) {
        v += t_[i_ + 1];
        i_ += 2;
        continue;
      }
      if (c == close) {
        if (at(i_ + 1) == close) {
          v += close;
          i_ += 2;
          continue;
        }
        ++i_;
        closed = true;
        break;
      }
      v += c;
      ++i_;
    }
    QToken tok = make(k, b);
    tok.value = v;
    tok.unterminated = !closed;
    return tok;
  }

  QToken next() {
    std::size_t b = i_;
    char c = t_[i_];
    if (std::isspace(static_cast<unsigned char>(c))) {
      while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
      return make(QTok::space, b);
    }
    if ((c == '-' && at(i_ + 1) == '-') || (c == '#' && my())) {
      while (i_ < t_.size() && t_[i_] != '\n') ++i_;
      if (i_ > b && t_[i_ - 1] == '\r') --i_;
      if (i_ == b) ++i_;
      return make(QTok::line_comment, b);
    }
    if (c == '/' && at(i_ + 1) == '*') {
      int depth = 0;
      bool closed = false;
      while (i_ < t_.size()) {
        if (t_[i_] == '/' && at(i_ + 1) == '*') {
          ++depth;
          i_ += 2;
          if (!pg()) depth = 1;  // only PostgreSQL nests block comments
        } else if (t_[i_] == '*' && at(i_ + 1) == '/') {
          i_ += 2;
          if (--depth == 0) {
            closed = true;
            break;
          }
        } else {
          ++i_;
        }
      }
      QToken tok = make(QTok::block_comment, b);
      tok.unterminated = !closed;
      return tok;
    }
    if (c == '\'') return quoted(QTok::string, '\'', my());
    if ((c == 'E' || c == 'e') && at(i_ + 1) == '\'' && pg()) {
      ++i_;
      QToken tok = quoted(QTok::string, '\'', true);
      tok.begin = b;
      return tok;
    }
    if (c == '"') return quoted(my() ? QTok::string : QTok::quoted_ident, '"', my());
    if (c == '`' && !pg()) return quoted(QTok::quoted_ident, '`', false);
    if (c == '[' && d_ == schema::Dialect::sqlite) return quoted(QTok::quoted_ident, ']', false);
    if (c == '$' && pg()) {
      if (std::isdigit(static_cast<unsigned char>(at(i_ + 1)))) {
        ++i_;
        while (std::isdigit(static_cast<unsigned char>(at(i_)))) ++i_;
        return make(QTok::param, b);
      }
      // $tag$ ... $tag$
      std::size_t k = i_ + 1;
      while (k < t_.size() && (is_ident_start(t_[k]) || std::isdigit(static_cast<unsigned char>(t_[k])))) ++k;
      if (at(k) == '$') {
        std::string tag(t_.substr(i_, k - i_ + 1));
        std::size_t close = t_.find(tag, k + 1);
        QToken tok;
        tok.kind = QTok::dollar_string;
        tok.begin = b;
        if (close == std::string_view::npos) {
          i_ = t_.size();
          tok.unterminated = true;
          tok.value = std::string(t_.substr(k + 1));
        } else {
          tok.value = std::string(t_.substr(k + 1, close - k - 1));
          i_ = close + tag.size();
        }
        tok.end = i_;
        return tok;
      }
    }
    if (c == '?' && !pg()) {
      ++i_;
      if (d_ == schema::Dialect::sqlite)
        while (std::isdigit(static_cast<unsigned char>(at(i_)))) ++i_;
      return make(QTok::param, b);
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && std::isdigit(static_cast<unsigned char>(at(i_ + 1))))) {
      while (std::isalnum(static_cast<unsigned char>(at(i_))) || at(i_) == '.' || at(i_) == '_') {
        if ((at(i_) == 'e' || at(i_) == 'E') && (at(i_ + 1) == '+' || at(i_ + 1) == '-')) ++i_;
        ++i_;
      }
      return make(QTok::number, b);
    }
    if (is_ident_start(c)) {
      while (i_ < t_.size() && is_ident_char(t_[i_])) ++i_;
      return make(QTok::word, b);
    }
    if (is_op_char(c)) {
      // An operator run stops before a comment start and, outside PostgreSQL, before a `?`
      // parameter.
      while (i_ < t_.size() && is_op_char(t_[i_])) {
        if (i_ > b && ((t_[i_] == '-' && at(i_ + 1) == '-') || (t_[i_] == '/' && at(i_ + 1) == '*'))) break;
        if (!pg() && t_[i_] == '?') break;
        if (my() && t_[i_] == '#') break;
        if (d_ != schema::Dialect::postgresql && t_[i_] == '`') break;
        ++i_;
      }
      if (i_ == b) ++i_;
      return make(QTok::op, b);
    }
    ++i_;
    return make(QTok::op, b);
  }
};

}  // namespace

std::vector<QToken> scan(std::string_view text, schema::Dialect d) { return Scanner(text, d).run(); }

}  // namespace flash::query
