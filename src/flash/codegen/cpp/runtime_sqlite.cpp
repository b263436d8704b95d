// The runtime header of the SQLite backend (flash_sqlite.hpp in the generated client).
#include "flash/codegen/cpp/cpp.hpp"

namespace flash::codegen::cpp {

std::string_view runtime_sqlite() {
  return R"CPP(
// ---- flash::sqlite: SQLite 3 -------------------------------------------------------------------
#ifndef FLASH_CPP_SQLITE_V1
#define FLASH_CPP_SQLITE_V1
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

namespace flash::sqlite {

namespace detail {

// The SQLSTATE of SQLite's constraint errors (the others have none: "").
inline const char* sqlstate(int extended) {
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE: case SQLITE_CONSTRAINT_PRIMARYKEY: return "23505";
    case SQLITE_CONSTRAINT_FOREIGNKEY: return "23503";
    case SQLITE_CONSTRAINT_NOTNULL: return "23502";
    case SQLITE_CONSTRAINT_CHECK: return "23514";
    default: return "";
  }
}

[[noreturn]] inline void fail(sqlite3* db, std::string_view what) {
  const int code = sqlite3_extended_errcode(db);
  throw Error(sqlstate(code), code, std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace detail

// Bound parameters. Strings and bytes are not copied (the arguments outlive the call); dates and
// times are bound as ISO-8601 text ("YYYY-MM-DD HH:MM:SS[.ffffff]", UTC for TimestampTz — the form
// CURRENT_TIMESTAMP writes), booleans as 0/1.
class Params {
 public:
  explicit Params(int n = 0) { values_.reserve(static_cast<std::size_t>(n)); }
  template <class T>
  void add(const T& v) {
    Value x;
    if constexpr (is_optional<T>::value) {
      if (!v) values_.push_back(x);
      else add(*v);
      return;
    } else if constexpr (is_list<T>::value) {  // sqlc.slice: one placeholder per element
      for (const auto& e : v) add(e);
      return;
    } else if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
      x.kind = Kind::integer;
      x.i = static_cast<sqlite3_int64>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      x.kind = Kind::real;
      x.d = static_cast<double>(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      x.kind = Kind::text;
      x.p = v.data();
      x.n = v.size();
    } else if constexpr (std::is_same_v<T, Bytes>) {
      x.kind = Kind::blob;
      x.p = v.data();
      x.n = v.size();
    } else if constexpr (DbEnum<T>) {
      const std::string_view s = flash_enum_text(v);
      x.kind = Kind::text;
      x.p = s.data();
      x.n = s.size();
    } else if constexpr (std::is_same_v<T, TimestampTz>) {
      x.kind = Kind::owned;
      flash::detail::format_timestamp(x.owned, v.time_since_epoch());
    } else {
      x.kind = Kind::owned;
      flash::detail::to_text(x.owned, v);
    }
    values_.push_back(std::move(x));
  }
  void bind(sqlite3* db, sqlite3_stmt* s) const {
    if (static_cast<int>(values_.size()) != sqlite3_bind_parameter_count(s))
      throw Error("07001", 0, "flash: " + std::to_string(values_.size()) + " values for " +
                                  std::to_string(sqlite3_bind_parameter_count(s)) + " placeholders");
    for (std::size_t k = 0; k < values_.size(); ++k) {
      const Value& x = values_[k];
      const int i = static_cast<int>(k) + 1;
      int rc = SQLITE_OK;
      switch (x.kind) {
        case Kind::null: rc = sqlite3_bind_null(s, i); break;
        case Kind::integer: rc = sqlite3_bind_int64(s, i, x.i); break;
        case Kind::real: rc = sqlite3_bind_double(s, i, x.d); break;
        case Kind::text: rc = sqlite3_bind_text64(s, i, static_cast<const char*>(x.p), x.n, SQLITE_STATIC, SQLITE_UTF8); break;
        case Kind::blob: rc = sqlite3_bind_blob64(s, i, x.p ? x.p : "", x.n, SQLITE_STATIC); break;
        case Kind::owned: rc = sqlite3_bind_text64(s, i, x.owned.data(), x.owned.size(), SQLITE_STATIC, SQLITE_UTF8); break;
      }
      if (rc != SQLITE_OK) detail::fail(db, "bind");
    }
  }

 private:
  enum class Kind { null, integer, real, text, blob, owned };
  struct Value {
    Kind kind = Kind::null;
    sqlite3_int64 i = 0;
    double d = 0;
    const void* p = nullptr;
    sqlite3_uint64 n = 0;
    std::string owned;
  };
  std::vector<Value> values_;
};

// The current row of a stepped statement: what generated decoders (flash_decode) read from.
class Row {
 public:
  explicit Row(sqlite3_stmt* s) noexcept : s_(s) {}
  template <class T>
  void get(int col, T& out) const {
    const int type = sqlite3_column_type(s_, col);
    if constexpr (is_optional<T>::value) {
      if (type == SQLITE_NULL) {
        out.reset();
        return;
      }
      typename T::value_type v{};
      get(col, v);
      out = std::move(v);
    } else {
      if (type == SQLITE_NULL)
        throw Error("22004", 0, std::string("flash: unexpected NULL in column ") + sqlite3_column_name(s_, col));
      if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
        if (type == SQLITE_INTEGER) {
          const sqlite3_int64 v = sqlite3_column_int64(s_, col);
          if constexpr (std::is_same_v<T, bool>) out = v != 0;
          else out = static_cast<T>(v);
          return;
        }
      } else if constexpr (std::is_floating_point_v<T>) {
        if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
          out = static_cast<T>(sqlite3_column_double(s_, col));
          return;
        }
      } else if constexpr (std::is_same_v<T, Bytes>) {
        const auto* p = static_cast<const std::byte*>(sqlite3_column_blob(s_, col));
        out.assign(p, p + sqlite3_column_bytes(s_, col));
        return;
      } else if constexpr (std::is_same_v<T, Date> || std::is_same_v<T, Timestamp> || std::is_same_v<T, TimestampTz>) {
        if (type == SQLITE_INTEGER) {  // unix time in seconds
          const std::chrono::microseconds us = std::chrono::seconds{sqlite3_column_int64(s_, col)};
          if constexpr (std::is_same_v<T, Date>) out = Date{std::chrono::floor<std::chrono::days>(us)};
          else out = T{us};
          return;
        }
      }
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
      flash::detail::from_text(std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s_, col))), out);
    }
  }

