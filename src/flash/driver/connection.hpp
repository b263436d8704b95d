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
  // One statement or a script of several (no parameters); no result rows. The only method that
  // runs more than one statement: never pass it text a user or a file controls.
  virtual void execute(std::string_view sql) = 0;
  // Exactly one statement (on every engine: text with a second statement is an error, never run)
  // with positional parameters in the engine's placeholder syntax ($1 / ?).
  virtual ResultSet query(std::string_view sql, std::span<const Value> params = {}) = 0;
  virtual std::unique_ptr<RowCursor> stream(std::string_view sql,
                                            std::span<const Value> params = {}) = 0;
  // Whether DDL runs inside transactions (PostgreSQL, SQLite: yes; MySQL: no — DDL auto-commits).
  virtual bool transactional_ddl() const = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

// ---- Describing a statement without running it (flash gen --verify) ----

// A type as the database reports it for a parameter or a result column.
struct DescribedType {
  std::string name;         // for messages: PostgreSQL format_type ("integer", "character varying(20)",
                            // "user_role", "text[]"); MySQL the field type ("LONGLONG", "VAR_STRING");
                            // SQLite the declared type ("" for expressions)
  std::uint32_t id = 0;     // PostgreSQL type OID; MySQL enum_field_types; 0 for SQLite
  std::string base;         // PostgreSQL: typname after domains and array element ("int4", "user_role");
                            // SQLite: the declared type; MySQL: as `name`
  std::string base_schema;  // PostgreSQL: the base type's schema ("pg_catalog", "public")
  int array_dims = 0;       // PostgreSQL: 1 for array types (the server does not track dimensions)
  bool is_enum = false;     // PostgreSQL typtype 'e'; MySQL ENUM_FLAG
  bool is_unsigned = false; // MySQL UNSIGNED_FLAG
  bool binary = false;      // MySQL: binary character set (BLOB/VARBINARY rather than TEXT/VARCHAR)
  unsigned long length = 0; // MySQL: the column's display length (TINYINT(1) → 1)
};

struct DescribedColumn {
  std::string name;
  DescribedType type;
  // Whether the result column can be NULL, when the engine says so for the query as a whole
  // (MySQL: the absence of NOT_NULL_FLAG). PostgreSQL and SQLite do not tell: nullopt.
  std::optional<bool> nullable;
  // The table column the value comes from, when the engine says (PostgreSQL ftable/ftablecol,
  // MySQL org_table/org_name, SQLite column metadata); "" otherwise.
  std::string table, column, table_schema;
  // NOT NULL of that table column (PostgreSQL attnotnull, SQLite sqlite3_table_column_metadata);
  // says nothing about outer joins.
  std::optional<bool> source_not_null;
};

struct StatementDescription {
  std::size_t param_count = 0;
  // Per parameter, when the engine infers types (PostgreSQL); empty otherwise.
  std::vector<DescribedType> params;
  std::vector<DescribedColumn> columns;  // empty for statements without a result
};

// Optional interface of the SQL drivers: prepare a statement (in the engine's placeholder syntax)
// and report what the database says about it, without executing it. The three SQL connections
// implement it; reach it with describer(). Throws DbError when the statement does not prepare.
class StatementDescriber {
 public:
  virtual ~StatementDescriber() = default;
  virtual StatementDescription describe(std::string_view sql) = 0;
};
// The connection's describer, or nullptr when it has none (test doubles).
StatementDescriber* describer(SqlConnection& c);

// Optional interface of the SQL drivers: stop the statement another thread is running on this
// connection (PostgreSQL PQcancel, MySQL/MariaDB KILL QUERY on a second connection, SQLite
// sqlite3_interrupt). Thread-safe; a no-op when nothing runs. The interrupted query() throws
// DbError and the connection stays usable. Reach it with canceller(); false when the request
// could not be sent (the server unreachable).
class QueryCanceller {
 public:
  virtual ~QueryCanceller() = default;
  virtual bool cancel_running() = 0;
};
// The connection's canceller, or nullptr when it has none.
QueryCanceller* canceller(SqlConnection& c);
// Optional interface of drivers with a bulk path faster than multi-row INSERTs (PostgreSQL:
// COPY … FROM STDIN in text format, sent with PQputCopyData). Reach it with bulk_loader().
class BulkLoader {
 public:
  virtual ~BulkLoader() = default;
  // Loads `rows` (row-major, `ncols` values per row, the values query() would bind) into `table`
  // (already quoted, schema-qualified as needed) and `columns` (quoted), as one statement: all rows
  // or none. Throws DbError when the engine refuses a row (the connection stays usable).
  virtual void bulk_load(std::string_view table, std::span<const std::string> columns, std::span<const Value> rows,
                         std::size_t ncols) = 0;
};
// The connection's bulk loader, or nullptr when the engine has none.
BulkLoader* bulk_loader(SqlConnection& c);

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
