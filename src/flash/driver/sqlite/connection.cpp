// SQLite driver on the sqlite3 C library. SQLite has no SQLSTATE: errors carry the extended result
// code as native_code (e.g. 2067 SQLITE_CONSTRAINT_UNIQUE) and an empty sqlstate. Values follow
// each cell's storage class; an INTEGER 0 or 1 in a column declared BOOL/BOOLEAN reads as bool.
#include "flash/driver/sqlite/connection.hpp"

#include <sqlite3.h>

#include <cctype>
#include <charconv>
#include <cmath>

#include "flash/driver/bulk.hpp"
#include "flash/sql/lexer.hpp"

namespace flash::driver::sqlite {
namespace {

// The database for messages: redacted() of the URL as given, or the path for a DatabaseUrl built
// in code.
std::string where(const config::DatabaseUrl& url) {
  std::string r = url.redacted();
  return r.empty() ? "sqlite:" + url.database : r;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_boolean_decl(const char* decl) {
  if (decl == nullptr) return false;
  const std::string d = upper(decl);
  return d == "BOOL" || d == "BOOLEAN";
}

bool usable_after(int code) {
  const int primary = code & 0xff;
  return primary != SQLITE_CORRUPT && primary != SQLITE_NOTADB && primary != SQLITE_MISUSE;
}

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

class LiteConnection;

// Binds one value; `lifetime` SQLITE_TRANSIENT copies text and blobs, SQLITE_STATIC binds them in
// place (the caller keeps them alive until the statement is reset). SQLite stores a NaN REAL as
// NULL: a NaN is bound as the text NaN instead (kept, and read back as NaN by Flash's import).
int bind_value(sqlite3_stmt* st, int idx, const Value& v, sqlite3_destructor_type lifetime) {
  if (std::holds_alternative<Null>(v)) return sqlite3_bind_null(st, idx);
  if (const auto* b = std::get_if<bool>(&v)) return sqlite3_bind_int(st, idx, *b ? 1 : 0);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return sqlite3_bind_int64(st, idx, *n);
  if (const auto* d = std::get_if<double>(&v))
    return std::isnan(*d) ? sqlite3_bind_text(st, idx, "NaN", 3, SQLITE_STATIC) : sqlite3_bind_double(st, idx, *d);
  if (const auto* s = std::get_if<std::string>(&v))
    return sqlite3_bind_text64(st, idx, s->data(), s->size(), lifetime, SQLITE_UTF8);
  const auto& blob = std::get<Blob>(v);
  // An empty blob must not be bound from a null pointer (that would bind NULL).
  return blob.bytes.empty() ? sqlite3_bind_zeroblob(st, idx, 0)
                            : sqlite3_bind_blob64(st, idx, blob.bytes.data(), blob.bytes.size(), lifetime);
}

// Column metadata and cell conversion for one prepared statement.
struct Shape {
  std::vector<ColumnInfo> columns;
  std::vector<bool> boolean;

  explicit Shape(sqlite3_stmt* st) {
    const int n = sqlite3_column_count(st);
    for (int c = 0; c < n; ++c) {
      const char* decl = sqlite3_column_decltype(st, c);
      const char* name = sqlite3_column_name(st, c);
      columns.push_back({name ? name : "", decl ? decl : ""});
      boolean.push_back(is_boolean_decl(decl));
    }
  }

  // Fills `row`, reusing the storage of the strings and blobs it already holds (cursors pass the
  // same vector for every row).
  void read(sqlite3_stmt* st, std::vector<Value>& row) const {
    row.resize(columns.size());
    for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
      Value& out = row[static_cast<std::size_t>(c)];
      switch (sqlite3_column_type(st, c)) {
        case SQLITE_NULL:
          out = Null{};
          break;
        case SQLITE_INTEGER: {
          const sqlite3_int64 v = sqlite3_column_int64(st, c);
          // 0 and 1 as a bool; any other number a BOOLEAN column holds stays that number.
          if (boolean[c] && (v == 0 || v == 1)) out = v != 0;
          else out = static_cast<std::int64_t>(v);
          break;
        }
        case SQLITE_FLOAT:
          out = sqlite3_column_double(st, c);
          break;
        case SQLITE_BLOB: {
          const void* p = sqlite3_column_blob(st, c);
          const std::size_t len = static_cast<std::size_t>(sqlite3_column_bytes(st, c));
          if (!std::holds_alternative<Blob>(out)) out = Blob{};
          if (p) std::get<Blob>(out).bytes.assign(static_cast<const char*>(p), len);
          else std::get<Blob>(out).bytes.clear();
          break;
        }
        default: {
          const unsigned char* p = sqlite3_column_text(st, c);
          const std::size_t len = static_cast<std::size_t>(sqlite3_column_bytes(st, c));
          if (!std::holds_alternative<std::string>(out)) out = std::string();
          if (p) std::get<std::string>(out).assign(reinterpret_cast<const char*>(p), len);
          else std::get<std::string>(out).clear();
          break;
        }
      }
    }
  }
};

class LiteCursor final : public RowCursor {
 public:
  LiteCursor(LiteConnection& owner, StmtPtr st, std::string sql)
      : owner_(owner), st_(std::move(st)), shape_(st_.get()), sql_(std::move(sql)) {}
  const std::vector<ColumnInfo>& columns() const override { return shape_.columns; }
  bool next(std::vector<Value>& row) override;

