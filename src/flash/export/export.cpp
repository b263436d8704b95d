// Export writers and import readers for the three formats (export.hpp).
#include "flash/export/export.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "flash/config/url.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/export/filter.hpp"
#include "flash/export/format.hpp"
#include "flash/export/ingest.hpp"
#include "flash/export/loader.hpp"
#include "flash/export/sanitize.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/json.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/util/text.hpp"

namespace flash::exporter {
namespace fs = std::filesystem;
using nlohmann::json;
using schema::Dialect;
using schema::TypeCategory;

std::string_view to_string(Format f) {
  switch (f) {
    case Format::json: return "json";
    case Format::csv: return "csv";
    case Format::sqlite: return "sqlite";
  }
  return "json";
}

Format format_from_string(std::string_view s) {
  const std::string l = util::to_lower(s);
  if (l == "json") return Format::json;
  if (l == "csv") return Format::csv;
  if (l == "sqlite" || l == "sqlite3" || l == "db") return Format::sqlite;
  throw diag::Error("cli.usage", "unknown export format `" + std::string(s) + "`", diag::ExitCode::usage,
                    "use json, csv or sqlite");
}

Format detect_format(const fs::path& p) {
  if (fs::is_directory(p)) return Format::csv;
  std::ifstream in(p, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  if (in.gcount() == 16 && std::string_view(head, 16) == std::string_view("SQLite format 3\0", 16))
    return Format::sqlite;
  return Format::json;
}

fs::path default_export_path(const fs::path& dir, Format f) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::string name = std::string("export_") + stamp;
  if (f == Format::json) name += ".json";
  if (f == Format::sqlite) name += ".db";
  return dir / name;
}

std::string json_message(const json::exception& e) {
  std::string m = e.what();
  if (const auto close = m.find("] "); m.rfind("[json.exception", 0) == 0 && close != std::string::npos)
    m = m.substr(close + 2);
  if (const auto colon = m.find(": "); m.rfind("parse error", 0) == 0 && colon != std::string::npos)
    m = m.substr(colon + 2);
  return m;
}

namespace {

// file:line:col of a byte offset of a file (read up to there; only for messages).
diag::Location location_at(const fs::path& p, std::int64_t offset) {
  diag::Location l{p.string(), 1, 1, 1};
  std::ifstream in(p, std::ios::binary);
  char buf[65536];
  std::int64_t at = 0;
  // (Was `while (at < offset && in.read(…), in.gcount() > 0)`: the comma made the condition the
  // last read's count alone, which never ends once `at` reaches an offset before the file's end.)
  while (at < offset && (in.read(buf, sizeof buf), in.gcount() > 0)) {
    const std::int64_t n = std::min<std::int64_t>(in.gcount(), offset - at);
    for (std::int64_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        ++l.line;
        l.column = 1;
      } else if ((static_cast<unsigned char>(buf[i]) & 0xC0) != 0x80) {
        ++l.column;
      }
    }
    at += n;
    if (!in) break;
  }
  return l;
}

// The part of the model being exported: the chosen tables, foreign keys to tables left out dropped.
// A name given by the user names a table when it equals its name or its schema-qualified name.
bool names_table(const schema::Table& t, std::string_view n) {
  return n == t.name || (!t.schema.empty() && n == schema::qualified(t.schema, t.name));
}

schema::Schema subset(const schema::Schema& model, const std::vector<std::string>& names) {
  if (names.empty()) return model;
  std::vector<std::string> all;
  for (const auto& t : model.tables) all.push_back(schema::qualified(t.schema, t.name));
  for (const auto& n : names)
    if (std::none_of(model.tables.begin(), model.tables.end(), [&](const schema::Table& t) { return names_table(t, n); })) {
      const auto guess = diag::did_you_mean(n, all);
      throw diag::Error("export.unknown-table", "table `" + n + "` is not in the schema", diag::ExitCode::usage,
                        guess ? "did you mean `" + *guess + "`?" : "tables: " + util::join(all, ", "));
    }
  schema::Schema out = model;
  out.tables.clear();
  out.indexes.clear();
  for (const auto& t : model.tables)
    if (std::any_of(names.begin(), names.end(), [&](const std::string& n) { return names_table(t, n); }))
      out.tables.push_back(t);
  for (auto& t : out.tables)
    std::erase_if(t.foreign_keys,
                  [&](const schema::ForeignKey& fk) { return !out.find_table(fk.ref_table, fk.ref_schema); });
  for (const auto& ix : model.indexes)
    if (out.find_table(ix.table, ix.schema)) out.indexes.push_back(ix);
  out.views.clear();
  out.raw.clear();
  return out;
}

// The key of a table in an export file: its name, schema-qualified outside the default schema.
std::string table_key(const schema::Table& t) { return schema::qualified(t.schema, t.name); }

// The table of the model a key of the file names: the qualified name, else the only table of that
// name (exports written before keys were qualified).
const schema::Table* table_by_key(const schema::Schema& s, std::string_view key) {
  const schema::Table* by_name = nullptr;
  int named = 0;
  for (const auto& t : s.tables) {
    if (table_key(t) == key) return &t;
    if (t.name == key) by_name = &t, ++named;
  }
  return named == 1 ? by_name : nullptr;
}

std::vector<std::string> column_names(const schema::Table& t) {
  std::vector<std::string> out;
  for (const auto* c : data_columns(t)) out.push_back(c->name);
  return out;
}

std::vector<TypeCategory> categories(const schema::Table& t, const schema::Schema& s,
                                     const std::vector<std::string>& cols) {
  std::vector<TypeCategory> out;
  for (const auto& n : cols) {
    const auto* c = t.find_column(n);
    out.push_back(c ? schema::category(c->type, s.dialect, &s) : TypeCategory::text);
  }
  return out;
}

// Runs each statement of a printed DDL script.
void run_script(driver::SqlConnection& conn, const std::string& script) {
  diag::Diagnostics diags;
  auto stmts = sql::split_statements(sql::SourceFile{"<generated>", script}, conn.dialect(), diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  for (const auto& st : stmts) conn.execute(st.text);
}

// Rows reach a writer as the driver's values; each writer turns them into its format directly
// (format.hpp's append_* / to_target), without a JSON object per value.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual void begin_table(const schema::Table& t, const std::vector<std::string>& cols,
                           const std::vector<TypeCategory>& cats) = 0;
  virtual void row(const std::vector<driver::Value>& values) = 0;
  virtual void end_table(std::int64_t rows) = 0;
  virtual void finish() = 0;
};

// An output file written in large blocks from an in-memory buffer.
class OutFile {
 public:
  static constexpr std::size_t kBlock = 1 << 20;
  OutFile() = default;
  explicit OutFile(const fs::path& p) : path_(p), f_(std::fopen(p.c_str(), "wb")) {
    if (!f_) throw diag::Error("export.write", "cannot write `" + p.string() + "`");
    buf_.reserve(kBlock + (kBlock >> 2));
  }
  OutFile(OutFile&& o) noexcept { *this = std::move(o); }
  OutFile& operator=(OutFile&& o) noexcept {
    if (f_) std::fclose(f_);
    path_ = std::move(o.path_);
    buf_ = std::move(o.buf_);
    f_ = std::exchange(o.f_, nullptr);
    return *this;
  }
  ~OutFile() {
    if (f_) std::fclose(f_);
  }
  // The buffer to append to; call maybe_flush() after each row.
  std::string& buf() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= kBlock) flush();
  }
  void close() {
    flush();
    const bool ok = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok) throw diag::Error("export.write", "cannot write `" + path_.string() + "`");
  }

 private:
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
      throw diag::Error("export.write", "cannot write `" + path_.string() + "`");
    buf_.clear();
  }
  fs::path path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
};

