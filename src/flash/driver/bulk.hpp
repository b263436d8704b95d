#pragma once
// Which path a connection's bulk loads took, for reports (flash import --json: each table's
// "method"), and the streamed bulk path (BulkStream). Kept apart from driver::BulkLoader
// (connection.hpp), whose interface the batched loaders use.
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "flash/driver/connection.hpp"

namespace flash::driver {

// Text in the tab-separated load formats (PostgreSQL COPY text, MySQL/MariaDB LOAD DATA): backslash,
// tab, newline and carriage return written as \\ \t \n \r; NUL as \0 where the format has it
// (LOAD DATA; PostgreSQL text holds no NUL, which its server refuses either way).
inline void append_load_text(std::string& out, std::string_view s, bool escape_nul) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char esc = c == '\\' ? '\\'
                     : c == '\t' ? 't'
                     : c == '\n' ? 'n'
                     : c == '\r' ? 'r'
                     : c == '\0' && escape_nul ? '0'
                                             : 0;
    if (!esc) continue;
    out.append(s, start, i - start);
    out += '\\';
    out += esc;
    start = i + 1;
  }
  out.append(s, start, s.size() - start);
}

// Implemented by the connections that implement BulkLoader.
class BulkLoadMethod {
 public:
  virtual ~BulkLoadMethod() = default;
  // The path of the last bulk_load(): "copy" (PostgreSQL COPY FROM STDIN), "load_data"
  // (MySQL/MariaDB LOAD DATA LOCAL INFILE), "prepared_insert" (SQLite: one prepared INSERT bound
  // per row), "insert" (multi-row INSERTs: the MySQL/MariaDB server does not allow LOAD DATA
  // LOCAL, local_infile=OFF); MySQL: "" before the first load.
  virtual std::string_view last_bulk_method() const = 0;
};

// Rows going to the engine while they are read (StreamLoader::open_stream): each write_row() is
// formatted at once and sent in bounded chunks (PostgreSQL: one COPY FROM STDIN kept open for all
// rows; MySQL/MariaDB: one LOAD DATA LOCAL per ~8 MiB of rows), so memory stays constant and the
// server works while the caller reads on. Runs inside the caller's transaction, with no savepoint:
// a refused row fails write_row() or finish() with DbError (which row is not said) and leaves the
// transaction for the caller to roll back. Destroying an unfinished stream abandons the statement
// (the caller then rolls back); the connection stays usable.
class BulkStream {
 public:
  virtual ~BulkStream() = default;
  // One row: the values query() would bind, one per column.
  virtual void write_row(std::span<const Value> row) = 0;
  // Sends what is left and ends the statement(s).
  virtual void finish() = 0;
};

// Implemented by the connections that stream rows (PostgreSQL, MySQL/MariaDB; not SQLite, whose
// BulkLoader binds rows in place).
class StreamLoader {
 public:
  virtual ~StreamLoader() = default;
  // A BulkStream into `table` (`columns`; both quoted as for BulkLoader::bulk_load), inside the open
  // transaction; nullptr when the connection cannot stream now (MySQL: LOAD DATA LOCAL refused).
  virtual std::unique_ptr<BulkStream> open_stream(std::string_view table, std::span<const std::string> columns) = 0;
};
inline StreamLoader* stream_loader(SqlConnection& c) { return dynamic_cast<StreamLoader*>(&c); }

// What the connection's loads use: the bulk loader's last method, "insert" for a connection
// without a bulk path (TableLoader's multi-row INSERTs).
inline std::string_view bulk_method(SqlConnection& c) {
  if (const auto* m = dynamic_cast<const BulkLoadMethod*>(&c)) return m->last_bulk_method();
  return bulk_loader(c) ? std::string_view() : std::string_view("insert");
}

}  // namespace flash::driver
