// Export writers and import readers for the three formats (export.hpp).
#include "flash/export/export.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "flash/config/url.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/export/format.hpp"
#include "flash/export/loader.hpp"
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

namespace {

// The part of the model being exported: the chosen tables, foreign keys to tables left out dropped.
schema::Schema subset(const schema::Schema& model, const std::vector<std::string>& names) {
  if (names.empty()) return model;
  for (const auto& n : names)
    if (!model.find_table(n))
      throw diag::Error("export.unknown-table", "table `" + n + "` is not in the schema", diag::ExitCode::usage,
                        "tables: " + [&] {
                          std::vector<std::string> all;
                          for (const auto& t : model.tables) all.push_back(t.name);
                          return util::join(all, ", ");
                        }());
  schema::Schema out = model;
  out.tables.clear();
  out.indexes.clear();
  for (const auto& t : model.tables)
    if (std::find(names.begin(), names.end(), t.name) != names.end()) out.tables.push_back(t);
  for (auto& t : out.tables)
    std::erase_if(t.foreign_keys, [&](const schema::ForeignKey& fk) { return !out.find_table(fk.ref_table); });
  for (const auto& ix : model.indexes)
    if (out.find_table(ix.table, ix.schema)) out.indexes.push_back(ix);
  out.views.clear();
  out.raw.clear();
  return out;
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

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void begin_table(const schema::Table& t, const std::vector<std::string>& cols,
                           const std::vector<TypeCategory>& cats) = 0;
  virtual void row(const std::vector<json>& values) = 0;
  virtual void end_table(std::int64_t rows) = 0;
  virtual void finish() = 0;
};

std::ofstream open_out(const fs::path& p) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) throw diag::Error("export.write", "cannot write `" + p.string() + "`");
  return out;
}

class JsonWriter : public Writer {
 public:
  JsonWriter(const fs::path& p, const schema::Schema& s) : out_(open_out(p)), path_(p) {
    out_ << "{\"version\":" << kFormatVersion << ",\"dialect\":" << json(std::string(schema::to_string(s.dialect)))
         << ",\n\"schema\":" << schema::to_json(s).dump() << ",\n\"tables\":{";
  }
  void begin_table(const schema::Table& t, const std::vector<std::string>& cols,
                   const std::vector<TypeCategory>&) override {
    out_ << (first_table_ ? "\n" : ",\n") << json(t.name).dump() << ":{\"columns\":" << json(cols).dump()
         << ",\"rows\":[";
    first_table_ = false;
    first_row_ = true;
  }
  void row(const std::vector<json>& values) override {
    out_ << (first_row_ ? "\n" : ",\n") << json(values).dump(-1, ' ', false, json::error_handler_t::replace);
    first_row_ = false;
  }
  void end_table(std::int64_t) override { out_ << "]}"; }
  void finish() override {
    out_ << "\n}}\n";
    out_.close();
    if (!out_) throw diag::Error("export.write", "cannot write `" + path_.string() + "`");
  }

 private:
  std::ofstream out_;
  fs::path path_;
  bool first_table_ = true, first_row_ = true;
};

class CsvWriter : public Writer {
 public:
  CsvWriter(const fs::path& dir, const schema::Schema& s) : dir_(dir), model_(s) {
    fs::create_directories(dir_);
  }
  void begin_table(const schema::Table& t, const std::vector<std::string>& cols,
                   const std::vector<TypeCategory>& cats) override {
    const std::string file = t.name + ".csv";
    out_ = open_out(dir_ / file);
    cats_ = cats;
    std::string line;
    for (std::size_t i = 0; i < cols.size(); ++i) line += (i ? "," : "") + csv_field(cols[i], TypeCategory::text);
    out_ << line << "\r\n";
    tables_.push_back({{"name", t.name}, {"file", file}, {"columns", cols}});
  }
  void row(const std::vector<json>& values) override {
    line_.clear();
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) line_ += ',';
      line_ += csv_field(values[i], cats_[i]);
    }
    line_ += "\r\n";
    out_ << line_;
  }
  void end_table(std::int64_t rows) override {
    tables_.back()["rows"] = rows;
    out_.close();
    if (!out_) throw diag::Error("export.write", "cannot write to `" + dir_.string() + "`");
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
  std::ofstream out_;
  std::vector<TypeCategory> cats_;
  json tables_ = json::array();
  std::string line_;
};