 private:
  LiteConnection& owner_;
  StmtPtr st_;
  Shape shape_;
  std::string sql_;
  bool done_ = false;
};

class LiteConnection final : public SqlConnection,
                             public StatementDescriber,
                             public QueryCanceller,
                             public BulkLoader,
                             public BulkLoadMethod {
 public:
  LiteConnection(sqlite3* db, bool read_only) : db_(db), read_only_(read_only) {}
  ~LiteConnection() override {
    bulk_.reset();  // finalized before the connection closes
    sqlite3_close_v2(db_);
  }

  std::string_view last_bulk_method() const override { return "prepared_insert"; }
  // The bulk path: one prepared INSERT (kept for the next call on the same table and columns),
  // bound and stepped once per row — values bound in place, no SQL text per batch — under a
  // savepoint, so that a refused row leaves none of the rows.
  void bulk_load(std::string_view table, std::span<const std::string> columns, std::span<const Value> rows,
                 std::size_t ncols) override {
    std::string sql = "INSERT INTO " + std::string(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) (sql += i ? ", " : "") += columns[i];
    sql += ") VALUES (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
    if (!bulk_ || bulk_sql_ != sql) {
      bulk_.reset();
      bulk_sql_.clear();
      bulk_ = prepare_one(sql);
      bulk_sql_ = sql;
    }
    sqlite3_stmt* st = bulk_.get();
    if (ncols != columns.size() || (ncols > 0 && rows.size() % ncols != 0))
      throw DbError("bulk_load: " + std::to_string(rows.size()) + " values for rows of " + std::to_string(columns.size()) +
                        " columns", "", SQLITE_RANGE, sql, true);
    execute("SAVEPOINT flash_bulk");
    const std::size_t n = ncols == 0 ? 0 : rows.size() / ncols;
    for (std::size_t r = 0; r < n; ++r) {
      int rc = SQLITE_OK;
      for (std::size_t c = 0; c < ncols && rc == SQLITE_OK; ++c)
        rc = bind_value(st, static_cast<int>(c) + 1, rows[r * ncols + c], SQLITE_STATIC);
      if (rc == SQLITE_OK) rc = sqlite3_step(st);
      if (rc != SQLITE_DONE) {
        const int code = sqlite3_extended_errcode(db_);
        std::string message = sqlite3_errmsg(db_);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (usable_after(code)) execute("ROLLBACK TO flash_bulk; RELEASE flash_bulk");
        throw DbError(std::move(message), "", code, sql, usable_after(code));
      }
      sqlite3_reset(st);
    }
    sqlite3_clear_bindings(st);  // nothing keeps pointing at the caller's values
    execute("RELEASE flash_bulk");
  }

  // sqlite3_interrupt may be called from any thread while the connection is open.
  bool cancel_running() override {
    sqlite3_interrupt(db_);
    return true;
  }

  schema::Dialect dialect() const override { return schema::Dialect::sqlite; }
  std::string server_version() override { return sqlite3_libversion(); }

  void execute(std::string_view sql) override {
    // A script: prepare one statement at a time from the tail and run it to completion.
    const char* p = sql.data();
    const char* end = sql.data() + sql.size();
    while (p < end) {
      sqlite3_stmt* raw = nullptr;
      const char* tail = nullptr;
      if (sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &raw, &tail) != SQLITE_OK) {
        fail(statement_text(p, tail, end));
      }
      StmtPtr st(raw);
      const char* next = tail ? tail : end;
      if (!st) {  // only whitespace or comments were left
        p = next;
        continue;
      }
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) fail(std::string(p, next));
      p = next;
    }
  }

