// PostgreSQL driver on libpq. Parameters go as text with types left to the server to infer (so
// "$1" works for any column type), except bytea, which is sent in binary so that zero bytes and
// arbitrary bytes survive. Results come back in text format and are converted by type OID.
#include "flash/driver/postgres/connection.hpp"

#include <libpq-fe.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <set>
#include <unordered_map>

#include "flash/driver/bulk.hpp"
#include "flash/sql/lexer.hpp"

namespace flash::driver::postgres {
namespace {

// The URL for messages: redacted() of the text as given, or (for a DatabaseUrl built in code,
// which has no original text) a description from the fields, never with the password.
std::string where(const config::DatabaseUrl& url) {
  std::string r = url.redacted();
  if (!r.empty()) return r;
  std::string s = std::string("postgres") + "://";
  if (!url.user.empty()) s += url.user + "@";
  s += url.host.empty() ? "localhost" : url.host;
  if (url.port) s += ":" + std::to_string(*url.port);
  if (!url.database.empty()) s += "/" + url.database;
  return s;
}

// Built-in type OIDs (pg_type.dat); stable across server versions.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26,
              kFloat4 = 700, kFloat8 = 701;

const std::unordered_map<Oid, std::string>& builtin_type_names() {
  static const std::unordered_map<Oid, std::string> names{
      {16, "bool"},        {17, "bytea"},        {18, "char"},         {19, "name"},
      {20, "int8"},        {21, "int2"},         {23, "int4"},         {24, "regproc"},
      {25, "text"},        {26, "oid"},          {114, "json"},        {142, "xml"},
      {194, "pg_node_tree"}, {600, "point"},     {650, "cidr"},        {700, "float4"},
      {701, "float8"},     {705, "unknown"},     {774, "macaddr8"},    {790, "money"},
      {829, "macaddr"},    {869, "inet"},        {1000, "_bool"},      {1001, "_bytea"},
      {1003, "_name"},     {1005, "_int2"},      {1007, "_int4"},      {1009, "_text"},
      {1014, "_bpchar"},   {1015, "_varchar"},   {1016, "_int8"},      {1021, "_float4"},
      {1022, "_float8"},   {1028, "_oid"},       {1042, "bpchar"},     {1043, "varchar"},
      {1082, "date"},      {1083, "time"},       {1114, "timestamp"},  {1115, "_timestamp"},
      {1182, "_date"},     {1184, "timestamptz"}, {1185, "_timestamptz"}, {1186, "interval"},
      {1231, "_numeric"},  {1266, "timetz"},     {1560, "bit"},        {1562, "varbit"},
      {1700, "numeric"},   {2205, "regclass"},   {2206, "regtype"},    {2249, "record"},
      {2278, "void"},      {2950, "uuid"},       {2951, "_uuid"},      {3220, "pg_lsn"},
      {3614, "tsvector"},  {3615, "tsquery"},    {3802, "jsonb"},      {3807, "_jsonb"},
      {3904, "int4range"}, {3906, "numrange"},   {3908, "tsrange"},    {3910, "tstzrange"},
      {3912, "daterange"}, {3926, "int8range"},  {199, "_json"},       {4072, "jsonpath"},
  };
  return names;
}

// libpq messages end in a newline and may span lines ("...failed: Connection refused\n\tIs the
// server running..."); the CLI shows them on one line.
std::string trim_message(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool space = c == '\n' || c == '\t' || c == ' ';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// libpq never echoes the password, but a message built from server text could in theory quote a
// connection string; scrub it when it is long enough not to collide with ordinary words.
std::string scrub(std::string msg, const std::string& password) {
  if (password.size() < 6) return msg;
  for (std::size_t pos; (pos = msg.find(password)) != std::string::npos;)
    msg.replace(pos, password.size(), "****");
  return msg;
}

std::string double_param(double d) {
  // Text that float8in accepts and that reads back exactly.
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

// Parameters in the form PQexecParams wants; `storage` owns the text of converted values.
struct Params {
  std::vector<std::string> storage;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  std::vector<Oid> types;

  explicit Params(std::span<const Value> params) {
    const std::size_t n = params.size();
    storage.resize(n);
    values.resize(n, nullptr);
    lengths.resize(n, 0);
    formats.resize(n, 0);
    types.resize(n, 0);  // 0: the server infers the type from the context
    for (std::size_t i = 0; i < n; ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<Null>(v)) continue;
      if (const auto* b = std::get_if<bool>(&v)) {
        storage[i] = *b ? "true" : "false";
      } else if (const auto* n64 = std::get_if<std::int64_t>(&v)) {
        storage[i] = std::to_string(*n64);
      } else if (const auto* d = std::get_if<double>(&v)) {
        storage[i] = double_param(*d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        storage[i] = *s;
      } else if (const auto* blob = std::get_if<Blob>(&v)) {
        storage[i] = blob->bytes;
        types[i] = kBytea;
        formats[i] = 1;
        lengths[i] = static_cast<int>(blob->bytes.size());
      }
      values[i] = storage[i].data();
    }
  }
  int count() const { return static_cast<int>(values.size()); }
};

Value convert(const PGresult* r, int row, int col, Oid type) {
  if (PQgetisnull(r, row, col)) return Null{};
  const char* s = PQgetvalue(r, row, col);
  const int len = PQgetlength(r, row, col);
  switch (type) {
    case kBool:
      return len > 0 && s[0] == 't';
    case kInt8:
    case kInt2:
    case kInt4:
    case kOid: {
      std::int64_t v = 0;
      const auto res = std::from_chars(s, s + len, v);
      if (res.ec == std::errc() && res.ptr == s + len) return v;
      break;
    }
    case kFloat4:
    case kFloat8: {
      double v = 0;
      const auto res = std::from_chars(s, s + len, v);
      if (res.ec == std::errc() && res.ptr == s + len) return v;
      break;
    }
    case kBytea: {
      // Handles both bytea_output formats (hex and escape).
      std::size_t n = 0;
      unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(s), &n);
      if (raw == nullptr) throw std::bad_alloc();
      Blob b{std::string(reinterpret_cast<const char*>(raw), n)};
      PQfreemem(raw);
      return b;
    }
    default:
      break;
  }
  return std::string(s, static_cast<std::size_t>(len));
}

// Like convert(), from a field's text (`s` NUL-terminated at s[len]), reusing the storage `out`
// already holds: bulk readers fill the same row vector again and again.
void assign(Value& out, const char* s, std::size_t len, Oid type) {
  switch (type) {
    case kBool:
      out = len > 0 && s[0] == 't';
      return;
    case kInt8:
    case kInt2:
    case kInt4:
    case kOid: {
      std::int64_t v = 0;
      const auto res = std::from_chars(s, s + len, v);
      if (res.ec == std::errc() && res.ptr == s + len) {
        out = v;
        return;
      }
      break;
    }
    case kFloat4:
    case kFloat8: {
      double v = 0;
      const auto res = std::from_chars(s, s + len, v);
      if (res.ec == std::errc() && res.ptr == s + len) {
        out = v;
        return;
      }
      break;
    }
    case kBytea: {
      if (!std::holds_alternative<Blob>(out)) out = Blob{};
      std::string& bytes = std::get<Blob>(out).bytes;
      static const auto nibbles = [] {
        std::array<signed char, 256> t{};
        t.fill(-1);
        for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<signed char>(i);
        for (int i = 0; i < 6; ++i) t['a' + i] = t['A' + i] = static_cast<signed char>(10 + i);
        return t;
      }();
      if (len >= 2 && s[0] == '\\' && s[1] == 'x' && len % 2 == 0) {  // bytea_output = hex
        bytes.resize((len - 2) / 2);
        int bad = 0;
        for (std::size_t i = 2, o = 0; i < len; i += 2, ++o) {
          const int hi = nibbles[static_cast<unsigned char>(s[i])], lo = nibbles[static_cast<unsigned char>(s[i + 1])];
          bad |= hi | lo;
          bytes[o] = static_cast<char>((hi << 4) | (lo & 15));
        }
        if (bad >= 0) return;
      }
      std::size_t n = 0;  // escape format
      unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(s), &n);
      if (raw == nullptr) throw std::bad_alloc();
      bytes.assign(reinterpret_cast<const char*>(raw), n);
      PQfreemem(raw);
      return;
    }
    default:
      break;
  }
  if (auto* str = std::get_if<std::string>(&out)) str->assign(s, len);
  else out = std::string(s, len);
}

// Whether a parameterless statement can run as COPY (query) TO STDOUT: one that starts with
// SELECT, WITH, VALUES or TABLE (after comments and parentheses); the caller also checks that it
// returns rows.
bool copyable(std::string_view sql) {
  const std::string kw = sql::leading_keyword(sql, schema::Dialect::postgresql);
  return kw == "SELECT" || kw == "WITH" || kw == "VALUES" || kw == "TABLE";
}

// First word of the command tag ("INSERT 0 3" → "INSERT").

bool changes_rows(const PGresult* r) {
  const char* tag = PQcmdStatus(const_cast<PGresult*>(r));
  if (tag == nullptr) return false;
  std::string_view t(tag);
  t = t.substr(0, t.find(' '));
  return t == "INSERT" || t == "UPDATE" || t == "DELETE" || t == "MERGE" || t == "COPY";
}

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

class PgConnection;

// What both PostgreSQL cursors hold: the owning connection (which tracks its open cursor), the
// result columns with their type OIDs, and the SQL for error messages.
class PgCursorBase : public RowCursor {
 public:
  PgCursorBase(PgConnection& owner, PGconn* conn, std::vector<ColumnInfo> columns, std::vector<Oid> types,
               std::string sql)
      : owner_(owner), conn_(conn), columns_(std::move(columns)), types_(std::move(types)),
        sql_(std::move(sql)) {}
  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  // Through a transaction-pooling PgBouncer the statement runs in a transaction of its own (see
  // PgConnection::stream), which ends with the cursor (after the derived class drained it).
  ~PgCursorBase() override {
    if (own_tx_) PQclear(PQexec(conn_, "COMMIT"));
  }
  bool own_tx_ = false;