std::unique_ptr<driver::SqlConnection> open_sqlite(const fs::path& p) {
  return driver::connect_sql(config::parse_database_url("sqlite://" + fs::absolute(p).string()));
}

class SqliteWriter : public Writer {
 public:
  SqliteWriter(const fs::path& p, const schema::Schema& s) : model_(s) {
    std::error_code ec;
    fs::remove(p, ec);
    conn_ = open_sqlite(p);
    conn_->execute("CREATE TABLE _flash_export (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    run_script(*conn_, schema::print_schema(convert_schema(s, Dialect::sqlite)));
  }
  void begin_table(const schema::Table& t, const std::vector<std::string>& cols,
                   const std::vector<TypeCategory>& cats) override {
    loader_ = std::make_unique<TableLoader>(*conn_, t.name, cols, cats);
    tables_.push_back({{"name", t.name}, {"columns", cols}});
  }
  void row(const std::vector<json>& values) override { loader_->add(values); }
  void end_table(std::int64_t rows) override {
    loader_->commit();
    loader_.reset();
    tables_.back()["rows"] = rows;
  }
  void finish() override {
    const std::vector<std::pair<std::string, std::string>> meta = {
        {"version", std::to_string(kFormatVersion)},
        {"dialect", std::string(schema::to_string(model_.dialect))},
        {"schema", schema::to_json(model_).dump()},
        {"tables", tables_.dump()}};
    for (const auto& [k, v] : meta) {
      const driver::Value params[] = {k, v};
      conn_->query("INSERT INTO _flash_export (key, value) VALUES (?, ?)", params);
    }
  }

 private:
  const schema::Schema& model_;
  std::unique_ptr<driver::SqlConnection> conn_;
  std::unique_ptr<TableLoader> loader_;
  json tables_ = json::array();
};

constexpr std::int64_t kProgressEvery = 10000;

}  // namespace

std::vector<TableCount> export_data(driver::SqlConnection& conn, const schema::Schema& model,
                                    const ExportOptions& opts) {
  const schema::Schema s = subset(model, opts.tables);
  if (opts.format == Format::csv && fs::exists(opts.path) && !fs::is_empty(opts.path))
    throw diag::Error("export.exists", "directory `" + opts.path.string() + "` exists and is not empty",
                      diag::ExitCode::usage, "choose another path with -o");
  if (opts.path.has_parent_path()) fs::create_directories(opts.path.parent_path());
  prepare_session(conn);
  std::unique_ptr<Writer> w;
  switch (opts.format) {
    case Format::json: w = std::make_unique<JsonWriter>(opts.path, s); break;
    case Format::csv: w = std::make_unique<CsvWriter>(opts.path, s); break;
    case Format::sqlite: w = std::make_unique<SqliteWriter>(opts.path, s); break;
  }
  std::vector<TableCount> counts;
  const Dialect d = conn.dialect();
  std::vector<json> values;
  std::vector<driver::Value> row;
  for (const schema::Table* t : fk_order(s)) {
    const auto cols = column_names(*t);
    const auto cats = categories(*t, s, cols);
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < cols.size(); ++i) sql += (i ? ", " : "") + schema::quote_ident(cols[i], d);
    sql += " FROM " + schema::quote_qualified(t->schema, t->name, d);
    if (!opts.where.empty()) sql += " WHERE (" + opts.where + ")";
    w->begin_table(*t, cols, cats);
    auto cursor = conn.stream(sql);
    std::int64_t n = 0;
    values.resize(cols.size());
    while (cursor->next(row)) {
      for (std::size_t i = 0; i < cols.size(); ++i) values[i] = to_exchange(row[i], cats[i]);
      w->row(values);
      if (++n % kProgressEvery == 0 && opts.progress) opts.progress(t->name, n, false);
    }
    w->end_table(n);
    if (opts.progress) opts.progress(t->name, n, true);
    counts.push_back({t->name, n, false});
  }
  w->finish();
  return counts;
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

 protected:
  void read_header(const json& meta) {
    if (!meta.contains("version") || !meta.contains("schema"))
      throw diag::Error("import.format", "not a Flash export (no version/schema)");
    const int version = meta["version"].is_string() ? std::stoi(meta["version"].get<std::string>())
                                                    : meta["version"].get<int>();
    if (version != kFormatVersion)
      throw diag::Error("import.format", "export format version " + std::to_string(version) + " is not supported");
    model_ = schema::schema_from_json(meta["schema"]);
    if (auto d = schema::dialect_from_string(meta.value("dialect", ""))) model_.dialect = *d;
  }
  schema::Schema model_;
  std::vector<std::pair<std::string, std::vector<std::string>>> tables_;
};

