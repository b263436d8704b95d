// flash raw "SQL" | --file F: runs statements (split by the SQL splitter, never on bare ';') and
// prints each result set as an aligned table, or everything as JSON with --json.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace {

struct RawArgs {
  std::string sql;
  std::string file;
};

nlohmann::json json_value(const driver::Value& v) {
  if (driver::is_null(v)) return nullptr;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return driver::to_display(v);
}

// Display width in code points, so UTF-8 text lines up.
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string render_table(const driver::ResultSet& rs) {
  std::vector<std::size_t> w(rs.columns.size());
  std::vector<std::vector<std::string>> cells;
  for (std::size_t i = 0; i < rs.columns.size(); ++i) w[i] = width(rs.columns[i].name);
  for (const auto& r : rs.rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < rs.columns.size(); ++i) {
      std::string s = i < r.size() ? (driver::is_null(r[i]) ? "NULL" : driver::to_display(r[i])) : "";
      for (auto& ch : s)
        if (ch == '\n' || ch == '\t') ch = ' ';
      w[i] = std::max(w[i], width(s));
      line.push_back(std::move(s));
    }
    cells.push_back(std::move(line));
  }
  auto pad = [](const std::string& s, std::size_t n) { return s + std::string(n - width(s), ' '); };
  auto rstrip = [](std::string& s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
  };
  std::string out;
  std::string head;
  for (std::size_t i = 0; i < rs.columns.size(); ++i) head += (i ? " | " : "") + pad(rs.columns[i].name, w[i]);
  rstrip(head);
  out += head + "\n";
  for (std::size_t i = 0; i < rs.columns.size(); ++i) out += (i ? "-+-" : "") + std::string(w[i], '-');
  out += "\n";
  for (const auto& line : cells) {
    std::string l;
    for (std::size_t i = 0; i < line.size(); ++i) l += (i ? " | " : "") + pad(line[i], w[i]);
    rstrip(l);
    out += l + "\n";
  }
  out += "(" + std::to_string(rs.rows.size()) + (rs.rows.size() == 1 ? " row)\n" : " rows)\n");
  return out;
}

void run_raw(const RawArgs& a, Context& ctx) {
  if (a.sql.empty() == a.file.empty())
    throw diag::Error("cli.usage", "give either the SQL text or --file", diag::ExitCode::usage,
                      "flash raw \"SELECT 1\"  or  flash raw --file script.sql");
  sql::SourceFile src{a.file.empty() ? "<command line>" : a.file,
                      a.file.empty() ? a.sql : util::read_file(a.file)};
  auto conn = migrate_connect(ctx);
  diag::Diagnostics diags;
  auto stmts = sql::split_statements(src, conn->dialect(), diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  nlohmann::json results = nlohmann::json::array();
  for (const auto& st : stmts) {
    auto rs = conn->query(st.text);
    nlohmann::json r = {{"statement", st.text}};
    if (!rs.columns.empty()) {
      nlohmann::json cols = nlohmann::json::array();
      for (const auto& c : rs.columns) cols.push_back(c.name);
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& row : rs.rows) {
        nlohmann::json o = nlohmann::json::object();
        for (std::size_t i = 0; i < rs.columns.size() && i < row.size(); ++i) o[rs.columns[i].name] = json_value(row[i]);
        rows.push_back(std::move(o));
      }
      r["columns"] = cols;
      r["rows"] = rows;
      if (!ctx.options.json) std::cout << render_table(rs);
    } else {
      if (rs.affected_rows >= 0) r["affected_rows"] = rs.affected_rows;
      if (!ctx.options.json)
        std::cout << (rs.affected_rows >= 0 ? "OK, " + std::to_string(rs.affected_rows) + " row(s) affected" : "OK")
                  << "\n";
    }
    results.push_back(std::move(r));
  }
  ctx.result()["results"] = results;
}

}  // namespace

void setup_raw(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<RawArgs>();
  sub.add_option("sql", a->sql, "SQL statements to run");
  sub.add_option("--file", a->file, "Run the statements of this file")->type_name("FILE");
  sub.callback([a, &ctx] { run_raw(*a, ctx); });
}

}  // namespace flash::cli
