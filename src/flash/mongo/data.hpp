#pragma once
// flash export / import on a MongoDB project, through the export formats of flash/export (the same
// writers, readers and files): each collection is a table of the export, in SQLite types —
//   `_id`        TEXT primary key (an ObjectId as its hex, a string as itself, else canonical JSON)
//   `_document`  TEXT: the whole document as canonical Extended JSON text (exact types: ObjectId,
//                dates, int32/int64/double/decimal128, binary, regex, timestamps ..., and exact
//                field order, which a JSON-typed column would lose to the readers' key sorting)
//   + columns inferred from a sample of the documents (infer.hpp): json and sqlite formats get the
//     top-level fields that hold one scalar type; csv gets every scalar leaf flattened ("a.b").
// So `flash import` of such a file into PostgreSQL/MySQL/SQLite works unchanged (documents as JSON
// columns beside typed top-level columns), and importing it into MongoDB restores the documents
// exactly from `_document`. A table without `_document` (an export of an SQL database) becomes a
// collection of one document per row, typed by each column's category (int64 → long, decimal →
// decimal128, timestamps → dates, bytes → binary, json → the JSON value); a single-column
// primary key becomes `_id`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "flash/driver/document.hpp"
#include "flash/export/export.hpp"
#include "flash/mongo/json.hpp"

namespace flash::mongo {

struct DataExportOptions {
  exporter::Format format = exporter::Format::json;
  std::vector<std::string> collections;  // empty = every collection but Flash's and system.*
  std::filesystem::path path;
  std::size_t sample = 1000;             // documents sampled to infer the extra columns
  exporter::Progress progress;
};

// The collections of the database a command works on (Flash's own and system.* left out), sorted.
std::vector<std::string> user_collections(driver::DocumentConnection& c);

std::vector<exporter::TableCount> export_collections(driver::DocumentConnection& c, const DataExportOptions& o);

// Loads an export into the database: documents inserted in batches into the collection named like
// each table (created when missing). Throws diag::Error "import.row" naming the table and row on a
// refused document (the documents before it stay).
std::vector<exporter::TableCount> import_collections(driver::DocumentConnection& c, const std::filesystem::path& path,
                                                     const exporter::Progress& progress = {});

// One SQL export row as a document (exposed for tests).
Json row_document(const schema::Table& t, const schema::Schema& model, const std::vector<std::string>& columns,
                  const std::vector<nlohmann::json>& row);

}  // namespace flash::mongo