class JsonWriter : public Writer {
 public:
  JsonWriter(const fs::path& p, const schema::Schema& s) : out_(p) {
    out_.buf() += "{\"version\":" + std::to_string(kFormatVersion) +
                  ",\"dialect\":" + json(std::string(schema::to_string(s.dialect))).dump() +
                  ",\n\"schema\":" + schema::to_json(s).dump() + ",\n\"tables\":{";
  }
  void begin_table(const schema::Table& t, const std::vector<std::string>& cols,
                   const std::vector<TypeCategory>& cats) override {
    out_.buf() += (first_table_ ? "\n" : ",\n") + json(table_key(t)).dump() + ":{\"columns\":" + json(cols).dump() +
                  ",\"rows\":[";
    cats_ = cats;
    first_table_ = false;
    first_row_ = true;
  }
  void row(const std::vector<driver::Value>& values) override {
    std::string& b = out_.buf();
    b += first_row_ ? "\n[" : ",\n[";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) b += ',';
      append_json_value(b, values[i], cats_[i]);
    }
    b += ']';
    first_row_ = false;
    out_.maybe_flush();
  }
  void end_table(std::int64_t) override { out_.buf() += "]}"; }
  void finish() override {
    out_.buf() += "\n}}\n";
    out_.close();
  }

 private:
  OutFile out_;
  std::vector<TypeCategory> cats_;
  bool first_table_ = true, first_row_ = true;
};

class CsvWriter : public Writer {
 public:
  CsvWriter(const fs::path& dir, const schema::Schema& s) : dir_(dir), model_(s) {
    fs::create_directories(dir_);
  }
  void begin_table(const schema::Table& t, const std::vector<std::string>& cols,
                   const std::vector<TypeCategory>& cats) override {
    std::string file = table_key(t) + ".csv";
    for (char& ch : file)
      if (ch == '/' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ch = '_';
    out_ = OutFile(dir_ / file);
    cats_ = cats;
    std::string& b = out_.buf();
    for (std::size_t i = 0; i < cols.size(); ++i) b += (i ? "," : "") + csv_field(cols[i], TypeCategory::text);
    b += "\r\n";
    tables_.push_back({{"name", table_key(t)}, {"file", file}, {"columns", cols}});
  }
  void row(const std::vector<driver::Value>& values) override {
    std::string& b = out_.buf();
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) b += ',';
      append_csv_value(b, values[i], cats_[i]);
    }
    b += "\r\n";
    out_.maybe_flush();
  }
  void end_table(std::int64_t rows) override {
    tables_.back()["rows"] = rows;
    out_.close();
  }
  void finish() override {
    json meta = {{"version", kFormatVersion},
                 {"dialect", std::string(schema::to_string(model_.dialect))},
                 {"schema", schema::to_json(model_)},
                 {"tables", tables_}};
    util::write_file_atomic(dir_ / "schema.json", meta.dump(2) + "\n");
  }

 private:
  fs::path dir_;
  const schema::Schema& model_;
  OutFile out_;
  std::vector<TypeCategory> cats_;
  json tables_ = json::array();
};

std::unique_ptr<driver::SqlConnection> open_sqlite(const fs::path& p, bool read_only = false) {
  config::DatabaseUrl url;
  url.dialect = Dialect::sqlite;
  url.scheme = "sqlite";
  url.database = fs::absolute(p).string();
  if (read_only) url.params["mode"] = "ro";
  return driver::connect_sql(url);
}

// Categories whose exchange form is the value's text as it stands (to_target's default case).
bool plain_text(TypeCategory c) {
  switch (c) {
    case TypeCategory::boolean:
    case TypeCategory::int16:
    case TypeCategory::int32:
    case TypeCategory::int64:
    case TypeCategory::float32:
    case TypeCategory::float64:
    case TypeCategory::bytes:
    case TypeCategory::json:
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz: return false;
    default: return true;
  }
}

