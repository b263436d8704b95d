// Batched, savepoint-protected loads and streamed loads (loader.hpp).
#include "flash/export/loader.hpp"

#include <algorithm>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/bulk.hpp"
#include "flash/export/format.hpp"
#include "flash/schema/printer.hpp"

namespace flash::exporter {

TableLoader::TableLoader(driver::SqlConnection& conn, std::string schema_name, std::string table,
                         std::vector<std::string> columns, std::vector<schema::TypeCategory> categories, Load load)
    : conn_(conn),
      dialect_(conn.dialect()),
      schema_(std::move(schema_name)),
      table_(std::move(table)),
      columns_(std::move(columns)),
      cats_(std::move(categories)) {
  const std::size_t ncols = std::max<std::size_t>(1, columns_.size());
  bulk_ = driver::bulk_loader(conn_);
  if (bulk_) {
    // The engine's bulk path (PostgreSQL COPY FROM STDIN): one statement per ~10,000 rows (up to
    // 100,000 values), so memory stays bounded and a refused batch can still be replayed row by row.
    batch_size_ = std::clamp<std::size_t>(100000 / ncols, 1, 10000);
    for (const auto& c : columns_) quoted_columns_.push_back(schema::quote_ident(c, dialect_));
  } else {
    // Multi-row INSERTs of up to 1,000 rows (30,000 parameters: below MySQL's 65,535 and SQLite's
    // 32,766): fewer statements, savepoints and round trips than 200-row batches.
    batch_size_ = std::clamp<std::size_t>(30000 / ncols, 1, 1000);
    full_batch_sql_ = insert_sql(batch_size_);
  }
  tx_ = std::make_unique<driver::Transaction>(conn_);
  driver::StreamLoader* streams = load == Load::stream ? driver::stream_loader(conn_) : nullptr;
  if (streams && bulk_ && !columns_.empty()) {
    try {
      stream_ = streams->open_stream(schema::quote_qualified(schema_, table_, dialect_), quoted_columns_);
    } catch (const driver::DbError& e) {
      // Not started (e.g. a column the table lacks): batches, whose replay names the row.
      if (!e.connection_usable()) throw;
      tx_.reset();
      tx_ = std::make_unique<driver::Transaction>(conn_);
    }
  }
  // Allocated once: later batches (a stream: rows) reuse the values' string storage.
  pending_.resize((stream_ ? 1 : batch_size_) * columns_.size());
}

// The stream first: an abandoned statement ends before the transaction rolls back.
TableLoader::~TableLoader() {
  stream_.reset();
  tx_.reset();
}

RowError::RowError(const std::string& table, std::int64_t row, std::string column, const std::string& message)
    : diag::Error("import.row",
                  "table `" + table + "` row " + std::to_string(row) + (column.empty() ? "" : ", column `" + column + "`") +
                      ": " + message,
                  diag::ExitCode::error, "nothing of `" + table + "` was loaded; fix the row and import again"),
      row_(row),
      column_(std::move(column)) {}

void TableLoader::abandon(const std::exception& e) {
  const driver::BulkStream::Refusal refused = stream_ ? stream_->refused() : driver::BulkStream::Refusal{};
  stream_.reset();
  tx_.reset();  // rolls the table back
  if (refused.row < 1 || refused.row > rows_ + 1) return;
  // The stream's rows are this loader's rows from the first: its row N is row N.
  const bool known = std::find(columns_.begin(), columns_.end(), refused.column) != columns_.end();
  throw RowError(table_, refused.row, known ? refused.column : "", e.what());
}

std::string TableLoader::insert_sql(std::size_t nrows) const {
  std::string sql = "INSERT INTO " + schema::quote_qualified(schema_, table_, dialect_) + " (";
  for (std::size_t i = 0; i < columns_.size(); ++i)
    sql += (i ? ", " : "") + schema::quote_ident(columns_[i], dialect_);
  sql += ") VALUES ";
  int p = 1;
  for (std::size_t r = 0; r < nrows; ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t i = 0; i < columns_.size(); ++i) sql += (i ? ", " : "") + placeholder(dialect_, p++);
    sql += ")";
  }
  return sql;
}

