#include "flash/sql/splitter.hpp"

#include <string_view>

#include "flash/diag/position.hpp"
#include "flash/sql/ddl_parser_internal.hpp"
#include "flash/util/text.hpp"

namespace flash::sql {

using schema::Dialect;

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// "\n" and "\t" escapes in an `-- atlas:delimiter` value.
std::string unescape_delimiter(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char n = v[i + 1];
      if (n == 'n') { out += '\n'; ++i; continue; }
      if (n == 't') { out += '\t'; ++i; continue; }
      if (n == 'r') { out += '\r'; ++i; continue; }
      if (n == '\\') { out += '\\'; ++i; continue; }
    }
    out += v[i];
  }
  return out;
}

class Splitter {
 public:
  Splitter(const SourceFile& src, Dialect d, diag::Diagnostics& diags)
      : src_(src), s_(src.text), d_(d), diags_(diags), lines_(s_) {}

  std::vector<Statement> run() {
    while (pos_ < s_.size()) step();
    emit();
    return std::move(out_);
  }

 private:
  void step() {
    const bool custom = delim_ != ";";
    if (custom && s_.compare(pos_, delim_.size(), delim_) == 0) {
      emit();
      pos_ += delim_.size();
      term_line_end_ = s_.find('\n', pos_ - 1);
      return;
    }
    if (start_ == npos && at_line_start() && delimiter_command()) return;
    if (custom && is_space(s_[pos_])) {
      // One character at a time: a delimiter such as "\n\n" is made of whitespace.
      whitespace(s_.substr(pos_, 1));
      ++pos_;
      return;
    }
    detail::Scanned t = detail::scan_token(s_, pos_, d_);
    if (!t.error.empty()) {
      diags_.push_back(diag::at_offset("sql.lex", t.error, src_.path, s_, t.begin, 1));
      // The rest of the file belongs to the statement that was being written.
      if (start_ == npos) start_ = t.begin;
      last_end_ = s_.size();
      pos_ = s_.size();
      while (last_end_ > start_ && is_space(s_[last_end_ - 1])) --last_end_;
      return;
    }
    pos_ = t.end;
    if (t.kind == TokenKind::whitespace) {
      whitespace(s_.substr(t.begin, t.end - t.begin));
      return;
    }
    if (t.kind == TokenKind::comment) {
      if (start_ == npos) leading_comment(t);
      return;
    }
    significant(t);
  }

  bool at_line_start() const {
    std::size_t p = pos_;
    while (p > 0 && (s_[p - 1] == ' ' || s_[p - 1] == '\t')) --p;
    return p == 0 || s_[p - 1] == '\n';
  }

  // The MySQL client command `DELIMITER x` (a line of its own, not SQL) changes the terminator.
  bool delimiter_command() {
    constexpr std::string_view kw = "delimiter";
    if (s_.size() - pos_ <= kw.size() || !util::iequals(s_.substr(pos_, kw.size()), kw)) return false;
    std::size_t p = pos_ + kw.size();
    if (s_[p] != ' ' && s_[p] != '\t') return false;
    while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    std::size_t e = p;
    while (e < s_.size() && !is_space(s_[e])) ++e;
    if (e == p) return false;
    delim_ = std::string(s_.substr(p, e - p));
    std::size_t nl = s_.find('\n', e);
    pos_ = nl == std::string_view::npos ? s_.size() : nl;
    comments_.clear();
    return true;
  }

  void whitespace(std::string_view ws) {
    if (start_ != npos) return;
    // A blank line separates a comment block from the statement below it.
    for (char c : ws) {
      if (c != '\n') continue;
      if (saw_newline_) comments_.clear();
      saw_newline_ = true;
    }
  }

  void leading_comment(const detail::Scanned& t) {
    const std::string_view text = s_.substr(t.begin, t.end - t.begin);
    std::string_view body = text;
    if (body.substr(0, 2) == "--") {
      body = util::trim(body.substr(2));
      constexpr std::string_view directive = "atlas:delimiter";
      if (body.substr(0, directive.size()) == directive) {
        // Migration files written for Atlas choose their own terminator this way.
        delim_ = unescape_delimiter(util::trim(body.substr(directive.size())));
        if (delim_.empty()) delim_.assign(1, ';');  // assign(): GCC 12 warns (-Wrestrict) on = ";" here
        return;
      }
    }
    // A comment after the previous statement's terminator on the same line belongs to it.
    if (term_line_end_ != npos && t.begin < term_line_end_) return;
    comments_.emplace_back(util::trim(t.text.empty() ? text : std::string_view(t.text)));
    saw_newline_ = false;
  }

