#include "flash/studio/explain.hpp"

#include <chrono>
#include <map>

#include "flash/schema/model.hpp"

namespace flash::studio {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

json node(std::string title) {
  return {{"title", std::move(title)}, {"details", json::array()}, {"children", json::array()}};
}

std::string scalar_text(const ojson& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

bool is_scalar_list(const ojson& v) {
  if (!v.is_array()) return false;
  for (const auto& x : v)
    if (x.is_object() || x.is_array()) return false;
  return true;
}

std::string join_scalars(const ojson& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + scalar_text(x);
  return s;
}

// details keep the engine's order: nlohmann::json sorts keys, so details is an array of pairs.
void add_detail(json& n, const std::string& k, std::string v) {
  n["details"].push_back(json::array({k, std::move(v)}));
}

json pg_node(const ojson& p) {
  std::string title = p.value("Node Type", "?");
  if (p.contains("Relation Name")) {
    title += " on " + p["Relation Name"].get<std::string>();
    if (p.contains("Alias") && p["Alias"] != p["Relation Name"]) title += " " + p["Alias"].get<std::string>();
  }
  if (p.contains("Index Name")) title += " using " + p["Index Name"].get<std::string>();
  json n = node(title);
  for (const auto& [k, v] : p.items()) {
    if (k == "Plans" || k == "Node Type" || k == "Relation Name" || k == "Index Name") continue;
    if (v.is_object()) continue;
    // Noise in a tree meant to be read: zero block counters, false flags.
    if ((k.find("Blocks") != std::string::npos && v == 0) || v == false) continue;
    add_detail(n, k, is_scalar_list(v) ? join_scalars(v) : scalar_text(v));
  }
  if (p.contains("Plans") && p["Plans"].is_array())
    for (const auto& c : p["Plans"]) n["children"].push_back(pg_node(c));
  return n;
}

json generic_node(const std::string& key, const ojson& obj) {
  std::string title = key;
  if (obj.contains("select_id")) title += " #" + scalar_text(obj["select_id"]);
  if (obj.contains("table_name")) title += " " + scalar_text(obj["table_name"]);
  if (obj.contains("access_type")) title += " (" + scalar_text(obj["access_type"]) + ")";
  json n = node(title);
  for (const auto& [k, v] : obj.items()) {
    if (v.is_object()) {
      n["children"].push_back(generic_node(k, v));
    } else if (v.is_array() && !is_scalar_list(v)) {
      for (const auto& e : v) {
        if (e.is_object() && e.size() == 1 && e.begin().value().is_object())
          n["children"].push_back(generic_node(e.begin().key(), e.begin().value()));
        else if (e.is_object())
          n["children"].push_back(generic_node(k, e));
      }
    } else if (k != "table_name" && k != "access_type" && k != "select_id") {
      add_detail(n, k, is_scalar_list(v) ? join_scalars(v) : scalar_text(v));
    }
  }
  return n;
}

}  // namespace

json plan_tree_postgres(const ojson& j) {
  const ojson& top = j.is_array() && !j.empty() ? j[0] : j;
  json root = node("Query");
  for (const auto& [k, v] : top.items())
    if (!v.is_object() && !v.is_array()) add_detail(root, k, scalar_text(v));
  if (top.contains("Plan")) root["children"].push_back(pg_node(top["Plan"]));
  return root;
}

json plan_tree_mariadb(const ojson& j) {
  json root = node("Query");
  for (const auto& [k, v] : j.items()) {
    if (v.is_object()) root["children"].push_back(generic_node(k, v));
    else add_detail(root, k, scalar_text(v));
  }
  return root;
}

json plan_tree_sqlite(const std::vector<SqlitePlanRow>& rows) {
  json root = node("QUERY PLAN");
  // id → path of indices from root; rows come parent before child.
  std::map<long long, json::json_pointer> where;
  for (const auto& r : rows) {
    json::json_pointer parent("");
    if (auto it = where.find(r.parent); it != where.end()) parent = it->second;
    json& p = root[parent];
    p["children"].push_back(node(r.detail));
    where[r.id] = parent / "children" / (p["children"].size() - 1);
  }
  return root;
}

json plan_tree_text(std::string_view text) {
  json root = node("Query");
  std::vector<std::pair<std::size_t, json::json_pointer>> stack;  // indent → node
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    const auto arrow = line.find("-> ");
    if (arrow == std::string_view::npos) continue;
    std::string_view body = line.substr(arrow + 3);
    std::string title(body), info;
    if (const auto paren = body.find("  ("); paren != std::string_view::npos) {
      title = std::string(body.substr(0, paren));
      info = std::string(body.substr(paren + 2));
    }
    while (!stack.empty() && stack.back().first >= arrow) stack.pop_back();
    const json::json_pointer parent = stack.empty() ? json::json_pointer("") : stack.back().second;
    json& p = root[parent];
    json n = node(title);
    n["details"] = json::array();
    if (!info.empty()) add_detail(n, "measured", info);
    p["children"].push_back(std::move(n));
    stack.emplace_back(arrow, parent / "children" / (p["children"].size() - 1));
  }
  return root;
}

