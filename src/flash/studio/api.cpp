#include "flash/util/text.hpp"
#include "flash/studio/api.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>

#include "flash/lint/stats.hpp"
#include "flash/studio/documents.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/splitter.hpp"

namespace flash::studio {

using nlohmann::json;
using schema::Dialect;

namespace {

constexpr std::int64_t kExactLimit = std::int64_t{1} << 53;

ApiError bad(const std::string& code, const std::string& message) { return ApiError(400, "studio." + code, message); }

// How a column's values are bound and compared.
enum class Kind { integer, decimal, floating, boolean, json_, bytes, enum_, text };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::integer: return "integer";
    case Kind::decimal: return "decimal";
    case Kind::floating: return "float";
    case Kind::boolean: return "boolean";
    case Kind::json_: return "json";
    case Kind::bytes: return "bytes";
    case Kind::enum_: return "enum";
    case Kind::text: return "text";
  }
  return "text";
}

struct Col {
  std::string name;
  std::string type;  // as the model prints it
  Kind kind = Kind::text;
  bool nullable = true;
  bool generated = false;
  std::vector<std::string> enum_values;
};

struct Source {  // a table or a view
  std::string schema, name;
  bool view = false;
  std::vector<Col> cols;
  std::vector<std::string> pk;  // empty: read-only, offset paging
  json foreign_keys = json::array(), referenced_by = json::array();
  const Col* col(std::string_view n) const {
    for (const auto& c : cols)
      if (c.name == n) return &c;
    return nullptr;
  }
};

Kind kind_of(const schema::TypeRef& t, const schema::Schema& m, std::vector<std::string>& enum_values) {
  if (t.array_dims > 0) return Kind::text;
  using C = schema::TypeCategory;
  switch (schema::category(t, m.dialect, &m)) {
    case C::int16: case C::int32: case C::int64: return Kind::integer;
    case C::decimal: return Kind::decimal;
    case C::float32: case C::float64: return Kind::floating;
    case C::boolean: return Kind::boolean;
    case C::json: return Kind::json_;
    case C::bytes: return Kind::bytes;
    case C::enum_:
      if (!t.values.empty()) enum_values = t.values;
      else if (const auto* e = m.find_enum(t.name, t.schema)) enum_values = e->values;
      return Kind::enum_;
    default: return Kind::text;
  }
}


// "-12", "+3.5e-7", and for floats also NaN / Infinity (PostgreSQL's spellings).
bool is_number_text(std::string_view s, bool fraction) {
  if (fraction && (s == "NaN" || s == "Infinity" || s == "-Infinity")) return true;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (fraction && i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (fraction && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

// A JSON value from a request → a bound parameter for column `c`.
driver::Value from_json(const json& v, const Col& c) {
  if (v.is_null()) return driver::Null{};
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      return std::to_string(v.get<std::uint64_t>());
    return v.get<std::int64_t>();
  }
  if (v.is_number_float()) return v.get<double>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    // Numbers as text are checked here: MySQL would read "1; DROP …" as 1 and "1abc" as 1.
    if (c.kind == Kind::integer) {
      std::int64_t n = 0;
      const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return n;
      if (!is_number_text(s, false)) throw bad("value", "column " + c.name + " takes an integer");
    }
    if ((c.kind == Kind::decimal || c.kind == Kind::floating) && !is_number_text(s, true))
      throw bad("value", "column " + c.name + " takes a number");
    return s;
  }
  if (v.is_object() && v.size() == 1 && v.contains("$hex") && v["$hex"].is_string()) {
    auto b = util::from_hex(v["$hex"].get<std::string>());
    if (!b) throw bad("value", "column " + c.name + ": $hex is not an even number of hex digits");
    return driver::Blob{*b};
  }
  if (c.kind == Kind::json_) return v.dump();
  throw bad("value", "column " + c.name + ": a value is null, a boolean, a number, a string or {\"$hex\": …}");
}

const std::string& str_field(const json& b, const char* name) {
  static const std::string empty;
  if (!b.is_object() || !b.contains(name)) return empty;
  if (!b[name].is_string()) throw bad("request", std::string("\"") + name + "\" must be a string");
  return b[name].get_ref<const std::string&>();
}

}  // namespace

