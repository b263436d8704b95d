// The runtime header of the MariaDB Connector/C backend (flash_mysql.hpp in the generated client).
#include "flash/codegen/cpp/cpp.hpp"

namespace flash::codegen::cpp {

std::string_view runtime_mysql() {
  return R"CPP(
// ---- flash::mysql: MariaDB Connector/C (also MySQL servers) ------------------------------------
#ifndef FLASH_CPP_MYSQL_V1
#define FLASH_CPP_MYSQL_V1
#include <mysql.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <unordered_map>

namespace flash::mysql {

namespace detail {

[[noreturn]] inline void fail(MYSQL* m, std::string_view what) {
  throw Error(mysql_sqlstate(m), static_cast<int>(mysql_errno(m)), std::string(what) + ": " + mysql_error(m));
}
[[noreturn]] inline void fail(MYSQL_STMT* s, std::string_view what) {
  throw Error(mysql_stmt_sqlstate(s), static_cast<int>(mysql_stmt_errno(s)), std::string(what) + ": " + mysql_stmt_error(s));
}

inline MYSQL_TIME to_mysql_time(std::chrono::microseconds since_epoch, enum_mysql_timestamp_type type) {
  MYSQL_TIME t{};
  const auto day = std::chrono::floor<std::chrono::days>(since_epoch);
  const std::chrono::year_month_day ymd{std::chrono::sys_days{day}};
  const auto us = (since_epoch - day).count();
  t.year = static_cast<unsigned>(static_cast<int>(ymd.year()));
  t.month = static_cast<unsigned>(ymd.month());
  t.day = static_cast<unsigned>(ymd.day());
  t.hour = static_cast<unsigned>(us / 3600000000);
  t.minute = static_cast<unsigned>(us / 60000000 % 60);
  t.second = static_cast<unsigned>(us / 1000000 % 60);
  t.second_part = static_cast<unsigned long>(us % 1000000);
  t.time_type = type;
  return t;
}

inline std::chrono::microseconds from_mysql_time(const MYSQL_TIME& t) {
  const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(t.year)}, std::chrono::month{t.month},
                                        std::chrono::day{t.day}};
  if (!ymd.ok()) throw Error("22007", 0, "flash: invalid date (a zero date?) in a result");
  return std::chrono::sys_days{ymd}.time_since_epoch() + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
         std::chrono::seconds{t.second} + std::chrono::microseconds{t.second_part};
}

}  // namespace detail

// Bound parameters (MYSQL_BIND). Strings and bytes are not copied (the arguments outlive the call).
class Params {
 public:
  explicit Params(int n = 0) { binds_.reserve(static_cast<std::size_t>(n)); }
  template <class T>
  void add(const T& v) {
    MYSQL_BIND b{};
    if constexpr (is_optional<T>::value) {
      if (!v) {
        b.buffer_type = MYSQL_TYPE_NULL;
        binds_.push_back(b);
      } else {
        add(*v);
      }
      return;
    } else if constexpr (is_list<T>::value) {  // sqlc.slice: one placeholder per element
      for (const auto& x : v) add(x);
      return;
    } else if constexpr (std::is_same_v<T, std::string>) {
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = const_cast<char*>(v.data());
      b.buffer_length = v.size();
    } else if constexpr (std::is_same_v<T, Bytes>) {
      static char empty[1] = {0};  // an empty vector's data() may be null, which would bind NULL
      b.buffer_type = MYSQL_TYPE_BLOB;
      b.buffer = v.empty() ? static_cast<void*>(empty) : const_cast<std::byte*>(v.data());
      b.buffer_length = v.size();
    } else if constexpr (DbEnum<T>) {
      const std::string_view s = flash_enum_text(v);
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = const_cast<char*>(s.data());
      b.buffer_length = s.size();
    } else {
      Cell& c = cells_.emplace_back();
      if constexpr (std::is_same_v<T, bool>) {
        c.i = v ? 1 : 0;
        b.buffer_type = MYSQL_TYPE_TINY;
        b.buffer = &c.i8;
        c.i8 = static_cast<signed char>(c.i);
      } else if constexpr (std::is_integral_v<T>) {
        c.i = static_cast<long long>(v);
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &c.i;
        b.is_unsigned = std::is_unsigned_v<T>;
      } else if constexpr (std::is_same_v<T, float>) {
        c.f = v;
        b.buffer_type = MYSQL_TYPE_FLOAT;
        b.buffer = &c.f;
      } else if constexpr (std::is_same_v<T, double>) {
        c.d = v;
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &c.d;
      } else if constexpr (std::is_same_v<T, Date>) {
        c.t = detail::to_mysql_time(v.time_since_epoch(), MYSQL_TIMESTAMP_DATE);
        b.buffer_type = MYSQL_TYPE_DATE;
        b.buffer = &c.t;
      } else if constexpr (std::is_same_v<T, Timestamp> || std::is_same_v<T, TimestampTz>) {
        c.t = detail::to_mysql_time(v.time_since_epoch(), MYSQL_TIMESTAMP_DATETIME);
        b.buffer_type = MYSQL_TYPE_DATETIME;
        b.buffer = &c.t;
      } else if constexpr (std::is_same_v<T, Time>) {
        c.t = detail::to_mysql_time(v, MYSQL_TIMESTAMP_TIME);
        c.t.year = c.t.month = c.t.day = 0;
        b.buffer_type = MYSQL_TYPE_TIME;
        b.buffer = &c.t;
      } else {
        static_assert(sizeof(T) == 0, "flash: no MySQL binding for this type");
      }
    }
    binds_.push_back(b);
  }
  std::size_t size() const noexcept { return binds_.size(); }
  MYSQL_BIND* binds() noexcept { return binds_.data(); }

