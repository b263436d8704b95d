#pragma once
// EXPLAIN / EXPLAIN ANALYZE for the studio's SQL runner, as one readable plan tree on every engine:
//   PostgreSQL   EXPLAIN (FORMAT JSON[, ANALYZE, BUFFERS])      → the "Plan" nodes
//   MariaDB      EXPLAIN FORMAT=JSON / ANALYZE FORMAT=JSON      → query_block, tables, loops
//   MySQL 8      EXPLAIN FORMAT=JSON / EXPLAIN ANALYZE (text)   → nodes by indentation
//   SQLite       EXPLAIN QUERY PLAN (id, parent, detail rows)   → nodes by parent
// A node is {"title": "Seq Scan on authors", "details": [["Total Cost", "12.5"], ...], "children": [...]}
// (details as text, in the engine's order). ANALYZE runs the statement inside a transaction that
// is rolled back (its changes are not kept; MySQL DDL cannot be explained at all).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/driver/connection.hpp"

namespace flash::studio {

// The plan trees from each engine's own output (pure functions, tested on captured output).
// (ordered_json: the details keep the engine's order; PostgreSQL's zero block counters and false
// flags are left out.)
nlohmann::json plan_tree_postgres(const nlohmann::ordered_json& explain_json);  // [{"Plan": {...}, ...}]
nlohmann::json plan_tree_mariadb(const nlohmann::ordered_json& explain_json);   // {"query_block": {...}}
// SQLite rows (id, parent, detail) in the order EXPLAIN QUERY PLAN returns them.
struct SqlitePlanRow {
  long long id = 0, parent = 0;
  std::string detail;
};
nlohmann::json plan_tree_sqlite(const std::vector<SqlitePlanRow>& rows);
// MySQL 8's EXPLAIN ANALYZE / FORMAT=TREE text: "-> Node  (details)" lines nested by indentation.
nlohmann::json plan_tree_text(std::string_view text);

// Explains one statement on `c` (`mariadb`: the server is MariaDB). Returns {"engine", "analyze",
// "tree", "raw" (the engine's own output), "ms"}. Throws driver::DbError from the engine.
nlohmann::json explain_statement(driver::SqlConnection& c, bool mariadb, const std::string& statement, bool analyze);

}  // namespace flash::studio
