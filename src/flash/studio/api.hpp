#pragma once
// Flash Studio's JSON API over one database connection: the data browser (tables and views with
// row counts, keyset-paged rows with sort and typed filters, edits that carry the old values,
// inserts, deletes) and the SQL runner. Transport-free: server.cpp maps HTTP requests to these
// calls, so the API is tested with or without HTTP.
//
// Safety: every identifier a request names (table, column, sort key, filter operator) is looked
// up in the schema model pulled from the live database (flash/pull) and only then written into SQL,
// quoted by the dialect's one quoting function (schema::quote_ident_always); every value is a
// bound parameter. Anything else is an ApiError (400), nothing runs.
//
// Values in JSON, exactly: null is NULL ("" is the empty string); integers beyond ±2^53 and
// non-finite floats are strings; NUMERIC/DECIMAL, dates, times, UUIDs, JSON/JSONB and enums are
// the database's own text; bytes are {"$hex": "…"}. The same forms are accepted back.
//
// Shape: {"model": "relational", "tables": [...]}. A document database (MongoDB) joins with
// "model": "document" and "collections" of documents under the same endpoints.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "flash/driver/connection.hpp"
#include "flash/driver/document.hpp"
#include "flash/schema/model.hpp"

namespace flash::studio {

// A refused or failed request: HTTP status, stable code ("studio.<what>"), a message safe to show.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message, nlohmann::json detail = nullptr)
      : std::runtime_error(message), status_(status), code_(std::move(code)), detail_(std::move(detail)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const nlohmann::json& detail() const { return detail_; }

 private:
  int status_;
  std::string code_;
  nlohmann::json detail_;
};

struct ApiOptions {
  bool read_only = false;
  std::int64_t large_rows = 100000;  // at or over this, row counts are the catalog's estimate
  int max_page = 1000;               // rows per page at most
  int max_result_rows = 1000;        // rows per SQL-runner result set sent back at most
};

class DocumentApi;  // documents.hpp

class Api {
 public:
  // Reads the schema model from the live database (pull::inspect).
  Api(driver::SqlConnection& c, ApiOptions o);
  // A document database (MongoDB): the endpoints answer with collections and documents
  // (documents.hpp); the SQL-only calls refuse with "studio.not_sql". `declared`: the project's
  // collections (their normalised JSON) or null.
  Api(driver::DocumentConnection& c, ApiOptions o, driver::Document declared);
  DocumentApi* documents() const { return docs_.get(); }  // null on a SQL database
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  void refresh();  // re-reads the schema model (after DDL in the SQL runner)
  // Serves another connection from now on (the branch switcher): its model is read first; when
  // that fails nothing changes. `c` must outlive its use here.
  void reconnect(driver::SqlConnection& c);
  const schema::Schema& model() const;

  nlohmann::json tables();                        // GET /api/tables
  // `sink`, when given, also receives the page's rows as the driver read them (the export).
  using PageSink = std::function<void(const driver::ResultSet&)>;
  nlohmann::json rows(const nlohmann::json& q, const PageSink& sink = {});  // GET /api/rows?q=…
  nlohmann::json update(const nlohmann::json& b); // POST /api/rows/update
  nlohmann::json insert(const nlohmann::json& b); // POST /api/rows/insert
  nlohmann::json remove(const nlohmann::json& b); // POST /api/rows/delete
  // POST /api/sql; `stop` is asked before each statement and after a failed one (the user cancelled).
  nlohmann::json run_sql(const nlohmann::json& b, const std::function<bool()>& stop = {});

 private:
  struct Impl;
  Impl& sql() const;  // throws "studio.not_sql" on a document database
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<DocumentApi> docs_;
};

// A driver value as JSON (see the header) and back for a column of declared type `type`.
nlohmann::json to_json(const driver::Value& v);

}  // namespace flash::studio