 private:
  struct Cell {
    long long i = 0;
    signed char i8 = 0;
    float f = 0;
    double d = 0;
    MYSQL_TIME t{};
  };
  std::vector<MYSQL_BIND> binds_;
  std::deque<Cell> cells_;
};

// The result set of an executed statement, buffered (mysql_stmt_store_result). Integers come as
// 64-bit, FLOAT/DOUBLE as double, dates and times as MYSQL_TIME, everything else as bytes.
class Cursor {
 public:
  explicit Cursor(MYSQL_STMT* s) : s_(s) {
    meta_ = mysql_stmt_result_metadata(s_);
    if (!meta_) return;
    if (mysql_stmt_store_result(s_)) detail::fail(s_, "store result");
    const unsigned n = mysql_num_fields(meta_);
    const MYSQL_FIELD* f = mysql_fetch_fields(meta_);
    cols_.resize(n);
    binds_.assign(n, MYSQL_BIND{});
    for (unsigned i = 0; i < n; ++i) {
      Col& c = cols_[i];
      MYSQL_BIND& b = binds_[i];
      switch (f[i].type) {
        case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24: case MYSQL_TYPE_LONG:
        case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
          c.kind = Kind::integer;
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = &c.i;
          b.is_unsigned = (f[i].flags & UNSIGNED_FLAG) != 0;
          c.is_unsigned = b.is_unsigned;
          break;
        case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
          c.kind = Kind::real;
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          b.buffer = &c.d;
          break;
        case MYSQL_TYPE_DATE: case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP: case MYSQL_TYPE_TIME:
          c.kind = Kind::time;
          b.buffer_type = f[i].type;
          b.buffer = &c.t;
          break;
        default:
          c.kind = Kind::bytes;
          c.buf.resize(f[i].max_length + 1);
          b.buffer_type = MYSQL_TYPE_BLOB;
          b.buffer = c.buf.data();
          b.buffer_length = c.buf.size();
          break;
      }
      b.is_null = &c.is_null;
      b.length = &c.length;
      c.name = f[i].name;
    }
    if (mysql_stmt_bind_result(s_, binds_.data())) detail::fail(s_, "bind result");
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() {
    if (meta_) {
      mysql_stmt_free_result(s_);
      mysql_free_result(meta_);
    }
  }
  bool fetch() {
    if (!meta_) return false;
    const int rc = mysql_stmt_fetch(s_);
    if (rc == MYSQL_NO_DATA) return false;
    if (rc == 1) detail::fail(s_, "fetch");
    if (rc == MYSQL_DATA_TRUNCATED) throw Error("", 0, "flash: a value was truncated while fetching");
    return true;
  }
  std::size_t rows() const { return meta_ ? static_cast<std::size_t>(mysql_stmt_num_rows(s_)) : 0; }

  // What generated decoders (flash_decode) call.
  template <class T>
  void get(int col, T& out) const {
    const Col& c = cols_[static_cast<std::size_t>(col)];
    if constexpr (is_optional<T>::value) {
      if (c.is_null) {
        out.reset();
        return;
      }
      typename T::value_type v{};
      get(col, v);
      out = std::move(v);
    } else {
      if (c.is_null) throw Error("22004", 0, "flash: unexpected NULL in column " + c.name);
      switch (c.kind) {
        case Kind::integer:
          if constexpr (std::is_same_v<T, bool>) {
            out = c.i != 0;
            return;
          } else if constexpr (std::is_arithmetic_v<T>) {
            if (c.is_unsigned && static_cast<unsigned long long>(c.i) > static_cast<unsigned long long>(std::numeric_limits<long long>::max()) &&
                std::is_signed_v<T>)
              throw Error("22003", 0, "flash: unsigned value out of range in column " + c.name);
            out = static_cast<T>(c.i);
            return;
          }
          break;
        case Kind::real:
          if constexpr (std::is_floating_point_v<T>) {
            out = static_cast<T>(c.d);
            return;
          }
          break;
        case Kind::time:
          if constexpr (std::is_same_v<T, Date>) {
            out = Date{std::chrono::floor<std::chrono::days>(detail::from_mysql_time(c.t))};
            return;
          } else if constexpr (std::is_same_v<T, Timestamp>) {
            out = Timestamp{detail::from_mysql_time(c.t)};
            return;
          } else if constexpr (std::is_same_v<T, TimestampTz>) {
            out = TimestampTz{detail::from_mysql_time(c.t)};  // the session time zone is UTC
            return;
          } else if constexpr (std::is_same_v<T, Time>) {
            const auto us = std::chrono::hours{c.t.day * 24 + c.t.hour} + std::chrono::minutes{c.t.minute} +
                            std::chrono::seconds{c.t.second} + std::chrono::microseconds{c.t.second_part};
            out = c.t.neg ? -us : us;
            return;
          }
          break;
        case Kind::bytes:
          flash::detail::from_text(std::string_view(c.buf.data(), c.length), out);
          return;
      }
      // A kind the column did not ask for (e.g. a string from an integer expression): via text.
      std::string text;
      if (c.kind == Kind::integer) {
        if (c.is_unsigned) flash::detail::to_text(text, static_cast<unsigned long long>(c.i));
        else flash::detail::to_text(text, c.i);
      } else if (c.kind == Kind::real) {
        flash::detail::to_text(text, c.d);
      } else {
        flash::detail::format_timestamp(text, detail::from_mysql_time(c.t));
      }
      flash::detail::from_text(text, out);
    }
  }

 private:
  enum class Kind { integer, real, time, bytes };
  struct Col {
    Kind kind = Kind::bytes;
    long long i = 0;
    double d = 0;
    MYSQL_TIME t{};
    std::vector<char> buf;
    unsigned long length = 0;
    my_bool is_null = 0;
    bool is_unsigned = false;
    std::string name;
  };
  MYSQL_STMT* s_;
  MYSQL_RES* meta_ = nullptr;
  std::vector<Col> cols_;
  std::vector<MYSQL_BIND> binds_;
};

// A connection (owns the MYSQL handle unless it was given one) with a cache of prepared
// statements keyed by their SQL text. Not thread-safe: one per thread.
class Connection {
 public:
  // url: mysql://user:password@host:port/database. Sets utf8mb4 and the session time zone to UTC
  // (TIMESTAMP columns then read and write UTC instants).
  explicit Connection(const std::string& url) : m_(mysql_init(nullptr)), own_(true) {
    std::string rest = url;
    const auto scheme = rest.find("://");
    if (scheme != std::string::npos) rest = rest.substr(scheme + 3);
    const auto q = rest.find('?');
    if (q != std::string::npos) rest = rest.substr(0, q);
    std::string user, pass, host = "127.0.0.1", db;
    unsigned port = 3306;
    const auto at = rest.rfind('@');
    if (at != std::string::npos) {
      const std::string cred = rest.substr(0, at);
      rest = rest.substr(at + 1);
      const auto colon = cred.find(':');
      user = decode(cred.substr(0, colon));
      if (colon != std::string::npos) pass = decode(cred.substr(colon + 1));
    }
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
      db = decode(rest.substr(slash + 1));
      rest = rest.substr(0, slash);
    }
    const auto colon = rest.rfind(':');
    if (colon != std::string::npos) {
      port = static_cast<unsigned>(std::stoul(rest.substr(colon + 1)));
      rest = rest.substr(0, colon);
    }
    if (!rest.empty()) host = rest;
    mysql_options(m_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(m_, host.c_str(), user.c_str(), pass.c_str(), db.empty() ? nullptr : db.c_str(), port,
                            nullptr, 0)) {
      Error e(mysql_sqlstate(m_), static_cast<int>(mysql_errno(m_)), std::string("connect: ") + mysql_error(m_));
      mysql_close(m_);
      throw e;
    }
    execute("SET time_zone = '+00:00'");
  }
  explicit Connection(MYSQL* borrowed) noexcept : m_(borrowed), own_(false) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    for (auto& [_, s] : cache_) mysql_stmt_close(s);
    if (own_ && m_) mysql_close(m_);
  }
  MYSQL* native() const noexcept { return m_; }

