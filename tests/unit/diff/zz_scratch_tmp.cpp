#include <gtest/gtest.h>
#include <fstream>
#include "flash/diff/plan.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"
using namespace flash;
static schema::Schema P(const std::string& f, schema::Dialect d) {
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{f, util::read_file(f)}}, d, ds);
  for (auto& x : ds) ADD_FAILURE() << x.code << " " << x.message;
  s.dialect = d; return s;
}
static void W(const std::string& f, const std::string& body) { std::ofstream(f) << body; }
static std::string sec(const diff::Plan& p, bool up) {
  std::string s;
  if (up) { for (auto& o : p.operations) for (auto& x : o.up) s += x + ";\n"; }
  else for (auto it = p.operations.rbegin(); it != p.operations.rend(); ++it) for (auto& x : it->down) s += x + ";\n";
  return s;
}
TEST(ZZScratch, Dump) {
  for (auto [name, d] : {std::pair{"pg", schema::Dialect::postgresql}, std::pair{"my", schema::Dialect::mysql}}) {
    std::string dir = "/tmp/diffcheck/";
    auto a = P(dir + name + "_a.sql", d), b = P(dir + name + "_b.sql", d);
    schema::Schema e; e.dialect = d;
    diff::DiffOptions o; o.renames = {{"users", "name", "full_name"}}; o.accept_drops = true;
    auto p = diff::diff_schemas(a, b, o);
    for (auto& r : p.unresolved_renames) ADD_FAILURE() << r.flag();
    W(dir + name + "_create.sql", sec(diff::diff_schemas(e, a), true));
    W(dir + name + "_up.sql", sec(p, true));
    W(dir + name + "_down.sql", sec(p, false));
    W(dir + name + "_dropall.sql", sec(diff::diff_schemas(e, a), false));
    W(dir + name + "_selfb.sql", diff::render_migration(diff::diff_schemas(b, b)));
  }
}
