// The runtime header of the libpq backend (flash_pg.hpp in the generated client).
#include "flash/codegen/cpp/cpp.hpp"

namespace flash::codegen::cpp {

std::string_view runtime_pg() {
  return R"CPP(
// ---- flash::pg: libpq ------------------------------------------------------------------------
#ifndef FLASH_CPP_PG_V1
#define FLASH_CPP_PG_V1
#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <algorithm>
#include <exception>
#include <forward_list>
#include <functional>
#include <memory>
#include <unordered_set>

namespace flash::pg {

// A generated query: its prepared-statement name, its SQL ($n placeholders) and parameter count.
// A Connection prepares it on first use and keeps it prepared.
struct Statement {
  const char* name;
  const char* sql;
  int nparams;
};

namespace detail {

inline std::string message(PGconn* c, const PGresult* r) {
  std::string m = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : c ? PQerrorMessage(c) : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

[[noreturn]] inline void fail(PGconn* c, const PGresult* r, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  throw Error(state ? state : "", 0, std::string(what) + ": " + message(c, r));
}

inline Error error_of(PGconn* c, const PGresult* r, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return Error(state ? state : "", 0, std::string(what) + ": " + message(c, r));
}

// bytea in hex format ("\x0102").
inline void decode_bytea(std::string_view s, Bytes& out) {
  if (s.size() < 2 || s[0] != '\\' || s[1] != 'x' || s.size() % 2) flash::detail::bad_value("bytea (hex)", s);
  out.resize((s.size() - 2) / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = flash::detail::hex_digit(s[2 + 2 * i]), lo = flash::detail::hex_digit(s[3 + 2 * i]);
    if (hi < 0 || lo < 0) flash::detail::bad_value("bytea (hex)", s);
    out[i] = static_cast<std::byte>(hi * 16 + lo);
  }
}

template <class T> void decode(std::string_view s, T& out);

// A one-dimensional array literal: {a,"b c",NULL}.
template <class T>
void decode_array(std::string_view s, std::vector<T>& out) {
  out.clear();
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') flash::detail::bad_value("an array", s);
  std::size_t i = 1;
  if (s[i] == '}') return;
  std::string item;
  while (i < s.size()) {
    item.clear();
    bool quoted = false;
    if (s[i] == '{') flash::detail::bad_value("a one-dimensional array", s);
    if (s[i] == '"') {
      quoted = true;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\') ++i;
        if (i < s.size()) item += s[i];
      }
      ++i;
    } else {
      for (; i < s.size() && s[i] != ',' && s[i] != '}'; ++i) item += s[i];
    }
    T v{};
    if (!quoted && item == "NULL") {
      if constexpr (is_optional<T>::value) v.reset();
      else flash::detail::bad_value("an array without NULL elements", s);
    } else if constexpr (is_optional<T>::value) {
      typename T::value_type x{};
      decode(item, x);
      v = std::move(x);
    } else {
      decode(item, v);
    }
    out.push_back(std::move(v));
    if (i >= s.size() || s[i] == '}') break;
    ++i;  // ','
  }
}

template <class T>
void decode(std::string_view s, T& out) {
  if constexpr (std::is_same_v<T, Bytes>) decode_bytea(s, out);
  else if constexpr (is_list<T>::value) decode_array(s, out);
  else flash::detail::from_text(s, out);
}

template <class T>
void encode_element(std::string& out, const T& v) {
  if constexpr (is_optional<T>::value) {
    if (!v) {
      out += "NULL";
      return;
    }
    encode_element(out, *v);
  } else {
    std::string text;
    if constexpr (std::is_same_v<T, Bytes>) {
      text = "\\x";
      flash::detail::to_hex(text, v);
    } else {
      flash::detail::to_text(text, v);
    }
    out += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
}

}  // namespace detail

// A result (owns the PGresult).
class Result {
 public:
  explicit Result(PGresult* r = nullptr) noexcept : r_(r) {}
  Result(Result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Result& operator=(Result&& o) noexcept {
    std::swap(r_, o.r_);
    return *this;
  }
  ~Result() {
    if (r_) PQclear(r_);
  }
  PGresult* get() const noexcept { return r_; }
  int rows() const noexcept { return PQntuples(r_); }
  std::int64_t affected() const {
    const char* s = PQcmdTuples(r_);
    return *s ? flash::detail::parse_int<std::int64_t>(s) : 0;
  }

 private:
  PGresult* r_;
};

// One row of a result: what generated decoders (flash_decode) read from.
class Row {
 public:
  Row(const PGresult* r, int i) noexcept : r_(r), i_(i) {}
  template <class T>
  void get(int col, T& out) const {
    // libpq gives a NULL length 0, so only an empty value needs the NULL check.
    const int len = PQgetlength(r_, i_, col);
    const bool null = len == 0 && PQgetisnull(r_, i_, col);
    if constexpr (is_optional<T>::value) {
      if (null) {
        out.reset();
        return;
      }
      typename T::value_type v{};
      detail::decode(std::string_view(PQgetvalue(r_, i_, col), static_cast<std::size_t>(len)), v);
      out = std::move(v);
    } else {
      if (null) throw Error("22004", 0, std::string("flash: unexpected NULL in column ") + PQfname(r_, col));
      detail::decode(std::string_view(PQgetvalue(r_, i_, col), static_cast<std::size_t>(len)), out);
    }
  }

 private:
  const PGresult* r_;
  int i_;
};

// Bound parameters: text format, bytea in binary format. Strings and bytes are not copied (the
// arguments outlive the call); numbers and other values are formatted into the Params itself (an
// inline buffer, a list of strings past it). The first 16 parameters need no allocation. Not
// copyable or movable: the values point into it.
class Params {
 public:
  explicit Params(int n = 0) {
    if (n > kInline) grow(n);
  }
  Params(const Params&) = delete;
  Params& operator=(const Params&) = delete;
  template <class T>
  void add(const T& v) {
    if constexpr (is_optional<T>::value) {
      if (!v) push(nullptr, 0, 0);
      else add(*v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      push(v.c_str(), static_cast<int>(v.size()), 0);
    } else if constexpr (std::is_same_v<T, bool>) {
      push(v ? "true" : "false", v ? 4 : 5, 0);
    } else if constexpr (std::is_same_v<T, Bytes>) {
      // An empty vector's data() may be null, which libpq would send as NULL.
      push(v.empty() ? "" : reinterpret_cast<const char*>(v.data()), static_cast<int>(v.size()), 1);
    } else if constexpr (std::is_arithmetic_v<T>) {
      char buf[64];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
      keep(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    } else if constexpr (is_list<T>::value) {
      std::string s = "{";
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ',';
        detail::encode_element(s, v[i]);
      }
      s += '}';
      keep(std::move(s));
    } else {
      std::string s;
      flash::detail::to_text(s, v);
      keep(std::move(s));
    }
  }
  int size() const noexcept { return n_; }
  const char* const* values() const noexcept { return values_; }
  const int* lengths() const noexcept { return lengths_; }
  // nullptr when every parameter is text (libpq then sends one format code instead of one each).
  const int* formats() const noexcept { return binary_ ? formats_ : nullptr; }

 private:
  static constexpr int kInline = 16;
  static constexpr std::size_t kText = 256;
  void push(const char* p, int len, int fmt) {
    if (n_ == cap_) grow(2 * cap_);
    values_[n_] = p;
    lengths_[n_] = len;
    formats_[n_] = fmt;
    binary_ = binary_ || fmt != 0;
    ++n_;
  }
  void grow(int cap) {
    auto v = std::make_unique<const char*[]>(static_cast<std::size_t>(cap));
    auto l = std::make_unique<int[]>(static_cast<std::size_t>(cap));
    auto f = std::make_unique<int[]>(static_cast<std::size_t>(cap));
    std::copy(values_, values_ + n_, v.get());
    std::copy(lengths_, lengths_ + n_, l.get());
    std::copy(formats_, formats_ + n_, f.get());
    heap_values_ = std::move(v);
    heap_lengths_ = std::move(l);
    heap_formats_ = std::move(f);
    values_ = heap_values_.get();
    lengths_ = heap_lengths_.get();
    formats_ = heap_formats_.get();
    cap_ = cap;
  }
  // A text owned by the Params (NUL-terminated: libpq reads text parameters up to the NUL).
  void keep(std::string_view s) {
    if (used_ + s.size() < kText) {
      char* at = text_ + used_;
      std::memcpy(at, s.data(), s.size());
      at[s.size()] = '\0';
      used_ += s.size() + 1;
      push(at, static_cast<int>(s.size()), 0);
    } else {
      keep(std::string(s));
    }
  }
  void keep(std::string&& s) {
    if (used_ + s.size() < kText) return keep(std::string_view(s));
    owned_.push_front(std::move(s));  // a forward_list: the strings never move
    push(owned_.front().c_str(), static_cast<int>(owned_.front().size()), 0);
  }
  const char* inline_values_[kInline];
  int inline_lengths_[kInline], inline_formats_[kInline];
  const char** values_ = inline_values_;
  int* lengths_ = inline_lengths_;
  int* formats_ = inline_formats_;
  int n_ = 0, cap_ = kInline;
  bool binary_ = false;
  std::unique_ptr<const char*[]> heap_values_;
  std::unique_ptr<int[]> heap_lengths_, heap_formats_;
  char text_[kText];
  std::size_t used_ = 0;
  std::forward_list<std::string> owned_;
};

// One row of COPY ... FROM STDIN (text format): what generated :copyfrom encoders write to.
class CopyRow {
 public:
  explicit CopyRow(std::string& buf) noexcept : buf_(buf) {}
  template <class T>
  void add(const T& v) {
    if (!first_) buf_ += '\t';
    first_ = false;
    if constexpr (is_optional<T>::value) {
      if (!v) {
        buf_ += "\\N";
        return;
      }
      put(*v);
    } else {
      put(v);
    }
  }

 private:
  template <class T>
  void put(const T& v) {
    text_.clear();
    if constexpr (std::is_same_v<T, Bytes>) {
      text_ = "\\x";
      flash::detail::to_hex(text_, v);
    } else if constexpr (is_list<T>::value) {
      text_ = "{";
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) text_ += ',';
        detail::encode_element(text_, v[i]);
      }
      text_ += '}';
    } else {
      flash::detail::to_text(text_, v);
    }
    for (char c : text_) {
      switch (c) {
        case '\\': buf_ += "\\\\"; break;
        case '\t': buf_ += "\\t"; break;
        case '\n': buf_ += "\\n"; break;
        case '\r': buf_ += "\\r"; break;
        default: buf_ += c;
      }
    }
  }
  std::string& buf_;
  std::string text_;
  bool first_ = true;
};

class Pipeline;

// A connection (owns the PGconn unless it was given one). Not thread-safe: one per thread.
class Connection {
 public:
  // conninfo: "postgres://user:pass@host:port/db" or "host=... dbname=...". Sets DateStyle ISO.
  explicit Connection(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str())), own_(true) {
    if (PQstatus(c_) != CONNECTION_OK) {
      const std::string m = detail::message(c_, nullptr);
      PQfinish(c_);
      throw Error("08001", 0, "connect: " + m);
    }
    execute("SET DateStyle TO ISO, YMD");
  }
  // Uses a connection the caller owns (its DateStyle must be ISO, the default).
  explicit Connection(PGconn* borrowed) noexcept : c_(borrowed), own_(false) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (own_ && c_) PQfinish(c_);
  }
  PGconn* native() const noexcept { return c_; }

  // A statement without parameters or results (BEGIN, SET, DDL).
  void execute(const char* sql) {
    Result r(PQexec(c_, sql));
    const auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) detail::fail(c_, r.get(), "execute");
  }

  Result run(const Statement& st, const Params& p) {
    prepare(st);
    Result r(PQexecPrepared(c_, st.name, p.size(), p.values(), p.lengths(), p.formats(), 0));
    const auto s = PQresultStatus(r.get());
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) detail::fail(c_, r.get(), st.name);
    return r;
  }
  template <class R>
  std::optional<R> one(const Statement& st, const Params& p) {
    const Result r = run(st, p);
    if (r.rows() == 0) return std::nullopt;
    R out{};
    flash_decode(Row(r.get(), 0), 0, out);
    return out;
  }
  template <class R>
  std::vector<R> many(const Statement& st, const Params& p) {
    const Result r = run(st, p);
    std::vector<R> out(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) flash_decode(Row(r.get(), i), 0, out[static_cast<std::size_t>(i)]);
    return out;
  }
  void exec(const Statement& st, const Params& p) { run(st, p); }
  std::int64_t exec_rows(const Statement& st, const Params& p) { return run(st, p).affected(); }
  ExecResult exec_result(const Statement& st, const Params& p) { return {run(st, p).affected(), 0}; }
  // :execlastid on PostgreSQL: the first column of the first row RETURNING gives.
  std::int64_t exec_lastid(const Statement& st, const Params& p) {
    const Result r = run(st, p);
    if (r.rows() == 0) throw Error("02000", 0, std::string(st.name) + ": no row returned");
    std::int64_t id = 0;
    Row(r.get(), 0).get(0, id);
    return id;
  }

