// MySQL/MariaDB driver on MariaDB Connector/C. Statements without parameters use the text
// protocol (which accepts every statement, including ones the server cannot prepare); statements
// with parameters are server-side prepared with typed binds (binary protocol). Both
// paths map result columns to Values by field type, so a column reads the same either way.
#include "flash/driver/mysql/connection.hpp"

#include <errmsg.h>
#include <mysql.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <future>
#include <limits>
#include <mutex>
#include <utility>

#include "flash/driver/bulk.hpp"
#include "flash/driver/mysql/load_data.hpp"
#include "flash/sql/lexer.hpp"

namespace flash::driver::mysql {
namespace {

// The URL for messages: redacted() of the text as given, or (for a DatabaseUrl built in code,
// which has no original text) a description from the fields, never with the password.
std::string where(const config::DatabaseUrl& url) {
  std::string r = url.redacted();
  if (!r.empty()) return r;
  std::string s = std::string("mysql") + "://";
  if (!url.user.empty()) s += url.user + "@";
  s += url.host.empty() ? "localhost" : url.host;
  if (url.port) s += ":" + std::to_string(*url.port);
  if (!url.database.empty()) s += "/" + url.database;
  return s;
}

constexpr unsigned kBinaryCharset = 63;  // the "binary" character set: BLOB/VARBINARY/BINARY

bool connection_lost(unsigned err) {
  return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST || err == CR_CONNECTION_ERROR ||
         err == CR_CONN_HOST_ERROR || err == CR_SERVER_LOST_EXTENDED ||
         err == 1053 /* ER_SERVER_SHUTDOWN */ || err == 1927 /* ER_CONNECTION_KILLED */;
}

enum class Kind { integer, unsigned_integer, floating, boolean, bits, blob, text };

Kind kind_of(const MYSQL_FIELD& f) {
  switch (f.type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_YEAR:
      return Kind::integer;
    case MYSQL_TYPE_LONGLONG:
      return (f.flags & UNSIGNED_FLAG) ? Kind::unsigned_integer : Kind::integer;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      return Kind::floating;
    case MYSQL_TYPE_BIT:
      return f.length == 1 ? Kind::boolean : Kind::bits;
    case MYSQL_TYPE_GEOMETRY:
      return Kind::blob;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VARCHAR:
      if ((f.flags & (ENUM_FLAG | SET_FLAG)) == 0 && f.charsetnr == kBinaryCharset) return Kind::blob;
      return Kind::text;
    default:  // DECIMAL, dates and times, JSON, ENUM, SET: text in MySQL's format
      return Kind::text;
  }
}

std::string type_name(const MYSQL_FIELD& f) {
  const bool binary = f.charsetnr == kBinaryCharset;
  const bool is_unsigned = (f.flags & UNSIGNED_FLAG) != 0;
  auto num = [&](const char* n) { return std::string(n) + (is_unsigned ? " UNSIGNED" : ""); };
  auto lob = [&](const char* prefix) {
    return std::string(prefix) + (binary ? "BLOB" : "TEXT");
  };
  switch (f.type) {
    case MYSQL_TYPE_TINY: return num("TINYINT");
    case MYSQL_TYPE_SHORT: return num("SMALLINT");
    case MYSQL_TYPE_INT24: return num("MEDIUMINT");
    case MYSQL_TYPE_LONG: return num("INT");
    case MYSQL_TYPE_LONGLONG: return num("BIGINT");
    case MYSQL_TYPE_FLOAT: return num("FLOAT");
    case MYSQL_TYPE_DOUBLE: return num("DOUBLE");
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: return num("DECIMAL");
    case MYSQL_TYPE_YEAR: return "YEAR";
    case MYSQL_TYPE_BIT: return "BIT";
    case MYSQL_TYPE_NULL: return "NULL";
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: return "DATE";
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2: return "TIME";
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2: return "DATETIME";
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2: return "TIMESTAMP";
    case MYSQL_TYPE_JSON: return "JSON";
    case MYSQL_TYPE_ENUM: return "ENUM";
    case MYSQL_TYPE_SET: return "SET";
    case MYSQL_TYPE_GEOMETRY: return "GEOMETRY";
    case MYSQL_TYPE_TINY_BLOB: return lob("TINY");
    case MYSQL_TYPE_MEDIUM_BLOB: return lob("MEDIUM");
    case MYSQL_TYPE_LONG_BLOB: return lob("LONG");
    case MYSQL_TYPE_BLOB: {
      // The protocol reports every *BLOB/*TEXT as BLOB; the maximum length tells them apart. It
      // is given in bytes, so divide by the character set's widest character first.
      unsigned long chars = f.length;
      if (const MARIADB_CHARSET_INFO* cs = mariadb_get_charset_by_nr(f.charsetnr);
          cs != nullptr && cs->char_maxlen > 1)
        chars /= cs->char_maxlen;
      if (chars <= 255) return lob("TINY");
      if (chars <= 65535) return lob("");
      if (chars <= 16777215) return lob("MEDIUM");
      return lob("LONG");
    }
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING:
      if (f.flags & ENUM_FLAG) return "ENUM";
      if (f.flags & SET_FLAG) return "SET";
      return binary ? "VARBINARY" : "VARCHAR";
    case MYSQL_TYPE_STRING:
      if (f.flags & ENUM_FLAG) return "ENUM";
      if (f.flags & SET_FLAG) return "SET";
      return binary ? "BINARY" : "CHAR";
    default:
      return "UNKNOWN";
  }
}

std::vector<ColumnInfo> columns_of(const MYSQL_FIELD* fields, unsigned n) {
  std::vector<ColumnInfo> cols;
  cols.reserve(n);
  for (unsigned i = 0; i < n; ++i) cols.push_back({fields[i].name ? fields[i].name : "", type_name(fields[i])});
  return cols;
}

std::int64_t bits_value(const char* data, unsigned long len) {
  std::uint64_t v = 0;
  for (unsigned long i = 0; i < len; ++i) v = (v << 8) | static_cast<unsigned char>(data[i]);
  return static_cast<std::int64_t>(v);
}

// A value from its text form (text protocol) or raw bytes (BIT, BLOB).
Value from_text(const char* data, unsigned long len, Kind kind) {
  if (data == nullptr) return Null{};
  switch (kind) {
    case Kind::integer: {
      std::int64_t v = 0;
      const auto res = std::from_chars(data, data + len, v);
      if (res.ec == std::errc() && res.ptr == data + len) return v;
      break;
    }
    case Kind::unsigned_integer: {
      std::uint64_t v = 0;
      const auto res = std::from_chars(data, data + len, v);
      if (res.ec == std::errc() && res.ptr == data + len &&
          v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(v);
      break;  // beyond int64: exact as text
    }
    case Kind::floating: {
      double v = 0;
      const auto res = std::from_chars(data, data + len, v);
      if (res.ec == std::errc() && res.ptr == data + len) return v;
      break;
    }
    case Kind::boolean:
      return bits_value(data, len) != 0;
    case Kind::bits:
      return bits_value(data, len);
    case Kind::blob:
      return Blob{std::string(data, len)};
    case Kind::text:
      break;
  }
  return std::string(data, len);
}

void library_init() {
  // mysql_init() initialises the library implicitly, but not thread-safely.
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

class MyConnection;

// One result column of a prepared statement and the buffers it is fetched into.
struct ResultColumn {
  Kind kind = Kind::text;
  std::int64_t i = 0;
  double d = 0;
  std::string buf;  // text and blob; grown on demand with mysql_stmt_fetch_column
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;
};

// Fetches rows of an executed prepared statement (unbuffered: rows come off the wire as read).
class StmtReader {
 public:
  StmtReader(MYSQL_STMT* stmt, MYSQL_RES* meta) : stmt_(stmt) {
    const unsigned n = mysql_num_fields(meta);
    MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    columns = columns_of(fields, n);
    cols_.resize(n);
    binds_.resize(n);
    for (unsigned c = 0; c < n; ++c) {
      ResultColumn& rc = cols_[c];
      MYSQL_BIND& b = binds_[c];
      std::memset(&b, 0, sizeof b);
      rc.kind = kind_of(fields[c]);
      b.is_null = &rc.is_null;
      b.length = &rc.length;
      b.error = &rc.error;
      switch (rc.kind) {
        case Kind::integer:
        case Kind::unsigned_integer:
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = &rc.i;
          b.is_unsigned = rc.kind == Kind::unsigned_integer;
          break;
        case Kind::floating:
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          b.buffer = &rc.d;
          break;
        default:
          // Strings, blobs, BIT bytes, and DECIMAL/temporal values converted to text by the
          // library.
          rc.buf.resize(256);
          b.buffer_type = rc.kind == Kind::text ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
          b.buffer = rc.buf.data();
          b.buffer_length = rc.buf.size();
          break;
      }
    }
    mysql_free_result(meta);
    if (n > 0 && mysql_stmt_bind_result(stmt_, binds_.data())) ok_ = false;
  }

  bool bound() const { return ok_; }

  // 1: row filled, 0: end, -1: error (see mysql_stmt_error).
  int next(std::vector<Value>& row) {
    const int rc = mysql_stmt_fetch(stmt_);
    if (rc == MYSQL_NO_DATA) return 0;
    if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) return -1;
    row.clear();
    row.reserve(cols_.size());
    for (unsigned c = 0; c < cols_.size(); ++c) {
      ResultColumn& col = cols_[c];
      if (col.is_null) {
        row.emplace_back(Null{});
        continue;
      }
      switch (col.kind) {
        case Kind::integer:
          row.emplace_back(col.i);
          break;
        case Kind::unsigned_integer: {
          const auto u = static_cast<std::uint64_t>(col.i);
          if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            row.emplace_back(col.i);
          else
            row.emplace_back(std::to_string(u));
          break;
        }
        case Kind::floating:
          row.emplace_back(col.d);
          break;
        default: {
          if (col.length <= col.buf.size()) {
            row.push_back(from_text(col.buf.data(), col.length, col.kind));
            break;
          }
          // Longer than the bound buffer: fetch the whole value into a buffer of its size.
          std::string full(col.length, '\0');
          MYSQL_BIND b = binds_[c];
          unsigned long len = 0;
          b.buffer = full.data();
          b.buffer_length = full.size();
          b.length = &len;
          if (mysql_stmt_fetch_column(stmt_, &b, c, 0)) return -1;
          full.resize(std::min<unsigned long>(len, full.size()));
          row.push_back(from_text(full.data(), full.size(), col.kind));
          break;
        }
      }
    }
    return 1;
  }

  std::vector<ColumnInfo> columns;

 private:
  MYSQL_STMT* stmt_;
  std::vector<ResultColumn> cols_;
  std::vector<MYSQL_BIND> binds_;
  bool ok_ = true;
};

// Parameter binds; `ints`/`doubles`/`flags` own the scalar values the binds point at.
struct ParamBinds {
  std::vector<MYSQL_BIND> binds;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<signed char> flags;
  std::vector<unsigned long> lengths;

  explicit ParamBinds(std::span<const Value> params)
      : binds(params.size()), ints(params.size()), doubles(params.size()), flags(params.size()),
        lengths(params.size()) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      MYSQL_BIND& b = binds[i];
      std::memset(&b, 0, sizeof b);
      const Value& v = params[i];
      if (std::holds_alternative<Null>(v)) {
        b.buffer_type = MYSQL_TYPE_NULL;
      } else if (const auto* bo = std::get_if<bool>(&v)) {
        flags[i] = *bo ? 1 : 0;
        b.buffer_type = MYSQL_TYPE_TINY;
        b.buffer = &flags[i];
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        ints[i] = *n;
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[i];
      } else if (const auto* d = std::get_if<double>(&v)) {
        doubles[i] = *d;
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &doubles[i];
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        lengths[i] = s->size();
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = const_cast<char*>(s->data());
        b.buffer_length = s->size();
        b.length = &lengths[i];
      } else if (const auto* blob = std::get_if<Blob>(&v)) {
        lengths[i] = blob->bytes.size();
        b.buffer_type = MYSQL_TYPE_BLOB;
        b.buffer = const_cast<char*>(blob->bytes.data());
        b.buffer_length = blob->bytes.size();
        b.length = &lengths[i];
      }
    }
  }
};

using StmtPtr = std::unique_ptr<MYSQL_STMT, decltype(&mysql_stmt_close)>;

MYSQL* open_connection(const config::DatabaseUrl& url);

// ---- LOAD DATA LOCAL INFILE from memory ----
//
// The connection advertises CLIENT_LOCAL_FILES at the handshake (the server refuses LOAD DATA
// LOCAL from a client without it) but keeps MYSQL_OPT_LOCAL_INFILE off, so Connector/C refuses
// every file request of the server; bulk_load() switches it on for its own statement only. The
// handler below is installed for the connection's lifetime: it serves the rows of the bulk_load()
// in progress and never opens a file, so not even a server that asks for a file at another
// moment, or for another name, gets one.

constexpr const char* kInfileName = "flash-bulk-load";  // the name in the statement; no such file is read

struct InfileState {
  LoadDataStream* stream = nullptr;  // the rows of the bulk_load() in progress
  std::string error;
};

int infile_init(void** ptr, const char* filename, void* userdata) {
  auto* st = static_cast<InfileState*>(userdata);
  *ptr = st;
  if (st->stream != nullptr && filename != nullptr && std::string_view(filename) == kInfileName) return 0;
  st->error = std::string("refused the server's request for the local file '") + (filename ? filename : "") +
              "': no bulk load of that name is in progress";
  return 1;
}

int infile_read(void* ptr, char* buf, unsigned int len) {
  auto* st = static_cast<InfileState*>(ptr);
  try {
    return static_cast<int>(st->stream->read(buf, len));
  } catch (const std::exception& e) {  // out of memory: end the statement with an error
    st->error = e.what();
    return -1;
  }
}

void infile_end(void*) {}

int infile_error(void* ptr, char* buf, unsigned int len) {
  const std::string& msg = ptr ? static_cast<InfileState*>(ptr)->error : std::string();
  if (len > 0) {
    const std::size_t n = std::min<std::size_t>(msg.size(), len - 1);
    std::memcpy(buf, msg.data(), n);
    buf[n] = '\0';
  }
  return CR_UNKNOWN_ERROR;
}

// A BIT(width) value given as text, as its number: exactly `width` binary digits are PostgreSQL's
// bit(n) text (as a decimal such a string would not fit), other digits are the decimal Flash's
// exports write for BIT, true/false what exports before 2026-12 wrote for BIT(1). Bound as text the
// server would store the characters' bytes ("5" → 0x35). Anything else stays as given, for the
// server to refuse.
Value bit_number(const Value& v, unsigned long width) {
  const auto* s = std::get_if<std::string>(&v);
  if (s == nullptr || s->empty()) return v;
  if (*s == "true" || *s == "false") return std::int64_t{*s == "true"};
  std::uint64_t u = 0;
  const bool binary = width > 1 && s->size() == width && s->find_first_not_of("01") == std::string::npos;
  const auto r = std::from_chars(s->data(), s->data() + s->size(), u, binary ? 2 : 10);
  if (r.ec != std::errc() || r.ptr != s->data() + s->size()) return v;
  return static_cast<std::int64_t>(u);
}

// The server's answers when it does not allow LOAD DATA LOCAL: MariaDB's
// ER_LOAD_INFILE_CAPABILITY_DISABLED, MySQL's ER_NOT_ALLOWED_COMMAND and
// ER_CLIENT_LOCAL_FILES_DISABLED.
bool local_infile_disabled(unsigned err) { return err == 4166 || err == 1148 || err == 3948; }

// A refused value's SQLSTATE: integrity (duplicate key, NULL into NOT NULL, foreign key, CHECK)
// or a data exception.
const char* warning_sqlstate(std::int64_t code) {
  switch (code) {
    case 1022: case 1048: case 1062: case 1263: case 1451: case 1452: case 1557: case 1586: case 4025:
      return "23000";
    default:
      return "22000";
  }
}

class MyConnection final : public SqlConnection,
                           public StatementDescriber,
                           public QueryCanceller,
                           public BulkLoader,
                           public BulkLoadMethod,
                           public StreamLoader {
 public:
  MyConnection(MYSQL* m, config::DatabaseUrl url) : m_(m), url_(std::move(url)), thread_id_(mysql_thread_id(m)) {
    mysql_set_local_infile_handler(m_, infile_init, infile_read, infile_end, infile_error, &infile_);
  }
  ~MyConnection() override { mysql_close(m_); }

  void bulk_load(std::string_view table, std::span<const std::string> columns, std::span<const Value> rows,
                 std::size_t ncols) override;
  std::unique_ptr<BulkStream> open_stream(std::string_view table, std::span<const std::string> columns) override;
  std::string_view last_bulk_method() const override { return method_; }

  // KILL QUERY on a second connection of the same account (the server's own way to stop a
  // statement of another session; the session itself stays open).
  bool cancel_running() override {
    MYSQL* k = nullptr;
    try {
      k = open_connection(url_);
    } catch (const ConnectError&) {
      return false;
    }
    const std::string kill = "KILL QUERY " + std::to_string(thread_id_);
    const bool ok = mysql_real_query(k, kill.data(), kill.size()) == 0;
    mysql_close(k);
    return ok;
  }

  schema::Dialect dialect() const override { return schema::Dialect::mysql; }
  std::string server_version() override { return mysql_get_server_info(m_); }

  // The connection is opened without CLIENT_MULTI_STATEMENTS, so query() and stream() run exactly
  // one statement whatever text reaches them. Only execute() is documented to take a script: it
  // switches multi-statements on for that call when the text may hold more than one statement.
  void execute(std::string_view sql) override {
    struct MultiStatements {
      MYSQL* m = nullptr;
      ~MultiStatements() {
        if (m) mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
      }
    } multi;
    if (may_be_script(sql)) {
      if (mysql_set_server_option(m_, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) fail(sql);
      multi.m = m_;
    }
    run_text(sql);
    // A script yields one result per statement; each must be read before the next one runs,
    // and an error in any of them surfaces here.
    for (;;) {
      if (MYSQL_RES* res = mysql_store_result(m_)) mysql_free_result(res);
      else if (mysql_field_count(m_) != 0) fail(sql);
      const int more = mysql_next_result(m_);
      if (more < 0) break;
      if (more > 0) fail(sql);
    }
  }

  ResultSet query(std::string_view sql, std::span<const Value> params) override {
    if (params.empty()) return query_text(sql);
    StmtPtr stmt = run_prepared(sql, params);
    ResultSet rs;
    if (MYSQL_RES* meta = mysql_stmt_result_metadata(stmt.get())) {
      StmtReader reader(stmt.get(), meta);
      if (!reader.bound()) fail_stmt(stmt.get(), sql);
      rs.columns = reader.columns;
      std::vector<Value> row;
      for (;;) {
        const int r = reader.next(row);
        if (r == 0) break;
        if (r < 0) fail_stmt(stmt.get(), sql);
        rs.rows.push_back(std::move(row));
      }
    }
    if (sql::is_dml(sql, schema::Dialect::mysql)) {
      rs.affected_rows = static_cast<std::int64_t>(mysql_stmt_affected_rows(stmt.get()));
      if (rs.affected_rows < 0) rs.affected_rows = static_cast<std::int64_t>(rs.rows.size());
      if (const auto id = mysql_stmt_insert_id(stmt.get()); id != 0)
        rs.last_insert_id = static_cast<std::int64_t>(id);
    }
    return rs;
  }

  std::unique_ptr<RowCursor> stream(std::string_view sql, std::span<const Value> params) override;

  StatementDescription describe(std::string_view sql) override;  // defined below the class

  bool transactional_ddl() const override { return false; }
  void begin() override { execute("START TRANSACTION"); }
  void commit() override { execute("COMMIT"); }
  void rollback() override { execute("ROLLBACK"); }

  [[noreturn]] void fail(std::string_view sql) const {
    const unsigned err = mysql_errno(m_);
    throw DbError(err ? mysql_error(m_) : "unknown MySQL error", mysql_sqlstate(m_),
                  static_cast<int>(err), std::string(sql), !connection_lost(err));
  }

  [[noreturn]] void fail_stmt(MYSQL_STMT* stmt, std::string_view sql) const {
    const unsigned err = mysql_stmt_errno(stmt);
    if (err == 0) fail(sql);
    throw DbError(mysql_stmt_error(stmt), mysql_stmt_sqlstate(stmt), static_cast<int>(err),
                  std::string(sql), !connection_lost(err));
  }

  MYSQL* handle() const { return m_; }

  // Whether `sql` has a ';' before its last non-blank character (possibly inside a string: then
  // multi-statements are switched on needlessly, which is harmless).
  static bool may_be_script(std::string_view sql) {
    std::size_t end = sql.size();
    while (end > 0 && (std::isspace(static_cast<unsigned char>(sql[end - 1])) || sql[end - 1] == ';')) --end;
    return sql.substr(0, end).find(';') != std::string_view::npos;
  }

  void run_text(std::string_view sql) {
    if (mysql_real_query(m_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) fail(sql);
  }

  // Reads and discards the results of further statements of a script.
  void drain_results(std::string_view sql) {
    for (;;) {
      const int more = mysql_next_result(m_);
      if (more < 0) return;
      if (more > 0) fail(sql);
      if (MYSQL_RES* res = mysql_store_result(m_)) mysql_free_result(res);
    }
  }

  // Prepares, binds and executes; the caller fetches the result set, if any.
  StmtPtr run_prepared(std::string_view sql, std::span<const Value> params) {
    StmtPtr stmt(mysql_stmt_init(m_), &mysql_stmt_close);
    if (!stmt) fail(sql);
    if (mysql_stmt_prepare(stmt.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0)
      fail_stmt(stmt.get(), sql);
    const unsigned long expected = mysql_stmt_param_count(stmt.get());
    if (expected != params.size()) {
      throw DbError("the statement has " + std::to_string(expected) + " parameter(s) but " +
                        std::to_string(params.size()) + " value(s) were given",
                    "07001", CR_PARAMS_NOT_BOUND, std::string(sql), true);
    }
    ParamBinds binds(params);
    if (!params.empty() && mysql_stmt_bind_param(stmt.get(), binds.binds.data()))
      fail_stmt(stmt.get(), sql);
    if (mysql_stmt_execute(stmt.get()) != 0) fail_stmt(stmt.get(), sql);
    return stmt;
  }

 private:
  ResultSet query_text(std::string_view sql) {
    run_text(sql);
    ResultSet rs;
    MYSQL_RES* res = mysql_store_result(m_);
    if (res == nullptr && mysql_field_count(m_) != 0) fail(sql);
    if (res != nullptr) {
      const unsigned n = mysql_num_fields(res);
      MYSQL_FIELD* fields = mysql_fetch_fields(res);
      rs.columns = columns_of(fields, n);
      std::vector<Kind> kinds(n);
      for (unsigned c = 0; c < n; ++c) kinds[c] = kind_of(fields[c]);
      rs.rows.reserve(mysql_num_rows(res));
      while (MYSQL_ROW r = mysql_fetch_row(res)) {
        const unsigned long* lengths = mysql_fetch_lengths(res);
        std::vector<Value> row;
        row.reserve(n);
        for (unsigned c = 0; c < n; ++c) row.push_back(from_text(r[c], lengths[c], kinds[c]));
        rs.rows.push_back(std::move(row));
      }
      mysql_free_result(res);
    }
    if (sql::is_dml(sql, schema::Dialect::mysql)) {
      rs.affected_rows = static_cast<std::int64_t>(mysql_affected_rows(m_));
      if (const auto id = mysql_insert_id(m_); id != 0) rs.last_insert_id = static_cast<std::int64_t>(id);
    }
    drain_results(sql);
    return rs;
  }

  bool in_transaction() {
    unsigned int status = 0;
    mariadb_get_infov(m_, MARIADB_CONNECTION_SERVER_STATUS, &status);
    return (status & SERVER_STATUS_IN_TRANS) != 0;
  }
  // How each column travels, and each BIT column's width (0 for the others).
  struct LoadPlan {
    std::vector<LoadAs> how;
    std::vector<unsigned long> bit_width;
  };
  LoadPlan load_plan(std::string_view table, std::span<const std::string> columns, std::span<const Value> rows,
                     std::size_t ncols);
  bool load_data(const std::string& sql, LoadDataStream& stream, std::uint64_t expected);
  class LoadStream;
  void insert_rows(std::string_view table, std::span<const std::string> columns, std::span<const Value> rows,
                   std::size_t ncols);
  void check_warnings(const std::string& sql, unsigned warnings);

  MYSQL* m_;
  config::DatabaseUrl url_;
  unsigned long thread_id_;
  InfileState infile_;
  bool local_infile_refused_ = false;  // the server said local_infile=OFF: INSERTs from then on
  std::string_view method_;
};

// All rows or none: in a savepoint inside the caller's transaction, else in a transaction of its own.
void MyConnection::bulk_load(std::string_view table, std::span<const std::string> columns,
                             std::span<const Value> given, std::size_t ncols) {
  if (ncols == 0 || given.size() < ncols) return;
  const bool own_tx = !in_transaction();
  execute(own_tx ? "START TRANSACTION" : "SAVEPOINT flash_bulk_load");
  try {
    const LoadPlan plan = load_plan(table, columns, given, ncols);
    // BIT values given as text become their number (bit_number), the same on either path.
    std::vector<Value> numbered;
    std::span<const Value> rows = given;
    for (std::size_t c = 0; c < plan.how.size() && c < ncols; ++c) {
      if (plan.how[c] != LoadAs::bits) continue;
      if (numbered.empty()) numbered.assign(given.begin(), given.end());
      for (std::size_t r = c; r < numbered.size(); r += ncols) numbered[r] = bit_number(numbered[r], plan.bit_width[c]);
      rows = numbered;
    }
    LoadDataStream stream(rows, ncols, plan.how);
    if (!local_infile_refused_ &&
        load_data(load_data_sql(kInfileName, table, columns, plan.how), stream, rows.size() / ncols)) {
      method_ = "load_data";
    } else {
      insert_rows(table, columns, rows, ncols);
      method_ = "insert";
    }
    execute(own_tx ? "COMMIT" : "RELEASE SAVEPOINT flash_bulk_load");
  } catch (const DbError& e) {
    if (e.connection_usable()) {
      try {
        execute(own_tx ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT flash_bulk_load");
      } catch (const DbError&) {  // the server rolled the whole transaction back already (deadlock)
      }
    }
    throw;
  }
}

// How each column travels: its type from the table (a SELECT of the columns with LIMIT 0), and hex
// for every column that holds a Blob value.
MyConnection::LoadPlan MyConnection::load_plan(std::string_view table, std::span<const std::string> columns,
                                               std::span<const Value> rows, std::size_t ncols) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < columns.size(); ++i) (sql += i ? ", " : "") += columns[i];
  sql += " FROM ";
  sql += table;
  sql += " LIMIT 0";
  run_text(sql);
  MYSQL_RES* res = mysql_store_result(m_);
  if (res == nullptr) fail(sql);
  LoadPlan plan{std::vector<LoadAs>(columns.size(), LoadAs::text), std::vector<unsigned long>(columns.size(), 0)};
  const MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned i = 0; i < mysql_num_fields(res) && i < columns.size(); ++i) {
    const MYSQL_FIELD& f = fields[i];
    if (f.type == MYSQL_TYPE_BIT) {
      plan.how[i] = LoadAs::bits;
      plan.bit_width[i] = f.length;
    } else if (f.type == MYSQL_TYPE_GEOMETRY || kind_of(f) == Kind::blob) {
      plan.how[i] = LoadAs::hex;
    }
  }
  mysql_free_result(res);
  for (std::size_t c = 0; c < plan.how.size() && c < ncols; ++c)
    for (std::size_t r = c; r < rows.size() && plan.how[c] == LoadAs::text; r += ncols)
      if (std::holds_alternative<Blob>(rows[r])) plan.how[c] = LoadAs::hex;
  return plan;
}

// LOAD DATA LOCAL INFILE of the rows, streamed from memory. False when the server does not allow
// it (nothing was loaded; the connection remembers and uses INSERTs from then on). A value the
// server refuses or changes, and a duplicate key, is an error: a LOCAL load turns them into
// warnings (the server cannot stop the client's file midway), so any warning fails the load.
bool MyConnection::load_data(const std::string& sql, LoadDataStream& stream, std::uint64_t expected) {
  struct Enabled {  // MYSQL_OPT_LOCAL_INFILE and the rows, for this statement only
    MyConnection& c;
    Enabled(MyConnection& conn, LoadDataStream& s) : c(conn) {
      const unsigned int on = 1;
      mysql_options(c.m_, MYSQL_OPT_LOCAL_INFILE, &on);
      c.infile_.stream = &s;
    }
    ~Enabled() {
      c.infile_.stream = nullptr;
      const unsigned int off = 0;
      mysql_options(c.m_, MYSQL_OPT_LOCAL_INFILE, &off);
    }
  };
  {
    Enabled enabled(*this, stream);
    if (mysql_real_query(m_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
      if (local_infile_disabled(mysql_errno(m_))) {
        local_infile_refused_ = true;
        return false;
      }
      fail(sql);
    }
  }
  const my_ulonglong loaded = mysql_affected_rows(m_);
  check_warnings(sql, mysql_warning_count(m_));
  if (loaded != expected)
    throw DbError("LOAD DATA LOCAL INFILE loaded " + std::to_string(loaded) + " of " + std::to_string(expected) +
                      " rows",
                  "22000", 0, sql, true);
  return true;
}

// The rows of a BulkStream as LOAD DATA LOCAL statements of ~kLoadChunk bytes each, formatted as
// they are written (no savepoint, no type look-up per statement: the plan is made once). While one
// chunk's statement runs on a worker thread (the connection is used by it alone meanwhile), the
// caller reads and formats the next chunk: the client's parsing overlaps the server's work, and
// memory stays at two chunks. A statement's error is thrown by the next write_row() that fills a
// chunk, or by finish(). A binary value for a column planned as text, and a server without LOAD
// DATA LOCAL, fail the stream with a DbError (bulk_load, with its per-batch plan and its INSERT
// fallback, takes such rows).
class MyConnection::LoadStream final : public BulkStream {
 public:
  static constexpr std::size_t kLoadChunk = 8u << 20;
  LoadStream(MyConnection& c, std::string sql, std::vector<std::string> columns, LoadPlan plan)
      : c_(c), sql_(std::move(sql)), columns_(std::move(columns)), plan_(std::move(plan)) {
    text_.reserve(kLoadChunk + (64u << 10));
  }
  LoadStream(const LoadStream&) = delete;
  LoadStream& operator=(const LoadStream&) = delete;
  ~LoadStream() override {
    if (running_.valid()) running_.wait();  // abandoned: the statement in flight ends first
  }
  void write_row(std::span<const Value> row) override {
    for (std::size_t c = 0; c < row.size() && c < plan_.how.size(); ++c) {
      if (c) text_ += '\t';
      const LoadAs how = plan_.how[c];
      if (how == LoadAs::bits) {
        append_load_value(text_, bit_number(row[c], plan_.bit_width[c]), how);
      } else if (how == LoadAs::text && std::holds_alternative<Blob>(row[c])) {
        throw DbError("a binary value for the text column " + columns_[c] + " is not streamed", "", 0, sql_, true);
      } else {
        append_load_value(text_, row[c], how);
      }
    }
    text_ += '\n';
    ++rows_;
    if (text_.size() >= kLoadChunk) flush();
  }
  void finish() override {
    if (rows_ > 0) flush();
    if (running_.valid()) running_.get();
  }

 private:
  // Waits for the statement in flight (throwing its error), then runs this chunk's.
  void flush() {
    if (running_.valid()) running_.get();
    std::swap(text_, sending_);
    text_.clear();
    if (text_.capacity() < kLoadChunk) text_.reserve(kLoadChunk + (64u << 10));
    const std::uint64_t rows = std::exchange(rows_, 0);
    running_ = std::async(std::launch::async, [this, rows] {
      LoadDataStream file(sending_);
      if (!c_.load_data(sql_, file, rows))
        throw DbError("the server does not allow LOAD DATA LOCAL (local_infile=OFF)", "", 0, sql_, true);
      c_.method_ = "load_data";
    });
  }

  MyConnection& c_;
  std::string sql_;
  std::vector<std::string> columns_;
  LoadPlan plan_;
  std::string text_;     // the chunk being formatted
  std::string sending_;  // the chunk of the statement in flight
  std::uint64_t rows_ = 0;
  std::future<void> running_;
};

std::unique_ptr<BulkStream> MyConnection::open_stream(std::string_view table, std::span<const std::string> columns) {
  if (local_infile_refused_ || columns.empty()) return nullptr;
  LoadPlan plan = load_plan(table, columns, {}, columns.size());
  std::string sql = load_data_sql(kInfileName, table, columns, plan.how);
  return std::make_unique<LoadStream>(*this, std::move(sql), std::vector<std::string>(columns.begin(), columns.end()),
                                      std::move(plan));
}

// Any warning or note of the statement just run is an error naming the first few (SHOW WARNINGS).
void MyConnection::check_warnings(const std::string& sql, unsigned warnings) {
  if (warnings == 0) return;
  std::string msg = std::to_string(warnings) + " value(s) refused or changed by the server: ";
  std::int64_t first_code = 0;
  const ResultSet w = query_text("SHOW WARNINGS LIMIT 3");
  for (std::size_t i = 0; i < w.rows.size(); ++i) {
    const auto& row = w.rows[i];
    if (row.size() < 3) continue;
    const auto* code = std::get_if<std::int64_t>(&row[1]);
    if (i == 0 && code) first_code = *code;
    msg += (i ? "; " : "") + to_display(row[0]) + " " + to_display(row[1]) + ": " + to_display(row[2]);
  }
  if (warnings > w.rows.size()) msg += "; …";
  throw DbError(msg, warning_sqlstate(first_code), static_cast<int>(first_code), sql, true);
}

// The fallback without LOAD DATA LOCAL: multi-row INSERTs of up to 1,000 rows (30,000 parameters,
// below the protocol's 65,535), warnings refused as for LOAD DATA.
void MyConnection::insert_rows(std::string_view table, std::span<const std::string> columns,
                               std::span<const Value> rows, std::size_t ncols) {
  const std::size_t n = rows.size() / ncols;
  const std::size_t per = std::clamp<std::size_t>(30000 / ncols, 1, 1000);
  std::string head = "INSERT INTO " + std::string(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) (head += i ? ", " : "") += columns[i];
  head += ") VALUES ";
  std::string tuple = "(";
  for (std::size_t i = 0; i < ncols; ++i) tuple += i ? ", ?" : "?";
  tuple += ")";
  auto sql_for = [&](std::size_t k) {
    std::string sql = head;
    for (std::size_t r = 0; r < k; ++r) (sql += r ? ", " : "") += tuple;
    return sql;
  };
  const std::string full = sql_for(std::min(per, n));
  for (std::size_t r = 0; r < n; r += per) {
    const std::size_t k = std::min(per, n - r);
    const std::string sql = k == std::min(per, n) ? full : sql_for(k);
    StmtPtr stmt = run_prepared(sql, rows.subspan(r * ncols, k * ncols));
    check_warnings(sql, static_cast<unsigned>(mysql_stmt_warning_count(stmt.get())));
  }
}

// mysql_stmt_prepare without execute: the server reports the parameter count (never their
// types) and the result metadata, including NOT_NULL_FLAG computed for the whole query (outer
// joins, expressions).
StatementDescription MyConnection::describe(std::string_view sql) {
  StmtPtr stmt(mysql_stmt_init(m_), &mysql_stmt_close);
  if (!stmt) fail(sql);
  if (mysql_stmt_prepare(stmt.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0)
    fail_stmt(stmt.get(), sql);
  StatementDescription d;
  d.param_count = mysql_stmt_param_count(stmt.get());
  if (MYSQL_RES* meta = mysql_stmt_result_metadata(stmt.get())) {
    const unsigned n = mysql_num_fields(meta);
    const MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    for (unsigned i = 0; i < n; ++i) {
      const MYSQL_FIELD& f = fields[i];
      DescribedColumn c;
      c.name = f.name ? f.name : "";
      c.type.name = type_name(f);
      c.type.id = static_cast<std::uint32_t>(f.type);
      c.type.is_unsigned = (f.flags & UNSIGNED_FLAG) != 0;
      c.type.base = c.type.is_unsigned ? c.type.name.substr(0, c.type.name.find(' ')) : c.type.name;
      c.type.is_enum = (f.flags & ENUM_FLAG) != 0;
      c.type.binary = f.charsetnr == kBinaryCharset;
      c.type.length = f.length;
      c.nullable = (f.flags & NOT_NULL_FLAG) == 0;
      if (f.org_table) c.table = f.org_table;
      if (f.org_name) c.column = f.org_name;
      if (f.db) c.table_schema = f.db;
      d.columns.push_back(std::move(c));
    }
    mysql_free_result(meta);
  }
  return d;
}

// Text protocol, mysql_use_result: rows are read from the socket one at a time.
class TextCursor final : public RowCursor {
 public:
  TextCursor(MyConnection& owner, MYSQL_RES* res, std::string sql)
      : owner_(owner), res_(res), sql_(std::move(sql)) {
    const unsigned n = mysql_num_fields(res_);
    MYSQL_FIELD* fields = mysql_fetch_fields(res_);
    columns_ = columns_of(fields, n);
    for (unsigned c = 0; c < n; ++c) kinds_.push_back(kind_of(fields[c]));
  }
  ~TextCursor() override {
    // mysql_free_result reads and discards the unread rows, keeping the connection in sync.
    if (res_) mysql_free_result(res_);
    if (!finished_) {
      try {
        owner_.drain_results(sql_);
      } catch (...) {
      }
    }
  }
  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  bool next(std::vector<Value>& row) override {
    if (!res_) return false;
    MYSQL_ROW r = mysql_fetch_row(res_);
    if (r == nullptr) {
      const bool error = mysql_errno(owner_.handle()) != 0;
      mysql_free_result(res_);
      res_ = nullptr;
      if (error) owner_.fail(sql_);
      finished_ = true;
      owner_.drain_results(sql_);
      return false;
    }
    const unsigned long* lengths = mysql_fetch_lengths(res_);
    // The row vector is reused: text and blob cells keep their storage from the previous row.
    row.resize(kinds_.size());
    for (std::size_t c = 0; c < kinds_.size(); ++c) {
      if (r[c] != nullptr && kinds_[c] == Kind::text) {
        if (auto* s = std::get_if<std::string>(&row[c])) {
          s->assign(r[c], lengths[c]);
          continue;
        }
      } else if (r[c] != nullptr && kinds_[c] == Kind::blob) {
        if (auto* b = std::get_if<Blob>(&row[c])) {
          b->bytes.assign(r[c], lengths[c]);
          continue;
        }
      }
      row[c] = from_text(r[c], lengths[c], kinds_[c]);
    }
    return true;
  }

 private:
  MyConnection& owner_;
  MYSQL_RES* res_;
  std::string sql_;
  std::vector<ColumnInfo> columns_;
  std::vector<Kind> kinds_;
  bool finished_ = false;
};

// Binary protocol: an executed prepared statement fetched without mysql_stmt_store_result.
class StmtCursor final : public RowCursor {
 public:
  StmtCursor(MyConnection& owner, StmtPtr stmt, MYSQL_RES* meta, std::string sql)
      : owner_(owner), stmt_(std::move(stmt)), reader_(stmt_.get(), meta), sql_(std::move(sql)) {
    if (!reader_.bound()) owner_.fail_stmt(stmt_.get(), sql_);
  }
  const std::vector<ColumnInfo>& columns() const override { return reader_.columns; }
  bool next(std::vector<Value>& row) override {
    if (done_) return false;
    const int r = reader_.next(row);
    if (r > 0) return true;
    done_ = true;
    if (r < 0) owner_.fail_stmt(stmt_.get(), sql_);
    return false;
  }

 private:
  MyConnection& owner_;
  StmtPtr stmt_;  // closing it discards unread rows
  StmtReader reader_;
  std::string sql_;
  bool done_ = false;
};

// A statement without a result set, streamed: no rows.
class EmptyCursor final : public RowCursor {
 public:
  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  bool next(std::vector<Value>&) override { return false; }

 private:
  std::vector<ColumnInfo> columns_;
};

std::unique_ptr<RowCursor> MyConnection::stream(std::string_view sql, std::span<const Value> params) {
  if (params.empty()) {
    run_text(sql);
    MYSQL_RES* res = mysql_use_result(m_);
    if (res == nullptr) {
      if (mysql_field_count(m_) != 0) fail(sql);
      drain_results(sql);
      return std::make_unique<EmptyCursor>();
    }
    return std::make_unique<TextCursor>(*this, res, std::string(sql));
  }
  StmtPtr stmt = run_prepared(sql, params);
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt.get());
  if (meta == nullptr) return std::make_unique<EmptyCursor>();
  return std::make_unique<StmtCursor>(*this, std::move(stmt), meta, std::string(sql));
}

}  // namespace

namespace {

MYSQL* open_connection(const config::DatabaseUrl& url) {
  library_init();
  MYSQL* m = mysql_init(nullptr);
  if (m == nullptr) throw ConnectError("cannot connect to " + where(url) + ": out of memory");
  mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  unsigned int timeout = 10;
  if (auto it = url.params.find("connect_timeout"); it != url.params.end()) {
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), timeout);
  }
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  my_bool reconnect = 0;  // a silent reconnect would lose session state (transactions, locks)
  mysql_options(m, MYSQL_OPT_RECONNECT, &reconnect);
  // CLIENT_LOCAL_FILES in the handshake, so the server accepts bulk_load()'s LOAD DATA LOCAL; the
  // client side is switched off again right after connecting (see MyConnection).
  const unsigned int local_infile = 1;
  mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &local_infile);