  ResultSet query(std::string_view sql, std::span<const Value> params) override {
    StmtPtr st = prepare(sql, params);
    Shape shape(st.get());
    ResultSet rs;
    rs.columns = shape.columns;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      std::vector<Value> row;
      shape.read(st.get(), row);
      rs.rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) fail(std::string(sql));
    const std::string kw = sql::leading_keyword(sql, schema::Dialect::sqlite);
    if (sql::is_dml(sql, schema::Dialect::sqlite) || (kw == "WITH" && !sqlite3_stmt_readonly(st.get()))) {
      rs.affected_rows = sqlite3_changes64(db_);
      if ((kw == "INSERT" || kw == "REPLACE") && rs.affected_rows > 0)
        rs.last_insert_id = sqlite3_last_insert_rowid(db_);
    }
    return rs;
  }

  std::unique_ptr<RowCursor> stream(std::string_view sql, std::span<const Value> params) override {
    StmtPtr st = prepare(sql, params);
    return std::make_unique<LiteCursor>(*this, std::move(st), std::string(sql));
  }

  StatementDescription describe(std::string_view sql) override;  // defined below the class

  // DDL is transactional in SQLite.
  bool transactional_ddl() const override { return true; }
  // IMMEDIATE takes the write lock up front, so a transaction never fails half-way with
  // SQLITE_BUSY when it first writes (busy_timeout applies to BEGIN instead).
  void begin() override { execute(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE"); }
  void commit() override { execute("COMMIT"); }
  void rollback() override { execute("ROLLBACK"); }

  [[noreturn]] void fail(std::string statement) const {
    const int code = sqlite3_extended_errcode(db_);
    throw DbError(sqlite3_errmsg(db_), "", code, std::move(statement), usable_after(code));
  }

 private:
  static std::string statement_text(const char* p, const char* tail, const char* end) {
    if (tail != nullptr && tail > p) return std::string(p, tail);
    return std::string(p, end);
  }

  // Exactly one statement, with its parameters bound.
  StmtPtr prepare(std::string_view sql, std::span<const Value> params) {
    StmtPtr st = prepare_one(sql);
    const int expected = sqlite3_bind_parameter_count(st.get());
    if (expected != static_cast<int>(params.size())) {
      throw DbError("the statement has " + std::to_string(expected) + " parameter(s) but " +
                        std::to_string(params.size()) + " value(s) were given",
                    "", SQLITE_RANGE, std::string(sql), true);
    }
    for (std::size_t i = 0; i < params.size(); ++i)
      if (bind_value(st.get(), static_cast<int>(i) + 1, params[i], SQLITE_TRANSIENT) != SQLITE_OK)
        fail(std::string(sql));
    return st;
  }

  // Exactly one statement, prepared.
  StmtPtr prepare_one(std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail) != SQLITE_OK)
      fail(std::string(sql));
    StmtPtr st(raw);
    if (!st) throw DbError("empty statement", "", SQLITE_MISUSE, std::string(sql), true);
    if (tail != nullptr && tail < sql.data() + sql.size()) {
      sqlite3_stmt* extra = nullptr;
      sqlite3_prepare_v2(db_, tail, static_cast<int>(sql.data() + sql.size() - tail), &extra, nullptr);
      if (extra != nullptr) {
        sqlite3_finalize(extra);
        throw DbError("query() takes one statement; use execute() for scripts", "", SQLITE_MISUSE,
                      std::string(sql), true);
      }
    }
    return st;
  }

  sqlite3* db_;
  bool read_only_;
  StmtPtr bulk_;  // bulk_load's prepared INSERT
  std::string bulk_sql_;
};