  // COPY <copy_sql> FROM STDIN, one row per element; returns the number of rows copied.
  template <class T, class Encode>
  std::int64_t copy_in(const char* copy_sql, const std::vector<T>& rows, Encode encode) {
    {
      Result r(PQexec(c_, copy_sql));
      if (PQresultStatus(r.get()) != PGRES_COPY_IN) detail::fail(c_, r.get(), "COPY");
    }
    std::string buf;
    bool sent = true;
    for (const T& row : rows) {
      CopyRow w(buf);
      encode(w, row);
      buf += '\n';
      if (buf.size() >= (1u << 16)) {
        sent = PQputCopyData(c_, buf.data(), static_cast<int>(buf.size())) == 1;
        buf.clear();
        if (!sent) break;
      }
    }
    if (sent && !buf.empty()) sent = PQputCopyData(c_, buf.data(), static_cast<int>(buf.size())) == 1;
    PQputCopyEnd(c_, sent ? nullptr : "flash: sending COPY data failed");
    Result end(PQgetResult(c_));
    while (PGresult* extra = PQgetResult(c_)) PQclear(extra);
    if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) detail::fail(c_, end.get(), "COPY");
    return end.affected();
  }

  // Prepares a statement now (a generated function otherwise prepares its statement on first use
  // on this connection); the generated prepare_all() calls it for every query.
  void prepare(const Statement& st) {
    if (prepared_.count(st.name)) return;
    Result r(PQprepare(c_, st.name, st.sql, 0, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) detail::fail(c_, r.get(), std::string("prepare ") + st.name);
    prepared_.insert(st.name);
  }

 private:
  friend class Pipeline;
  PGconn* c_;
  bool own_;
  std::unordered_set<const char*> prepared_;  // Statement::name of each generated query is unique
};