 protected:
  PgConnection& owner_;
  PGconn* conn_;
  std::vector<ColumnInfo> columns_;
  std::vector<Oid> types_;
  std::string sql_;
  bool done_ = false;
};

// Single-row mode: one PGresult per row.
class PgCursor final : public PgCursorBase {
 public:
  using PgCursorBase::PgCursorBase;
  ~PgCursor() override;
  bool next(std::vector<Value>& row) override;

 private:
  void drain() {
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
    done_ = true;
  }
};

// COPY (query) TO STDOUT in text format: one buffer per row instead of one PGresult per row
// (single-row mode), several times faster for exports. Each field's text is what a text-format
// result holds, so values convert exactly as in query().
class PgCopyCursor final : public PgCursorBase {
 public:
  using PgCursorBase::PgCursorBase;
  ~PgCopyCursor() override;
  bool next(std::vector<Value>& row) override;

 private:
  void drain() {
    char* buf = nullptr;
    while (PQgetCopyData(conn_, &buf, 0) > 0) PQfreemem(buf);
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
    done_ = true;
  }

  std::string field_;  // an unescaped field, reused
};

// One value in COPY's text format (NULL as \N; backslash, tab, newline and carriage return
// escaped; bytea as \\x hex: an escaped backslash), the text query() would bind for it.
void append_copy_value(std::string& out, const Value& v) {
  if (std::holds_alternative<Null>(v)) {
    out += "\\N";
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out += *b ? 't' : 'f';
  } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
    char buf[24];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, *n).ptr);
  } else if (const auto* d = std::get_if<double>(&v)) {
    out += double_param(*d);
  } else if (const auto* blob = std::get_if<Blob>(&v)) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\\\x";
    const std::size_t at = out.size();
    out.resize(at + 2 * blob->bytes.size());
    char* o = out.data() + at;
    for (const unsigned char c : blob->bytes) {
      *o++ = hex[c >> 4];
      *o++ = hex[c & 0xf];
    }
  } else {
    append_load_text(out, std::get<std::string>(v), false);
  }
}

