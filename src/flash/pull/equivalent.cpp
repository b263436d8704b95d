// Whether two PostgreSQL texts say the same thing although the server spells one of them its own
// way. The catalog keeps views, functions, triggers and rules parsed; pulling them back prints the
// server's spelling (pg_get_viewdef / pg_get_functiondef / pg_get_triggerdef), which differs from
// what was written in layout, parentheses, casts the server makes explicit ('x'::text,
// (0)::numeric, (col)::numeric: casts of literals and columns are discounted), schema
// qualification (pg_dump writes public.x, a pull under the default search_path writes x),
// CREATE vs CREATE OR REPLACE, dollar-quote tags, the order of function options, and columns
// qualified with the only table of their SELECT. Both texts are
// parsed with PostgreSQL's own parser (libpg_query) and their trees compared after removing
// exactly those differences; anything else (another column, another condition, another body)
// still differs.
#include <pg_query.h>

#include <algorithm>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "flash/pull/inspect.hpp"

namespace flash::pull {

namespace {

using json = nlohmann::json;

bool is_string_node(const json& n) { return n.is_object() && n.size() == 1 && n.contains("String"); }

std::string string_node(const json& n) {
  const json& s = n["String"];
  if (s.contains("sval") && s["sval"].is_string()) return s["sval"].get<std::string>();
  if (s.contains("str") && s["str"].is_string()) return s["str"].get<std::string>();
  return "";
}

// A literal or a column: what the server decorates with the casts that were implicit when it was
// written ('x'::text, (0)::numeric, (length)::numeric / 60.0).
bool is_constant(const json& n) {
  if (!n.is_object() || n.size() != 1) return false;
  if (n.contains("A_Const") || n.contains("ColumnRef")) return true;
  if (n.contains("TypeCast")) return is_constant(n["TypeCast"]["arg"]);
  return false;
}

// nextval('public.s'::regclass) → nextval('s'): the sequence name inside the literal.
void unqualify_sequence_arg(json& call) {
  if (!call.contains("funcname") || !call["funcname"].is_array() || call["funcname"].empty()) return;
  const std::string fn = string_node(call["funcname"].back());
  if (fn != "nextval" && fn != "currval" && fn != "setval") return;
  if (!call.contains("args") || !call["args"].is_array() || call["args"].empty()) return;
  json* arg = &call["args"][0];
  while (arg->contains("TypeCast")) arg = &(*arg)["TypeCast"]["arg"];
  if (!arg->contains("A_Const")) return;
  json& c = (*arg)["A_Const"];
  if (!c.contains("sval") || !c["sval"].contains("sval")) return;
  std::string v = c["sval"]["sval"].get<std::string>();
  if (v.rfind("public.", 0) == 0) c["sval"]["sval"] = v.substr(7);
}

// rel.col → col inside one SELECT over a single relation (pg_get_viewdef qualifies every column);
// nested SELECTs are left alone (they have their own FROM, and may refer to the outer one).
void strip_qualifier(json& n, const std::string& rel) {
  if (n.is_array()) {
    for (auto& e : n) strip_qualifier(e, rel);
    return;
  }
  if (!n.is_object() || n.contains("SelectStmt")) return;
  if (n.contains("ColumnRef")) {
    json& fields = n["ColumnRef"]["fields"];
    if (fields.is_array() && fields.size() == 2 && is_string_node(fields[0]) && string_node(fields[0]) == rel)
      fields.erase(fields.begin());
    return;
  }
  for (auto& v : n) strip_qualifier(v, rel);
}

void single_relation_columns(json& select) {
  const json& from = select.contains("fromClause") ? select["fromClause"] : json();
  if (!from.is_array() || from.size() != 1 || !from[0].contains("RangeVar")) return;
  const json& rv = from[0]["RangeVar"];
  std::string rel;
  if (rv.contains("alias") && rv["alias"].contains("aliasname")) rel = rv["alias"]["aliasname"].get<std::string>();
  else if (rv.contains("relname")) rel = rv["relname"].get<std::string>();
  if (rel.empty()) return;
  for (const char* k : {"targetList", "whereClause", "groupClause", "havingClause", "sortClause", "distinctClause"})
    if (select.contains(k)) strip_qualifier(select[k], rel);
  // An alias equal to the table name says nothing.
  if (rv.contains("alias") && rv.contains("relname") && rv["alias"]["aliasname"] == rv["relname"] &&
      !rv["alias"].contains("colnames"))
    select["fromClause"][0]["RangeVar"].erase("alias");
}

void canon(json& n) {
  if (n.is_array()) {
    for (auto& e : n) canon(e);
    // Qualified names: ["public", "x"] → ["x"] (also pg_catalog, always on the search path).
    if (n.size() >= 2 && std::all_of(n.begin(), n.end(), is_string_node)) {
      const std::string first = string_node(n[0]);
      if (first == "public" || first == "pg_catalog") n.erase(n.begin());
    }
    // Option lists (function options, aggregate definitions): order does not matter.
    if (!n.empty() && std::all_of(n.begin(), n.end(), [](const json& e) {
          return e.is_object() && e.size() == 1 && e.contains("DefElem");
        }))
      std::sort(n.begin(), n.end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
    return;
  }
  if (!n.is_object()) return;
  // A cast of a literal → the literal (the server adds the casts that were implicit).
  if (n.size() == 1 && n.contains("TypeCast") && is_constant(n["TypeCast"]["arg"])) {
    json arg = n["TypeCast"]["arg"];
    n = std::move(arg);
    canon(n);
    return;
  }
  for (const char* k : {"location", "stmt_location", "stmt_len"}) n.erase(k);
  if (n.contains("SelectStmt")) single_relation_columns(n["SelectStmt"]);
  // A range variable (wrapped as {"RangeVar": ...} or bare, as in CREATE TRIGGER's relation).
  for (json* rv : {n.contains("RangeVar") ? &n["RangeVar"] : nullptr, n.contains("relname") ? &n : nullptr})
    if (rv && rv->contains("schemaname") && ((*rv)["schemaname"] == "public" || (*rv)["schemaname"] == "pg_catalog"))
      rv->erase("schemaname");
  if (n.contains("FuncCall")) unqualify_sequence_arg(n["FuncCall"]);
  if (n.contains("CreateFunctionStmt")) n["CreateFunctionStmt"].erase("replace");
  if (n.contains("CreateTrigStmt")) n["CreateTrigStmt"].erase("replace");
  if (n.contains("ViewStmt")) n["ViewStmt"].erase("replace");
  for (auto& v : n) canon(v);
}

std::optional<json> canonical_tree(const std::string& sql) {
  PgQueryParseResult r = pg_query_parse(sql.c_str());
  std::optional<json> out;
  if (!r.error && r.parse_tree) {
    json tree = json::parse(r.parse_tree, nullptr, false);
    if (!tree.is_discarded() && tree.contains("stmts")) {
      json stmts = tree["stmts"];
      canon(stmts);
      out = std::move(stmts);
    }
  }
  pg_query_free_parse_result(r);
  return out;
}

}  // namespace

bool same_postgres_sql(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const auto ta = canonical_tree(a);
  if (!ta) return false;
  const auto tb = canonical_tree(b);
  return tb && *ta == *tb;
}

}  // namespace flash::pull