class JsonReader : public Reader {
 public:
  explicit JsonReader(const fs::path& p) {
    // The whole document is parsed; rows are then consumed table by table.
    std::ifstream in(p, std::ios::binary);
    if (!in) throw diag::Error("import.read", "cannot read `" + p.string() + "`");
    doc_ = json::parse(in, nullptr, false);
    if (doc_.is_discarded() || !doc_.is_object())
      throw diag::Error("import.format", "`" + p.string() + "` is not a JSON export");
    read_header(doc_);
    for (auto& [name, t] : doc_["tables"].items())
      tables_.push_back({name, t["columns"].get<std::vector<std::string>>()});
  }
  void open(std::size_t i) override {
    rows_ = &doc_["tables"][tables_[i].first]["rows"];
    pos_ = 0;
  }
  bool next(std::vector<json>& row) override {
    if (pos_ >= rows_->size()) return false;
    json& r = (*rows_)[pos_++];
    row.assign(std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
    r = nullptr;  // release as we go
    return true;
  }

 private:
  json doc_;
  json* rows_ = nullptr;
  std::size_t pos_ = 0;
};

// RFC 4180 record reader; remembers whether each field was quoted (NULL vs empty string).
bool read_csv_record(std::istream& in, std::vector<std::pair<std::string, bool>>& fields) {
  fields.clear();
  std::streambuf* sb = in.rdbuf();
  int c = sb->sgetc();
  if (c == EOF) return false;
  std::string cur;
  bool quoted = false;
  for (;;) {
    c = sb->sbumpc();
    if (c == EOF) {
      fields.emplace_back(std::move(cur), quoted);
      return true;
    }
    if (c == '"' && cur.empty() && !quoted) {
      quoted = true;
      for (;;) {
        c = sb->sbumpc();
        if (c == EOF) throw diag::Error("import.format", "unterminated quoted CSV field");
        if (c == '"') {
          if (sb->sgetc() == '"') {
            sb->sbumpc();
            cur += '"';
          } else {
            break;
          }
        } else {
          cur += static_cast<char>(c);
        }
      }
      continue;
    }
    if (c == ',') {
      fields.emplace_back(std::move(cur), quoted);
      cur.clear();
      quoted = false;
      continue;
    }
    if (c == '\r' && sb->sgetc() == '\n') {
      sb->sbumpc();
      c = '\n';
    }
    if (c == '\n') {
      fields.emplace_back(std::move(cur), quoted);
      return true;
    }
    cur += static_cast<char>(c);
  }
}

class CsvReader : public Reader {
 public:
  explicit CsvReader(const fs::path& dir) : dir_(dir) {
    auto meta = json::parse(util::read_file(dir / "schema.json"), nullptr, false);
    if (meta.is_discarded()) throw diag::Error("import.format", "`" + (dir / "schema.json").string() + "` is not JSON");
    read_header(meta);
    for (const auto& t : meta["tables"]) {
      tables_.push_back({t["name"].get<std::string>(), t["columns"].get<std::vector<std::string>>()});
      files_.push_back(t["file"].get<std::string>());
    }
  }
  void open(std::size_t i) override {
    in_ = std::ifstream(dir_ / files_[i], std::ios::binary);
    if (!in_) throw diag::Error("import.read", "cannot read `" + (dir_ / files_[i]).string() + "`");
    const auto* t = model_.find_table(tables_[i].first);
    if (!t) throw diag::Error("import.format", "table `" + tables_[i].first + "` is not in schema.json");
    cats_ = categories(*t, model_, tables_[i].second);
    read_csv_record(in_, fields_);  // header
  }
  bool next(std::vector<json>& row) override {
    if (!read_csv_record(in_, fields_)) return false;
    if (fields_.size() == 1 && fields_[0].first.empty() && !fields_[0].second && cats_.size() != 1)
      return next(row);  // blank line
    row.clear();
    for (std::size_t i = 0; i < fields_.size(); ++i)
      row.push_back(csv_to_exchange(fields_[i].first, fields_[i].second, i < cats_.size() ? cats_[i] : TypeCategory::text));
    return true;
  }