class PgConnection final : public SqlConnection,
                           public StatementDescriber,
                           public QueryCanceller,
                           public BulkLoader,
                           public BulkLoadMethod,
                           public StreamLoader {
 public:
  PgConnection(PGconn* conn, bool pooled) : conn_(conn), pooled_(pooled), cancel_(PQgetCancel(conn)) {
    // Notices (e.g. "table does not exist, skipping") are not errors; keep them off stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }
  ~PgConnection() override {
    if (cancel_) PQfreeCancel(cancel_);
    PQfinish(conn_);
  }

  // PQcancel is thread-safe on a PGcancel made beforehand (libpq docs, "Canceling Queries").
  bool cancel_running() override {
    char err[256];
    return cancel_ && PQcancel(cancel_, err, sizeof err) == 1;
  }

  schema::Dialect dialect() const override { return schema::Dialect::postgresql; }

  std::string server_version() override {
    const char* v = PQparameterStatus(conn_, "server_version");
    return v ? v : std::to_string(PQserverVersion(conn_));
  }

  void execute(std::string_view sql) override {
    const std::string text(sql);
    // PQexec (simple protocol) accepts a script of several statements.
    ResultPtr r(PQexec(conn_, text.c_str()), &PQclear);
    check(r.get(), text);
  }

  std::string_view last_bulk_method() const override { return "copy"; }

  // One COPY … FROM STDIN in text format, rows formatted as they are written and sent in chunks of
  // kCopyChunk bytes: while the server stores one chunk the caller reads the next rows (a blocking
  // send returns once the socket has taken the chunk). A refused row ends the COPY with an error
  // ("COPY t, line N"), reported by finish(): the server drops the data sent after it.
  class CopyStream final : public BulkStream {
   public:
    static constexpr std::size_t kCopyChunk = 256 * 1024;
    CopyStream(PgConnection& c, std::string sql) : c_(c), sql_(std::move(sql)) { buf_.reserve(kCopyChunk + 4096); }
    CopyStream(const CopyStream&) = delete;
    CopyStream& operator=(const CopyStream&) = delete;
    ~CopyStream() override {
      if (!open_) return;
      // Abandoned (the caller failed): end the COPY with an error so the connection leaves COPY mode.
      PQputCopyEnd(c_.conn_, "flash: the load was abandoned");
      while (PGresult* r = PQgetResult(c_.conn_)) PQclear(r);
    }
    void write_row(std::span<const Value> row) override {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c) buf_ += '\t';
        append_copy_value(buf_, row[c]);
      }
      buf_ += '\n';
      if (buf_.size() >= kCopyChunk) send();
    }
    void finish() override {
      if (!buf_.empty()) send();
      open_ = false;
      const bool ended = PQputCopyEnd(c_.conn_, nullptr) == 1;
      // The statement's result (an error names the refused row as "COPY t, line N"), then nothing.
      ResultPtr done(PQgetResult(c_.conn_), &PQclear);
      while (PGresult* extra = PQgetResult(c_.conn_)) PQclear(extra);
      if (!ended) throw DbError("COPY FROM STDIN: " + trim_message(PQerrorMessage(c_.conn_)), "", 0, sql_, c_.usable());
      if (done && PQresultStatus(done.get()) == PGRES_FATAL_ERROR)
        if (const char* context = PQresultErrorField(done.get(), PG_DIAG_CONTEXT)) refused_ = copy_refusal(context);
      c_.check(done.get(), sql_);
    }
    Refusal refused() const override { return refused_; }

   private:
    void send() {
      if (PQputCopyData(c_.conn_, buf_.data(), static_cast<int>(buf_.size())) != 1)
        throw DbError("COPY FROM STDIN: sending the rows failed: " + trim_message(PQerrorMessage(c_.conn_)), "", 0,
                      sql_, c_.usable());
      buf_.clear();
    }

    PgConnection& c_;
    std::string sql_;
    std::string buf_;
    bool open_ = true;
    Refusal refused_;
  };

  std::unique_ptr<BulkStream> open_stream(std::string_view table, std::span<const std::string> columns) override {
    std::string sql = "COPY " + std::string(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) (sql += i ? ", " : "") += columns[i];
    sql += ") FROM STDIN";
    ResultPtr r(PQexec(conn_, sql.c_str()), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) {
      check(r.get(), sql);
      throw DbError("COPY FROM STDIN did not start", "", 0, sql, usable());
    }
    return std::make_unique<CopyStream>(*this, std::move(sql));
  }

  void bulk_load(std::string_view table, std::span<const std::string> columns, std::span<const Value> rows,
                 std::size_t ncols) override {
    const std::unique_ptr<BulkStream> copy = open_stream(table, columns);
    for (std::size_t at = 0; ncols > 0 && at + ncols <= rows.size(); at += ncols)
      copy->write_row(rows.subspan(at, ncols));
    copy->finish();
  }

  ResultSet query(std::string_view sql, std::span<const Value> params) override {
    const std::string text(sql);
    Params p(params);
    ResultPtr r(PQexecParams(conn_, text.c_str(), p.count(), p.types.data(), p.values.data(),
                             p.lengths.data(), p.formats.data(), 0),
                &PQclear);
    check(r.get(), text);
    ResultSet rs;
    const int ncols = PQnfields(r.get());
    const int nrows = PQntuples(r.get());
    std::vector<Oid> types(ncols);
    for (int c = 0; c < ncols; ++c) types[c] = PQftype(r.get(), c);
    rs.columns = describe(r.get(), types);
    rs.rows.reserve(nrows);
    for (int row = 0; row < nrows; ++row) {
      std::vector<Value> values;
      values.reserve(ncols);
      for (int c = 0; c < ncols; ++c) values.push_back(convert(r.get(), row, c, types[c]));
      rs.rows.push_back(std::move(values));
    }
    if (changes_rows(r.get())) {
      const char* n = PQcmdTuples(r.get());
      if (n && *n) rs.affected_rows = std::stoll(n);
    }
    return rs;
  }

  // Through a transaction-pooling PgBouncer (pooled_), consecutive protocol messages outside a
  // transaction may reach different server connections, so the unnamed statement prepared by one
  // would be missing in the next: stream() and describe() run in a transaction of their own then.
  bool needs_own_tx() const { return pooled_ && PQtransactionStatus(conn_) == PQTRANS_IDLE; }

  std::unique_ptr<RowCursor> stream(std::string_view sql, std::span<const Value> params) override {
    if (!needs_own_tx()) return stream_now(sql, params);
    execute("BEGIN");
    try {
      auto cursor = stream_now(sql, params);
      static_cast<PgCursorBase&>(*cursor).own_tx_ = true;
      return cursor;
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

  std::unique_ptr<RowCursor> stream_now(std::string_view sql, std::span<const Value> params) {
    const std::string text(sql);
    Params p(params);
    // Prepare and describe first: the column types are then known (and unknown OIDs resolved)
    // before the connection becomes busy with the rows.
    ResultPtr prep(PQprepare(conn_, "", text.c_str(), p.count(), p.types.data()), &PQclear);
    check(prep.get(), text);
    ResultPtr desc(PQdescribePrepared(conn_, ""), &PQclear);
    check(desc.get(), text);
    const int ncols = PQnfields(desc.get());
    std::vector<Oid> types(ncols);
    for (int c = 0; c < ncols; ++c) types[c] = PQftype(desc.get(), c);
    // Resolving unknown type names runs a query, which replaces the unnamed statement: prepare it
    // again in that case.
    if (resolve_type_names(types)) {
      ResultPtr again(PQprepare(conn_, "", text.c_str(), p.count(), p.types.data()), &PQclear);
      check(again.get(), text);
    }
    std::vector<ColumnInfo> columns = describe(desc.get(), types);
    if (params.empty() && ncols > 0 && copyable(text)) {
      std::string body = text;
      while (!body.empty() && (body.back() == ';' || std::isspace(static_cast<unsigned char>(body.back()))))
        body.pop_back();
      const std::string copy = "COPY (" + body + "\n) TO STDOUT";  // the newline ends a -- comment
      ResultPtr r(PQexec(conn_, copy.c_str()), &PQclear);
      if (r && PQresultStatus(r.get()) == PGRES_COPY_OUT)
        return std::make_unique<PgCopyCursor>(*this, conn_, std::move(columns), std::move(types), text);
      check(r.get(), text);  // throws for the failed statement
    }
    if (!PQsendQueryPrepared(
conn_, "", p.count(), p.values.data(), p.lengths.data(),
                             p.formats.data(), 0)) {
      fail(nullptr, text);
    }
    if (!PQsetSingleRowMode(conn_)) {
      while (PGresult* r = PQgetResult(conn_)) PQclear(r);
      throw DbError("could not enter single-row mode", "", 0, text, usable());
    }
    return std::make_unique<PgCursor>(*this, conn_, std::move(columns), std::move(types), text);
  }

  StatementDescription describe(std::string_view sql) override;  // defined below the class

  bool transactional_ddl() const override { return true; }
  void begin() override { execute("BEGIN"); }
  void commit() override { execute("COMMIT"); }
  void rollback() override { execute("ROLLBACK"); }

  bool usable() const { return PQstatus(conn_) == CONNECTION_OK; }

  // Throws the DbError for a failed result (or for a null result: out of memory, connection lost).
  [[noreturn]] void fail(const PGresult* r, const std::string& sql) const {
    std::string sqlstate, message;
    if (r != nullptr) {
      auto field = [&](int code) {
        const char* f = PQresultErrorField(r, code);
        return std::string(f ? f : "");
      };
      sqlstate = field(PG_DIAG_SQLSTATE);
      message = field(PG_DIAG_MESSAGE_PRIMARY);
      if (const std::string detail = field(PG_DIAG_MESSAGE_DETAIL); !detail.empty())
        message += "; detail: " + detail;
      if (const std::string hint = field(PG_DIAG_MESSAGE_HINT); !hint.empty())
        message += "; hint: " + hint;
      if (message.empty()) message = trim_message(PQresultErrorMessage(r));
    }
    if (message.empty()) message = trim_message(PQerrorMessage(conn_));
    if (message.empty()) message = "unknown PostgreSQL error";
    throw DbError(message, sqlstate, 0, sql, usable());
  }

  void check(const PGresult* r, const std::string& sql) {
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    switch (st) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
      case PGRES_SINGLE_TUPLE:
        return;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        end_copy(st);
        throw DbError("COPY FROM STDIN / TO STDOUT is not supported through this connection",
                      "0A000", 0, sql, usable());
      default:
        fail(r, sql);
    }
  }

 private:
  // Leaves COPY mode so that the connection stays usable.
  void end_copy(ExecStatusType st) {
    if (st == PGRES_COPY_IN || st == PGRES_COPY_BOTH) {
      PQputCopyEnd(conn_, "not supported by flash");
    } else {
      char* buf = nullptr;
      while (PQgetCopyData(conn_, &buf, 0) > 0) PQfreemem(buf);
    }
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
  }

  std::vector<ColumnInfo> describe(const PGresult* r, const std::vector<Oid>& types) {
    resolve_type_names(types);
    std::vector<ColumnInfo> cols;
    cols.reserve(types.size());
    for (std::size_t c = 0; c < types.size(); ++c) {
      cols.push_back({PQfname(r, static_cast<int>(c)), type_name(types[c])});
    }
    return cols;
  }

  std::string type_name(Oid oid) const {
    const auto& builtin = builtin_type_names();
    if (auto it = builtin.find(oid); it != builtin.end()) return it->second;
    if (auto it = type_names_.find(oid); it != type_names_.end()) return it->second;
    return std::to_string(oid);
  }

  // Enums, domains, extension types: looked up once per connection in pg_type. Returns whether a
  // query was run (which replaces the unnamed prepared statement).
  bool resolve_type_names(const std::vector<Oid>& types) {
    std::set<Oid> missing;
    for (Oid t : types) {
      if (!builtin_type_names().count(t) && !type_names_.count(t)) missing.insert(t);
    }
    if (missing.empty()) return false;
    std::string array = "{";
    for (Oid t : missing) {
      if (array.size() > 1) array += ',';
      array += std::to_string(t);
    }
    array += '}';
    const char* values[] = {array.c_str()};
    ResultPtr r(PQexecParams(conn_,
                             "SELECT oid::int8, typname FROM pg_catalog.pg_type "
                             "WHERE oid = ANY($1::oid[])",
                             1, nullptr, values, nullptr, nullptr, 0),
                &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) return true;  // names stay numeric
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      type_names_[static_cast<Oid>(std::stoul(PQgetvalue(r.get(), i, 0)))] = PQgetvalue(r.get(), i, 1);
    }
    return true;
  }

  PGconn* conn_;
  bool pooled_ = false;
  PGcancel* cancel_;
  std::unordered_map<Oid, std::string> type_names_;
};

