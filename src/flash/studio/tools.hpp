#pragma once
// The studio's tools beyond browsing and editing rows (server.cpp registers them with one call):
//   POST /api/sql            the SQL runner, each run under a client-chosen query id
//   POST /api/sql/cancel     {query_id}: stops that run (driver::QueryCanceller: PQcancel, KILL QUERY
//                            on a second connection, sqlite3_interrupt) and any statement after it
//   POST /api/explain        {sql, analyze, query_id}: the plan tree of one statement (explain.hpp)
//   GET  /api/export?q=      the data browser's view (table, filters, sort) as CSV or JSON, every
//                            page of it, each value written by flash/export's formatting
//   GET/POST /api/layout     the diagram's node positions, db/studio/layout.json in the project
//   GET  /api/history        the migrations folder, which are applied
//   GET  /api/history/at?n=N the schema after the first N migrations (replayed through the SQL
//                            front end, migrate::replay) and what migration N added/changed/removed
// Every POST is behind the guard's Origin + CSRF checks and refused with --read-only.
#include <functional>
#include <mutex>

#include <nlohmann/json.hpp>

#include "flash/diff/plan.hpp"
#include "flash/driver/connection.hpp"
#include "flash/schema/model.hpp"
#include "flash/studio/api.hpp"
#include "flash/studio/server.hpp"

namespace httplib {
class Server;
class Response;
}  // namespace httplib

namespace flash::studio {

struct ToolsHost {
  httplib::Server& http;
  Api& api;
  // The connection being served: the branch switcher (branches.hpp) replaces it, so it is read per
  // request (under db_mu), never kept.
  std::function<driver::SqlConnection&()> conn;
  std::mutex& db_mu;
  const ServeOptions& o;
  // Runs `f` under db_mu and sends its JSON (or the error body), as every API route does.
  std::function<void(httplib::Response&, const std::function<nlohmann::json()>&)> call;
};

void add_tool_routes(const ToolsHost& h);

// The layout file's content for `positions` ({"table": {"x": 1, "y": 2}}): keys sorted, integer
// coordinates, one table per line. Throws ApiError on anything else.
std::string layout_text(const nlohmann::json& positions);

// What going from `before` to `after` added, changed and removed, by table and column (the
// differ's operations): {"added": [tables], "removed": [tables], "changed": {table: {"added": [],
// "removed": [], "changed": []}}}.
nlohmann::json schema_changes(const schema::Schema& before, const schema::Schema& after,
                              const std::vector<diff::Rename>& renames = {});

}  // namespace flash::studio