json to_json(const driver::Value& v) {
  if (driver::is_null(v)) return nullptr;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&v)) {
    if (*i > kExactLimit || *i < -kExactLimit) return std::to_string(*i);
    return *i;
  }
  if (auto* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) return driver::to_display(v);
    return *d;
  }
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return json{{"$hex", util::to_hex(std::get<driver::Blob>(v).bytes)}};
}

struct Api::Impl {
  driver::SqlConnection& c;
  ApiOptions o;
  Dialect d;
  schema::Schema model;
  std::vector<Source> sources;

  bool mariadb = false;

  Impl(driver::SqlConnection& conn, ApiOptions opts) : c(conn), o(opts), d(conn.dialect()) {
    if (d == Dialect::mysql) mariadb = conn.server_version().find("MariaDB") != std::string::npos;
  }

  std::string q(std::string_view ident) const { return schema::quote_ident_always(ident, d); }
  std::string table_sql(const Source& s) const {
    return s.schema.empty() ? q(s.name) : q(s.schema) + "." + q(s.name);
  }
  std::string ph(std::size_t n) const { return d == Dialect::postgresql ? "$" + std::to_string(n) : "?"; }

  // The column as compared: PostgreSQL json has no equality; LIKE wants text.
  std::string cmp_col(const Col& col, bool like = false) const {
    if (d == Dialect::postgresql && (like || col.type == "json")) return "CAST(" + q(col.name) + " AS text)";
    return q(col.name);
  }
  // A placeholder as compared with `col`: MySQL compares DECIMAL with a string as doubles and
  // JSON with a string as a JSON string, so the parameter is cast to the column's kind.
  std::string cmp_ph(const Col& col, std::size_t n) const {
    if (d == Dialect::mysql && col.kind == Kind::decimal) return "CAST(? AS DECIMAL(65,30))";
    // MySQL 8 compares JSON with JSON; MariaDB's JSON is LONGTEXT kept as written, compared as text.
    if (d == Dialect::mysql && col.kind == Kind::json_ && !mariadb) return "CAST(? AS JSON)";
    return ph(n);
  }
  std::string null_safe_eq() const {
    return d == Dialect::postgresql ? " IS NOT DISTINCT FROM " : d == Dialect::mysql ? " <=> " : " IS ";
  }

  void load() {
    model = pull::inspect(c);
    sources.clear();
    auto make_cols = [&](const schema::Table& t) {
      std::vector<Col> cols;
      for (const auto& col : t.columns) {
        Col x;
        x.name = col.name;
        x.type = schema::render_type(col.type, d);
        x.kind = kind_of(col.type, model, x.enum_values);
        x.nullable = col.nullable;
        x.generated = col.generated != schema::GeneratedKind::none;
        cols.push_back(std::move(x));
      }
      return cols;
    };
    for (const auto& t : model.tables) {
      Source s{t.schema, t.name};
      s.cols = make_cols(t);
      if (t.primary_key) s.pk = t.primary_key->columns;
      for (const auto& fk : t.foreign_keys) {
        auto ref_cols = fk.ref_columns;
        if (ref_cols.empty())
          if (const auto* rt = model.find_table(fk.ref_table, fk.ref_schema); rt && rt->primary_key)
            ref_cols = rt->primary_key->columns;
        s.foreign_keys.push_back(
            {{"columns", fk.columns}, {"ref_schema", fk.ref_schema}, {"ref_table", fk.ref_table}, {"ref_columns", ref_cols}});
      }
      sources.push_back(std::move(s));
    }
    for (auto& s : sources)
      for (const auto& other : sources)
        for (const auto& fk : other.foreign_keys)
          if (fk["ref_table"] == s.name && fk["ref_schema"] == s.schema)
            s.referenced_by.push_back({{"schema", other.schema}, {"table", other.name}, {"columns", fk["columns"]},
                                       {"ref_columns", fk["ref_columns"]}});
    for (const auto& v : model.views) {
      Source s{v.schema, v.name, true};
      // The view's columns as the database reports them for an empty result.
      try {
        auto rs = c.query("SELECT * FROM " + table_sql(s) + " WHERE 1 = 0");
        for (const auto& ci : rs.columns) s.cols.push_back(Col{ci.name, ci.type});
      } catch (const driver::DbError&) {
        continue;  // a view that does not run (a dropped dependency) is not listed
      }
      sources.push_back(std::move(s));
    }
  }