// Prepares as the unnamed statement with no parameter types given, so the server infers them as
// it does for the generated clients; then reads names for the OIDs (domains resolved to their
// base, arrays to their element) and NOT NULL of source table columns from the catalog.
StatementDescription PgConnection::describe(std::string_view sql) {
  if (needs_own_tx()) {  // see stream()
    execute("BEGIN");
    try {
      auto d = describe(sql);
      execute("ROLLBACK");
      return d;
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }
  const std::string text(sql);
  ResultPtr prep(PQprepare(conn_, "", text.c_str(), 0, nullptr), &PQclear);
  check(prep.get(), text);
  ResultPtr desc(PQdescribePrepared(conn_, ""), &PQclear);
  check(desc.get(), text);
  StatementDescription d;
  const int np = PQnparams(desc.get());
  const int nf = PQnfields(desc.get());
  d.param_count = static_cast<std::size_t>(np);
  std::vector<Oid> oids;
  std::vector<int> mods;
  for (int i = 0; i < np; ++i) {
    oids.push_back(PQparamtype(desc.get(), i));
    mods.push_back(-1);
  }
  std::vector<Oid> tables;
  std::vector<int> attnums;
  for (int c = 0; c < nf; ++c) {
    DescribedColumn col;
    col.name = PQfname(desc.get(), c);
    d.columns.push_back(std::move(col));
    oids.push_back(PQftype(desc.get(), c));
    mods.push_back(PQfmod(desc.get(), c));
    tables.push_back(PQftable(desc.get(), c));
    attnums.push_back(PQftablecol(desc.get(), c));
  }
  if (oids.empty()) return d;

  auto array_text = [](const auto& values) {
    std::string a = "{";
    for (std::size_t i = 0; i < values.size(); ++i) a += (i ? "," : "") + std::to_string(values[i]);
    return a + "}";
  };
  auto run = [&](const char* q, const std::string& a1, const std::string& a2) {
    const char* values[] = {a1.c_str(), a2.c_str()};
    ResultPtr r(PQexecParams(conn_, q, 2, nullptr, values, nullptr, nullptr, 0), &PQclear);
    check(r.get(), q);
    return r;
  };

  // Per (oid, typmod): the display name, and the base: one domain level, then the array element,
  // then one domain level over the element (a domain over a domain keeps the inner one's name).
  ResultPtr types = run(
      "SELECT format_type(u.o, NULLIF(u.m, -1)), b.typname, bn.nspname, b.typtype = 'e', "
      "       (s.typcategory = 'A')::int "
      "FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS u(o, m, n) "
      "JOIN pg_catalog.pg_type t ON t.oid = u.o "
      "JOIN pg_catalog.pg_type s ON s.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
      "JOIN pg_catalog.pg_type e ON e.oid = CASE WHEN s.typcategory = 'A' AND s.typelem <> 0 "
      "                                          THEN s.typelem ELSE s.oid END "
      "JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN e.typtype = 'd' THEN e.typbasetype ELSE e.oid END "
      "JOIN pg_catalog.pg_namespace bn ON bn.oid = b.typnamespace "
      "ORDER BY u.n",
      array_text(oids), array_text(mods));
  if (PQntuples(types.get()) != static_cast<int>(oids.size()))
    throw DbError("could not read the types of the statement's parameters and columns", "", 0, text,
                  usable());
  for (std::size_t i = 0; i < oids.size(); ++i) {
    const int row = static_cast<int>(i);
    DescribedType t;
    t.id = oids[i];
    t.name = PQgetvalue(types.get(), row, 0);
    t.base = PQgetvalue(types.get(), row, 1);
    t.base_schema = PQgetvalue(types.get(), row, 2);
    t.is_enum = PQgetvalue(types.get(), row, 3)[0] == 't';
    t.array_dims = PQgetvalue(types.get(), row, 4)[0] == '1' ? 1 : 0;
    if (i < static_cast<std::size_t>(np)) d.params.push_back(std::move(t));
    else d.columns[i - static_cast<std::size_t>(np)].type = std::move(t);
  }

  // Source columns. Only tables (and partitioned tables) say anything with attnotnull: a view's
  // columns are never marked NOT NULL.
  bool any_source = false;
  for (Oid t : tables) any_source = any_source || t != 0;
  if (any_source) {
    ResultPtr src = run(
        "SELECT u.n, c.relname, n.nspname, a.attname, "
        "       CASE WHEN c.relkind IN ('r', 'p') THEN a.attnotnull::int::text ELSE '' END "
        "FROM unnest($1::oid[], $2::int2[]) WITH ORDINALITY AS u(r, k, n) "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = u.r AND a.attnum = u.k "
        "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace",
        array_text(tables), array_text(attnums));
    for (int row = 0; row < PQntuples(src.get()); ++row) {
      const std::size_t c = std::stoul(PQgetvalue(src.get(), row, 0)) - 1;
      if (c >= d.columns.size()) continue;
      DescribedColumn& col = d.columns[c];
      col.table = PQgetvalue(src.get(), row, 1);
      col.table_schema = PQgetvalue(src.get(), row, 2);
      col.column = PQgetvalue(src.get(), row, 3);
      const std::string nn = PQgetvalue(src.get(), row, 4);
      if (!nn.empty()) col.source_not_null = nn == "1";
    }
  }
  return d;
}

PgCursor::~PgCursor() {
  if (done_) return;
  // Abandoned early: ask the server to stop sending rows, then discard what is in flight so the
  // connection can run the next statement.
  if (PGcancel* c = PQgetCancel(conn_)) {
    char err[256];
    PQcancel(c, err, sizeof err);
    PQfreeCancel(c);
  }
  drain();
}

bool PgCursor::next(std::vector<Value>& row) {
  if (done_) return false;
  PGresult* raw = PQgetResult(conn_);
  if (raw == nullptr) {
    done_ = true;
    return false;
  }
  ResultPtr r(raw, &PQclear);
  const ExecStatusType st = PQresultStatus(r.get());
  if (st == PGRES_SINGLE_TUPLE) {
    row.resize(types_.size());
    for (std::size_t c = 0; c < types_.size(); ++c) {
      const int col = static_cast<int>(c);
      if (PQgetisnull(r.get(), 0, col)) row[c] = Null{};
      else assign(row[c], PQgetvalue(r.get(), 0, col), static_cast<std::size_t>(PQgetlength(r.get(), 0, col)), types_[c]);
    }
    return true;
  }

  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {  // the end marker (no rows)
    drain();
    return false;
  }
  // An error mid-stream: consume the rest so the connection stays in sync, then report it.
  drain();
  owner_.fail(r.get(), sql_);
}

PgCopyCursor::~PgCopyCursor() {
  if (done_) return;
  if (PGcancel* c = PQgetCancel(conn_)) {
    char err[256];
    PQcancel(c, err, sizeof err);
    PQfreeCancel(c);
  }
  drain();
}

bool PgCopyCursor::next(std::vector<Value>& row) {
  if (done_) return false;
  char* buf = nullptr;
  const int n = PQgetCopyData(conn_, &buf, 0);
  if (n < 0) {
    // -1: the end; the command's result follows (an error when the query failed mid-way).
    ResultPtr last(PQgetResult(conn_), &PQclear);
    const bool ok = n == -1 && last && PQresultStatus(last.get()) == PGRES_COMMAND_OK;
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
    done_ = true;
    if (!ok) owner_.fail(last.get(), sql_);
    return false;
  }
  std::unique_ptr<char, decltype(&PQfreemem)> line(buf, &PQfreemem);
  // Text format: fields separated by tabs, a newline at the end, \N for NULL, backslash escapes
  // for special bytes. Fields are converted in place when they hold no escape.
  char* p = buf;
  char* end = buf + n;
  if (end > p && end[-1] == '\n') --end;
  row.resize(types_.size());
  for (std::size_t c = 0; c < types_.size(); ++c) {
    // A tab inside a value is always written as \t, so every raw tab is a delimiter.
    char* start = p;
    char* tab = static_cast<char*>(std::memchr(p, '\t', static_cast<std::size_t>(end - p)));
    char* stop = tab ? tab : end;
    const bool escaped = std::memchr(start, '\\', static_cast<std::size_t>(stop - start)) != nullptr;
    p = tab ? tab + 1 : end;
    if (stop - start == 2 && start[0] == '\\' && start[1] == 'N') {
      row[c] = Null{};
      continue;
    }
    if (!escaped) {
      const char saved = *stop;  // the tab or newline (inside libpq's buffer): NUL-terminate
      *stop = '\0';
      assign(row[c], start, static_cast<std::size_t>(stop - start), types_[c]);
      *stop = saved;
      continue;
    }
    std::string& f = field_;
    f.clear();
    for (const char* q = start; q < stop; ++q) {
      if (*q != '\\' || q + 1 >= stop) {
        f += *q;
        continue;
      }
      const char e = *++q;
      switch (e) {
        case 'b': f += '\b'; break;
        case 'f': f += '\f'; break;
        case 'n': f += '\n'; break;
        case 'r': f += '\r'; break;
        case 't': f += '\t'; break;
        case 'v': f += '\v'; break;
        case 'x': {
          int v = 0, k = 0;
          for (; k < 2 && q + 1 < stop && std::isxdigit(static_cast<unsigned char>(q[1])); ++k, ++q)
            v = v * 16 + (std::isdigit(static_cast<unsigned char>(q[1])) ? q[1] - '0' : (q[1] | 0x20) - 'a' + 10);
          if (k == 0) f += 'x';
          else f += static_cast<char>(v);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 1; k < 3 && q + 1 < stop && q[1] >= '0' && q[1] <= '7'; ++k, ++q) v = v * 8 + (q[1] - '0');
            f += static_cast<char>(v);
          } else {
            f += e;
          }
      }
    }
    assign(row[c], f.c_str(), f.size(), types_[c]);
  }
  return true;
}

}  // namespace