// The sqlite export: written through the SQLite library directly, one prepared INSERT per table
// reused for every row, one transaction per table. The file is new and nobody reads it before it is
// complete, so it is written without a rollback journal and without fsync (an interrupted export
// leaves a broken file either way). Indexes are created after the rows are in.
class SqliteWriter : public Writer {
 public:
  SqliteWriter(const fs::path& p, const schema::Schema& s) : model_(s), path_(p) {
    std::error_code ec;
    fs::remove(p, ec);
    // One thread uses this handle: no mutexes.
    if (sqlite3_open_v2(p.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK)
      fail("cannot create the file");
    exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; "
         "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY");
    exec("CREATE TABLE _flash_export (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    schema::Schema tables = convert_schema(s, Dialect::sqlite);
    indexes_ = std::move(tables.indexes);
    tables.indexes.clear();
    exec(schema::print_schema(tables));
  }
  ~SqliteWriter() override {
    if (st_) sqlite3_finalize(st_);
    if (db_) sqlite3_close_v2(db_);
  }
  void begin_table(const schema::Table& t, const std::vector<std::string>& cols,
                   const std::vector<TypeCategory>& cats) override {
    table_ = t.name;
    cats_ = cats;
    rows_ = 0;
    std::string sql = "INSERT INTO " + schema::quote_ident(t.name, Dialect::sqlite) + " (";
    for (std::size_t i = 0; i < cols.size(); ++i) sql += (i ? ", " : "") + schema::quote_ident(cols[i], Dialect::sqlite);
    sql += ") VALUES (";
    for (std::size_t i = 0; i < cols.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
    exec("BEGIN");
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st_, nullptr) != SQLITE_OK)
      fail("table `" + table_ + "`");
    tables_.push_back({{"name", t.name}, {"columns", cols}});
  }
  void row(const std::vector<driver::Value>& values) override {
    ++rows_;
    for (std::size_t i = 0; i < values.size(); ++i) bind(static_cast<int>(i) + 1, values[i], cats_[i]);
    if (sqlite3_step(st_) != SQLITE_DONE) fail("table `" + table_ + "` row " + std::to_string(rows_));
    sqlite3_reset(st_);
  }
  void end_table(std::int64_t rows) override {
    sqlite3_finalize(st_);
    st_ = nullptr;
    exec("COMMIT");
    tables_.back()["rows"] = rows;
  }
  void finish() override {
    for (const auto& ix : indexes_) exec(schema::print_create_index(ix, Dialect::sqlite));
    const std::vector<std::pair<std::string, std::string>> meta = {
        {"version", std::to_string(kFormatVersion)},
        {"dialect", std::string(schema::to_string(model_.dialect))},
        {"schema", schema::to_json(model_).dump()},
        {"tables", tables_.dump()}};
    for (const auto& [k, v] : meta)
      exec("INSERT INTO _flash_export (key, value) VALUES (" + schema::quote_string(k) + ", " +
           schema::quote_string(v) + ")");
    if (sqlite3_close(db_) != SQLITE_OK) fail("closing the file");
    db_ = nullptr;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw diag::Error("export.write", "cannot write `" + path_.string() + "` (" + what + "): " +
                                          (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "error";
      sqlite3_free(err);
      throw diag::Error("export.write", "cannot write `" + path_.string() + "`: " + msg);
    }
  }
  // The value that import would store (to_target for SQLite); the common cases bind the row's own
  // storage, valid until the statement has been stepped.
  void bind(int idx, const driver::Value& v, TypeCategory c) {
    int rc;
    if (driver::is_null(v)) {
      rc = sqlite3_bind_null(st_, idx);
    } else if (auto* s = std::get_if<std::string>(&v); s && plain_text(c)) {
      rc = sqlite3_bind_text64(st_, idx, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else if (auto* i = std::get_if<std::int64_t>(&v);
               i && (c == TypeCategory::int16 || c == TypeCategory::int32 || c == TypeCategory::int64)) {
      rc = sqlite3_bind_int64(st_, idx, *i);
    } else if (auto* b = std::get_if<driver::Blob>(&v); b && c == TypeCategory::bytes) {
      rc = b->bytes.empty() ? sqlite3_bind_zeroblob(st_, idx, 0)
                            : sqlite3_bind_blob64(st_, idx, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
    } else {
      const driver::Value t = to_target(v, c, Dialect::sqlite);
      if (driver::is_null(t)) rc = sqlite3_bind_null(st_, idx);
      else if (auto* tb = std::get_if<bool>(&t)) rc = sqlite3_bind_int(st_, idx, *tb ? 1 : 0);
      else if (auto* ti = std::get_if<std::int64_t>(&t)) rc = sqlite3_bind_int64(st_, idx, *ti);
      // SQLite stores a NaN REAL as NULL: the text NaN, as the sqlite driver binds it (import reads it back).
      else if (auto* td = std::get_if<double>(&t)) rc = std::isnan(*td) ? sqlite3_bind_text(st_, idx, "NaN", 3, SQLITE_STATIC)
                                                                          : sqlite3_bind_double(st_, idx, *td);
      else if (auto* ts = std::get_if<std::string>(&t))
        rc = sqlite3_bind_text64(st_, idx, ts->data(), ts->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      else {
        const auto& bytes = std::get<driver::Blob>(t).bytes;
        rc = bytes.empty() ? sqlite3_bind_zeroblob(st_, idx, 0)
                           : sqlite3_bind_blob64(st_, idx, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
      }
    }
    if (rc != SQLITE_OK) fail("table `" + table_ + "` row " + std::to_string(rows_));
  }

  const schema::Schema& model_;
  fs::path path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* st_ = nullptr;
  std::vector<schema::Index> indexes_;
  std::string table_;
  std::vector<TypeCategory> cats_;
  std::int64_t rows_ = 0;
  json tables_ = json::array();
};

constexpr std::int64_t kProgressEvery = 10000;

// For the progress bar only: cheap estimates where the catalog has one, else a count. Never fails.
std::int64_t estimate_rows(driver::SqlConnection& conn, const schema::Table& t, const std::string& where) {
  const Dialect d = conn.dialect();
  {
    std::string sql;
    const driver::Value params[] = {t.name};
    std::span<const driver::Value> p;
    if (!where.empty() || d == Dialect::sqlite) {
      sql = "SELECT COUNT(*) FROM " + schema::quote_qualified(t.schema, t.name, d) +
            (where.empty() ? "" : " WHERE (" + where + "\n)");
    } else if (d == Dialect::postgresql) {
      sql = "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)";
      const std::string q = schema::quote_qualified(t.schema, t.name, d);
      const driver::Value qp[] = {q};
      const auto rs = conn.query(sql, qp);
      if (rs.rows.empty()) return -1;
      const auto* n = std::get_if<std::int64_t>(&rs.rows[0][0]);
      return n && *n >= 0 ? *n : -1;  // -1: never analysed
    } else {
      sql = "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
      p = params;
    }
    const auto rs = conn.query(sql, p);
    if (rs.rows.empty()) return -1;
    const auto* n = std::get_if<std::int64_t>(&rs.rows[0][0]);
    return n ? *n : -1;
  }
}

// Under a savepoint: a failed estimate must not abort the export's transaction.
std::int64_t expected_rows(driver::SqlConnection& conn, const schema::Table& t, const std::string& where) {
  conn.execute("SAVEPOINT flash_estimate");
  try {
    const std::int64_t n = estimate_rows(conn, t, where);
    conn.execute("RELEASE SAVEPOINT flash_estimate");
    return n;
  } catch (const driver::DbError& e) {
    if (!e.connection_usable()) throw;
    conn.execute("ROLLBACK TO SAVEPOINT flash_estimate");
    return -1;
  }
}

}  // namespace

namespace {

// Source locations name the user's files (absolute paths, home directories): an export carries
// none of them.
void strip_locations(schema::Schema& s) {
  for (auto& t : s.tables) {
    t.loc = {};
    for (auto& c : t.columns) c.loc = {};
  }
  for (auto& i : s.indexes) i.loc = {};
  for (auto& e : s.enums) e.loc = {};
  for (auto& v : s.views) v.loc = {};
  for (auto& r : s.raw) r.loc = {};
}

// Reads of the export in one read-only transaction: one consistent snapshot of every table, and a
// filter that reaches the database can change nothing (PostgreSQL and MySQL refuse writes, SQLite
// runs with query_only).
class ReadOnlySnapshot {
 public:
  explicit ReadOnlySnapshot(driver::SqlConnection& c) : c_(c) {
    switch (c_.dialect()) {
      case Dialect::postgresql: c_.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); break;
      case Dialect::mysql: c_.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"); break;
      default:
        c_.execute("BEGIN");
        c_.execute("PRAGMA query_only = 1");
        break;
    }
  }
  ~ReadOnlySnapshot() {
    try {
      c_.execute("ROLLBACK");
      if (c_.dialect() == Dialect::sqlite) c_.execute("PRAGMA query_only = 0");
    } catch (...) {
    }
  }
  ReadOnlySnapshot(const ReadOnlySnapshot&) = delete;
  ReadOnlySnapshot& operator=(const ReadOnlySnapshot&) = delete;

 private:
  driver::SqlConnection& c_;
};

fs::path temp_sibling(const fs::path& target) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  return dir / ("." + target.filename().string() + ".flash-tmp-" + std::to_string(::getpid()));
}

void remove_stale_temps(const fs::path& target) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = "." + target.filename().string() + ".flash-tmp-";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    // Only a dead writer's file: another export to the same target may be running.
    if (::kill(static_cast<pid_t>(std::stol(pid)), 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
  }
}

void sync_path(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

namespace {

// The writing half of an export: checks the target, writes every table of `s` (rows from `feed`)
// under a temporary name and renames it into place. `around` wraps the writing (a read snapshot).
std::vector<TableCount> write_export(const schema::Schema& s, const RowFeed& feed, const ExportOptions& opts,
                                     const std::function<void(const std::function<void()>&)>& around) {
  if (fs::exists(opts.path) && (opts.format == Format::csv) != fs::is_directory(opts.path))
    throw diag::Error("export.exists", "`" + opts.path.string() + "` exists and is " +
                                           (fs::is_directory(opts.path) ? "a directory" : "not a directory"),
                      diag::ExitCode::usage, "choose another path with -o");
  if (opts.format == Format::csv && fs::exists(opts.path) && !fs::is_empty(opts.path))
    throw diag::Error("export.exists", "directory `" + opts.path.string() + "` exists and is not empty",
                      diag::ExitCode::usage, "choose another path with -o");
  if (opts.path.has_parent_path()) fs::create_directories(opts.path.parent_path());
  // Everything is written under a hidden temporary name beside the target and renamed into place
  // at the end: the previous export stays whole until the new one is complete, and a run that is
  // interrupted leaves no file that looks like an export (a later run removes its leftovers).
  remove_stale_temps(opts.path);
  const fs::path tmp = temp_sibling(opts.path);
  struct TempGuard {
    fs::path p;
    ~TempGuard() {
      std::error_code ec;
      if (!p.empty()) fs::remove_all(p, ec);
    }
  } guard{tmp};
  std::vector<TableCount> counts;
  around([&] {
    std::unique_ptr<Writer> w;
    switch (opts.format) {
      case Format::json: w = std::make_unique<JsonWriter>(tmp, s); break;
      case Format::csv: w = std::make_unique<CsvWriter>(tmp, s); break;
      case Format::sqlite: w = std::make_unique<SqliteWriter>(tmp, s); break;
    }
    for (const schema::Table* t : fk_order(s)) {
      const auto cols = column_names(*t);
      const auto cats = categories(*t, s, cols);
      w->begin_table(*t, cols, cats);
      std::int64_t n = 0;
      feed(*t, [&](const std::vector<driver::Value>& row) {
        w->row(row);
        if (++n % kProgressEvery == 0 && opts.progress) opts.progress(t->name, n, false);
      });
      w->end_table(n);
      if (opts.progress) opts.progress(t->name, n, true);
      counts.push_back({t->name, n, false});
    }
    w->finish();
  });
  if (opts.format == Format::csv) {
    for (const auto& e : fs::directory_iterator(tmp)) sync_path(e.path());
  }
  sync_path(tmp);
  std::error_code ec;
  fs::rename(tmp, opts.path, ec);
  if (ec)
    throw diag::Error("export.write", "cannot move the export into place at `" + opts.path.string() + "`: " + ec.message());
  guard.p.clear();
  sync_path(opts.path.has_parent_path() ? opts.path.parent_path() : fs::path("."));
  return counts;
}

}  // namespace

std::vector<TableCount> export_data(driver::SqlConnection& conn, const schema::Schema& model,
                                    const ExportOptions& opts) {
  schema::Schema s = subset(model, opts.tables);
  strip_locations(s);
  if (!opts.where.empty()) check_filter(opts.where, conn.dialect());
  const Dialect d = conn.dialect();
  auto feed = [&](const schema::Table& t, const RowEmit& emit) {
    const auto cols = column_names(t);
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < cols.size(); ++i) sql += (i ? ", " : "") + schema::quote_ident(cols[i], d);
    sql += " FROM " + schema::quote_qualified(t.schema, t.name, d);
    if (!opts.where.empty()) sql += " WHERE (" + opts.where + "\n)";
    if (opts.table_start) opts.table_start(t.name, expected_rows(conn, t, opts.where));
    auto cursor = conn.stream(sql);
    std::vector<driver::Value> row;
    while (cursor->next(row)) emit(row);
  };
  return write_export(s, feed, opts, [&](const std::function<void()>& body) {
    prepare_session(conn);
    ReadOnlySnapshot snapshot(conn);
    body();
  });
}

std::vector<TableCount> export_rows(const schema::Schema& model, const RowFeed& feed, const ExportOptions& opts) {
  schema::Schema s = subset(model, opts.tables);
  strip_locations(s);
  return write_export(s, feed, opts, [](const std::function<void()>& body) { body(); });
}

// ---- import ------------------------------------------------------------------------------------

namespace {

// One table of an export being read: its columns and a row source.
class Reader {
 public:
  virtual ~Reader() = default;
  const schema::Schema& model() const { return model_; }
  const std::vector<std::pair<std::string, std::vector<std::string>>>& tables() const { return tables_; }
  // Starts reading table number i (in file order).
  virtual void open(std::size_t i) = 0;
  virtual bool next(std::vector<json>& row) = 0;
  // Reads the next row into `loader` (the table opened last); false at the end. Readers with a
  // fast path fill its row slots with target values; the default goes through next() and add().
  virtual bool next_into(TableLoader& loader) {
    if (!next(row_)) return false;
    loader.add(row_);
    return true;
  }
  // Where the value of a header key is in the file, for messages (the file alone when unknown).
  virtual diag::Location locate(std::string_view /*key*/) const { return {header_file_.string(), 0, 0, 1}; }
  // Where data row `row` (1-based) of table number i starts, for messages: file:line:col (the file
  // alone when rows have no place in it: SQLite). Reads the table's rows again without converting
  // or loading them, so only after its load stopped.
  virtual diag::Location row_location(std::size_t /*i*/, std::int64_t /*row*/) { return {header_file_.string(), 0, 0, 1}; }

 protected:
  [[noreturn]] void header_error(std::string_view key, const std::string& message, std::string hint) const {
    diag::Diagnostic d;
    d.code = "import.format";
    d.message = message;
    d.location = locate(key);
    d.hint = std::move(hint);
    d.exit_code = diag::ExitCode::usage;
    throw diag::Error(std::move(d));
  }
  void read_header(const json& meta) {
    if (!meta.is_object() || !meta.contains("version") || !meta.contains("schema"))
      header_error("", "`" + header_file_.string() + "` is not a Flash export (no \"version\" or \"schema\")",
                   "import reads files written by `flash export`, or any SQLite database");
    const json& v = meta["version"];
    std::int64_t version = -1;
    if (v.is_number_integer()) {
      version = v.get<std::int64_t>();
    } else if (v.is_string()) {
      const std::string& t = v.get_ref<const std::string&>();
      auto r = std::from_chars(t.data(), t.data() + t.size(), version);
      if (r.ec != std::errc() || r.ptr != t.data() + t.size()) version = -1;
    }
    if (version != kFormatVersion)
      header_error("version", "export format version " + v.dump() + " is not supported",
                   "this Flash reads version " + std::to_string(kFormatVersion) + " (a whole number)");
    if (!meta["schema"].is_object()) header_error("schema", "\"schema\" is not an object", "re-export the data");
    try {
      model_ = schema::schema_from_json(meta["schema"]);
    } catch (const json::exception& e) {
      header_error("schema", "\"schema\" is not a valid schema model: " + json_message(e), "re-export the data");
    } catch (const diag::Error& e) {
      header_error("schema", "\"schema\" is not a valid schema model: " + e.diagnostic().message, "re-export the data");
    }
    if (meta.contains("dialect")) {
      const auto d = meta["dialect"].is_string() ? schema::dialect_from_string(meta["dialect"].get<std::string>())
                                                 : std::nullopt;
      if (!d) header_error("dialect", "\"dialect\" " + meta["dialect"].dump() + " is not a known database",
                           "postgresql, mysql or sqlite");
      model_.dialect = *d;
    }
  }
  fs::path header_file_;
  schema::Schema model_;
  std::vector<std::pair<std::string, std::vector<std::string>>> tables_;
  std::vector<json> row_;  // the reference path's row
};

// The JSON export read as a stream: a first pass reads the header values (version, dialect,
// schema) and each table's columns, and remembers where each table's rows array starts while
// skipping over the rows; open() then seeks there and next() parses one row at a time. Memory
// stays bounded by the largest row (and the schema), whatever the file size, and the keys may come
// in any order (a re-serialised document sorts them).
class JsonReader : public Reader {
 public:
  explicit JsonReader(const fs::path& p) : path_(p), f_(std::fopen(p.c_str(), "rb")) {
    if (!f_) throw diag::Error("import.read", "cannot read `" + p.string() + "`");
    header_file_ = p;
    buf_.resize(1 << 20);
    json meta = json::object();
    expect('{');
    if (!consume('}')) {
      do {
        const std::string key = read_key();
        if (key == "tables") {
          read_tables();
        } else if (key == "version" || key == "dialect" || key == "schema") {
          std::string text;
          peek();
          key_at_[key] = offset();
          skip_value(&text);
          meta[key] = parse_text(text);
        } else {
          skip_value(nullptr);
        }
      } while (consume(','));
      expect('}');
    }
    read_header(meta);
  }
  ~JsonReader() override { std::fclose(f_); }

  void open(std::size_t i) override {
    in_rows_ = false;
    if (rows_at_[i] < 0) return;  // a table without "rows"
    seek(rows_at_[i]);
    expect('[');
    in_rows_ = true;
    first_ = true;
  }
  bool next(std::vector<json>& row) override {
    if (!next_text()) return false;
    parse_row(row);
    return true;
  }
  // One pass over the row where it lies in the buffer (scan_json_row); a row the scan leaves to the
  // reference path is read again from its start into text_ and parsed by nlohmann.
  bool next_into(TableLoader& loader) override {
    if (!row_start()) return false;
    const std::span<driver::Value> slots = loader.row_slots();
    for (;;) {
      const char* p = buf_.data() + pos_;
      JsonRowScan r = JsonRowScan::other;
      try {
        r = scan_json_row(p, buf_.data() + len_, loader.categories(), loader.dialect(), slots, scratch_);
      } catch (const std::exception&) {
        r = JsonRowScan::other;  // the reference path below reports it
      }
      if (r == JsonRowScan::done) {
        pos_ = static_cast<std::size_t>(p - buf_.data());
        loader.accept_row();  // outside the try: a refusal of the database is not a bad cell
        return true;
      }
      if (r == JsonRowScan::more && read_more()) continue;
      break;
    }
    text_.clear();
    skip_value(&text_);
    loader_row(loader.categories());
    loader.add(row_);
    return true;
  }
  // The file position (offset) where data row `row` (1-based) of table `i` starts; -1 when the
  // table has fewer rows. Reads the rows again without converting them.
  std::int64_t row_offset(std::size_t i, std::int64_t row) {
    open(i);
    for (std::int64_t n = 1; row_start(); ++n) {
      if (n == row) return offset();
      skip_value(nullptr);
    }
    return -1;
  }
  diag::Location row_location(std::size_t i, std::int64_t row) override {
    const std::int64_t at = row_offset(i, row);
    return at < 0 ? Reader::row_location(i, row) : location_at(path_, at);
  }

 private:
  diag::Location locate(std::string_view key) const override {
    const auto it = key_at_.find(std::string(key));
    return it == key_at_.end() ? Reader::locate(key) : location_at(path_, it->second);
  }
  [[noreturn]] void error(const std::string& what) const { error_at(offset(), what); }
  [[noreturn]] void error_at(std::int64_t at, const std::string& what) const {
    diag::Diagnostic d;
    d.code = "import.format";
    d.message = "not a valid JSON export: " + what;
    d.location = location_at(path_, at);
    d.hint = "the file is damaged or was not written by `flash export`";
    throw diag::Error(std::move(d));
  }
  std::int64_t offset() const { return base_ + static_cast<std::int64_t>(pos_); }
  // Moves to the start of the next row (its first character: pos_ == len_ at the end of the file);
  // false at the end of the rows.
  bool row_start() {
    if (!in_rows_) return false;
    if (consume(']')) {
      in_rows_ = false;
      return false;
    }
    if (!first_) expect(',');
    first_ = false;
    peek();
    return true;
  }
  // Reads the next row's text into text_; false at the end of the rows.
  bool next_text() {
    if (!row_start()) return false;
    text_.clear();
    skip_value(&text_);
    return true;
  }
  // More of the file after what the buffer holds from pos_ on, which moves to the buffer's start
  // (the buffer doubles when one row fills it: memory is bounded by the largest row). False at the
  // end of the file.
  bool read_more() {
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
      base_ += static_cast<std::int64_t>(pos_);
      len_ -= pos_;
      pos_ = 0;
    }
    if (len_ == buf_.size()) buf_.resize(buf_.size() * 2);
    const std::size_t got = std::fread(buf_.data() + len_, 1, buf_.size() - len_, f_);
    len_ += got;
    return got > 0;
  }
  // The reference path's row for the loader, from text_: each element parsed (an error located at
  // its place in the file), a JSON column's element as written (loader_cell), not as nlohmann
  // re-serialises it — also a number past a double's range, which nlohmann refuses.
  void loader_row(std::span<const TypeCategory> cats) {
    if (!json_array_items(text_, items_) || items_.size() != cats.size()) return parse_row(row_);
    const std::int64_t start = offset() - static_cast<std::int64_t>(text_.size());
    row_.clear();
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (cats[i] == TypeCategory::json)
        if (auto cell = json_text_cell(items_[i])) {
          row_.push_back(std::move(*cell));
          continue;
        }
      row_.push_back(parse_at(items_[i], start + (items_[i].data() - text_.data())));
    }
  }
  void parse_row(std::vector<json>& row) const {
    json r = parse_text(text_);
    if (!r.is_array()) error("a row is not an array");
    row.assign(std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
  }
  void seek(std::int64_t at) {
    if (fseeko(f_, static_cast<off_t>(at), SEEK_SET) != 0) error("cannot seek");
    base_ = at;
    pos_ = len_ = 0;
  }
  int peek_raw() {
    if (pos_ == len_) {
      base_ += static_cast<std::int64_t>(len_);
      len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
      pos_ = 0;
      if (len_ == 0) return EOF;
    }
    return static_cast<unsigned char>(buf_[pos_]);
  }
  int get_raw() {
    const int c = peek_raw();
    if (c != EOF) ++pos_;
    return c;
  }
  // The next character after whitespace, not consumed.
  int peek() {
    for (;;) {
      const int c = peek_raw();
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return c;
      ++pos_;
    }
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!consume(c)) error(std::string("expected `") + c + "`");
  }
  // Parses the value just read (its text ends at the current offset).
  json parse_text(const std::string& text) const {
    return parse_at(text, offset() - static_cast<std::int64_t>(text.size()));
  }
  // Parses `text`, which starts at file offset `start`.
  json parse_at(std::string_view text, std::int64_t start) const {
    try {
      return json::parse(text);
    } catch (const json::parse_error& e) {
      error_at(start + static_cast<std::int64_t>(e.byte > 0 ? e.byte - 1 : 0), json_message(e));
    } catch (const json::exception& e) {
      error_at(start, json_message(e));
    }
  }
  std::string read_key() {
    if (peek() != '"') error("expected a key");
    std::string text;
    skip_value(&text);
    expect(':');
    json k = parse_text(text);
    if (!k.is_string()) error("a key is not a string");
    return k.get<std::string>();
  }
  // Skips one JSON value (copying its text into `out` when given). Validation of what is copied is
  // left to the parser that reads it; what is skipped only needs balanced brackets and strings.
  void skip_value(std::string* out) {
    int depth = 0;
    peek();
    for (;;) {
      const int c = get_raw();
      if (c == EOF) error("unexpected end of file");
      if (out) *out += static_cast<char>(c);
      if (c == '"') {
        for (;;) {
          // Copy runs of ordinary characters in one go.
          if (pos_ == len_ && peek_raw() == EOF) error("unterminated string");
          const char* s = buf_.data() + pos_;
          const char* e = buf_.data() + len_;
          const char* q = s;
          while (q < e && *q != '"' && *q != '\\') ++q;
          if (out) out->append(s, q);
          pos_ += static_cast<std::size_t>(q - s);
          if (q == e) continue;
          const int d = get_raw();
          if (out) *out += static_cast<char>(d);
          if (d == '"') break;
          const int esc = get_raw();  // the escaped character
          if (esc == EOF) error("unterminated string");
          if (out) *out += static_cast<char>(esc);
        }
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        if (--depth < 0) error("unbalanced brackets");
      } else if (depth == 0) {
        // A scalar (number, true, false, null): up to the next delimiter.
        for (;;) {
          const int d = peek_raw();
          if (d == EOF || d == ',' || d == ']' || d == '}' || d == ' ' || d == '\n' || d == '\r' || d == '\t') break;
          if (out) *out += static_cast<char>(d);
          ++pos_;
        }
        return;
      }
      if (depth == 0) return;
    }
  }
  // "tables": {name: {"columns": [...], "rows": [...]}, ...}
  void read_tables() {
    expect('{');
    if (consume('}')) return;
    do {
      const std::string name = read_key();
      std::vector<std::string> columns;
      std::int64_t rows_at = -1;
      expect('{');
      if (!consume('}')) {
        do {
          const std::string key = read_key();
          if (key == "columns") {
            std::string text;
            skip_value(&text);
            const json cols = parse_text(text);
            if (!cols.is_array()) error("`columns` of table `" + name + "` is not an array");
            for (const auto& c : cols) columns.push_back(c.is_string() ? c.get<std::string>() : c.dump());
          } else if (key == "rows") {
            if (peek() != '[') error("`rows` of table `" + name + "` is not an array");
            rows_at = offset();
            skip_value(nullptr);
          } else {
            skip_value(nullptr);
          }
        } while (consume(','));
        expect('}');
      }
      tables_.push_back({name, std::move(columns)});
      rows_at_.push_back(rows_at);
    } while (consume(','));
    expect('}');
  }

  fs::path path_;
  std::FILE* f_;
  std::string buf_;
  std::size_t pos_ = 0, len_ = 0;
  std::int64_t base_ = 0;  // file offset of buf_[0]
  std::vector<std::int64_t> rows_at_;
  std::map<std::string, std::int64_t> key_at_;  // header key → offset of its value
  std::string text_;
  std::string scratch_;  // scan_json_row's decoded strings
  std::vector<std::string_view> items_;  // the elements' texts of a row read by the reference path
  bool in_rows_ = false, first_ = true;
};

class CsvReader : public Reader {
 public:
  explicit CsvReader(const fs::path& dir) : dir_(dir) {
    header_file_ = dir / "schema.json";
    const std::string text = util::read_file(header_file_);
    json meta;
    try {
      meta = json::parse(text);
    } catch (const json::parse_error& e) {
      auto d = diag::at_offset("import.format", "not valid JSON: " + json_message(e), header_file_.string(), text,
                               e.byte > 0 ? e.byte - 1 : 0);
      d.hint = "the file is damaged or was not written by `flash export`";
      throw diag::Error(std::move(d));
    }
    read_header(meta);
    if (!meta.contains("tables") || !meta["tables"].is_array()) header_error("", "\"tables\" is not an array", "re-export the data");
    for (const auto& t : meta["tables"]) {
      if (!t.is_object() || !t.contains("name") || !t["name"].is_string() || !t.contains("file") ||
          !t["file"].is_string() || !t.contains("columns") || !t["columns"].is_array())
        header_error("", "an entry of \"tables\" lacks a string \"name\", a string \"file\" or a \"columns\" array",
                     "re-export the data");
      std::vector<std::string> cols;
      for (const auto& c : t["columns"]) {
        if (!c.is_string()) header_error("", "a column name of table " + t["name"].dump() + " is not a string", "re-export the data");
        cols.push_back(c.get<std::string>());
      }
      // Only a file of this directory: a path elsewhere would import any file the user can read.
      const std::string file = t["file"].get<std::string>();
      if (file.empty() || file == "." || file == ".." || file.find('/') != std::string::npos ||
          file.find('\\') != std::string::npos || file.find('\0') != std::string::npos)
        header_error("", "table " + t["name"].dump() + " names the file " + json(file).dump() +
                             ", which is not a file of the export directory",
                     "a CSV export names each table's file without a directory");
      tables_.push_back({t["name"].get<std::string>(), std::move(cols)});
      files_.push_back(file);
    }
  }
  void open(std::size_t i) override {
    in_.reset();
    in_ = std::make_unique<CsvRecordReader>(dir_ / files_[i]);
    const auto* t = table_by_key(model_, tables_[i].first);
    if (!t) throw diag::Error("import.format", "table `" + tables_[i].first + "` is not in schema.json");
    cats_ = categories(*t, model_, tables_[i].second);
    in_->next();  // header
  }
  bool next(std::vector<json>& row) override {
    if (!next_record()) return false;
    exchange_row(row);
    return true;
  }
  diag::Location row_location(std::size_t i, std::int64_t row) override {
    open(i);
    for (std::int64_t n = 1; next_record(); ++n)
      if (n == row) return {(dir_ / files_[i]).string(), static_cast<int>(in_->line()), 1, 1};
    return {(dir_ / files_[i]).string(), 0, 0, 1};
  }
  bool next_into(TableLoader& loader) override {
    if (!next_record()) return false;
    const auto& fields = in_->fields();
    if (fields.size() == loader.column_count()) {
      const std::span<driver::Value> slots = loader.row_slots();
      const auto& cats = loader.categories();
      const Dialect target = loader.dialect();
      bool converted = false;
      try {
        for (std::size_t i = 0; i < fields.size(); ++i)
          csv_to_target(slots[i], fields[i].text, fields[i].quoted, cats[i], target);
        converted = true;
      } catch (const std::exception&) {
        // The reference path below names the row and column.
      }
      // Outside the try: a batch the database refuses (named by the loader) is not a bad cell.
      if (converted) {
        loader.accept_row();
        return true;
      }
    }
    exchange_row(row_);
    // JSON columns as written, as csv_to_target takes them.
    for (std::size_t i = 0; i < row_.size() && i < cats_.size(); ++i)
      row_[i] = loader_cell(std::move(row_[i]), cats_[i], fields[i].text, /*null_is_sql=*/false);
    loader.add(row_);
    return true;
  }

 private:
  // The next record that is not a blank line.
  bool next_record() {
    for (;;) {
      if (!in_->next()) return false;
      const auto& f = in_->fields();
      if (!(f.size() == 1 && f[0].text.empty() && !f[0].quoted && cats_.size() != 1)) return true;
    }
  }
  void exchange_row(std::vector<json>& row) const {
    const auto& fields = in_->fields();
    row.clear();
    for (std::size_t i = 0; i < fields.size(); ++i)
      row.push_back(csv_to_exchange(std::string(fields[i].text), fields[i].quoted,
                                    i < cats_.size() ? cats_[i] : TypeCategory::text));
  }

  fs::path dir_;
  std::vector<std::string> files_;
  std::unique_ptr<CsvRecordReader> in_;
  std::vector<TypeCategory> cats_;
};

// A Flash SQLite export (its _flash_export table holds the header), or any other SQLite database:
// then the schema is read from sqlite_schema by pull's SQLite inspector, and every table is loaded
// with the columns its DDL declares, parents before children.
class SqliteReader : public Reader {
 public:
  explicit SqliteReader(const fs::path& p) : conn_(open_sqlite(p, /*read_only=*/true)) {
    const bool flash_export =
        !conn_->query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_flash_export'").rows.empty();
    if (!flash_export) {
      model_ = pull::inspect_sqlite(*conn_);
      model_.views.clear();
      model_.raw.clear();
      for (const auto* t : fk_order(model_)) tables_.push_back({t->name, column_names(*t)});
      return;
    }
    json meta = json::object();
    for (const auto& r : conn_->query("SELECT key, value FROM _flash_export").rows)
      meta[pull::cell(r[0])] = pull::cell(r[1]);
    meta["schema"] = json::parse(meta.value("schema", "{}"), nullptr, false);
    if (meta["schema"].is_discarded()) throw diag::Error("import.format", "`" + p.string() + "`: the schema in _flash_export is not JSON");
    read_header(meta);
    for (const auto& t : json::parse(meta.value("tables", "[]")))
      tables_.push_back({t["name"].get<std::string>(), t["columns"].get<std::vector<std::string>>()});
  }
  void open(std::size_t i) override {
    const auto& [name, cols] = tables_[i];
    const auto* t = table_by_key(model_, name);
    if (!t) throw diag::Error("import.format", "table `" + name + "` is not in the export's schema");
    cats_ = categories(*t, model_, cols);
    std::string sql = "SELECT ";
    for (std::size_t c = 0; c < cols.size(); ++c) sql += (c ? ", " : "") + schema::quote_ident(cols[c], Dialect::sqlite);
    sql += " FROM " + schema::quote_ident(name, Dialect::sqlite);
    cursor_.reset();
    try {
      cursor_ = conn_->stream(sql + " ORDER BY rowid");  // insertion order
    } catch (const driver::DbError&) {
      cursor_ = conn_->stream(sql);  // a WITHOUT ROWID table: primary-key order
    }
  }
  bool next(std::vector<json>& row) override {
    if (!cursor_->next(values_)) return false;
    exchange_row(row);
    return true;
  }
  bool next_into(TableLoader& loader) override {
    if (!cursor_->next(values_)) return false;
    if (values_.size() == loader.column_count()) {
      const std::span<driver::Value> slots = loader.row_slots();
      const auto& cats = loader.categories();
      bool converted = false;
      try {
        // to_target = from_exchange(to_exchange(v)); JSON text as written (json_text_to_target).
        for (std::size_t i = 0; i < values_.size(); ++i) {
          const auto* text = std::get_if<std::string>(&values_[i]);
          if (cats[i] != TypeCategory::json) slots[i] = to_target(values_[i], cats[i], loader.dialect());
          else if (!text || !json_text_to_target(slots[i], *text, /*null_is_sql=*/false))
            slots[i] = from_exchange(to_exchange(values_[i], cats[i]), cats[i], loader.dialect());
        }
        converted = true;
      } catch (const std::exception&) {
        // The reference path below names the row and column.
      }
      // Outside the try: a batch the database refuses (named by the loader) is not a bad cell.
      if (converted) {
        loader.accept_row();
        return true;
      }
    }
    exchange_row(row_);
    for (std::size_t i = 0; i < row_.size(); ++i)
      if (const auto* text = std::get_if<std::string>(&values_[i]))
        row_[i] = loader_cell(std::move(row_[i]), cats_[i], *text, /*null_is_sql=*/false);
    loader.add(row_);
    return true;
  }

 private:
  void exchange_row(std::vector<json>& row) const {
    row.resize(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) row[i] = to_exchange(values_[i], cats_[i]);
  }

  std::unique_ptr<driver::SqlConnection> conn_;
  std::unique_ptr<driver::RowCursor> cursor_;
  std::vector<TypeCategory> cats_;
  std::vector<driver::Value> values_;
};

bool table_exists(driver::SqlConnection& conn, const std::string& schema_name, const std::string& name) {
  try {
    conn.query("SELECT 1 FROM " + schema::quote_qualified(schema_name, name, conn.dialect()) + " WHERE 1 = 0");
    return true;
  } catch (const driver::DbError& e) {
    if (!e.connection_usable()) throw;
    return false;
  }
}

std::unique_ptr<Reader> open_reader(const fs::path& path) {
  try {
    switch (detect_format(path)) {
      case Format::json: return std::make_unique<JsonReader>(path);
      case Format::csv: return std::make_unique<CsvReader>(path);
      case Format::sqlite: return std::make_unique<SqliteReader>(path);
    }
  } catch (const json::exception& e) {
    diag::Diagnostic d;
    d.code = "import.format";
    d.message = "not a valid export: " + json_message(e);
    d.location.file = path.string();
    d.hint = "the file is damaged or was not written by `flash export`";
    d.exit_code = diag::ExitCode::usage;
    throw diag::Error(std::move(d));
  }
  return nullptr;
}

// Creates the tables of `names` that do not exist yet, from the export's model reduced to what
// Flash validates (sanitize.hpp). Returns the keys of the created tables.
std::vector<std::string> create_missing(driver::SqlConnection& conn, const schema::Schema& src,
                                        const std::vector<std::string>& names, const ImportOptions& opts) {
  const Dialect target = conn.dialect();
  const bool same = src.dialect == target;
  std::vector<std::string> missing;
  for (const auto& n : names) {
    const auto* t = table_by_key(src, n);
    if (t && !table_exists(conn, same ? t->schema : "", t->name)) missing.push_back(n);
  }
  if (missing.empty()) return missing;
  std::vector<std::string> dropped;
  schema::Schema create = sanitize_for_create(convert_schema(subset(src, names), target), dropped);
  std::erase_if(create.tables, [&](const schema::Table& t) {
    return std::find(missing.begin(), missing.end(), table_key(t)) == missing.end() &&
           std::find(missing.begin(), missing.end(), t.name) == missing.end();
  });
  std::erase_if(create.indexes, [&](const schema::Index& ix) { return !create.find_table(ix.table, ix.schema); });
  if (target == Dialect::postgresql) {
    // Keep only the enum types the missing tables use and that do not exist yet.
    std::erase_if(create.enums, [&](const schema::EnumType& e) {
      const bool used = std::any_of(create.tables.begin(), create.tables.end(), [&](const schema::Table& t) {
        return std::any_of(t.columns.begin(), t.columns.end(), [&](const schema::Column& c) {
          return c.type.name == e.name && c.type.schema == e.schema;
        });
      });
      if (!used) return true;
      const driver::Value p[] = {e.name, e.schema.empty() ? std::string("public") : e.schema};
      return !conn.query("SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                         "WHERE t.typname = $1 AND n.nspname = $2", p).rows.empty();
    });
    // Schemas of the tables: names validated by sanitize, quoted here.
    std::vector<std::string> schemas;
    for (const auto& t : create.tables)
      if (!t.schema.empty() && std::find(schemas.begin(), schemas.end(), t.schema) == schemas.end())
        schemas.push_back(t.schema);
    for (const auto& sc : schemas) conn.execute("CREATE SCHEMA IF NOT EXISTS " + schema::quote_ident(sc, target));
  }
  if (opts.dropped)
    for (const auto& d : dropped) opts.dropped(d);
  run_script(conn, schema::print_schema(create));
  return missing;
}

}  // namespace

void read_export(const fs::path& path, const ExportTableStart& table, const ExportRow& row) {
  if (!fs::exists(path)) throw diag::Error("import.read", "`" + path.string() + "` does not exist", diag::ExitCode::usage);
  std::unique_ptr<Reader> r = open_reader(path);
  const schema::Schema& src = r->model();
  std::vector<json> values;
  for (std::size_t i = 0; i < r->tables().size(); ++i) {
    const auto& [name, cols] = r->tables()[i];
    const auto* t = table_by_key(src, name);
    if (t == nullptr)
      throw diag::Error("import.format", "table `" + name + "` has rows but is not in the export's schema",
                        diag::ExitCode::usage, std::string("the file is damaged or was not written by `flash export`"));
    try {
      r->open(i);
    } catch (const json::exception& e) {
      throw diag::Error("import.format", "`" + path.string() + "`: table `" + name + "`: " + json_message(e));
    }
    table(src, *t, cols);
    while (r->next(values)) row(values);
  }
}

std::vector<TableCount> import_data(driver::SqlConnection& conn, const ImportOptions& opts) {
  if (!fs::exists(opts.path))
    throw diag::Error("import.read", "`" + opts.path.string() + "` does not exist", diag::ExitCode::usage);
  if (opts.path.filename().string().find(".flash-tmp-") != std::string::npos)
    throw diag::Error("import.read", "`" + opts.path.string() + "` is the unfinished output of an interrupted export",
                      diag::ExitCode::usage, "import a complete export instead");
  std::unique_ptr<Reader> r = open_reader(opts.path);
  const schema::Schema& src = r->model();
  const Dialect target = conn.dialect();
  const bool same = src.dialect == target;
  prepare_session(conn);

  std::vector<std::string> names;
  for (const auto& [name, cols] : r->tables()) {
    if (!table_by_key(src, name)) {
      diag::Diagnostic d;
      d.code = "import.format";
      d.message = "table `" + name + "` has rows but is not in the export's schema";
      d.location = r->locate("schema");
      d.hint = "the file is damaged or was not written by `flash export`";
      d.exit_code = diag::ExitCode::usage;
      throw diag::Error(std::move(d));
    }
    names.push_back(name);
  }
  const std::vector<std::string> missing = create_missing(conn, src, names, opts);

  // Parents first, whatever order the file lists the tables in.
  std::vector<std::size_t> order;
  for (const auto* t : fk_order(src))
    for (std::size_t i = 0; i < names.size(); ++i)
      if (table_by_key(src, names[i]) == t) order.push_back(i);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);

  std::vector<TableCount> counts;
  for (std::size_t i : order) {
    const auto& [name, cols] = r->tables()[i];
    const auto* t = table_by_key(src, name);
    const std::string schema_name = same ? t->schema : "";
    // The rows stream into the driver's bulk statement (TableLoader::Load::stream); when the
    // database refuses one, the table was rolled back and its rows are read again in batches, which
    // name the row (the file is data we can read twice).
    bool streamed = false;
    auto load = [&](TableLoader::Load how) {
      try {
        r->open(i);
      } catch (const json::exception& e) {
        throw diag::Error("import.format", "`" + opts.path.string() + "`: table `" + name + "`: " + json_message(e));
      }
      TableLoader loader(conn, schema_name, t->name, cols, categories(*t, src, cols), how);
      streamed = loader.streaming();
      while (r->next_into(loader)) {
        if (loader.rows() % kProgressEvery == 0 && opts.progress) opts.progress(name, loader.rows(), false);
      }
      return loader.commit();
    };
    std::int64_t n = 0;
    try {
      try {
        n = load(TableLoader::Load::stream);
      } catch (const driver::DbError& e) {
        // A refusal the stream could not place (MySQL/MariaDB; PostgreSQL errors without "COPY t,
        // line N", e.g. of a deferred constraint): the batches name the row.
        if (!streamed || !e.connection_usable()) throw;
        n = load(TableLoader::Load::batches);
      }
    } catch (RowError& e) {
      // The row located in the file (read again, nothing loaded): file:line:col of its start.
      if (e.row() > 0) {
        diag::Location at = r->row_location(i, e.row());
        if (!at.file.empty()) e.diagnostic().location = std::move(at);
      }
      throw;
    }
    if (opts.progress) opts.progress(name, n, true);
    const bool created = std::find(missing.begin(), missing.end(), name) != missing.end();
    counts.push_back({name, n, created});
    // Sequences behind serial/identity columns continue after the imported keys.
    if (target == Dialect::postgresql) {
      for (const auto& c : t->columns) {
        if (!c.auto_increment && c.identity == schema::Identity::none) continue;
        if (std::find(cols.begin(), cols.end(), c.name) == cols.end()) continue;
        const std::string qt = schema::quote_qualified(schema_name, t->name, target);
        const std::string qc = schema::quote_ident(c.name, target);
        const driver::Value p[] = {qt, c.name};
        conn.query("SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(" + qc + "), 0) + 1, false) FROM " + qt, p);
      }
    }
  }
  return counts;
}

}  // namespace flash::exporter
