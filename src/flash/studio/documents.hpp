#pragma once
// Flash Studio over a document database (MongoDB; tested on FerretDB): the same endpoints as the
// relational API (api.hpp), answered with collections and documents, plus the indexes of a
// collection. server.cpp registers these routes first when the connection is a document database,
// and refuses every other /api/ route (the SQL runner, schema pages) with "studio.not_sql".
//
//   GET  /api/tables           {"model": "document", "collections": [{name, rows, count: "estimate",
//                               editable, declared, live, note?}]}
//   GET  /api/rows?q={collection, limit, after | before | last, filter}
//                              documents in _id order by keyset: after/before are the canonical _id
//                              of the last/first document of the previous page; a filter is a
//                              MongoDB query checked against an operator allow-list (check_filter)
//   POST /api/rows/update      {collection, old, new}: replaceOne with the old document as filter
//   POST /api/rows/insert      {collection, document}
//   POST /api/rows/delete      {collection, documents: [old...]}
//   GET  /api/indexes?q={collection}   live indexes beside the declared ones (schema files)
//
// Answers are ordered JSON (a document's field order is data; nlohmann::json would sort keys).
// Documents are canonical Extended JSON both ways ({"$numberLong": "9007199254740993"},
// {"$numberDecimal": "1.10"}, {"$oid": ...}, {"$date": ...}, {"$binary": ...}): every BSON type
// keeps its exact type and value through a page and an edit. Request bodies are read with their
// key order (a document's field order is data).
//
// No lost update: an edit or a delete carries the document as it was read. The document is read
// again and compared exactly (canonical form: types, field order, added or removed fields); a
// difference is a 409 "studio.conflict" with the current document, nothing written. The write
// itself is filtered by every field of the old document ($eq each), so a change between that read
// and the write is refused by the server too.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "flash/driver/document.hpp"
#include "flash/studio/api.hpp"

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace flash::studio {

class DocumentApi {
 public:
  // `declared`: the project's collections in their normalised JSON form (flash schema --json's
  // "schema"), or null when the project declares none or its files have errors.
  DocumentApi(driver::DocumentConnection& c, ApiOptions o, driver::Document declared = nullptr);
  ~DocumentApi();
  DocumentApi(const DocumentApi&) = delete;
  DocumentApi& operator=(const DocumentApi&) = delete;

  driver::Document collections();
  driver::Document documents(const driver::Document& q);
  driver::Document update(const driver::Document& b);
  driver::Document insert(const driver::Document& b);
  driver::Document remove(const driver::Document& b);
  driver::Document indexes(const driver::Document& q);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A user's query filter checked against the allow-list and returned as sent to the server. Allowed:
// $and/$or/$nor, $eq $ne $gt $gte $lt $lte $in $nin $exists $type $regex $options $not $elemMatch
// $all $size $mod, and Extended JSON values ($oid, $date, $numberLong, ...). Everything else —
// $where, $function, $accumulator, $expr, $code (JavaScript), unknown operators — is an ApiError
// 400 "studio.filter" naming it; nothing runs. `$type` is written after an `$exists: true` (the
// same query): libbson 1.23 reads an object that starts with "$type" as legacy binary.
driver::Document check_filter(const driver::Document& filter);

// The update filter for a document as read: {field: {"$eq": value}} for every field.
driver::Document same_document_filter(const driver::Document& old);

// Registers the document routes on `http` (before the relational ones, so they take their paths).
// `call` runs a handler under the server's connection lock and maps its errors.
using DocumentCall = std::function<void(httplib::Response&, const std::function<driver::Document()>&)>;
void document_routes(httplib::Server& http, DocumentApi& api, const DocumentCall& call);
// Whether a document database answers `path` (the rest of /api/ is SQL-only).
bool is_document_route(std::string_view path);

}  // namespace flash::studio
