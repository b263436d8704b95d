#pragma once
// Batched loading of rows into one table inside one transaction (import, seed, studio). Rows go in
// batches under a savepoint — through the driver's bulk path where it has one (PostgreSQL COPY
// FROM STDIN, SQLite one prepared INSERT bound per row), else as multi-row INSERTs; when a batch
// fails it is replayed row by row (single-row INSERTs) to name the failing row, and the whole
// table's transaction rolls back. Rows come as exchange values (add) or, from import's readers, as
// target values written into the loader's row slots (row_slots/accept_row).
//
// Streamed (Load::stream, for callers that can read their rows twice: import): each accepted row
// goes straight to the driver's BulkStream (one COPY for the whole table on PostgreSQL, LOAD DATA
// LOCAL of ~8 MiB each on MySQL/MariaDB), with no batch kept and no savepoint. A refused row rolls
// the whole table back; when the engine says which row of the stream it refused (PostgreSQL: the
// error context "COPY t, line N", one line per row), the loader throws RowError naming it, else
// driver::DbError without naming the row: the caller then reads the rows again into a batched
// TableLoader, which names it (import_data does).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/connection.hpp"
#include "flash/schema/types.hpp"

namespace flash::driver {
class BulkStream;  // bulk.hpp
}

namespace flash::exporter {

// A row TableLoader cannot load (diag code "import.row"): a value that does not convert, or the
// database's refusal. The message is "table `t` row N: …" or "table `t` row N, column `c`: …";
// row() is N (1-based, among the rows given to this loader), column() the column when known.
class RowError : public diag::Error {
 public:
  RowError(const std::string& table, std::int64_t row, std::string column, const std::string& message);
  std::int64_t row() const { return row_; }
  const std::string& column() const { return column_; }

 private:
  std::int64_t row_;
  std::string column_;
};

class TableLoader {
 public:
  enum class Load {
    batches,  // savepoint-protected batches, a refused row named (the default)
    stream,   // the driver's BulkStream where it has one, else batches (see above)
  };
  // `schema_name` "" = the connection's default schema; names are quoted with the dialect's quoting.
  TableLoader(driver::SqlConnection& conn, std::string schema_name, std::string table, std::vector<std::string> columns,
              std::vector<schema::TypeCategory> categories, Load load = Load::batches);
  TableLoader(const TableLoader&) = delete;
  TableLoader& operator=(const TableLoader&) = delete;
  ~TableLoader();
  // Whether rows go through a driver::BulkStream (Load::stream and the driver has one).
  bool streaming() const { return stream_ != nullptr; }
  // Adds one row (exchange values, one per column). Throws RowError.
  void add(const std::vector<nlohmann::json>& row);
  // The faster entry, for readers that make the target's values themselves (import's CSV, JSON and
  // SQLite readers): fill the column_count() slots of row_slots() with what add() would store for
  // the row — from_exchange(value, categories()[i], dialect()) — then accept_row(). The slots keep
  // the storage of earlier rows (assign into it: assign_text); slots filled but not accepted are
  // overwritten by the next row_slots() or add().
  std::span<driver::Value> row_slots();
  void accept_row();
  std::size_t column_count() const { return columns_.size(); }
  const std::vector<schema::TypeCategory>& categories() const { return cats_; }
  schema::Dialect dialect() const { return dialect_; }
  // Flushes and commits; returns the number of rows written. Throws RowError for a refused row
  // the loader can name, else driver::DbError.
  std::int64_t commit();
  std::int64_t rows() const { return rows_; }

 private:
  void flush();
  // Pending rows [from, to) through the bulk path in a savepoint of their own: their error, or
  // nothing when they are in (they stay in the transaction).
  std::optional<driver::DbError> try_bulk(std::size_t from, std::size_t to);
  std::string insert_sql(std::size_t nrows) const;
  // A failed stream: ends it and rolls the table back; throws RowError when the stream names the
  // refused row, else returns (the caller rethrows the DbError).
  void abandon(const std::exception& e);

  driver::SqlConnection& conn_;
  schema::Dialect dialect_;
  std::string schema_;
  std::string table_;
  std::vector<std::string> columns_;
  std::vector<schema::TypeCategory> cats_;
  std::unique_ptr<driver::Transaction> tx_;
  std::size_t batch_size_;
  std::vector<driver::Value> pending_;  // batch_size_ rows, flattened; the first pending_rows_ are filled
  std::size_t pending_rows_ = 0;
  std::int64_t rows_ = 0;  // rows accepted (flushed or pending)
  std::string full_batch_sql_;
  driver::BulkLoader* bulk_ = nullptr;     // the driver's bulk path, when it has one
  std::vector<std::string> quoted_columns_;  // for bulk_ and stream_
  std::unique_ptr<driver::BulkStream> stream_;  // Load::stream: the open stream (ended before tx_)
};

}  // namespace flash::exporter