 private:
  fs::path dir_;
  std::vector<std::string> files_;
  std::ifstream in_;
  std::vector<TypeCategory> cats_;
  std::vector<std::pair<std::string, bool>> fields_;
};

class SqliteReader : public Reader {
 public:
  explicit SqliteReader(const fs::path& p) : conn_(open_sqlite(p)) {
    json meta = json::object();
    try {
      for (const auto& r : conn_->query("SELECT key, value FROM _flash_export").rows)
        meta[std::get<std::string>(r[0])] = std::get<std::string>(r[1]);
    } catch (const driver::DbError&) {
      throw diag::Error("import.format", "`" + p.string() + "` is not a Flash export (no _flash_export table)",
                        diag::ExitCode::usage, "export it with `flash export --format sqlite`");
    }
    meta["schema"] = json::parse(meta.value("schema", "{}"));
    read_header(meta);
    for (const auto& t : json::parse(meta.value("tables", "[]")))
      tables_.push_back({t["name"].get<std::string>(), t["columns"].get<std::vector<std::string>>()});
  }
  void open(std::size_t i) override {
    const auto& [name, cols] = tables_[i];
    const auto* t = model_.find_table(name);
    if (!t) throw diag::Error("import.format", "table `" + name + "` is not in the export's schema");
    cats_ = categories(*t, model_, cols);
    std::string sql = "SELECT ";
    for (std::size_t c = 0; c < cols.size(); ++c) sql += (c ? ", " : "") + schema::quote_ident(cols[c], Dialect::sqlite);
    sql += " FROM " + schema::quote_ident(name, Dialect::sqlite) + " ORDER BY rowid";
    cursor_.reset();
    cursor_ = conn_->stream(sql);
  }
  bool next(std::vector<json>& row) override {
    if (!cursor_->next(values_)) return false;
    row.resize(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) row[i] = to_exchange(values_[i], cats_[i]);
    return true;
  }

 private:
  std::unique_ptr<driver::SqlConnection> conn_;
  std::unique_ptr<driver::RowCursor> cursor_;
  std::vector<TypeCategory> cats_;
  std::vector<driver::Value> values_;
};

bool table_exists(driver::SqlConnection& conn, const std::string& name) {
  try {
    conn.query("SELECT 1 FROM " + schema::quote_ident(name, conn.dialect()) + " WHERE 1 = 0");
    return true;
  } catch (const driver::DbError& e) {
    if (!e.connection_usable()) throw;
    return false;
  }
}

}  // namespace