  const Source& source(const json& b) const {
    const std::string& name = str_field(b, "table");
    const std::string& sch = str_field(b, "schema");
    for (const auto& s : sources)
      if (s.name == name && s.schema == sch) return s;
    throw ApiError(404, "studio.table", "no table or view named " + schema::qualified(sch, name));
  }
  const Col& column(const Source& s, const json& name) const {
    if (!name.is_string()) throw bad("column", "a column name must be a string");
    const auto* c = s.col(name.get_ref<const std::string&>());
    if (!c) throw ApiError(400, "studio.column", "table " + s.name + " has no column " + name.get<std::string>());
    return *c;
  }
  void writable(const Source& s) const {
    if (o.read_only) throw ApiError(403, "studio.read_only", "the studio runs with --read-only: writes are disabled");
    if (s.view) throw ApiError(400, "studio.not_editable", s.name + " is a view: read-only");
    if (s.pk.empty())
      throw ApiError(400, "studio.not_editable", s.name + " has no primary key: read-only (rows cannot be addressed)");
  }

  json column_json(const Source& s, const Col& c) const {
    json j = {{"name", c.name}, {"type", c.type}, {"kind", kind_name(c.kind)}, {"nullable", c.nullable},
              {"pk", std::find(s.pk.begin(), s.pk.end(), c.name) != s.pk.end()}, {"generated", c.generated}};
    if (!c.enum_values.empty()) j["enum"] = c.enum_values;
    return j;
  }

  json tables() {
    auto stats = lint::live_stats(c, o.large_rows);
    json out = json::array();
    for (const auto& s : sources) {
      json t = {{"schema", s.schema}, {"name", s.name}, {"kind", s.view ? "view" : "table"},
                {"primary_key", s.pk}, {"editable", !s.view && !s.pk.empty() && !o.read_only},
                {"foreign_keys", s.foreign_keys}, {"referenced_by", s.referenced_by}};
      json cols = json::array();
      for (const auto& c2 : s.cols) cols.push_back(column_json(s, c2));
      t["columns"] = cols;
      t["rows"] = nullptr;
      if (!s.view)
        if (auto st = stats(s.schema, s.name)) {
          t["rows"] = st->rows;
          t["count"] = lint::to_string(st->count);
        }
      if (s.view) t["note"] = "a view: read-only";
      else if (s.pk.empty()) t["note"] = "no primary key: read-only";
      out.push_back(std::move(t));
    }
    return {{"model", "relational"}, {"dialect", std::string(schema::to_string(d))}, {"tables", out}};
  }

  // WHERE terms of the filters; appends their parameters.
  std::vector<std::string> filters(const Source& s, const json& fs, std::vector<driver::Value>& params) const {
    std::vector<std::string> terms;
    if (fs.is_null()) return terms;
    if (!fs.is_array()) throw bad("filter", "\"filters\" must be an array of {column, op, value}");
    for (const auto& f : fs) {
      if (!f.is_object()) throw bad("filter", "a filter is {column, op, value}");
      const Col& col = column(s, f.value("column", json()));
      const std::string op = f.contains("op") && f["op"].is_string() ? f["op"].get<std::string>() : "";
      const json v = f.value("value", json());
      auto one = [&](const json& x) {
        params.push_back(from_json(x, col));
        return cmp_ph(col, params.size());
      };
      static const std::set<std::string> binary = {"=", "<>", "<", ">", "<=", ">="};
      if (binary.count(op)) {
        if (v.is_null()) throw bad("filter", "compare with NULL through the is_null / not_null operators");
        terms.push_back(cmp_col(col) + " " + op + " " + one(v));
      } else if (op == "like") {
        if (!v.is_string()) throw bad("filter", "like takes a string pattern");
        params.push_back(v.get<std::string>());
        terms.push_back(cmp_col(col, true) + " LIKE " + ph(params.size()));
      } else if (op == "in") {
        if (!v.is_array() || v.empty() || v.size() > 1000) throw bad("filter", "in takes an array of 1 to 1000 values");
        std::string list;
        for (const auto& x : v) list += (list.empty() ? "" : ", ") + one(x);
        terms.push_back(cmp_col(col) + " IN (" + list + ")");
      } else if (op == "between") {
        if (!v.is_array() || v.size() != 2) throw bad("filter", "between takes [low, high]");
        const std::string lo = one(v[0]);
        terms.push_back(cmp_col(col) + " BETWEEN " + lo + " AND " + one(v[1]));
      } else if (op == "is_null") {
        terms.push_back(q(col.name) + " IS NULL");
      } else if (op == "not_null") {
        terms.push_back(q(col.name) + " IS NOT NULL");
      } else {
        throw bad("operator", "unknown filter operator; one of =, <>, <, >, <=, >=, like, in, between, is_null, not_null");
      }
    }
    return terms;
  }

