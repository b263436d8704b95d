#pragma once
// The document-database interface (MongoDB; tested on FerretDB). A separate small interface beside
// SqlConnection: a document database implements Connection and this, never SQL methods that throw.
// Documents cross it as Extended JSON in nlohmann::ordered_json (key order kept: a command's first
// key is its name). Relaxed form by default (plain numbers, strings, booleans; {"$oid": ...},
// {"$date": ...} for the types JSON lacks); canonical form ({"$numberInt": "1"}) on request, for
// exact round trips. Errors: ConnectError when the server cannot be reached (exit 6), DbError for
// a failed command (sqlstate = the server's codeName, native_code = its numeric code).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver {

using Document = nlohmann::ordered_json;

enum class JsonMode { relaxed, canonical };

struct FindOptions {
  Document sort;                      // null = server order
  Document projection;                // null = whole documents
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> skip;
  JsonMode mode = JsonMode::relaxed;
};

struct WriteResult {
  std::int64_t matched = 0;
  std::int64_t modified = 0;  // updated or deleted
  std::int64_t upserted = 0;
};

class DocumentConnection : public Connection {
 public:
  // The database the URL names (every method works in it).
  virtual const std::string& database() const = 0;
  // Runs one command in the database (its first key is the command name) and returns the reply.
  // A reply with ok: 0 throws DbError.
  virtual Document command(const Document& cmd) = 0;
  // Runs one command in the admin database (renameCollection takes full "db.collection" names).
  virtual Document admin_command(const Document& cmd) = 0;
  // listCollections: one entry per collection ({name, type, options: {validator, ...}, ...}),
  // sorted by name; views are included (type "view").
  virtual std::vector<Document> list_collections() = 0;
  // listIndexes of one collection (the _id index included), in the server's order; empty when the
  // collection does not exist.
  virtual std::vector<Document> list_indexes(std::string_view collection) = 0;
  virtual void insert(std::string_view collection, std::span<const Document> docs) = 0;
  virtual std::vector<Document> find(std::string_view collection, const Document& filter,
                                     const FindOptions& opts = {}) = 0;
  // Streams the matching documents to `each` (memory bounded by one batch) until it returns false;
  // returns how many were passed.
  virtual std::int64_t find_each(std::string_view collection, const Document& filter, const FindOptions& opts,
                                 const std::function<bool(const Document&)>& each) = 0;
  // Runs an aggregation pipeline (a JSON array of stages) and returns its documents.
  virtual std::vector<Document> aggregate(std::string_view collection, const Document& pipeline,
                                          JsonMode mode = JsonMode::relaxed) = 0;
  // `update` is an update document ({"$set": ...}) or a replacement when `replace`.
  virtual WriteResult update(std::string_view collection, const Document& filter,
                             const Document& update, bool many = false, bool upsert = false) = 0;
  virtual WriteResult remove(std::string_view collection, const Document& filter, bool many = false) = 0;
};

// Connects to the document database the URL names (mongodb://, mongodb+srv://) and checks that the
// server answers (ping). Throws ConnectError when it cannot be reached, diag::Error
// ("config.url") when the URL is unusable (no database name) or not a document database's.
std::unique_ptr<DocumentConnection> connect_documents(const config::DatabaseUrl& url);

}  // namespace flash::driver
