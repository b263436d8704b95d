#pragma once
// LOAD DATA LOCAL INFILE from memory: the MySQL/MariaDB side of driver::BulkLoader. The statement
// and the rows in LOAD DATA's text format, produced on demand in the chunks Connector/C's
// local-infile handler asks for (no file is read or written). Internal to the MySQL driver.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flash/driver/connection.hpp"

namespace flash::driver::mysql {

// How a column's values travel, chosen from the table's column types (and the values):
enum class LoadAs {
  text,  // the value's text, escaped: strings, numbers, DECIMAL, dates and times, JSON, ENUM, SET
  hex,   // binary columns (BINARY, VARBINARY, BLOB, GEOMETRY) and Blob values: the exact bytes as
         // hex into a user variable, stored with SET col = UNHEX(@var)
  bits,  // BIT: the unsigned integer into a user variable, stored with SET col = CAST(@var AS
         // UNSIGNED) (LOAD DATA would store a BIT field's text as its raw bytes)
};

// LOAD DATA LOCAL INFILE '<file>' INTO TABLE <table> CHARACTER SET utf8mb4, tab-separated fields,
// backslash escapes, newline-terminated lines (separators given in hex, so the statement means the
// same under NO_BACKSLASH_ESCAPES), columns and user variables, then the SET clause. Neither IGNORE
// nor REPLACE: the server still turns refused values and duplicate keys of a LOCAL load into
// warnings, which the caller checks. `table` and `columns` are quoted already.
std::string load_data_sql(std::string_view file, std::string_view table, std::span<const std::string> columns,
                          std::span<const LoadAs> how);

// One value as a LOAD DATA field: \N for NULL; backslash, tab, newline, carriage return and NUL
// escaped (\\ \t \n \r \0); booleans 1/0; doubles in shortest round-trip form; hex columns as the
// bytes' hex digits; BIT integers unsigned.
void append_load_value(std::string& out, const Value& v, LoadAs how);

// The rows (row-major, ncols values each) as one LOAD DATA file, formatted a few dozen KiB at a
// time as the reader asks: memory stays bounded by the batch the caller already holds.
class LoadDataStream {
 public:
  LoadDataStream(std::span<const Value> rows, std::size_t ncols, std::span<const LoadAs> how);
  // A file formatted already (append_load_value, one line per row), served as it is.
  explicit LoadDataStream(std::string_view text) : ncols_(0), nrows_(0), text_(text), formatted_(true) {}
  // Copies up to `len` bytes of the file into `buf`; returns how many, 0 at the end.
  std::size_t read(char* buf, std::size_t len);

 private:
  void fill(std::size_t want);

  std::span<const Value> rows_;
  std::size_t ncols_;
  std::span<const LoadAs> how_;
  std::size_t next_row_ = 0;
  std::size_t nrows_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::string_view text_;   // the formatted file (formatted_)
  bool formatted_ = false;
};

}  // namespace flash::driver::mysql