  // The keyset condition "after `cursor` in the order (sort column?, pk...) ascending or not".
  std::string keyset(const std::vector<const Col*>& keys, bool sort_nullable, const json& cursor, bool asc,
                     std::vector<driver::Value>& params) const {
    if (!cursor.is_array() || cursor.size() != keys.size())
      throw bad("cursor", "a cursor is the array of the key values the previous page returned");
    const std::string gt = asc ? " > " : " < ";
    // (k_i > v_i) OR (k_i = v_i AND rest) over the non-null keys from `from`.
    std::function<std::string(std::size_t)> chain = [&](std::size_t i) -> std::string {
      params.push_back(from_json(cursor[i], *keys[i]));
      std::string t = "(" + cmp_col(*keys[i]) + gt + cmp_ph(*keys[i], params.size());
      if (i + 1 < keys.size()) {
        params.push_back(from_json(cursor[i], *keys[i]));
        const std::string eq = cmp_col(*keys[i]) + " = " + cmp_ph(*keys[i], params.size());
        t += " OR (" + eq + " AND " + chain(i + 1) + ")";
      }
      return t + ")";
    };
    if (!sort_nullable) return chain(0);
    // The sort column may be NULL: NULLs come last ascending, first descending.
    const std::string k = q(keys[0]->name);
    if (cursor[0].is_null()) {
      if (keys.size() == 1) throw bad("cursor", "bad cursor");
      const std::string rest = "(" + k + " IS NULL AND " + [&] {
        std::vector<const Col*> tail(keys.begin() + 1, keys.end());
        json tc(cursor.begin() + 1, cursor.end());
        return keyset(tail, false, tc, asc, params);
      }() + ")";
      return asc ? rest : "(" + rest + " OR " + k + " IS NOT NULL)";
    }
    const std::string c0 = chain(0);
    return asc ? "(" + c0 + " OR " + k + " IS NULL)" : "(" + k + " IS NOT NULL AND " + c0 + ")";
  }

