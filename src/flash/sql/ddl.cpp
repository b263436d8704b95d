#include "flash/sql/ddl.hpp"

#include <string>

#include "flash/sql/validate.hpp"

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

}  // namespace

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
  for (const auto& f : files) apply_ddl(model, f, diags);
  // The whole-model checks only make sense on a model every statement reached: after a parse
  // error they would mostly repeat it (a table whose CREATE failed is "unknown" everywhere).
  if (!diag::has_errors(diags)) validate_schema(model, files, diags);
  return model;
}

}  // namespace flash::sql