void TableLoader::add(const std::vector<nlohmann::json>& row) {
  if (row.size() != columns_.size())
    throw RowError(table_, rows_ + 1, "",
                   std::to_string(row.size()) + " values for " + std::to_string(columns_.size()) + " columns");
  const std::span<driver::Value> slots = row_slots();
  for (std::size_t i = 0; i < row.size(); ++i) {
    try {
      slots[i] = from_exchange(row[i], cats_[i], dialect_);
    } catch (const std::exception& e) {
      throw RowError(table_, rows_ + 1, columns_[i], e.what());
    }
  }
  accept_row();
}

std::span<driver::Value> TableLoader::row_slots() {
  const std::size_t n = columns_.size();
  return std::span<driver::Value>(pending_.data() + pending_rows_ * n, n);
}

void TableLoader::accept_row() {
  if (stream_) {
    try {
      stream_->write_row(std::span<const driver::Value>(pending_.data(), columns_.size()));
    } catch (const driver::DbError& e) {
      abandon(e);
      throw;
    }
    ++rows_;
    return;
  }
  ++pending_rows_;
  ++rows_;
  if (pending_rows_ == batch_size_) flush();
}

void TableLoader::flush() {
  if (pending_rows_ == 0) return;
  const std::int64_t first = rows_ - static_cast<std::int64_t>(pending_rows_) + 1;
  const std::span<const driver::Value> batch(pending_.data(), pending_rows_ * columns_.size());
  conn_.execute("SAVEPOINT flash_batch");
  try {
    if (bulk_)
      bulk_->bulk_load(schema::quote_qualified(schema_, table_, dialect_), quoted_columns_, batch, columns_.size());
    else
      conn_.query(pending_rows_ == batch_size_ ? full_batch_sql_ : insert_sql(pending_rows_), batch);
    conn_.execute("RELEASE SAVEPOINT flash_batch");
  } catch (const driver::DbError& batch_error) {
    if (!batch_error.connection_usable()) throw;
    conn_.execute("ROLLBACK TO SAVEPOINT flash_batch");
    if (bulk_) {
      // Name the row the database refuses by loading the batch again the same way (the bulk path's
      // own conversions: an INSERT of a MySQL BIT's text would store its characters' bytes), a half
      // at a time: rows [0, lo) are in, the first refused row is in [lo, hi) — log2(n) loads.
      std::size_t lo = 0, hi = pending_rows_;
      while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (try_bulk(lo, mid)) hi = mid;
        else lo = mid;
      }
      if (auto e = try_bulk(lo, lo + 1)) {
        tx_.reset();  // rolls the table back
        throw RowError(table_, first + static_cast<std::int64_t>(lo), "", e->what());
      }
      throw;  // the batch failed but no single row did: report the original error
    }
    // Replay the batch one row at a time to name the row the database refuses.
    const std::string one = insert_sql(1);
    const std::size_t n = columns_.size();
    for (std::size_t r = 0; r < pending_rows_; ++r) {
      try {
        conn_.query(one, std::span<const driver::Value>(pending_.data() + r * n, n));
      } catch (const driver::DbError& e) {
        tx_.reset();  // rolls the table back
        throw RowError(table_, first + static_cast<std::int64_t>(r), "", e.what());
      }
    }
    throw;  // the batch failed but no single row did: report the original error
  }
  pending_rows_ = 0;
}

std::optional<driver::DbError> TableLoader::try_bulk(std::size_t from, std::size_t to) {
  const std::size_t n = columns_.size();
  conn_.execute("SAVEPOINT flash_replay");
  try {
    bulk_->bulk_load(schema::quote_qualified(schema_, table_, dialect_), quoted_columns_,
                     std::span<const driver::Value>(pending_.data() + from * n, (to - from) * n), n);
    conn_.execute("RELEASE SAVEPOINT flash_replay");
    return std::nullopt;
  } catch (const driver::DbError& e) {
    if (!e.connection_usable()) throw;
    conn_.execute("ROLLBACK TO SAVEPOINT flash_replay");
    return e;
  }
}

std::int64_t TableLoader::commit() {
  if (stream_) {
    try {
      stream_->finish();
    } catch (const driver::DbError& e) {
      abandon(e);
      throw;
    }
    stream_.reset();
  }
  flush();
  tx_->commit();
  return rows_;
}

}  // namespace flash::exporter
