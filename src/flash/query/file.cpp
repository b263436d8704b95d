#include "flash/query/file.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "flash/diag/position.hpp"
#include "flash/query/scan.hpp"
#include "flash/util/text.hpp"

namespace flash::query {

namespace {
constexpr std::pair<Kind, std::string_view> kKinds[] = {
    {Kind::one, ":one"},           {Kind::many, ":many"},           {Kind::exec, ":exec"},
    {Kind::execrows, ":execrows"}, {Kind::execresult, ":execresult"}, {Kind::execlastid, ":execlastid"},
    {Kind::copyfrom, ":copyfrom"}, {Kind::batchexec, ":batchexec"}, {Kind::batchmany, ":batchmany"},
    {Kind::batchone, ":batchone"},
};

bool is_trivia(const QToken& t) {
  return t.kind == QTok::space || t.kind == QTok::line_comment || t.kind == QTok::block_comment;
}

// The text of a comment without its "--" / "#" / "/* */" markers, trimmed.
std::string comment_body(std::string_view raw) {
  if (raw.substr(0, 2) == "/*") {
    raw.remove_prefix(2);
    if (raw.size() >= 2 && raw.substr(raw.size() - 2) == "*/") raw.remove_suffix(2);
  } else if (raw.substr(0, 2) == "--") raw.remove_prefix(2);
  else if (!raw.empty() && raw[0] == '#') raw.remove_prefix(1);
  return std::string(util::trim(raw));
}

// `-- name: X :kind` or `/* name: X :kind */`.
bool is_annotation(const QToken& t) {
  return (t.kind == QTok::line_comment || t.kind == QTok::block_comment) &&
         comment_body(t.value).rfind("name:", 0) == 0;
}

bool valid_name(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

int newlines(std::string_view s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

std::string_view to_string(Kind k) {
  for (const auto& [kind, text] : kKinds)
    if (kind == k) return text;
  return ":one";
}

std::optional<Kind> kind_from_string(std::string_view s) {
  std::string k = s.empty() || s[0] == ':' ? std::string(s) : ":" + std::string(s);
  for (const auto& [kind, text] : kKinds)
    if (text == k) return kind;
  return std::nullopt;
}

std::vector<QueryBlock> read_query_file(const sql::SourceFile& file, schema::Dialect d,
                                        diag::Diagnostics& diags) {
  std::vector<QToken> toks = scan(file.text, d);
  auto error = [&](std::size_t off, std::size_t len, std::string msg, std::optional<std::string> hint = {},
                   diag::Severity sev = diag::Severity::error) {
    diag::Diagnostic dg = diag::at_offset("query.annotation", std::move(msg), file.path, file.text, off, len);
    dg.hint = std::move(hint);
    dg.severity = sev;
    diags.push_back(std::move(dg));
  };
  for (const QToken& t : toks) {
    if (t.unterminated) {
      error(t.begin, 1, t.kind == QTok::block_comment ? "unterminated comment" : "unterminated quoted text");
      return {};
    }
  }

  std::vector<std::size_t> anns;
  for (std::size_t i = 0; i < toks.size(); ++i)
    if (is_annotation(toks[i])) anns.push_back(i);

  std::vector<QueryBlock> blocks;
  std::map<std::string, diag::Location> seen;
  diag::LineColCursor loc_cursor(file.text);
  // Code that belongs to no annotated block.
  auto stray_code = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (is_trivia(toks[i]) || (toks[i].kind == QTok::op && toks[i].value == ";")) continue;
      // sqlc skips such statements; say so, since it is usually a forgotten annotation.
      error(toks[i].begin, toks[i].end - toks[i].begin,
            "SQL statement without a `-- name: Name :kind` annotation is ignored",
            std::string("add a line like `-- name: MyQuery :many` above the statement"), diag::Severity::warning);
      return;
    }
  };
  stray_code(0, anns.empty() ? toks.size() : anns.front());

  for (std::size_t a = 0; a < anns.size(); ++a) {
    std::size_t ai = anns[a];
    std::size_t limit = a + 1 < anns.size() ? anns[a + 1] : toks.size();
    const QToken& at = toks[ai];
    QueryBlock qb;
    // Same location as diag::at_offset, but counted on from the previous annotation: a file of
    // thousands of queries would otherwise rescan its text from the start for every one.
    const diag::LineCol lc = loc_cursor.at(at.begin);
    qb.loc.file = file.path;
    qb.loc.line = lc.line;
    qb.loc.column = lc.column;
    qb.loc.length = static_cast<int>(std::max<std::size_t>(1, at.end - at.begin));

    // Doc comments directly above the annotation (no blank line in between).
    std::vector<std::string> above;
    for (std::size_t k = ai; k-- > 0;) {
      const QToken& t = toks[k];
      if (t.kind == QTok::space) {
        if (newlines(t.value) > 1) break;
        continue;
      }
      if (t.kind != QTok::line_comment || is_annotation(t)) break;
      above.insert(above.begin(), comment_body(t.value));
    }

    // The annotation itself: "name: <Name> <:kind> [anything]".
    std::string body = comment_body(at.value).substr(5);
    std::vector<std::string> words;
    for (const std::string& w : util::split(body, ' '))
      if (!util::trim(w).empty()) words.push_back(std::string(util::trim(w)));
    std::size_t body_off = at.value.find("name:") + at.begin + 5;
    bool ok = true;
    if (words.empty()) {
      error(at.begin, at.end - at.begin, "query annotation without a name",
            std::string("write `-- name: GetUser :one`"));
      ok = false;
    } else if (!valid_name(words[0])) {
      error(body_off, at.end - body_off, "query name `" + words[0] + "` is not a valid identifier",
            std::string("use letters, digits and underscores, e.g. `GetUser`"));
      ok = false;
    } else if (words.size() < 2 || words[1].empty() || words[1][0] != ':') {
      error(at.begin, at.end - at.begin, "query `" + words[0] + "` has no kind",
            std::string("add one of :one, :many, :exec, :execrows, :execresult, :execlastid, :copyfrom, "
                        ":batchexec, :batchmany, :batchone"));
      ok = false;
    } else if (auto k = kind_from_string(words[1])) {
      qb.name = words[0];
      qb.kind = *k;
    } else {
      std::vector<std::string> names;
      for (const auto& [kind, text] : kKinds) names.emplace_back(text);
      std::size_t off = at.value.find(words[1]) + at.begin;
      auto hint = diag::did_you_mean(words[1], names);
      error(off, words[1].size(), "unknown query kind `" + words[1] + "`",
            hint ? hint : std::optional<std::string>("kinds: :one, :many, :exec, :execrows, :execresult, "
                                                     ":execlastid, :copyfrom, :batchexec, :batchmany, :batchone"));
      ok = false;
    }

    // Comments between the annotation and the statement: more documentation and directives.
    std::size_t i = ai + 1;
    std::vector<std::string> below;
    for (; i < limit && is_trivia(toks[i]); ++i)
      if (toks[i].kind == QTok::line_comment) below.push_back(comment_body(toks[i].value));
    for (auto* list : {&above, &below}) {
      for (const std::string& line : *list) {
        if (line.rfind("@required", 0) == 0) {
          std::string rest = line.substr(9);
          bool any = false;
          for (const std::string& n : util::split(rest, ','))
            if (!util::trim(n).empty()) {
              qb.required.emplace_back(util::trim(n));
              any = true;
            }
          if (!any) qb.required.push_back("*");
        } else if (!line.empty() && line[0] == '@') {
          // Other tools' directives (e.g. @sqlc-vet-disable) are not documentation.
        } else {
          qb.comments.push_back(line);
        }
      }
    }

    std::size_t start = i;
    std::size_t end = start;
    while (end < limit && !(toks[end].kind == QTok::op && toks[end].value == ";")) ++end;
    std::size_t after = end < limit ? end + 1 : limit;
    // Without a ';' the statement ends at its last code token.
    std::size_t last = end;
    while (last > start && is_trivia(toks[last - 1]) &&
           (end == limit || toks[last - 1].kind == QTok::space))
      --last;
    if (end == limit) {
      while (last > start && is_trivia(toks[last - 1])) --last;
    }
    if (start >= last) {
      if (ok)
        error(at.begin, at.end - at.begin, "query `" + qb.name + "` has no SQL statement",
              std::string("write the statement below the annotation"));
      stray_code(after, limit);
      continue;
    }
    qb.offset = toks[start].begin;
    qb.sql = file.text.substr(qb.offset, toks[last - 1].end - qb.offset);
    if (end == limit && a + 1 == anns.size() && d == schema::Dialect::postgresql) {
      // sqlc's PostgreSQL engine requires the last statement of a file to end with ';' (corpus
      // case missing_semicolon); its MySQL and SQLite engines accept it without (func_call_cast,
      // selectstatic), and so do we. Before another annotation the annotation ends it.
      error(qb.offset, 1, "missing semicolon at end of file", std::string("end the statement with ';'"));
      continue;
    }
    stray_code(after, limit);
    if (!ok) continue;
    if (auto it = seen.find(qb.name); it != seen.end()) {
      error(at.begin, at.end - at.begin, "query name `" + qb.name + "` is used twice",
            "first used at " + it->second.file + ":" + std::to_string(it->second.line));
      continue;
    }
    seen[qb.name] = qb.loc;
    blocks.push_back(std::move(qb));
  }
  return blocks;
}

}  // namespace flash::query