std::vector<TableCount> import_data(driver::SqlConnection& conn, const ImportOptions& opts) {
  if (!fs::exists(opts.path))
    throw diag::Error("import.read", "`" + opts.path.string() + "` does not exist", diag::ExitCode::usage);
  std::unique_ptr<Reader> r;
  switch (detect_format(opts.path)) {
    case Format::json: r = std::make_unique<JsonReader>(opts.path); break;
    case Format::csv: r = std::make_unique<CsvReader>(opts.path); break;
    case Format::sqlite: r = std::make_unique<SqliteReader>(opts.path); break;
  }
  const schema::Schema& src = r->model();
  const Dialect target = conn.dialect();
  prepare_session(conn);

  // Create the tables that do not exist yet, printed in the target dialect.
  std::vector<std::string> names;
  for (const auto& [name, cols] : r->tables()) names.push_back(name);
  std::vector<std::string> missing;
  for (const auto& n : names)
    if (!table_exists(conn, n)) missing.push_back(n);
  if (!missing.empty()) {
    schema::Schema create = convert_schema(subset(src, names), target);
    std::erase_if(create.tables, [&](const schema::Table& t) {
      return std::find(missing.begin(), missing.end(), t.name) == missing.end();
    });
    std::erase_if(create.indexes, [&](const schema::Index& ix) { return !create.find_table(ix.table); });
    create.views.clear();
    create.raw.clear();
    create.comments.clear();
    if (target == Dialect::postgresql) {
      // Keep only the enum types the missing tables use and that do not exist yet.
      std::erase_if(create.enums, [&](const schema::EnumType& e) {
        const bool used = std::any_of(create.tables.begin(), create.tables.end(), [&](const schema::Table& t) {
          return std::any_of(t.columns.begin(), t.columns.end(),
                             [&](const schema::Column& c) { return c.type.name == e.name; });
        });
        if (!used) return true;
        const driver::Value p[] = {e.name};
        return !conn.query("SELECT 1 FROM pg_type WHERE typname = $1", p).rows.empty();
      });
    }
    run_script(conn, schema::print_schema(create));
  }

  // Parents first, whatever order the file lists the tables in.
  std::vector<std::size_t> order;
  for (const auto* t : fk_order(src))
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == t->name) order.push_back(i);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);

  std::vector<TableCount> counts;
  std::vector<json> row;
  for (std::size_t i : order) {
    const auto& [name, cols] = r->tables()[i];
    const auto* t = src.find_table(name);
    if (!t) throw diag::Error("import.format", "table `" + name + "` is not in the export's schema");
    r->open(i);
    TableLoader loader(conn, name, cols, categories(*t, src, cols));
    while (r->next(row)) {
      loader.add(row);
      if (loader.rows() % kProgressEvery == 0 && opts.progress) opts.progress(name, loader.rows(), false);
    }
    const std::int64_t n = loader.commit();
    if (opts.progress) opts.progress(name, n, true);
    const bool created = std::find(missing.begin(), missing.end(), name) != missing.end();
    counts.push_back({name, n, created});
    // Sequences behind serial/identity columns continue after the imported keys.
    if (target == Dialect::postgresql) {
      for (const auto& c : t->columns) {
        if (!c.auto_increment && c.identity == schema::Identity::none) continue;
        if (std::find(cols.begin(), cols.end(), c.name) == cols.end()) continue;
        const std::string qt = schema::quote_ident(name, target), qc = schema::quote_ident(c.name, target);
        conn.query("SELECT setval(pg_get_serial_sequence(" + schema::quote_string(qt) + ", " +
                   schema::quote_string(c.name) + "), COALESCE(MAX(" + qc + "), 0) + 1, false) FROM " + qt);
      }
    }
  }
  return counts;
}

}  // namespace flash::exporter