  std::string socket;
  if (auto it = url.params.find("socket"); it != url.params.end()) socket = it->second;
  const char* host = url.host.empty() ? nullptr : url.host.c_str();
  // CLIENT_FOUND_ROWS: UPDATE reports matched rows, as PostgreSQL and SQLite do. No
  // CLIENT_MULTI_STATEMENTS: text that reaches query()/stream() (an export's --where, a table
  // name) can never run a second statement; execute() enables scripts for its own call only.
  // CLIENT_MULTI_RESULTS lets CALL return result sets.
  const unsigned long flags = CLIENT_MULTI_RESULTS | CLIENT_FOUND_ROWS;
  if (!mysql_real_connect(m, host, url.user.empty() ? nullptr : url.user.c_str(),
                          url.password.empty() ? nullptr : url.password.c_str(),
                          url.database.empty() ? nullptr : url.database.c_str(),
                          static_cast<unsigned>(url.port.value_or(0)),
                          socket.empty() ? nullptr : socket.c_str(), flags)) {
    std::string msg = mysql_error(m);
    mysql_close(m);
    if (url.password.size() >= 6) {
      for (std::size_t pos; (pos = msg.find(url.password)) != std::string::npos;)
        msg.replace(pos, url.password.size(), "****");
    }
    throw ConnectError("cannot connect to " + where(url) + ": " + msg);
  }
  const unsigned int no_local_infile = 0;
  mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
  return m;
}

}  // namespace

std::unique_ptr<SqlConnection> connect(const config::DatabaseUrl& url) {
  return std::make_unique<MyConnection>(open_connection(url), url);
}

}  // namespace flash::driver::mysql