  void execute(const char* sql) {
    if (mysql_query(m_, sql)) detail::fail(m_, "execute");
    if (MYSQL_RES* r = mysql_store_result(m_)) mysql_free_result(r);
  }

  // Prepares (or finds) the statement, binds p and executes it.
  MYSQL_STMT* run(std::string_view sql, Params& p) {
    MYSQL_STMT* s = statement(sql);
    if (mysql_stmt_param_count(s) != p.size())
      throw Error("07001", 0, "flash: " + std::to_string(p.size()) + " values for " +
                                  std::to_string(mysql_stmt_param_count(s)) + " placeholders");
    if (p.size() && mysql_stmt_bind_param(s, p.binds())) detail::fail(s, "bind");
    if (mysql_stmt_execute(s)) detail::fail(s, "execute");
    return s;
  }
  template <class R>
  std::optional<R> one(std::string_view sql, Params& p) {
    Cursor c(run(sql, p));
    if (!c.fetch()) return std::nullopt;
    R out{};
    flash_decode(c, 0, out);
    while (c.fetch()) {
    }
    return out;
  }
  template <class R>
  std::vector<R> many(std::string_view sql, Params& p) {
    Cursor c(run(sql, p));
    std::vector<R> out;
    out.reserve(c.rows());
    while (c.fetch()) flash_decode(c, 0, out.emplace_back());
    return out;
  }
  void exec(std::string_view sql, Params& p) { Cursor c(run(sql, p)); }
  std::int64_t exec_rows(std::string_view sql, Params& p) {
    MYSQL_STMT* s = run(sql, p);
    Cursor c(s);
    return static_cast<std::int64_t>(mysql_stmt_affected_rows(s));
  }
  ExecResult exec_result(std::string_view sql, Params& p) {
    MYSQL_STMT* s = run(sql, p);
    Cursor c(s);
    return {static_cast<std::int64_t>(mysql_stmt_affected_rows(s)), static_cast<std::int64_t>(mysql_stmt_insert_id(s))};
  }
  std::int64_t exec_lastid(std::string_view sql, Params& p) {
    MYSQL_STMT* s = run(sql, p);
    Cursor c(s);
    return static_cast<std::int64_t>(mysql_stmt_insert_id(s));
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
  static std::string decode(const std::string& s) {  // %XX in URL parts
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size() && flash::detail::hex_digit(s[i + 1]) >= 0 && flash::detail::hex_digit(s[i + 2]) >= 0) {
        out += static_cast<char>(flash::detail::hex_digit(s[i + 1]) * 16 + flash::detail::hex_digit(s[i + 2]));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }
  MYSQL_STMT* statement(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    MYSQL_STMT* s = mysql_stmt_init(m_);
    if (!s) detail::fail(m_, "statement");
    if (mysql_stmt_prepare(s, sql.data(), static_cast<unsigned long>(sql.size()))) {
      Error e(mysql_stmt_sqlstate(s), static_cast<int>(mysql_stmt_errno(s)), std::string("prepare: ") + mysql_stmt_error(s));
      mysql_stmt_close(s);
      throw e;
    }
    my_bool update_max = 1;
    mysql_stmt_attr_set(s, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
    cache_.emplace(std::string(sql), s);
    return s;
  }
  MYSQL* m_;
  bool own_;
  std::unordered_map<std::string, MYSQL_STMT*> cache_;
};

// An explicit transaction: START TRANSACTION in the constructor, commit() to keep the work; the
// destructor rolls back whatever was not committed.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(&c) { c.execute("START TRANSACTION"); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (c_) mysql_query(c_->native(), "ROLLBACK");
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

}  // namespace flash::mysql
#endif  // FLASH_CPP_MYSQL_V1
)CPP";
}

}  // namespace flash::codegen::cpp
