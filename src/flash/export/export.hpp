#pragma once
// flash export / flash import: table data to and from three file formats, on any SQL engine.
//
// Formats (all carry the source dialect and the schema model as schema::to_json, so an import
// knows every column's TypeCategory and can create missing tables in its own dialect):
//  * json   — one document {"version":1,"dialect":D,"schema":M,"tables":{T:{"columns":[...],
//             "rows":[[...],...]}}}, values in the exchange form of format.hpp.
//  * csv    — a directory: schema.json {"version","dialect","schema","tables":[{"name","file",
//             "columns","rows"}]} and one RFC 4180 file per table (header line, NULL = empty
//             unquoted field).
//  * sqlite — one SQLite database: the tables in SQLite types (convert_schema) with every row, and
//             a table _flash_export(key, value) holding version, dialect, schema and tables.
// Export streams rows from a driver cursor to the writer: memory stays bounded whatever the table
// size. Tables are written (and imported) in foreign-key order. Import reads JSON as a stream too
// (bounded by the largest row), and also takes any SQLite database that Flash did not write: its
// schema is read from sqlite_schema by pull's SQLite inspector.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/driver/connection.hpp"
#include "flash/schema/model.hpp"

namespace flash::exporter {

enum class Format { json, csv, sqlite };
std::string_view to_string(Format f);
Format format_from_string(std::string_view s);  // throws diag::Error (usage) when unknown
// csv for a directory, sqlite for a file starting with the SQLite header, json otherwise.
Format detect_format(const std::filesystem::path& p);

// Called every few thousand rows and once at the end of each table with the running count.
using Progress = std::function<void(std::string_view table, std::int64_t rows, bool table_done)>;
// Called before a table's rows with the number expected (the catalog's estimate on PostgreSQL and
// MySQL, an exact count on SQLite or with --where), -1 when unknown. Set only for a progress bar.
using TableStart = std::function<void(std::string_view table, std::int64_t expected_rows)>;

struct TableCount {
  std::string table;
  std::int64_t rows = 0;
  bool created = false;  // import: the table did not exist and was created
};

struct ExportOptions {
  Format format = Format::json;
  std::vector<std::string> tables;  // empty = every table of the model
  std::string where;                // SQL condition applied to every exported table
  std::filesystem::path path;       // file (json, sqlite) or directory (csv)
  Progress progress;
  TableStart table_start;
};

// Exports the tables of `model` (the project's schema) from `conn`. Throws diag::Error for an
// unknown table name or an existing non-empty CSV directory, driver::DbError from the database.
std::vector<TableCount> export_data(driver::SqlConnection& conn, const schema::Schema& model,
                                    const ExportOptions& opts);

// Exports rows that do not come from an SQL connection (a document database's collections seen
// as tables): the same writers, temporary name and atomic rename as export_data. For each table of
// `model` (fk order), `feed(table, emit)` calls emit once per row with one value per data column.
using RowEmit = std::function<void(const std::vector<driver::Value>& row)>;
using RowFeed = std::function<void(const schema::Table& table, const RowEmit& emit)>;
std::vector<TableCount> export_rows(const schema::Schema& model, const RowFeed& feed, const ExportOptions& opts);

// Reads an export (any format, or any SQLite database) without a database: `table` is called
// before each table's rows with the file's model, the table and its column names, then `row` with
// each row's exchange values (format.hpp). Malformed files throw diag::Error "import.format".
using ExportTableStart = std::function<void(const schema::Schema& model, const schema::Table& table,
                                            const std::vector<std::string>& columns)>;
using ExportRow = std::function<void(const std::vector<nlohmann::json>& row)>;
void read_export(const std::filesystem::path& path, const ExportTableStart& table, const ExportRow& row);

struct ImportOptions {
  std::filesystem::path path;
  Progress progress;
  // Called once per part of the file's schema that import left out when creating a table (an
  // expression, option, index, type ... that is not in the validated set of sanitize.hpp).
  std::function<void(const std::string& what)> dropped;
};

// Loads an export (any format, or any SQLite database) into `conn`: creates missing tables (the
// file's model reduced to validated types, names and expressions — sanitize.hpp — printed in the
// connection's dialect; nothing else from the file is executed), then fills each table in its own
// transaction, in foreign-key order. Tables keep their schema when the engine is the same. A failing row throws diag::Error code "import.row" naming the table and the
// row's position; that table's transaction is rolled back, tables loaded before it stay.
std::vector<TableCount> import_data(driver::SqlConnection& conn, const ImportOptions& opts);

// Default export path: <dir>/export_<UTC yyyymmddThhmmssZ>.<json|db> or a directory for csv.
std::filesystem::path default_export_path(const std::filesystem::path& dir, Format f);

}  // namespace flash::exporter
