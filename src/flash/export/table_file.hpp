#pragma once
// One file of rows for one existing table (Flash Studio's import, issue 12 page 6): read into the
// exchange form of format.hpp and loaded with TableLoader (loader.hpp) in one transaction, every
// problem located at its line of the file and at the table column it concerns.
//
// Formats (what the studio's own CSV and JSON exports write, so an exported table imports back):
//  * csv  — RFC 4180: a header row of column names, then one record per row; a quoted field may
//           hold commas, doubled quotes and line breaks. An empty unquoted field is NULL, a quoted
//           empty field ("") the empty string. CRLF or LF line ends; a UTF-8 BOM is skipped.
//  * json — an array of objects {"column": value, ...}. The first object's keys are the file's
//           columns; every later object has exactly those keys (null for NULL).
//
// Values, by the column's schema::TypeCategory, checked before anything is written:
//   int16/int32/int64  whole numbers within the type's range (text or a JSON number; a JSON string
//                      keeps integers beyond 2^53 exact: "9007199254740993")
//   decimal            a number's text (a JSON number keeps the digits it was written with)
//   float32/float64    a number, NaN, Infinity, -Infinity
//   boolean            true/false, t/f, 1/0, yes/no, y/n, on/off (any case)
//   bytes              base64 (the exchange form flash export writes) or \x followed by hex digits
//                      (PostgreSQL's text form); in JSON also {"$hex": "…"} (the studio API's form)
//   json               CSV: a JSON text; JSON: any value
//   enum               one of the column's values
//   anything else      text (dates, times, UUIDs ...: the database checks them; its refusal is
//                      located at the row's line)
// NULL in a column that needs a value (NOT NULL without a default, not generated, not identity or
// auto-increment) is a problem too. Generated columns in the file are ignored (not written).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/connection.hpp"
#include "flash/schema/model.hpp"
#include "flash/schema/types.hpp"

namespace flash::exporter {

enum class TableFileFormat { csv, json };
// "csv" / "json"; nullopt for anything else.
std::optional<TableFileFormat> table_file_format(std::string_view name);
// json when the first character after a UTF-8 BOM and blanks is '[', else csv.
TableFileFormat detect_table_file_format(std::string_view bytes);

// A column of the table the file goes into.
struct TargetColumn {
  std::string name;
  schema::TypeCategory category = schema::TypeCategory::text;
  bool required = false;   // NULL refused: NOT NULL without a default, not identity/auto-increment
  bool generated = false;  // computed by the database: never written
  std::vector<std::string> enum_values;  // enum columns: the allowed values
};
// The columns of table `t` of model `s` as an import target.
std::vector<TargetColumn> target_columns(const schema::Table& t, const schema::Schema& s);

// A problem with the file: its line (1-based; 0 = the file as a whole), the table column it
// concerns ("" when none) and a sentence.
struct FileProblem {
  std::int64_t line = 0;
  std::string column;
  std::string message;
};

struct FileRow {
  std::int64_t line = 0;               // where the row starts in the file
  std::vector<nlohmann::json> values;  // exchange form, one per TableFile::columns()
  std::vector<FileProblem> problems;   // values that do not convert (null in `values`)
};

// A located failure: diag code "import.format" (the file is not CSV / JSON of the shape above) or
// "import.row" (a row that cannot go in: a value, or the database's refusal). The diagnostic's
// location is file:line:col; column() names the table column when known, row() the 1-based data
// row when known (0 otherwise).
class TableFileError : public diag::Error {
 public:
  TableFileError(diag::Diagnostic d, std::string column, std::int64_t row);
  const std::string& column() const { return column_; }
  std::int64_t row() const { return row_; }
  std::int64_t line() const { return diagnostic().location.line; }

 private:
  std::string column_;
  std::int64_t row_;
};

class TableFile {
 public:
  // Reads the CSV header, or the JSON array's first object, and matches its names with `table`.
  // `name` is the file's name for messages. `bytes` must outlive this object. Throws
  // TableFileError "import.format" when the start of the file is not of the shape above.
  TableFile(std::string name, std::string_view bytes, TableFileFormat format, std::vector<TargetColumn> table);
  ~TableFile();
  TableFile(const TableFile&) = delete;
  TableFile& operator=(const TableFile&) = delete;

  TableFileFormat format() const;
  const std::string& name() const;
  // The table columns the rows give values for, in file order, and their categories.
  const std::vector<std::string>& columns() const;
  const std::vector<schema::TypeCategory>& categories() const;
  const std::vector<std::string>& unknown() const;  // names in the file that the table lacks
  const std::vector<std::string>& ignored() const;  // generated columns in the file (not written)
  const std::vector<std::string>& missing() const;  // table columns the file lacks (their defaults apply)
  // Unknown columns, a column named twice, a required column missing, an empty name: each one
  // stops an import.
  const std::vector<FileProblem>& header_problems() const;

  // The next row; false at the end. A malformed record throws TableFileError "import.format".
  bool next(FileRow& row);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Loads every row of `file` into `table` (`schema_name` "" = the connection's default schema) in
// one transaction through TableLoader. A header problem, a value that does not convert, or a row
// the database refuses throws TableFileError "import.row" naming the row's line and, when known,
// its column; the transaction is rolled back, the table is unchanged. Returns the rows written.
std::int64_t load_table_file(driver::SqlConnection& conn, const std::string& schema_name, const std::string& table,
                             TableFile& file);

}  // namespace flash::exporter
