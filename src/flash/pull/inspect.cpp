// The dialect table: which inspector reads which database, plus helpers shared by them.
#include "flash/pull/inspect.hpp"

#include <algorithm>
#include <tuple>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

namespace flash::pull {

namespace {
struct Entry {
  schema::Dialect dialect;
  schema::Schema (*inspect)(driver::SqlConnection&);
};
constexpr Entry kInspectors[] = {
    {schema::Dialect::postgresql, inspect_postgres},
    {schema::Dialect::mysql, inspect_mysql},
    {schema::Dialect::sqlite, inspect_sqlite},
};

template <class T>
void by_name(std::vector<T>& v) {
  std::stable_sort(v.begin(), v.end(), [](const T& a, const T& b) { return std::tie(a.schema, a.name) < std::tie(b.schema, b.name); });
}
}  // namespace

void order_by_name(schema::Schema& s) {
  by_name(s.enums);
  by_name(s.domains);
  by_name(s.sequences);
  by_name(s.tables);
  by_name(s.views);
  by_name(s.ranges);
  if (s.dialect == schema::Dialect::postgresql) {
    // A table's named constraints: the catalog lists them by oid, which a rebuilt database
    // assigns in another order (hatchet's foreign keys); PostgreSQL does not observe their order.
    auto named = [](const auto& a, const auto& b) { return a.name < b.name; };
    for (auto& t : s.tables) {
      std::stable_sort(t.foreign_keys.begin(), t.foreign_keys.end(), named);
      std::stable_sort(t.checks.begin(), t.checks.end(), named);
      std::stable_sort(t.uniques.begin(), t.uniques.end(), named);
    }
  }
  if (s.dialect != schema::Dialect::mysql)
    std::stable_sort(s.indexes.begin(), s.indexes.end(), [](const schema::Index& a, const schema::Index& b) {
      return std::tie(a.schema, a.table, a.name) < std::tie(b.schema, b.table, b.name);
    });
}

schema::Schema inspect(driver::SqlConnection& c) {
  for (const auto& e : kInspectors) {
    if (e.dialect != c.dialect()) continue;
    // The catalog's order (creation or name order) is not the order files would have, and a
    // database rebuilt from the pulled files creates its objects in another order: name order
    // first (order_by_name), then the printer's dependency order by printing and re-parsing, so
    // the model pull returns is the model of the files it writes (parse(print(pulled)) == pulled)
    // and a second pull of the rebuilt database writes the same files.
    schema::Schema raw = e.inspect(c);
    order_by_name(raw);
    schema::Schema ordered;
    ordered.dialect = raw.dialect;
    apply_reported_ddl(ordered, "printed schema", schema::print_schema(raw));
    return ordered;
  }
  throw diag::Error("pull.unsupported",
                    "pull is not available for " + std::string(schema::to_string(c.dialect())));
}

std::string cell(const driver::Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (driver::is_null(v)) return "";
  return driver::to_display(v);
}

bool is_internal_table(std::string_view name) {
  return util::starts_with_ci(name, "_flash_");
}

void apply_reported_ddl(schema::Schema& model, const std::string& what, const std::string& sql) {
  diag::Diagnostics diags;
  sql::apply_ddl(model, sql::SourceFile{"<" + what + ">", sql}, diags);
  if (diag::has_errors(diags)) {
    std::string msg;
    for (const auto& d : diags)
      if (d.severity == diag::Severity::error) {
        msg = d.message;
        break;
      }
    throw diag::Error("pull.parse", "could not read " + what + " reported by the database: " + msg,
                      diag::ExitCode::error, "reported DDL: " + sql);
  }
}

}  // namespace flash::pull