  json rows(const json& rq, const Api::PageSink& sink) {
    if (!rq.is_object()) throw bad("request", "the query is a JSON object");
    const Source& s = source(rq);
    const int limit = rq.contains("limit") && rq["limit"].is_number_integer() ? rq["limit"].get<int>() : 50;
    if (limit < 1 || limit > o.max_page) throw bad("limit", "limit is 1 to " + std::to_string(o.max_page));
    std::string dir = rq.contains("dir") && rq["dir"].is_string() ? rq["dir"].get<std::string>() : "asc";
    if (dir != "asc" && dir != "desc") throw bad("sort", "dir is asc or desc");
    const Col* sort = rq.contains("sort") && !rq["sort"].is_null() ? &column(s, rq["sort"]) : nullptr;
    if (sort && d == Dialect::postgresql && sort->type == "json")
      throw bad("sort", "json columns have no order in PostgreSQL");
    std::vector<driver::Value> params;
    auto where = filters(s, rq.value("filters", json()), params);

    std::string cols;
    for (const auto& c2 : s.cols) cols += (cols.empty() ? "" : ", ") + q(c2.name);
    std::string sql = "SELECT " + cols + " FROM " + table_sql(s);
    json out = {{"table", s.name}, {"schema", s.schema}};
    json col_json = json::array();
    for (const auto& c2 : s.cols) col_json.push_back(column_json(s, c2));
    out["columns"] = col_json;
    out["editable"] = !s.view && !s.pk.empty() && !o.read_only;

    if (s.pk.empty()) {  // offset paging: there is no key to page by
      const std::int64_t offset = rq.contains("offset") && rq["offset"].is_number_integer() ? rq["offset"].get<std::int64_t>() : 0;
      if (offset < 0) throw bad("cursor", "offset must not be negative");
      std::string order;
      if (sort) order = " ORDER BY " + cmp_col(*sort) + (dir == "asc" ? " ASC" : " DESC");
      if (!where.empty()) {
        sql += " WHERE ";
        for (std::size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : "") + where[i];
      }
      sql += order + " LIMIT " + std::to_string(limit + 1) + " OFFSET " + std::to_string(offset);
      auto rs = c.query(sql, params);
      if (rs.rows.size() > static_cast<std::size_t>(limit) && sink) {
        auto page = rs;
        page.rows.resize(static_cast<std::size_t>(limit));
        sink(page);
      } else if (sink) {
        sink(rs);
      }
      json rows_j = json::array();
      for (std::size_t i = 0; i < rs.rows.size() && i < static_cast<std::size_t>(limit); ++i) {
        json r = json::array();
        for (const auto& v : rs.rows[i]) r.push_back(to_json(v));
        rows_j.push_back(std::move(r));
      }
      out["paging"] = "offset";
      out["rows"] = rows_j;
      out["next"] = rs.rows.size() > static_cast<std::size_t>(limit) ? json{{"offset", offset + limit}} : json();
      out["prev"] = offset > 0 ? json{{"offset", std::max<std::int64_t>(0, offset - limit)}} : json();
      return out;
    }

    // Keyset paging on (sort column, primary key...).
    std::vector<const Col*> keys;
    const bool sort_in_pk = sort && std::find(s.pk.begin(), s.pk.end(), sort->name) != s.pk.end();
    if (sort && !sort_in_pk) keys.push_back(sort);
    if (sort_in_pk) keys.push_back(sort);
    for (const auto& p : s.pk)
      if (!sort_in_pk || p != sort->name) keys.push_back(s.col(p));
    const bool nullable = sort && !sort_in_pk && sort->nullable;
    const bool backward = (rq.contains("before") && !rq["before"].is_null()) || rq.value("last", false);
    const bool asc = (dir == "asc") != backward;
    if (rq.contains("after") && !rq["after"].is_null())
      where.push_back(keyset(keys, nullable, rq["after"], asc, params));
    else if (rq.contains("before") && !rq["before"].is_null())
      where.push_back(keyset(keys, nullable, rq["before"], asc, params));
    if (!where.empty()) {
      sql += " WHERE ";
      for (std::size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : "") + where[i];
    }
    std::string order;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i == 0 && nullable) order += q(keys[0]->name) + (asc ? " IS NULL ASC, " : " IS NULL DESC, ");
      order += (i ? ", " : "") + cmp_col(*keys[i]) + (asc ? " ASC" : " DESC");
    }
    sql += " ORDER BY " + order + " LIMIT " + std::to_string(limit + 1);
    const auto t0 = std::chrono::steady_clock::now();
    auto rs = c.query(sql, params);
    out["server_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const bool more = rs.rows.size() > static_cast<std::size_t>(limit);
    if (more) rs.rows.pop_back();
    if (backward) std::reverse(rs.rows.begin(), rs.rows.end());
    if (sink) sink(rs);
    std::vector<std::size_t> key_idx;
    for (const auto* k : keys)
      key_idx.push_back(static_cast<std::size_t>(k - s.cols.data()));
    auto cursor_of = [&](const std::vector<driver::Value>& row) {
      json cur = json::array();
      for (auto i : key_idx) cur.push_back(to_json(row[i]));
      return cur;
    };
    json rows_j = json::array();
    for (const auto& row : rs.rows) {
      json r = json::array();
      for (const auto& v : row) r.push_back(to_json(v));
      rows_j.push_back(std::move(r));
    }
    const bool had_cursor = (rq.contains("after") && !rq["after"].is_null()) || backward;
    out["paging"] = "keyset";
    out["key"] = json::array();
    for (const auto* k : keys) out["key"].push_back(k->name);
    out["rows"] = rows_j;
    // Forward: more after the last row when the query overflowed, or (after a backward page) always.
    const bool has_next = !rs.rows.empty() && (backward ? (rq.contains("before") && !rq["before"].is_null()) : more);
    const bool has_prev = !rs.rows.empty() && (backward ? more : had_cursor);
    out["next"] = has_next ? cursor_of(rs.rows.back()) : json();
    out["prev"] = has_prev ? cursor_of(rs.rows.front()) : json();
    return out;
  }

  // "pk1 = ? AND pk2 = ?" for the key object; appends the parameters.
  std::string key_where(const Source& s, const json& key, std::vector<driver::Value>& params) const {
    if (!key.is_object() || key.size() != s.pk.size())
      throw bad("key", "the row's key is an object with exactly the primary-key columns");
    std::string w;
    for (const auto& p : s.pk) {
      if (!key.contains(p)) throw bad("key", "the row's key lacks primary-key column " + p);
      const Col& col = *s.col(p);
      params.push_back(from_json(key[p], col));
      w += (w.empty() ? "" : " AND ") + cmp_col(col) + " = " + cmp_ph(col, params.size());
    }
    return w;
  }

  json update(const json& b) {
    const Source& s = source(b);
    writable(s);
    const json& set = b.value("set", json());
    const json& old = b.value("old", json());
    if (!set.is_object() || set.empty()) throw bad("request", "\"set\" is an object of column: new value");
    if (!old.is_object()) throw bad("request", "\"old\" is an object of column: the value as read (no lost update)");
    std::vector<driver::Value> params;
    std::string assign;
    for (const auto& [name, v] : set.items()) {
      const Col& col = column(s, name);
      if (col.generated) throw bad("column", "column " + col.name + " is generated: read-only");
      if (!old.contains(name)) throw bad("request", "\"old\" lacks column " + name + ": an edit carries the old values");
      params.push_back(from_json(v, col));
      assign += (assign.empty() ? "" : ", ") + q(col.name) + " = " + ph(params.size());
    }
    std::string where = key_where(s, b.value("key", json()), params);
    for (const auto& [name, v] : old.items()) {
      const Col& col = column(s, name);
      params.push_back(from_json(v, col));
      where += " AND " + cmp_col(col) + null_safe_eq() + cmp_ph(col, params.size());
    }
    driver::Transaction tx(c);
    auto rs = c.query("UPDATE " + table_sql(s) + " SET " + assign + " WHERE " + where, params);
    if (rs.affected_rows != 1)
      throw ApiError(409, "studio.conflict",
                     "the row changed (or was deleted) since it was read: nothing was written; reload it and edit again");
    tx.commit();
    return {{"updated", 1}};
  }

  json insert(const json& b) {
    const Source& s = source(b);
    writable(s);
    const json& values = b.value("values", json::object());
    if (!values.is_object()) throw bad("request", "\"values\" is an object of column: value");
    std::vector<driver::Value> params;
    std::string names, phs;
    for (const auto& [name, v] : values.items()) {
      const Col& col = column(s, name);
      params.push_back(from_json(v, col));
      names += (names.empty() ? "" : ", ") + q(col.name);
      phs += (phs.empty() ? "" : ", ") + ph(params.size());
    }
    std::string sql = "INSERT INTO " + table_sql(s);
    if (names.empty()) sql += d == Dialect::mysql ? " () VALUES ()" : " DEFAULT VALUES";
    else sql += " (" + names + ") VALUES (" + phs + ")";
    auto rs = c.query(sql, params);
    json out = {{"inserted", rs.affected_rows}};
    if (rs.last_insert_id) out["last_insert_id"] = to_json(*rs.last_insert_id);
    return out;
  }

  json remove(const json& b) {
    const Source& s = source(b);
    writable(s);
    const json& keys = b.value("keys", json());
    if (!keys.is_array() || keys.empty() || keys.size() > 1000) throw bad("request", "\"keys\" is an array of 1 to 1000 row keys");
    driver::Transaction tx(c);
    for (const auto& k : keys) {
      std::vector<driver::Value> params;
      const std::string where = key_where(s, k, params);
      auto rs = c.query("DELETE FROM " + table_sql(s) + " WHERE " + where, params);
      if (rs.affected_rows != 1)
        throw ApiError(409, "studio.conflict", "a row to delete is no longer there: nothing was deleted; reload");
    }
    tx.commit();
    return {{"deleted", keys.size()}};
  }

  json run_sql(const json& b, const std::function<bool()>& stop) {
    if (o.read_only) throw ApiError(403, "studio.read_only", "the studio runs with --read-only: the SQL runner is disabled");
    const std::string& text = str_field(b, "sql");
    diag::Diagnostics diags;
    auto stmts = sql::split_statements(sql::SourceFile{"<sql>", text}, d, diags);
    if (diag::has_errors(diags)) {
      const auto& dg = diags.front();
      throw ApiError(400, "studio.sql", dg.message, json{{"line", dg.location.line}, {"column", dg.location.column}});
    }
    json results = json::array();
    bool ddl = false;
    for (std::size_t i = 0; i < stmts.size(); ++i) {
      const auto& st = stmts[i];
      json r = {{"statement", st.text}, {"line", st.line}};
      if (stop && stop()) {
        r["error"] = {{"message", "cancelled before it ran"}, {"cancelled", true}, {"line", st.line}, {"column", st.column}};
        results.push_back(std::move(r));
        if (ddl) refresh_quietly();
        return {{"results", results}, {"ok", false}};
      }
      const auto t0 = std::chrono::steady_clock::now();
      try {
        auto rs = c.query(st.text);
        r["ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (!rs.columns.empty()) {
          json cols = json::array(), rows_j = json::array();
          for (const auto& ci : rs.columns) cols.push_back({{"name", ci.name}, {"type", ci.type}});
          for (std::size_t n = 0; n < rs.rows.size() && n < static_cast<std::size_t>(o.max_result_rows); ++n) {
            json row = json::array();
            for (const auto& v : rs.rows[n]) row.push_back(to_json(v));
            rows_j.push_back(std::move(row));
          }
          r["columns"] = cols;
          r["rows"] = rows_j;
          r["row_count"] = rs.rows.size();
          r["truncated"] = rs.rows.size() > static_cast<std::size_t>(o.max_result_rows);
        } else {
          r["affected_rows"] = rs.affected_rows;
          ddl = true;
        }
      } catch (const driver::DbError& e) {
        r["error"] = {{"message", e.what()}, {"sqlstate", e.sqlstate()}, {"line", st.line}, {"column", st.column}};
        if (stop && stop()) r["error"]["cancelled"] = true;
        results.push_back(std::move(r));
        if (ddl) refresh_quietly();
        return {{"results", results}, {"ok", false}};
      }
      results.push_back(std::move(r));
    }
    if (ddl) refresh_quietly();
    return {{"results", results}, {"ok", true}};
  }

  void refresh_quietly() {
    try {
      load();
    } catch (const std::exception&) {
      // the model stays as it was; the next /api/tables call reports what it can
    }
  }
};

