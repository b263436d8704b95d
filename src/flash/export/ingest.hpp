#pragma once
// The import readers' fast paths (export.cpp): a buffered RFC 4180 record reader, and one row of a
// JSON export turned into target values without a JSON value per cell. Both feed TableLoader's
// row slots; the reference path (nlohmann values, from_exchange) stays for what they do not take.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flash/driver/connection.hpp"
#include "flash/schema/types.hpp"

namespace flash::exporter {

// Records of an RFC 4180 file, read through a 1 MiB buffer. A field remembers whether it was
// quoted (an empty unquoted field is NULL, "" an empty string). The rules are those of the export
// writer's reader since the first version: a quote opens a quoted section only at the start of a
// field; "" inside it is one quote; text after the closing quote belongs to the field; CRLF or LF
// ends a record (a lone CR is data); the end of the file ends the last record.
class CsvRecordReader {
 public:
  struct Field {
    std::string_view text;
    bool quoted = false;
  };
  explicit CsvRecordReader(const std::filesystem::path& p);  // throws diag::Error "import.read"
  // Records of text already in memory (the studio's upload); `text` must outlive the reader.
  explicit CsvRecordReader(std::string_view text);
  ~CsvRecordReader();
  CsvRecordReader(const CsvRecordReader&) = delete;
  CsvRecordReader& operator=(const CsvRecordReader&) = delete;
  // Reads the next record; false at the end of the file. Throws diag::Error "import.format" for an
  // unterminated quoted field. Fields stay valid until the next call.
  bool next();
  const std::vector<Field>& fields() const { return fields_; }
  // Where the record next() read starts: its 1-based line (line breaks inside quoted fields count)
  // and byte offset in the file. After next() threw, quote_offset() is the unclosed quote's offset.
  std::int64_t line() const { return record_line_; }
  std::size_t offset() const { return record_offset_; }
  std::size_t quote_offset() const { return quote_offset_; }

 private:
  bool fill();  // makes a byte available at pos_; false at the end of the file
  bool plain_record();  // next()'s fast path: a record without quotes, whole in the buffer

  std::FILE* f_ = nullptr;  // nullptr: the text given to the constructor is the whole input
  std::string buf_;
  const char* data_ = nullptr;  // buf_.data(), or the text
  std::size_t pos_ = 0, len_ = 0, base_ = 0;  // base_: the file offset of data_[0]
  std::int64_t line_ = 1, record_line_ = 1;
  std::size_t record_offset_ = 0, quote_offset_ = 0;
  std::string record_;                                   // the record's unescaped field bytes
  std::vector<std::pair<std::size_t, bool>> ends_;       // per field: end offset in record_, quoted
  std::vector<Field> fields_;
};

// One row of a JSON export scanned where it lies in the reader's buffer, in one pass: each element
// goes to token_to_target (strings with their escapes decoded) as it is read. `[p, e)` is a window
// of the file starting at the row's '['. done: `p` is past the row's ']' and `out` holds the row's
// values (as json_row_to_target below); more: the window ends before the row does (read on and
// scan again from the row's start); other: what json_row_to_target leaves to the reference path.
// `scratch` holds a string's decoded escapes. May throw what from_exchange throws (bad base64).
enum class JsonRowScan { done, more, other };
JsonRowScan scan_json_row(const char*& p, const char* e, std::span<const schema::TypeCategory> cats,
                          schema::Dialect target, std::span<driver::Value> out, std::string& scratch);

// One row of a JSON export — `row` is the text of its array — into `out`: for each element j at
// position i, the value from_exchange(j, cats[i], target) gives (JSON columns: the element's own
// text as written — json_text_to_target — as the reference keeps it). Returns false
// (`out` partly written) for what it leaves to the reference path: a row whose element count is
// not cats.size(), strings with raw control characters, invalid escapes or lone surrogates, invalid UTF-8, numbers that
// token_to_target does not take, anything that is not well-formed. May throw what from_exchange
// throws (bad base64); callers then take the reference path too, which reports it.
bool json_row_to_target(std::string_view row, std::span<const schema::TypeCategory> cats, schema::Dialect target,
                        std::span<driver::Value> out);

// The text of each element of `row`, the text of a JSON array (extents only: strings, balanced
// brackets, scalars up to a delimiter; nlohmann validates). False when it is not an array.
bool json_array_items(std::string_view row, std::vector<std::string_view>& items);

}  // namespace flash::exporter
