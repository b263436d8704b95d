#pragma once
// The database connection interface. One folder per database (postgres/, mysql/, sqlite/, later
// mongodb/) with the same file names; the table in registry.cpp maps a dialect to its connect
// function. Connection is what every database offers; SqlConnection adds SQL execution. A
// document database implements Connection and its own optional interface, never a SQL method that
// throws "unsupported".
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "flash/config/url.hpp"
#include "flash/schema/model.hpp"

namespace flash::driver {

struct Null {
  friend bool operator==(Null, Null) = default;
};
struct Blob {
  std::string bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};

// A parameter or result value. Text carries every type that has no exact native C++ form
// (NUMERIC, dates, timestamps, UUID, JSON, enums ...) in the database's text format.
using Value = std::variant<Null, bool, std::int64_t, double, std::string, Blob>;
bool is_null(const Value& v);
std::string to_display(const Value& v);  // for tables and logs; blobs as \x hex

struct ColumnInfo {
  std::string name;
  std::string type;  // the database's type name for the column ("int4", "VARCHAR", "INTEGER")
};

struct ResultSet {
  std::vector<ColumnInfo> columns;
  std::vector<std::vector<Value>> rows;
  std::int64_t affected_rows = -1;  // for statements that change rows, else -1
  std::optional<std::int64_t> last_insert_id;
};

// Rows one at a time, for exports of any size: the driver keeps only a bounded batch in memory
// (PostgreSQL single-row mode, MySQL mysql_use_result, SQLite stepping).
class RowCursor {
 public:
  virtual ~RowCursor() = default;
  virtual const std::vector<ColumnInfo>& columns() const = 0;
  // Fills `row` and returns true, or returns false at the end.
  virtual bool next(std::vector<Value>& row) = 0;
};

// Every database error. Mirrors libpqxx: the SQLSTATE (or engine code), the statement and whether
// the connection can still be used.
class DbError : public std::runtime_error {
 public:
  DbError(std::string message, std::string sqlstate, int native_code, std::string statement,
          bool connection_usable);
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  int native_code() const noexcept { return native_code_; }
  const std::string& statement() const noexcept { return statement_; }
  bool connection_usable() const noexcept { return usable_; }

 private:
  std::string sqlstate_;
  int native_code_;
  std::string statement_;
  bool usable_;
};

// Could not connect (unreachable, authentication). Maps to exit code 6.
class ConnectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual schema::Dialect dialect() const = 0;
  virtual std::string server_version() = 0;
};

class SqlConnection : public Connection {
 public:
  // One statement (or, where the engine allows, a script without parameters); no result rows.
  virtual void execute(std::string_view sql) = 0;
  // One statement with positional parameters in the engine's placeholder syntax ($1 / ?).
  virtual ResultSet query(std::string_view sql, std::span<const Value> params = {}) = 0;
  virtual std::unique_ptr<RowCursor> stream(std::string_view sql,
                                            std::span<const Value> params = {}) = 0;
  // Whether DDL runs inside transactions (PostgreSQL, SQLite: yes; MySQL: no — DDL auto-commits).
  virtual bool transactional_ddl() const = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

// RAII transaction: commit() is explicit; destruction without commit rolls back. Never throws from
// the destructor.
class Transaction {
 public:
  explicit Transaction(SqlConnection& c);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();
  bool active() const { return active_; }

 private:
  SqlConnection& conn_;
  bool active_ = true;
};

// Connects using the table in registry.cpp. Throws ConnectError (exit code 6) when unreachable and
// diag::Error when the dialect has no SQL driver compiled in.
std::unique_ptr<SqlConnection> connect_sql(const config::DatabaseUrl& url);

}  // namespace flash::driver