json explain_statement(driver::SqlConnection& c, bool mariadb, const std::string& st, bool analyze) {
  using schema::Dialect;
  const Dialect d = c.dialect();
  json out = {{"engine", d == Dialect::postgresql ? "postgresql" : d == Dialect::sqlite ? "sqlite" : mariadb ? "mariadb" : "mysql"},
              {"analyze", analyze}};
  // ANALYZE executes the statement: inside a transaction that is always rolled back.
  driver::Transaction tx(c);
  const auto t0 = std::chrono::steady_clock::now();
  auto ms = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(); };
  auto first_text = [](const driver::ResultSet& rs) {
    std::string s;
    for (const auto& row : rs.rows)
      if (!row.empty()) s += (s.empty() ? "" : "\n") + driver::to_display(row[0]);
    return s;
  };
  if (d == Dialect::postgresql) {
    auto rs = c.query(std::string("EXPLAIN (FORMAT JSON") + (analyze ? ", ANALYZE, BUFFERS" : "") + ") " + st);
    const ojson raw = ojson::parse(first_text(rs));
    out["raw"] = json::parse(raw.dump());
    out["tree"] = plan_tree_postgres(raw);
  } else if (d == Dialect::mysql) {
    if (analyze && !mariadb) {
      auto rs = c.query("EXPLAIN ANALYZE " + st);
      const std::string raw = first_text(rs);
      out["raw"] = raw;
      out["tree"] = plan_tree_text(raw);
    } else {
      auto rs = c.query(std::string(analyze ? "ANALYZE" : "EXPLAIN") + " FORMAT=JSON " + st);
      const ojson raw = ojson::parse(first_text(rs));
      out["raw"] = json::parse(raw.dump());
      out["tree"] = plan_tree_mariadb(raw);
    }
  } else {
    auto rs = c.query("EXPLAIN QUERY PLAN " + st);
    std::vector<SqlitePlanRow> rows;
    json raw = json::array();
    for (const auto& r : rs.rows) {
      if (r.size() < 4) continue;
      SqlitePlanRow p;
      if (auto* i = std::get_if<std::int64_t>(&r[0])) p.id = *i;
      if (auto* i = std::get_if<std::int64_t>(&r[1])) p.parent = *i;
      p.detail = driver::to_display(r[3]);
      raw.push_back({{"id", p.id}, {"parent", p.parent}, {"detail", p.detail}});
      rows.push_back(std::move(p));
    }
    out["raw"] = raw;
    out["tree"] = plan_tree_sqlite(rows);
    if (analyze) {
      // SQLite keeps no per-node figures: the statement is run (and rolled back) for its time and rows.
      const auto t1 = std::chrono::steady_clock::now();
      auto run = c.query(st);
      const double run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
      out["tree"]["details"] = json::array({json::array({"Execution Time (ms)", std::to_string(run_ms)}),
                                            json::array({"Rows", std::to_string(run.columns.empty() ? run.affected_rows
                                                                                                    : static_cast<std::int64_t>(run.rows.size()))})});
    }
  }
  out["ms"] = ms();
  return out;  // tx rolls back
}

}  // namespace flash::studio