std::unique_ptr<SqlConnection> connect(
const config::DatabaseUrl& url) {
  std::vector<std::pair<std::string, std::string>> kv;
  if (!url.host.empty()) kv.emplace_back("host", url.host);
  if (url.port) kv.emplace_back("port", std::to_string(*url.port));
  if (!url.user.empty()) kv.emplace_back("user", url.user);
  if (!url.password.empty()) kv.emplace_back("password", url.password);
  if (!url.database.empty()) kv.emplace_back("dbname", url.database);

  // Query parameters that libpq knows (sslmode, connect_timeout, target_session_attrs, options ...)
  // pass through; others belong to Flash and are ignored here. host, port, user, password and dbname
  // given in the query string count where the URL's authority or path leaves them out (as in libpq:
  // postgres:///db?host=/run/postgresql).
  std::set<std::string> known;
  if (PQconninfoOption* defs = PQconndefaults()) {
    for (PQconninfoOption* o = defs; o->keyword; ++o) known.insert(o->keyword);
    PQconninfoFree(defs);
  }
  auto has = [&](std::string_view key) {
    for (const auto& p : kv)
      if (p.first == key) return true;
    return false;
  };
  for (const auto& [k, v] : url.params) {
    if (known.count(k) && !has(k)) kv.emplace_back(k, v);
  }
  if (!has("connect_timeout")) kv.emplace_back("connect_timeout", "10");
  if (!has("application_name")) kv.emplace_back("application_name", "flash");
  if (!has("client_encoding")) kv.emplace_back("client_encoding", "UTF8");

  std::vector<const char*> keys, values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
  if (conn == nullptr) throw ConnectError("cannot connect to " + where(url) + ": out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = trim_message(PQerrorMessage(conn));
    PQfinish(conn);
    throw ConnectError("cannot connect to " + where(url) + ": " + scrub(msg, url.password));
  }
  // pgbouncer=true (Prisma's parameter; [database] pooler = "pgbouncer" sets it): transaction pooling.
  const auto pb = url.params.find("pgbouncer");
  const bool pooled = pb != url.params.end() && (pb->second == "true" || pb->second == "1");
  return std::make_unique<PgConnection>(conn, pooled);
}

}  // namespace flash::driver::postgres