// Prepares without stepping. SQLite infers no parameter types and no nullability of results;
// for a column taken straight from a table it gives the declared type and the origin, whose
// NOT NULL comes from sqlite3_table_column_metadata. A PRIMARY KEY column counts as NOT NULL:
// SQLite accepts NULL in a non-INTEGER key only as a legacy quirk no Flash schema relies on.
StatementDescription LiteConnection::describe(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
    fail(std::string(sql));
  StmtPtr st(raw);
  if (!st) throw DbError("empty statement", "", SQLITE_MISUSE, std::string(sql), true);
  StatementDescription d;
  d.param_count = static_cast<std::size_t>(sqlite3_bind_parameter_count(st.get()));
  const int n = sqlite3_column_count(st.get());
  for (int c = 0; c < n; ++c) {
    DescribedColumn col;
    const char* name = sqlite3_column_name(st.get(), c);
    const char* decl = sqlite3_column_decltype(st.get(), c);
    col.name = name ? name : "";
    col.type.name = decl ? decl : "";
    col.type.base = col.type.name;
    const char* db = sqlite3_column_database_name(st.get(), c);
    const char* table = sqlite3_column_table_name(st.get(), c);
    const char* origin = sqlite3_column_origin_name(st.get(), c);
    if (table && origin) {
      col.table = table;
      col.column = origin;
      col.table_schema = db ? db : "main";
      int not_null = 0, primary_key = 0, autoinc = 0;
      if (sqlite3_table_column_metadata(db_, db, table, origin, nullptr, nullptr, &not_null,
                                        &primary_key, &autoinc) == SQLITE_OK)
        col.source_not_null = not_null != 0 || primary_key != 0;
    }
    d.columns.push_back(std::move(col));
  }
  return d;
}

bool LiteCursor::next(std::vector<Value>& row) {
  if (done_) return false;
  const int rc = sqlite3_step(st_.get());
  if (rc == SQLITE_ROW) {
    shape_.read(st_.get(), row);
    return true;
  }
  done_ = true;
  if (rc != SQLITE_DONE) owner_.fail(sql_);
  st_.reset();  // release read locks as soon as the rows are consumed
  return false;
}

}  // namespace

std::unique_ptr<SqlConnection> connect(const config::DatabaseUrl& url) {
  const std::string path = url.database.empty() ? ":memory:" : url.database;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  bool read_only = false;
  if (auto it = url.params.find("mode"); it != url.params.end()) {
    if (it->second == "ro") {
      flags = SQLITE_OPEN_READONLY;
      read_only = true;
    } else if (it->second == "rw") {
      flags = SQLITE_OPEN_READWRITE;
    }
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  auto connect_fail = [&](const std::string& why) {
    sqlite3_close_v2(db);
    throw ConnectError("cannot open " + where(url) + ": " + why);
  };
  if (rc != SQLITE_OK) connect_fail(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  sqlite3_extended_result_codes(db, 1);
  int busy_ms = 5000;
  if (auto it = url.params.find("busy_timeout"); it != url.params.end())
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), busy_ms);
  sqlite3_busy_timeout(db, busy_ms);
  // Reading the schema fails here, not at the first query, when the file is not a database.
  char* err = nullptr;
  rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON; SELECT count(*) FROM sqlite_master;", nullptr,
                    nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string why = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    connect_fail(why);
  }
  return std::make_unique<LiteConnection>(db, read_only);
}

}  // namespace flash::driver::sqlite