Api::Api(driver::SqlConnection& c, ApiOptions o) : impl_(std::make_unique<Impl>(c, o)) { impl_->load(); }
Api::Api(driver::DocumentConnection& c, ApiOptions o, driver::Document declared)
    : docs_(std::make_unique<DocumentApi>(c, o, std::move(declared))) {}
Api::~Api() = default;
Api::Impl& Api::sql() const {
  if (!impl_)
    throw ApiError(400, "studio.not_sql", "this is a MongoDB project: SQL, tables and schema pages do not apply");
  return *impl_;
}
void Api::refresh() { sql().load(); }
void Api::reconnect(driver::SqlConnection& c) {
  auto fresh = std::make_unique<Impl>(c, sql().o);
  fresh->load();
  impl_ = std::move(fresh);
}
const schema::Schema& Api::model() const { return sql().model; }
json Api::tables() { return sql().tables(); }
json Api::rows(const json& q, const PageSink& sink) { return sql().rows(q, sink); }
json Api::update(const json& b) { return sql().update(b); }
json Api::insert(const json& b) { return sql().insert(b); }
json Api::remove(const json& b) { return sql().remove(b); }
json Api::run_sql(const json& b, const std::function<bool()>& stop) { return sql().run_sql(b, stop); }

}  // namespace flash::studio