  // The next significant word after `p`, upper-cased, with the offset just past it.
  std::pair<std::string, std::size_t> peek_word(std::size_t p) const {
    while (p < s_.size()) {
      detail::Scanned t = detail::scan_token(s_, p, d_);
      if (!t.error.empty()) return {"", p};
      if (t.kind == TokenKind::whitespace || t.kind == TokenKind::comment) {
        p = t.end;
        continue;
      }
      if (t.kind != TokenKind::identifier) return {"", p};
      return {util::to_upper(t.text), t.end};
    }
    return {"", p};
  }

  void significant(const detail::Scanned& t) {
    const bool is_semicolon = t.kind == TokenKind::op && t.text == ";";
    if (is_semicolon && delim_ == ";" && depth_ == 0 && parens_ == 0) {
      emit();
      term_line_end_ = s_.find('\n', t.begin);
      return;
    }
    if (start_ == npos) {
      if (is_semicolon) return;  // empty statement
      start_ = t.begin;
      leading_ = util::join(comments_, "\n");
      comments_.clear();
    }
    last_end_ = t.end;
    if (t.kind == TokenKind::op && t.text == "(") seen_paren_ = true;
    // PostgreSQL never ends a statement inside parentheses (CREATE RULE ... DO ALSO (a; b)), as
    // its own scanner-based splitter counts them; an unclosed '(' keeps the rest of the file.
    if (d_ == Dialect::postgresql && t.kind == TokenKind::op && t.text == "(") ++parens_;
    if (d_ == Dialect::postgresql && t.kind == TokenKind::op && t.text == ")" && parens_ > 0) --parens_;
    if (t.kind != TokenKind::identifier) return;
    const std::string w = util::to_upper(t.text);
    ++words_;
    if (words_ == 1) {
      is_create_ = w == "CREATE";
      return;
    }
    // Only routine and trigger bodies have BEGIN ... END blocks whose ';' must not split. The
    // object keyword comes before any '(' and before TABLE/VIEW/INDEX, so a column named `event`
    // or `begin` does not count.
    if (is_create_ && !block_capable_ && !seen_paren_ && !seen_other_object_) {
      if (w == "TRIGGER" || w == "FUNCTION" || w == "PROCEDURE" || w == "EVENT") block_capable_ = true;
      else if (w == "TABLE" || w == "VIEW" || w == "INDEX") seen_other_object_ = true;
      return;
    }
    if (!block_capable_ || delim_ != ";") return;
    if (w == "BEGIN") {
      if (d_ == Dialect::postgresql) {
        // PostgreSQL only has BEGIN ATOMIC bodies outside dollar quotes.
        auto [next, end] = peek_word(t.end);
        if (next != "ATOMIC") return;
        pos_ = last_end_ = end;
      }
      ++depth_;
    } else if (w == "CASE" && depth_ > 0) {
      ++depth_;
    } else if (w == "END" && depth_ > 0) {
      // END IF / END LOOP / END WHILE / END REPEAT close blocks that were not counted; END CASE
      // closes a counted CASE statement.
      auto [next, end] = peek_word(t.end);
      if (next == "IF" || next == "LOOP" || next == "WHILE" || next == "REPEAT") {
        pos_ = last_end_ = end;
        return;
      }
      --depth_;
      if (next == "CASE") pos_ = last_end_ = end;
    }
  }

  void emit() {
    if (start_ != npos && last_end_ > start_) {
      Statement st;
      st.text = std::string(s_.substr(start_, last_end_ - start_));
      st.offset = start_;
      const auto lc = lines_.at(start_);
      st.line = lc.line;
      st.column = lc.column;
      st.leading_comments = std::move(leading_);
      out_.push_back(std::move(st));
    }
    start_ = npos;
    last_end_ = 0;
    leading_.clear();
    comments_.clear();
    saw_newline_ = false;
    words_ = 0;
    depth_ = 0;
    parens_ = 0;
    is_create_ = block_capable_ = seen_paren_ = seen_other_object_ = false;
  }

  static constexpr std::size_t npos = std::string_view::npos;
  const SourceFile& src_;
  std::string_view s_;
  Dialect d_;
  diag::Diagnostics& diags_;
  diag::LineColCursor lines_;
  std::vector<Statement> out_;

  std::size_t pos_ = 0;
  std::string delim_ = ";";
  std::size_t start_ = npos;
  std::size_t last_end_ = 0;
  std::size_t term_line_end_ = npos;
  std::vector<std::string> comments_;
  std::string leading_;
  bool saw_newline_ = false;
  int words_ = 0;
  int depth_ = 0;
  int parens_ = 0;  // PostgreSQL: open parentheses of the current statement
  bool is_create_ = false;
  bool block_capable_ = false;
  bool seen_paren_ = false;
  bool seen_other_object_ = false;
};

}  // namespace

std::vector<Statement> split_statements(const SourceFile& src, Dialect d, diag::Diagnostics& diags) {
  return Splitter(src, d, diags).run();
}

}  // namespace flash::sql
