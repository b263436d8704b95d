// MongoDB collections through the export formats (see data.hpp).
#include "flash/mongo/data.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <set>

#include "flash/export/format.hpp"
#include "flash/mongo/bson.hpp"
#include "flash/mongo/infer.hpp"

namespace flash::mongo {
namespace fs = std::filesystem;
using schema::TypeCategory;

namespace {

constexpr const char* kIdColumn = "_id";
constexpr const char* kDocumentColumn = "_document";

// An extra column: a dotted path into the document and its SQLite type.
struct Extra {
  std::string path;
  std::string type;
};

// The SQLite type of one scalar BSON type, "" for the types kept only in `_document`.
std::string column_type(const std::string& bson) {
  if (bson == "string" || bson == "objectId") return "text";
  if (bson == "int" || bson == "long") return "integer";
  if (bson == "double") return "real";
  if (bson == "bool") return "boolean";
  if (bson == "date") return "timestamp";
  return "";
}

// The columns a collection gets beside _id and _document: fields whose values (nulls aside) have
// one scalar type in the sample; top-level only unless `flatten`.
std::vector<Extra> extra_columns(const Inferred& inf, bool flatten) {
  std::vector<Extra> out;
  for (const auto& f : inf.fields) {
    if (f.path == kIdColumn || f.path == kDocumentColumn || f.path.find(".[]") != std::string::npos) continue;
    if (!flatten && f.path.find('.') != std::string::npos) continue;
    std::string only;
    int kinds = 0;
    for (const auto& [t, n] : f.types)
      if (t != "null") {
        only = t;
        ++kinds;
      }
    if (kinds != 1) continue;
    const std::string type = column_type(only);
    if (!type.empty()) out.push_back({f.path, type});
  }
  return out;
}

const Json* at_path(const Json& doc, const std::string& path) {
  const Json* cur = &doc;
  std::size_t start = 0;
  for (;;) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || bson_type(*cur) != "object" || !cur->contains(key)) return nullptr;
    cur = &(*cur)[key];
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

std::string iso_from_ms(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int frac = static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

// A canonical value as the driver value of a column of `type` (null when it does not fit).
driver::Value cell(const Json* v, const std::string& type) {
  if (v == nullptr) return driver::Null{};
  const std::string t = bson_type(*v);
  if (type == "text") {
    if (t == "string") return v->get<std::string>();
    if (t == "objectId") return (*v)["$oid"].get<std::string>();
    return driver::Null{};
  }
  if (type == "integer" && (t == "int" || t == "long")) return static_cast<std::int64_t>(std::stoll(v->begin().value().get<std::string>()));
  if (type == "real" && t == "double") return *bson_number(*v);
  if (type == "boolean" && t == "bool") return v->get<bool>();
  if (type == "timestamp" && t == "date") {
    const Json& d = (*v)["$date"];
    if (d.is_object() && d.contains("$numberLong")) return iso_from_ms(std::stoll(d["$numberLong"].get<std::string>()));
  }
  return driver::Null{};
}

std::string id_text(const Json& doc) {
  if (!doc.contains("_id")) return "";
  const Json& id = doc["_id"];
  const std::string t = bson_type(id);
  if (t == "objectId") return id["$oid"].get<std::string>();
  if (t == "string") return id.get<std::string>();
  return id.dump();
}

schema::Column column(const std::string& name, const std::string& type, bool not_null) {
  schema::Column c;
  c.name = name;
  c.type.name = type;
  c.nullable = !not_null;
  return c;
}

// ---- import --------------------------------------------------------------------------------------

Json typed_value(const nlohmann::json& x, TypeCategory c) {
  if (x.is_null()) return nullptr;
  switch (c) {
    case TypeCategory::int16:
    case TypeCategory::int32:
      if (x.is_number_integer()) return Json{{"$numberInt", std::to_string(x.get<std::int64_t>())}};
      break;
    case TypeCategory::int64:
      if (x.is_string() || x.is_number_integer())
        return Json{{"$numberLong", x.is_string() ? x.get<std::string>() : std::to_string(x.get<std::int64_t>())}};
      break;
    case TypeCategory::decimal:
      if (x.is_string()) return Json{{"$numberDecimal", x.get<std::string>()}};
      break;
    case TypeCategory::float32:
    case TypeCategory::float64:
      if (x.is_string()) return Json{{"$numberDouble", x.get<std::string>()}};  // NaN, ±Infinity
      if (x.is_number()) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", x.get<double>());
        return Json{{"$numberDouble", std::string(buf)}};
      }
      break;
    case TypeCategory::bytes:
      if (x.is_string()) return Json{{"$binary", Json{{"base64", x.get<std::string>()}, {"subType", "00"}}}};
      break;
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz:
      if (x.is_string()) return Json{{"$date", Json{{"$numberLong", std::to_string(iso_to_ms(x.get<std::string>()))}}}};
      break;
    case TypeCategory::json: return Json::parse(x.dump());
    default: break;
  }
  return Json::parse(x.dump());
}

}  // namespace

std::vector<std::string> user_collections(driver::DocumentConnection& c) {
  std::vector<std::string> out;
  for (const auto& e : c.list_collections()) {
    const std::string n = e.value("name", "");
    if (n.empty() || n.starts_with("_flash_") || n.starts_with("system.") || e.value("type", "collection") == "view")
      continue;
    out.push_back(n);
  }
  return out;
}

std::vector<exporter::TableCount> export_collections(driver::DocumentConnection& c, const DataExportOptions& o) {
  const auto all = user_collections(c);
  std::vector<std::string> names = o.collections.empty() ? all : o.collections;
  for (const auto& n : names)
    if (std::find(all.begin(), all.end(), n) == all.end())
      throw diag::Error("export.unknown-table", "no collection `" + n + "` in database `" + c.database() + "`",
                        diag::ExitCode::usage, diag::did_you_mean(n, all));
  schema::Schema model;
  model.dialect = schema::Dialect::sqlite;
  std::map<std::string, std::vector<Extra>> extras;
  for (const auto& n : names) {
    const Sample s = sample_collection(c, n, o.sample);
    auto ex = extra_columns(infer_schema(s.documents), o.format == exporter::Format::csv);
    schema::Table t;
    t.name = n;
    t.columns.push_back(column(kIdColumn, "text", true));
    t.columns.push_back(column(kDocumentColumn, "text", true));  // text: JSON readers would reorder the keys
    for (const auto& e : ex) t.columns.push_back(column(e.path, e.type, false));
    t.primary_key = schema::PrimaryKey{};
    t.primary_key->columns = {kIdColumn};
    model.tables.push_back(std::move(t));
    extras[n] = std::move(ex);
  }
  exporter::ExportOptions eo;
  eo.format = o.format;
  eo.path = o.path;
  eo.progress = o.progress;
  auto feed = [&](const schema::Table& t, const exporter::RowEmit& emit) {
    const auto& ex = extras[t.name];
    std::vector<driver::Value> row;
    c.find_each(t.name, Json::object(), {.sort = Json{{"_id", 1}}, .mode = driver::JsonMode::canonical},
                [&](const Json& doc) {
                  row.clear();
                  row.emplace_back(id_text(doc));
                  row.emplace_back(doc.dump());
                  for (const auto& e : ex) row.push_back(cell(at_path(doc, e.path), e.type));
                  emit(row);
                  return true;
                });
  };
  return exporter::export_rows(model, feed, eo);
}

Json row_document(const schema::Table& t, const schema::Schema& model, const std::vector<std::string>& columns,
                  const std::vector<nlohmann::json>& row) {
  Json doc = Json::object();
  const bool single_key = t.primary_key && t.primary_key->columns.size() == 1;
  for (std::size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    const schema::Column* col = t.find_column(columns[i]);
    const TypeCategory cat = col ? schema::category(col->type, model.dialect, &model) : TypeCategory::text;
    Json v = typed_value(row[i], cat);
    if (single_key && columns[i] == t.primary_key->columns[0]) doc["_id"] = v;
    doc[columns[i]] = std::move(v);
  }
  return doc;
}

std::vector<exporter::TableCount> import_collections(driver::DocumentConnection& c, const fs::path& path,
                                                     const exporter::Progress& progress) {
  std::vector<exporter::TableCount> counts;
  const auto existing = user_collections(c);
  std::vector<driver::Document> batch;
  std::string table;
  std::int64_t rows = 0;
  const schema::Schema* model = nullptr;
  const schema::Table* current = nullptr;
  std::vector<std::string> cols;
  std::ptrdiff_t doc_col = -1;
  auto flush = [&] {
    if (batch.empty()) return;
    try {
      c.insert(table, batch);
    } catch (const driver::DbError& e) {
      if (!e.connection_usable()) throw;
      throw diag::Error("import.row", "collection `" + table + "`: a document of rows " +
                                          std::to_string(rows - static_cast<std::int64_t>(batch.size()) + 1) + ".." +
                                          std::to_string(rows) + " was refused: " + e.what() + " [" + e.sqlstate() + "]");
    }
    batch.clear();
  };
  auto finish = [&] {
    if (table.empty()) return;
    flush();
    if (progress) progress(table, rows, true);
    counts.push_back({table, rows, std::find(existing.begin(), existing.end(), table) == existing.end()});
  };
  exporter::read_export(
      path,
      [&](const schema::Schema& m, const schema::Table& t, const std::vector<std::string>& columns) {
        finish();
        model = &m;
        current = &t;
        cols = columns;
        table = t.name;
        rows = 0;
        auto it = std::find(cols.begin(), cols.end(), kDocumentColumn);
        doc_col = it == cols.end() ? -1 : it - cols.begin();
      },
      [&](const std::vector<nlohmann::json>& row) {
        ++rows;
        Json doc;
        try {
          if (doc_col >= 0) {
            const auto& v = row[static_cast<std::size_t>(doc_col)];
            doc = v.is_string() ? Json::parse(v.get<std::string>()) : Json::parse(v.dump());
            if (!doc.is_object()) throw std::invalid_argument("`_document` is not a JSON object");
          } else {
            doc = row_document(*current, *model, cols, row);
          }
        } catch (const std::exception& e) {
          throw diag::Error("import.row", "table `" + table + "` row " + std::to_string(rows) + ": " + e.what());
        }
        batch.push_back(std::move(doc));
        if (batch.size() >= 1000) flush();
      });
  finish();
  return counts;
}

}  // namespace flash::mongo