 private:
  sqlite3_stmt* s_;
};

// A connection (owns the sqlite3 handle unless it was given one) with a cache of statements
// prepared with SQLITE_PREPARE_PERSISTENT, keyed by their SQL text. Not thread-safe.
class Connection {
 public:
  explicit Connection(const std::string& path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : own_(true) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string m = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw Error("08001", 0, "open " + path + ": " + m);
    }
    sqlite3_extended_result_codes(db_, 1);
  }
  explicit Connection(sqlite3* borrowed) noexcept : db_(borrowed), own_(false) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    for (auto& [_, s] : cache_) sqlite3_finalize(s);
    if (own_) sqlite3_close(db_);
  }
  sqlite3* native() const noexcept { return db_; }

  void execute(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      sqlite3_free(err);
      detail::fail(db_, "execute");
    }
  }

  // Runs the statement, calling on_row(Row) for each row.
  template <class F>
  void run(std::string_view sql, const Params& p, F&& on_row) {
    sqlite3_stmt* s = statement(sql);
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{s};
    p.bind(db_, s);
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) detail::fail(db_, "step");
      if (!on_row(Row(s))) break;
    }
  }
  template <class R>
  std::optional<R> one(std::string_view sql, const Params& p) {
    std::optional<R> out;
    run(sql, p, [&](const Row& r) {
      flash_decode(r, 0, out.emplace());
      return false;
    });
    return out;
  }
  template <class R>
  std::vector<R> many(std::string_view sql, const Params& p) {
    std::vector<R> out;
    run(sql, p, [&](const Row& r) {
      flash_decode(r, 0, out.emplace_back());
      return true;
    });
    return out;
  }
  void exec(std::string_view sql, const Params& p) {
    run(sql, p, [](const Row&) { return true; });
  }
  std::int64_t exec_rows(std::string_view sql, const Params& p) {
    exec(sql, p);
    return sqlite3_changes64(db_);
  }
  ExecResult exec_result(std::string_view sql, const Params& p) {
    exec(sql, p);
    return {sqlite3_changes64(db_), sqlite3_last_insert_rowid(db_)};
  }
  std::int64_t exec_lastid(std::string_view sql, const Params& p) {
    exec(sql, p);
    return sqlite3_last_insert_rowid(db_);
  }

  // :copyfrom: multi-row INSERTs of at most `chunk` rows (prefix + one `group` per row).
  template <class T, class Encode>
  std::int64_t copy_rows(std::string_view prefix, std::string_view group, std::size_t chunk, const std::vector<T>& rows,
                         Encode encode) {
    std::int64_t total = 0;
    for (std::size_t at = 0; at < rows.size(); at += chunk) {
      const std::size_t n = std::min(chunk, rows.size() - at);
      std::string sql(prefix);
      for (std::size_t i = 0; i < n; ++i) {
        if (i) sql += ", ";
        sql += group;
      }
      Params p;
      for (std::size_t i = at; i < at + n; ++i) encode(p, rows[i]);
      total += exec_rows(sql, p);
    }
    return total;
  }

  // Prepares a statement now (a generated function otherwise prepares its statement on first use
  // on this connection); the generated prepare_all() calls it for every query.
  void prepare(std::string_view sql) { statement(sql); }

 private:
  sqlite3_stmt* statement(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      detail::fail(db_, "prepare");
    cache_.emplace(std::string(sql), s);
    return s;
  }
  sqlite3* db_ = nullptr;
  bool own_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// An explicit transaction: BEGIN in the constructor, commit() to keep the work; the destructor
// rolls back whatever was not committed.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(&c) { c.execute("BEGIN"); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (c_) sqlite3_exec(c_->native(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    c_->execute("COMMIT");
    c_ = nullptr;
  }
  void rollback() {
    c_->execute("ROLLBACK");
    c_ = nullptr;
  }

 private:
  Connection* c_;
};

}  // namespace flash::sqlite
#endif  // FLASH_CPP_SQLITE_V1
)CPP";
}

}  // namespace flash::codegen::cpp