// An explicit transaction: BEGIN in the constructor, commit() to keep the work; the destructor
// rolls back whatever was not committed (also when an exception unwinds).
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(&c) { c.execute("BEGIN"); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (c_) PQclear(PQexec(c_->native(), "ROLLBACK"));
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

namespace detail {
// The receiving end of one statement queued in a Pipeline (a Pending's state): the Pipeline calls
// take() with the statement's result or fail() with its error. One allocation per statement.
struct Slot {
  virtual ~Slot() = default;
  virtual void take(const Result& r, const char* what) = 0;
  virtual void fail(std::exception_ptr e) noexcept = 0;
};
}  // namespace detail

// The value of a statement queued in a Pipeline, available after Pipeline::sync(). get() throws
// the statement's error.
template <class T>
class Pending {
 public:
  struct State : detail::Slot {
    std::optional<T> value;
    std::exception_ptr error;
    T (*decode)(const Result&, const char*) = nullptr;  // set by the Pipeline
    void take(const Result& r, const char* what) override { value = decode(r, what); }
    void fail(std::exception_ptr e) noexcept override { error = std::move(e); }
  };
  Pending() : s_(std::make_shared<State>()) {}
  const T& get() const {
    if (s_->error) std::rethrow_exception(s_->error);
    if (!s_->value) throw Error("", 0, "flash: Pending::get() before Pipeline::sync()");
    return *s_->value;
  }
  std::shared_ptr<State> state() const { return s_; }

 private:
  std::shared_ptr<State> s_;
};
template <>
class Pending<void> {
 public:
  struct State : detail::Slot {
    bool done = false;
    std::exception_ptr error;
    void take(const Result&, const char*) override { done = true; }
    void fail(std::exception_ptr e) noexcept override { error = std::move(e); }
  };
  Pending() : s_(std::make_shared<State>()) {}
  void get() const {
    if (s_->error) std::rethrow_exception(s_->error);
    if (!s_->done) throw Error("", 0, "flash: Pending::get() before Pipeline::sync()");
  }
  std::shared_ptr<State> state() const { return s_; }

 private:
  std::shared_ptr<State> s_;
};

// libpq pipeline mode: generated functions taking a Pipeline& queue their statement and return a
// Pending; sync() sends everything, reads every result in order and then throws the first error
// (a failed statement aborts the rest of the pipeline: those Pendings hold a 25P02-like error).
// The connection is in pipeline mode for the Pipeline's lifetime; the destructor syncs what is
// still queued (ignoring errors) and leaves pipeline mode.
//
// Mode::single is libpq's ordinary asynchronous command processing instead (no pipeline mode):
// one statement at a time, sent as it is queued (with its own sync message), its result ending
// the cycle — for driving many connections from one thread with one statement in flight on each
// (see sync_all and send()/process()), without a pipeline's sync result per statement. Queueing
// a second statement before the first one's process() returned true throws.
class Pipeline {
 public:
  enum class Mode : std::uint8_t { pipelined, single };
  explicit Pipeline(Connection& c, Mode mode = Mode::pipelined) : c_(c), single_(mode == Mode::single) {
    if (!single_ && PQenterPipelineMode(c_.c_) != 1) detail::fail(c_.c_, nullptr, "pipeline mode");
    if (PQsetnonblocking(c_.c_, 1) != 0) detail::fail(c_.c_, nullptr, "non-blocking mode");
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline() {
    try {
      if (!items_.empty()) sync();
    } catch (...) {
    }
    if (!single_) PQexitPipelineMode(c_.c_);
    PQsetnonblocking(c_.c_, 0);
  }

  template <class R>
  Pending<std::optional<R>> one(const Statement& st, const Params& p) {
    return queue<std::optional<R>>(st, p, [](const Result& r, const char*) {
      std::optional<R> out;
      if (r.rows() > 0) {
        out.emplace();
        flash_decode(Row(r.get(), 0), 0, *out);
      }
      return out;
    });
  }
  template <class R>
  Pending<std::vector<R>> many(const Statement& st, const Params& p) {
    return queue<std::vector<R>>(st, p, [](const Result& r, const char*) {
      std::vector<R> out(static_cast<std::size_t>(r.rows()));
      for (int i = 0; i < r.rows(); ++i) flash_decode(Row(r.get(), i), 0, out[static_cast<std::size_t>(i)]);
      return out;
    });
  }
  Pending<void> exec(const Statement& st, const Params& p) {
    Pending<void> out;
    send(st, p, out.state());
    return out;
  }
  Pending<std::int64_t> exec_rows(const Statement& st, const Params& p) {
    return queue<std::int64_t>(st, p, [](const Result& r, const char*) { return r.affected(); });
  }
  Pending<ExecResult> exec_result(const Statement& st, const Params& p) {
    return queue<ExecResult>(st, p, [](const Result& r, const char*) { return ExecResult{r.affected(), 0}; });
  }
  Pending<std::int64_t> exec_lastid(const Statement& st, const Params& p) {
    return queue<std::int64_t>(st, p, [](const Result& r, const char* name) {
      if (r.rows() == 0) throw Error("02000", 0, std::string(name) + ": no row returned");
      std::int64_t id = 0;
      Row(r.get(), 0).get(0, id);
      return id;
    });
  }

  // Sends a sync, waits for and dispatches every queued result. Throws the first error.
  void sync() {
    if (single_ && items_.empty()) return;
    send();
    while (!process()) wait();
  }

  // Non-blocking use, e.g. several connections driven from one thread (see sync_all): send()
  // ends the queued statements with a sync and flushes what the socket takes; then, whenever
  // socket() is readable (or writable while wants_write()), process() reads what arrived and
  // dispatches the complete results. It returns true once the sync point arrived: every Pending
  // is then set, and process() throws the first error (the Pipeline is reusable afterwards).
  // (Mode::single: the statement went out when it was queued; send() flushes what is left.)
  void send() {
    if (!single_ && PQpipelineSync(c_.c_) != 1) detail::fail(c_.c_, nullptr, "pipeline sync");
    flush();
  }
  int socket() const noexcept { return PQsocket(c_.c_); }
  bool wants_write() const noexcept { return flush_ == 1; }
  bool process() {
    PGconn* c = c_.c_;
    if (PQconsumeInput(c) != 1) detail::fail(c, nullptr, "pipeline read");
    flush();
    while (!PQisBusy(c)) {
      PGresult* raw = PQgetResult(c);
      if (!raw) {  // the end of one statement's results (Mode::single: of the cycle)
        if (single_) return finish();
        ++next_;
        continue;
      }
      Result r(raw);
      const auto st = PQresultStatus(raw);
      if (st == PGRES_PIPELINE_SYNC) return finish();
      if (next_ >= items_.size()) continue;
      Item& it = items_[next_];
      std::exception_ptr err;
      if (st == PGRES_FATAL_ERROR) {
        err = std::make_exception_ptr(detail::error_of(c, raw, it.what));
      } else if (st == PGRES_PIPELINE_ABORTED) {
        err = std::make_exception_ptr(Error("25P02", 0, std::string(it.what) + ": not run, an earlier statement of the pipeline failed"));
      } else if (it.slot) {
        try {
          it.slot->take(r, it.what);
        } catch (...) {
          err = std::current_exception();
        }
      }
      if (err) {
        if (it.slot) it.slot->fail(err);
        else c_.prepared_.erase(it.what);  // a PQsendPrepare that failed: prepare again next time
        if (!first_) first_ = err;
      }
    }
    return false;
  }
  std::size_t queued() const noexcept { return items_.size(); }
  Mode mode() const noexcept { return single_ ? Mode::single : Mode::pipelined; }

 private:
  // One queued statement: its name and where its result goes (no slot: the statement's PQsendPrepare).
  struct Item {
    const char* what;
    std::shared_ptr<detail::Slot> slot;
  };
  template <class T, class F>
  Pending<T> queue(const Statement& st, const Params& p, F) {
    static_assert(std::is_empty_v<F>, "a Pipeline decoder captures nothing");
    Pending<T> out;
    auto s = out.state();
    s->decode = +[](const Result& r, const char* what) -> T { return F{}(r, what); };
    send(st, p, std::move(s));
    return out;
  }
  void send(const Statement& st, const Params& p, std::shared_ptr<detail::Slot> slot) {
    PGconn* c = c_.c_;
    if (single_) {
      if (!items_.empty()) throw Error("", 0, std::string(st.name) + ": a single-statement Pipeline has a statement in flight");
      c_.prepare(st);  // blocking, before anything is in flight
    } else if (!c_.prepared_.count(st.name)) {
      if (PQsendPrepare(c, st.name, st.sql, 0, nullptr) != 1) detail::fail(c, nullptr, std::string("prepare ") + st.name);
      items_.push_back({st.name, nullptr});
      c_.prepared_.insert(st.name);
    }
    if (PQsendQueryPrepared(c, st.name, p.size(), p.values(), p.lengths(), p.formats(), 0) != 1)
      detail::fail(c, nullptr, st.name);
    items_.push_back({st.name, std::move(slot)});
  }
  // The sync point (Mode::single: the statement's end): every Pending is set; throws the first error.
  bool finish() {
    items_.clear();
    next_ = 0;
    if (first_) std::rethrow_exception(std::exchange(first_, nullptr));
    return true;
  }
  void flush() {
    flush_ = PQflush(c_.c_);
    if (flush_ < 0) detail::fail(c_.c_, nullptr, "pipeline flush");
  }
  void wait() const {
    pollfd pfd{socket(), static_cast<short>(POLLIN | (wants_write() ? POLLOUT : 0)), 0};
    if (poll(&pfd, 1, -1) < 0 && errno != EINTR) throw Error("", errno, "flash: poll failed");
  }
  Connection& c_;
  bool single_;
  std::vector<Item> items_;
  std::size_t next_ = 0;
  int flush_ = 0;
  std::exception_ptr first_;
};

// Syncs several pipelines (on different connections) at once from this thread: sends each one's
// sync, then waits on all their sockets together and dispatches results as they arrive. Every
// pipeline is read to its sync point; then the first error (in the order given) is thrown.
template <class Pipelines>
void sync_all(const Pipelines& pipelines) {
  std::vector<Pipeline*> open;
  for (Pipeline* p : pipelines) {
    if (p->mode() == Pipeline::Mode::single && !p->queued()) continue;  // nothing in flight
    p->send();
    open.push_back(p);
  }
  std::vector<std::exception_ptr> errors(open.size());
  std::vector<std::size_t> index(open.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
  std::vector<pollfd> fds;
  while (!open.empty()) {
    fds.clear();
    for (Pipeline* p : open) fds.push_back({p->socket(), static_cast<short>(POLLIN | (p->wants_write() ? POLLOUT : 0)), 0});
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) throw Error("", errno, "flash: poll failed");
    for (std::size_t k = open.size(); k-- > 0;) {
      if (!fds[k].revents) continue;
      bool done;
      try {
        done = open[k]->process();
      } catch (...) {
        errors[index[k]] = std::current_exception();
        done = true;
      }
      if (done) {
        open.erase(open.begin() + static_cast<std::ptrdiff_t>(k));
        index.erase(index.begin() + static_cast<std::ptrdiff_t>(k));
      }
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace flash::pg
#endif  // FLASH_CPP_PG_V1
)CPP";
}

}  // namespace flash::codegen::cpp
