#include "flash/sql/ddl.hpp"

#include <string>

#include "flash/sql/lexer.hpp"
#include "flash/sql/validate.hpp"
#include "flash/util/text.hpp"

namespace flash::sql {

namespace {

using ApplyFn = void (*)(schema::Schema&, const SourceFile&, diag::Diagnostics&);

struct DialectParser {
  schema::Dialect dialect;
  ApplyFn apply;
};

// One parser per SQL dialect. MongoDB has no DDL text (its schema comes from introspection).
constexpr DialectParser kParsers[] = {
    {schema::Dialect::postgresql, apply_ddl_postgres},
    {schema::Dialect::mysql, apply_ddl_mysql},
    {schema::Dialect::sqlite, apply_ddl_sqlite},
};

enum class Section { none, up, down };

// A migration tool's section marker in a comment: goose (`-- +goose Up/Down`), sql-migrate
// (`-- +migrate Up/Down`), dbmate (`-- migrate:up/down`) and tern (`---- create above / drop below ----`).
Section section_marker(std::string_view comment) {
  std::string low = util::to_lower(comment);
  std::string_view s = low;
  while (!s.empty() && (s.front() == '-' || s.front() == '/' || s.front() == '*' || s.front() == '#')) s.remove_prefix(1);
  s = util::trim(s);
  if (s.starts_with("create above") && s.find("drop below") != std::string_view::npos) return Section::down;
  for (std::string_view tool : {"+goose ", "+migrate ", "migrate:"}) {
    if (!s.starts_with(tool)) continue;
    std::string_view rest = util::trim(s.substr(tool.size()));
    if (rest.starts_with("up")) return Section::up;
    if (rest.starts_with("down")) return Section::down;
  }
  return Section::none;
}

}  // namespace

SourceFile without_rollback_sections(const SourceFile& file, schema::Dialect d) {
  diag::Diagnostics ignored;  // the parser reports lexical errors itself
  auto tokens = lex(file, d, ignored, LexOptions{.keep_comments = true});
  SourceFile out = file;
  std::size_t down_from = std::string::npos;
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to && i < out.text.size(); ++i)
      if (out.text[i] != '\n') out.text[i] = ' ';
  };
  for (const auto& t : tokens) {
    if (t.kind != TokenKind::comment) continue;
    Section m = section_marker(t.raw);
    if (m == Section::down && down_from == std::string::npos) down_from = t.offset;
    if (m == Section::up && down_from != std::string::npos) {
      blank(down_from, t.offset);
      down_from = std::string::npos;
    }
  }
  if (down_from != std::string::npos) blank(down_from, out.text.size());
  return out;
}

void apply_ddl(schema::Schema& model, const SourceFile& file, diag::Diagnostics& diags) {
  for (const auto& p : kParsers) {
    if (p.dialect == model.dialect) {
      p.apply(model, file, diags);
      return;
    }
  }
  diag::Diagnostic d;
  d.code = "sql.unsupported-dialect";
  d.message = "schema files cannot be parsed for the " + std::string(schema::to_string(model.dialect)) +
              " dialect";
  d.location.file = file.path;
  diags.push_back(std::move(d));
}

schema::Schema parse_schema(const std::vector<SourceFile>& files, schema::Dialect d,
                            diag::Diagnostics& diags) {
  schema::Schema model;
  model.dialect = d;
  // Schema files written for a migration tool carry their rollback too: only the Up part is schema.
  for (const auto& f : files) apply_ddl(model, without_rollback_sections(f, d), diags);
  // The whole-model checks only make sense on a model every statement reached: after a parse
  // error they would mostly repeat it (a table whose CREATE failed is "unknown" everywhere).
  if (!diag::has_errors(diags)) validate_schema(model, files, diags);
  return model;
}

}  // namespace flash::sql
