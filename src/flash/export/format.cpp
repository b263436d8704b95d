// Schema loading, FK ordering, dialect conversion and the value exchange form (format.hpp).
#include "flash/export/format.hpp"

#include "flash/config/sql_files.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

namespace flash::exporter {
namespace fs = std::filesystem;
using schema::Dialect;
using schema::TypeCategory;

schema::Schema load_project_schema(const config::Config& cfg) {
  const auto paths = config::sql_files(cfg, cfg.schema_dir, "schema", "schema_dir");
  std::vector<sql::SourceFile> files;
  for (const auto& p : paths) files.push_back({p.string(), util::read_file(p)});
  diag::Diagnostics diags;
  auto model = sql::parse_schema(files, cfg.provider, diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  return model;
}

std::vector<const schema::Table*> fk_order(const schema::Schema& s) {
  // Kahn's algorithm, always taking the first ready table in declaration order so the result is
  // stable.
  const std::size_t n = s.tables.size();
  std::vector<std::set<std::size_t>> deps(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& fk : s.tables[i].foreign_keys)
      for (std::size_t j = 0; j < n; ++j)
        if (j != i && s.tables[j].name == fk.ref_table &&
            (fk.ref_schema.empty() || fk.ref_schema == s.tables[j].schema))
          deps[i].insert(j);
  std::vector<bool> done(n, false);
  std::vector<const schema::Table*> out;
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (done[i]) continue;
      if (std::all_of(deps[i].begin(), deps[i].end(), [&](std::size_t j) { return done[j]; })) {
        done[i] = true;
        out.push_back(&s.tables[i]);
        progress = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!done[i]) out.push_back(&s.tables[i]);
  return out;
}

std::vector<const schema::Column*> data_columns(const schema::Table& t) {
  std::vector<const schema::Column*> out;
  for (const auto& c : t.columns)
    if (c.generated == schema::GeneratedKind::none) out.push_back(&c);
  return out;
}

namespace {

schema::TypeRef make(std::string name, std::vector<std::string> args = {}) {
  schema::TypeRef t;
  t.name = std::move(name);
  t.args = std::move(args);
  return t;
}

bool is_keyed(const schema::Table& t, const schema::Schema& s, const std::string& col) {
  auto has = [&](const std::vector<std::string>& cols) {
    return std::find(cols.begin(), cols.end(), col) != cols.end();
  };
  if (t.primary_key && has(t.primary_key->columns)) return true;
  for (const auto& u : t.uniques)
    if (has(u.columns)) return true;
  for (const auto& fk : t.foreign_keys)
    if (has(fk.columns)) return true;
  for (const auto* ix : s.indexes_of(t.name, t.schema))
    for (const auto& p : ix->parts)
      if (p.column == col) return true;
  return false;
}

std::vector<std::string> enum_values(const schema::TypeRef& t, const schema::Schema& s) {
  if (!t.values.empty()) return t.values;
  if (const auto* e = s.find_enum(t.name, t.schema)) return e->values;
  return {};
}

schema::TypeRef unsigned_type(schema::TypeRef t) {
  t.is_unsigned = true;
  return t;
}

schema::TypeRef convert_type(const schema::Column& c, const schema::Table& t, const schema::Schema& s,
                             Dialect to) {
  const TypeCategory cat = schema::category(c.type, s.dialect, &s);
  const bool keyed = is_keyed(t, s, c.name);
  const bool has_len = !c.type.args.empty() && (c.type.name == "varchar" || c.type.name == "char" ||
                                                c.type.name == "character varying" ||
                                                c.type.name == "character" || c.type.name == "nvarchar");
  const bool pg = to == Dialect::postgresql, my = to == Dialect::mysql;
  switch (cat) {
    case TypeCategory::boolean: return pg ? make("boolean") : my ? make("tinyint", {"1"}) : make("boolean");
    case TypeCategory::int16: return pg || my ? make("smallint") : make("integer");
    case TypeCategory::int32: return pg ? make("integer") : my ? make("int") : make("integer");
    case TypeCategory::int64:
      // MySQL's UNSIGNED integers have the category of the next wider type; an unsigned BIGINT (up
      // to 2^64 - 1) is NUMERIC(20) on PostgreSQL and TEXT on SQLite (whose INTEGER would turn it
      // into an inexact REAL).
      if (c.type.is_unsigned && c.type.name == "bigint")
        return pg ? make("numeric", {"20"}) : my ? unsigned_type(make("bigint")) : make("text");
      return pg || my ? make("bigint") : make("integer");
    case TypeCategory::float32: return pg ? make("real") : my ? make("float") : make("real");
    case TypeCategory::float64: return pg ? make("double precision") : my ? make("double") : make("real");
    case TypeCategory::decimal:
      if (pg) return make("numeric", c.type.args);
      if (my) return make("decimal", c.type.args.empty() ? std::vector<std::string>{"65", "30"} : c.type.args);
      return make("text");  // NUMERIC affinity would turn "1.50" into the REAL 1.5
    case TypeCategory::bytes:
      if (pg) return make("bytea");
      if (my) return keyed ? make("varbinary", {"255"}) : make("longblob");
      return make("blob");
    case TypeCategory::date: return make("date");
    case TypeCategory::time: return my ? make("time", {"6"}) : pg ? make("time") : make("text");
    case TypeCategory::timestamp: return my ? make("datetime", {"6"}) : pg ? make("timestamp") : make("text");
    case TypeCategory::timestamptz: return my ? make("datetime", {"6"}) : pg ? make("timestamptz") : make("text");
    case TypeCategory::uuid: return pg ? make("uuid") : my ? make("char", {"36"}) : make("text");
    case TypeCategory::json: return pg ? make("jsonb") : my ? make("json") : make("text");
    case TypeCategory::enum_:
      if (my) {
        auto e = make("enum");
        e.values = enum_values(c.type, s);
        if (!e.values.empty()) return e;
      }
      return pg || my ? make("varchar", {"255"}) : make("text");
    case TypeCategory::text:
      if (has_len) {
        if (pg || my) return make(c.type.name == "char" || c.type.name == "character" ? "char" : "varchar", c.type.args);
        return make("text");
      }
      if (my) return keyed ? make("varchar", {"255"}) : make("longtext");
      return make("text");
    default:
      if (my) return keyed ? make("varchar", {"255"}) : make("longtext");
      return make("text");
  }
}

}  // namespace

schema::TypeRef convert_column_type(const schema::Column& c, const schema::Table& t, const schema::Schema& s,
                                    Dialect target) {
  return convert_type(c, t, s, target);
}

schema::Schema convert_schema(const schema::Schema& s, Dialect target) {
  if (s.dialect == target) {
    schema::Schema out = s;
    out.views.clear();  // views may reference objects outside the export; data lives in tables
    out.raw.clear();
    return out;
  }
  schema::Schema out;
  out.dialect = target;
  for (const auto& t : s.tables) {
    schema::Table nt;
    nt.name = t.name;
    for (const auto& c : t.columns) {
      if (c.generated != schema::GeneratedKind::none) continue;
      schema::Column nc;
      nc.name = c.name;
      nc.type = convert_type(c, t, s, target);
      nc.nullable = c.nullable;
      const TypeCategory cat = schema::category(c.type, s.dialect, &s);
      const bool integer = cat == TypeCategory::int16 || cat == TypeCategory::int32 || cat == TypeCategory::int64;
      nc.auto_increment = integer && (c.auto_increment || c.identity != schema::Identity::none);
      nt.columns.push_back(std::move(nc));
    }
    nt.primary_key = t.primary_key;
    nt.uniques = t.uniques;
    for (auto fk : t.foreign_keys) {
      fk.ref_schema.clear();
      fk.match.clear();
      fk.deferrable = fk.initially_deferred = false;
      nt.foreign_keys.push_back(std::move(fk));
    }
    // AUTOINCREMENT in SQLite only exists on an INTEGER PRIMARY KEY; elsewhere only on the key.
    for (auto& c : nt.columns) {
      const bool sole_pk = nt.primary_key && nt.primary_key->columns.size() == 1 && nt.primary_key->columns[0] == c.name;
      if (!sole_pk) c.auto_increment = false;
    }
    out.tables.push_back(std::move(nt));
  }
  for (const auto& ix : s.indexes) {
    bool plain = std::all_of(ix.parts.begin(), ix.parts.end(), [](const schema::IndexPart& p) { return !p.column.empty(); });
    if (!plain || !ix.where.empty() || !ix.method.empty()) continue;
    schema::Index ni;
    ni.name = ix.name;
    ni.table = ix.table;
    ni.unique = ix.unique;
    for (const auto& p : ix.parts) {
      schema::IndexPart np;
      np.column = p.column;
      np.descending = p.descending;
      ni.parts.push_back(np);
    }
    out.indexes.push_back(std::move(ni));
  }
  return out;
}

// ---- values ------------------------------------------------------------------------------------

namespace {

std::string double_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip form
  return std::string(buf, r.ptr);
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  // Trimmed only when it may need it (util::trim asks the locale about every end).
  if (!s.empty() && (static_cast<unsigned char>(s.front()) <= ' ' || static_cast<unsigned char>(s.back()) <= ' '))
    s = util::trim(s);
  std::int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  s = util::trim(s);
  if (s == "NaN") return std::nan("");
  if (s == "Infinity" || s == "inf") return HUGE_VAL;
  if (s == "-Infinity" || s == "-inf") return -HUGE_VAL;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Whether a double is a whole number an int64 holds.
bool whole(double d) { return std::isfinite(d) && d == std::trunc(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0; }

// A boolean column's value that is a number other than 0 and 1 (an integer, or the text of one).
std::optional<std::int64_t> boolean_number(const driver::Value& v) {
  std::optional<std::int64_t> n;
  if (auto* i = std::get_if<std::int64_t>(&v)) n = *i;
  else if (auto* t = std::get_if<std::string>(&v)) n = parse_int(*t);
  if (n && *n != 0 && *n != 1) return n;
  return std::nullopt;
}

bool truthy(std::string_view s) {
  if (!s.empty() && (static_cast<unsigned char>(s.front()) <= ' ' || static_cast<unsigned char>(s.back()) <= ' '))
    s = util::trim(s);
  return s == "t" || s == "true" || s == "1" || s == "TRUE" || s == "y" || s == "yes" || s == "on";
}

std::string value_text(const driver::Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<driver::Blob>(&v)) return b->bytes;
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) return double_text(*d);
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return "";
}

// "2024-01-02 03:04:05.5+00" → "2024-01-02T03:04:05.5+00:00".
std::string iso_timestamp(std::string s) {
  if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
  // A trailing zone "+HH" (PostgreSQL's short form) gets its minutes.
  if (s.size() > 13) {
    const std::size_t p = s.size() - 3;
    if ((s[p] == '+' || s[p] == '-') && std::isdigit(static_cast<unsigned char>(s[p + 1])) &&
        std::isdigit(static_cast<unsigned char>(s[p + 2])) && p > 10)
      s += ":00";
  }
  return s;
}

std::string strip_fraction_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Timestamp without zone (UTC) in "YYYY-MM-DD HH:MM:SS[.fff]" with trailing zeros trimmed.
std::string plain_timestamp(std::string s) {
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.pop_back();
  if (s.size() > 19) {
    const std::size_t zone = s.find_first_of("+-", 19);
    if (zone != std::string::npos) s.resize(zone);
  }
  return strip_fraction_zeros(s);
}


}  // namespace

std::string base64_encode(std::string_view in) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += i + 1 < in.size() ? tbl[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view in) {
  std::string out;
  base64_decode_to(out, in);
  return out;
}

void base64_decode_to(std::string& out, std::string_view in) {
  // Each character's 6 bits; -1: not base64, -2: a line break (skipped).
  static constexpr auto kValue = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 26; ++i) {
      t['A' + i] = static_cast<signed char>(i);
      t['a' + i] = static_cast<signed char>(26 + i);
    }
    for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<signed char>(52 + i);
    t['+'] = 62;
    t['/'] = 63;
    t['\n'] = -2;
    t['\r'] = -2;
    return t;
  }();
  // Written through a pointer into storage sized for the longest result, then cut to length.
  out.resize(in.size() / 4 * 3 + 3);
  char* o = out.data();
  // Whole groups of four base64 characters first; the loop below takes over at the first '=',
  // line break or invalid character (each of which is negative in kValue).
  const auto* u = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t i = 0;
  for (; i + 4 <= in.size(); i += 4) {
    const int a = kValue[u[i]], b = kValue[u[i + 1]], c = kValue[u[i + 2]], d = kValue[u[i + 3]];
    if ((a | b | c | d) < 0) break;
    const unsigned v = static_cast<unsigned>(a) << 18 | static_cast<unsigned>(b) << 12 | static_cast<unsigned>(c) << 6 |
                       static_cast<unsigned>(d);
    o[0] = static_cast<char>(v >> 16);
    o[1] = static_cast<char>((v >> 8) & 0xFF);
    o[2] = static_cast<char>(v & 0xFF);
    o += 3;
  }
  unsigned acc = 0;
  int bits = 0;
  for (const char c : in.substr(i)) {
    if (c == '=') break;
    const int v = kValue[static_cast<unsigned char>(c)];
    if (v < 0) {
      if (v == -2) continue;
      out.clear();
      throw std::invalid_argument("invalid base64 character");
    }
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
}

nlohmann::json to_exchange(const driver::Value& v, TypeCategory c) {
  using nlohmann::json;
  if (driver::is_null(v)) return nullptr;
  switch (c) {
    case TypeCategory::bits:  // MySQL's BIT(1) reads as a bool: its bit, as PostgreSQL writes bit(1)
      if (auto* b = std::get_if<bool>(&v)) return *b ? "1" : "0";
      return value_text(v);
    case TypeCategory::boolean:
      // A number other than 0 and 1 (MySQL's TINYINT(1) and SQLite's BOOLEAN hold any) stays that number.
      if (auto* b = std::get_if<bool>(&v)) return *b;
      if (auto n = boolean_number(v)) return *n;
      if (auto* i = std::get_if<std::int64_t>(&v)) return *i != 0;
      return truthy(value_text(v));
    case TypeCategory::int16:
    case TypeCategory::int32:
      if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
      if (auto i = parse_int(value_text(v))) return *i;
      return value_text(v);
    case TypeCategory::int64:
      // A REAL in an INTEGER column (SQLite keeps what it is given) is written as it is unless whole.
      if (auto* d = std::get_if<double>(&v)) return whole(*d) ? std::to_string(static_cast<std::int64_t>(*d)) : double_text(*d);
      return value_text(v);
    case TypeCategory::float32:
    case TypeCategory::float64: {
      std::optional<double> d;
      if (auto* p = std::get_if<double>(&v)) d = *p;
      else if (auto* i = std::get_if<std::int64_t>(&v)) d = static_cast<double>(*i);
      else d = parse_double(value_text(v));
      if (!d) return value_text(v);
      if (std::isnan(*d) || std::isinf(*d)) return double_text(*d);
      return *d;
    }
    case TypeCategory::bytes: return base64_encode(value_text(v));
    case TypeCategory::json: {
      if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
      if (auto* d = std::get_if<double>(&v)) return *d;
      const std::string s = value_text(v);
      auto j = json::parse(s, nullptr, false);
      if (j.is_discarded()) return s;
      return j;
    }
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz: return iso_timestamp(value_text(v));
    default: return value_text(v);
  }
}

driver::Value from_exchange(const nlohmann::json& j, TypeCategory c, Dialect target) {
  if (j.is_null()) return driver::Null{};
  auto text = [&]() -> std::string {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
    return j.dump();
  };
  switch (c) {
    case TypeCategory::boolean: {
      std::optional<std::int64_t> n;
      if (j.is_number_integer() && !(j.is_number_unsigned() && j.get<std::uint64_t>() > INT64_MAX)) n = j.get<std::int64_t>();
      else if (j.is_string()) n = parse_int(text());
      if (n && target != Dialect::postgresql) return *n;  // the number itself, as the column held it
      const bool b = n ? *n != 0 : j.is_boolean() ? j.get<bool>() : j.is_number() ? j.get<double>() != 0 : truthy(text());
      if (target == Dialect::postgresql) return b;
      return std::int64_t{b ? 1 : 0};
    }
    case TypeCategory::int16:
    case TypeCategory::int32:
    case TypeCategory::int64:
      if (j.is_number_integer()) return j.get<std::int64_t>();
      if (auto i = parse_int(text())) return *i;
      return text();  // let the database report what is wrong with it
    case TypeCategory::float32:
    case TypeCategory::float64:
      if (j.is_number()) return j.get<double>();
      if (auto d = parse_double(text())) return *d;
      return text();
    case TypeCategory::bytes: return driver::Blob{base64_decode(text())};
    case TypeCategory::json:
      if (j.is_binary()) return std::string(j.get_binary().begin(), j.get_binary().end());  // json_text_cell
      return j.dump();
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz:
      if (target == Dialect::mysql) return plain_timestamp(text());  // DATETIME takes no zone
      return text();
    default: return text();
  }
}

std::string csv_field(const nlohmann::json& x, TypeCategory c) {
  if (x.is_null()) return "";
  std::string s = c == TypeCategory::json ? x.dump() : x.is_string() ? x.get<std::string>() : x.dump();
  if (!s.empty() && s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

nlohmann::json csv_to_exchange(const std::string& text, bool quoted, TypeCategory c) {
  using nlohmann::json;
  if (!quoted && text.empty()) return nullptr;
  switch (c) {
    case TypeCategory::boolean:
      if (auto n = parse_int(text); n && *n != 0 && *n != 1) return *n;
      return truthy(text);
    case TypeCategory::int16:
    case TypeCategory::int32:
      if (auto i = parse_int(text)) return *i;
      return text;
    case TypeCategory::float32:
    case TypeCategory::float64: {
      auto d = parse_double(text);
      if (!d || std::isnan(*d) || std::isinf(*d)) return text;
      return *d;
    }
    case TypeCategory::json: {
      auto j = json::parse(text, nullptr, false);
      if (j.is_discarded()) return text;
      return j;
    }
    default: return text;
  }
}

// ---- fast exchange input (import) ---------------------------------------------------------------

void assign_text(driver::Value& out, std::string_view text) {
  if (auto* s = std::get_if<std::string>(&out)) s->assign(text);
  else out = std::string(text);
}

namespace {

void assign_bool(driver::Value& out, bool b, Dialect target) {
  if (target == Dialect::postgresql) out = b;
  else out = std::int64_t{b ? 1 : 0};
}

// A number in a boolean column: PostgreSQL's boolean takes whether it is not 0; MySQL's TINYINT(1)
// and SQLite keep the number.
void assign_bool_number(driver::Value& out, std::int64_t n, Dialect target) {
  if (target == Dialect::postgresql) out = n != 0;
  else out = n;
}

// from_exchange(j, c, target) for a JSON string j with contents `s` — and for any scalar whose
// text() is `s` in the categories that read only the text. Not for JSON columns.
void text_to_target(driver::Value& out, std::string_view s, TypeCategory c, Dialect target) {
  switch (c) {
    case TypeCategory::boolean:
      if (auto n = parse_int(s)) assign_bool_number(out, *n, target);
      else assign_bool(out, truthy(s), target);
      return;
    case TypeCategory::int16:
    case TypeCategory::int32:
    case TypeCategory::int64:
      if (auto i = parse_int(s)) out = *i;
      else assign_text(out, s);  // let the database report what is wrong with it
      return;
    case TypeCategory::float32:
    case TypeCategory::float64:
      if (auto d = parse_double(s)) out = *d;
      else assign_text(out, s);
      return;
    case TypeCategory::bytes:
      if (!std::holds_alternative<driver::Blob>(out)) out = driver::Blob{};
      base64_decode_to(std::get<driver::Blob>(out).bytes, s);
      return;
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz:
      if (target == Dialect::mysql) assign_text(out, plain_timestamp(std::string(s)));  // DATETIME takes no zone
      else assign_text(out, s);
      return;
    default: assign_text(out, s); return;
  }
}

bool is_float(TypeCategory c) { return c == TypeCategory::float32 || c == TypeCategory::float64; }

}  // namespace

void csv_to_target(driver::Value& out, std::string_view text, bool quoted, TypeCategory c, Dialect target) {
  if (!quoted && text.empty()) {
    out = driver::Null{};
    return;
  }
  if (c == TypeCategory::json) {
    // A JSON document as written (json_text_to_target); text that is not JSON as a JSON string.
    // SQL NULL is the empty unquoted field (above), so `null` is JSON's null.
    if (!json_text_to_target(out, text, /*null_is_sql=*/false)) out = nlohmann::json(std::string(text)).dump();
    return;
  }
  text_to_target(out, text, c, target);
}

bool token_to_target(driver::Value& out, TokenKind kind, std::string_view text, TypeCategory c, Dialect target) {
  if (c == TypeCategory::json) return false;
  switch (kind) {
    case TokenKind::literal:
      if (text == "null") {
        out = driver::Null{};
        return true;
      }
      if (text != "true" && text != "false") return false;
      // A boolean's text() is "true"/"false", which every category reads as the string would.
      text_to_target(out, text, c, target);
      return true;
    case TokenKind::string: text_to_target(out, text, c, target); return true;
    case TokenKind::number: {
      const char* b = text.data();
      const char* e = b + text.size();
      if (text.find_first_of(".eE") == std::string_view::npos) {
        // An integer: nlohmann stores it as int64 when it fits (and dumps it as written, except -0).
        std::int64_t i = 0;
        const auto r = std::from_chars(b, e, i);
        if (r.ec != std::errc() || r.ptr != e || text == "-0") return false;
        switch (c) {
          case TypeCategory::boolean: assign_bool_number(out, i, target); return true;
          case TypeCategory::int16:
          case TypeCategory::int32:
          case TypeCategory::int64: out = i; return true;
          case TypeCategory::float32:
          case TypeCategory::float64: out = static_cast<double>(i); return true;
          default: text_to_target(out, text, c, target); return true;
        }
      }
      if (!is_float(c)) return false;  // other columns read a float's re-serialised text
      double d = 0;
      const auto r = std::from_chars(b, e, d);
      if (r.ec != std::errc() || r.ptr != e) return false;
      out = d;
      return true;
    }
  }
  return false;
}

// ---- fast exchange output -------------------------------------------------------------------------

namespace {

bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at p, 0 when it is not valid (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  const std::size_t left = static_cast<std::size_t>(end - p);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && is_cont(p[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !is_cont(p[1]) || !is_cont(p[2])) return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F)) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !is_cont(p[1]) || !is_cont(p[2]) || !is_cont(p[3])) return 0;
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F)) return 0;
    return 4;
  }
  return 0;
}

void append_int(std::string& out, std::int64_t i) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, r.ptr);
}

// A finite double as a JSON number: shortest round-trip digits, ".0" on integral values (as
// nlohmann writes them, so that readers keep seeing a float).
void append_double(std::string& out, double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, r.ptr);
  if (std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)).find_first_of(".e") == std::string_view::npos)
    out += ".0";
}

void append_base64(std::string& out, std::string_view in) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::size_t start = out.size();
  out.resize(start + (in.size() + 2) / 3 * 4);
  char* o = out.data() + start;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    *o++ = tbl[(v >> 18) & 63];
    *o++ = tbl[(v >> 12) & 63];
    *o++ = tbl[(v >> 6) & 63];
    *o++ = tbl[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    *o++ = tbl[(v >> 18) & 63];
    *o++ = tbl[(v >> 12) & 63];
    *o++ = i + 1 < in.size() ? tbl[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
}

// A value's text without copying strings and blobs; numbers are formatted into `buf`.
std::string_view text_of(const driver::Value& v, std::string& buf) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<driver::Blob>(&v)) return b->bytes;
  buf.clear();
  if (auto* i = std::get_if<std::int64_t>(&v)) append_int(buf, *i);
  else if (auto* d = std::get_if<double>(&v)) buf = double_text(*d);
  else if (auto* b = std::get_if<bool>(&v)) buf = *b ? "true" : "false";
  return buf;
}

// iso_timestamp into `out`.
void append_iso_timestamp(std::string& out, std::string_view s) {
  const std::size_t start = out.size();
  out.append(s);
  if (s.size() > 10 && s[10] == ' ') out[start + 10] = 'T';
  if (s.size() > 13) {
    const std::size_t p = s.size() - 3;
    if ((s[p] == '+' || s[p] == '-') && std::isdigit(static_cast<unsigned char>(s[p + 1])) &&
        std::isdigit(static_cast<unsigned char>(s[p + 2])) && p > 10)
      out += ":00";
  }
}

// The exchange form of one value as text. `literal`: the text is JSON as it stands (a number,
// true/false, or a JSON column's document); otherwise it is the contents of a string.
struct Cell {
  enum Kind { null, literal, string } kind = null;
  std::string_view text;
};

Cell exchange_cell(const driver::Value& v, TypeCategory c, std::string& buf, std::string& scratch) {
  if (driver::is_null(v)) return {};
  switch (c) {
    case TypeCategory::bits:  // as to_exchange
      if (auto* b = std::get_if<bool>(&v)) return {Cell::string, *b ? "1" : "0"};
      return {Cell::string, text_of(v, scratch)};
    case TypeCategory::boolean: {
      bool b;
      if (auto* p = std::get_if<bool>(&v)) {
        b = *p;
      } else if (auto n = boolean_number(v)) {  // as to_exchange: the number itself
        buf.clear();
        append_int(buf, *n);
        return {Cell::literal, buf};
      } else if (auto* i = std::get_if<std::int64_t>(&v)) {
        b = *i != 0;
      } else {
        b = truthy(text_of(v, scratch));
      }
      return {Cell::literal, b ? "true" : "false"};
    }
    case TypeCategory::int16:
    case TypeCategory::int32: {
      buf.clear();
      if (auto* i = std::get_if<std::int64_t>(&v)) {
        append_int(buf, *i);
        return {Cell::literal, buf};
      }
      const std::string_view t = text_of(v, scratch);
      if (auto i = parse_int(t)) {
        append_int(buf, *i);
        return {Cell::literal, buf};
      }
      return {Cell::string, t};
    }
    case TypeCategory::int64:
      if (auto* d = std::get_if<double>(&v)) {  // as to_exchange
        buf.clear();
        if (whole(*d)) append_int(buf, static_cast<std::int64_t>(*d));
        else buf = double_text(*d);
        return {Cell::string, buf};
      }
      return {Cell::string, text_of(v, scratch)};
    case TypeCategory::float32:
    case TypeCategory::float64: {
      std::optional<double> d;
      std::string_view t;
      if (auto* p = std::get_if<double>(&v)) d = *p;
      else if (auto* i = std::get_if<std::int64_t>(&v)) d = static_cast<double>(*i);
      else d = parse_double(t = text_of(v, scratch));
      if (!d) return {Cell::string, t};
      buf.clear();
      if (std::isnan(*d) || std::isinf(*d)) {
        buf = double_text(*d);
        return {Cell::string, buf};
      }
      append_double(buf, *d);
      return {Cell::literal, buf};
    }
    case TypeCategory::bytes:
      buf.clear();
      append_base64(buf, text_of(v, scratch));
      return {Cell::string, buf};
    case TypeCategory::json: {
      buf.clear();
      if (auto* i = std::get_if<std::int64_t>(&v)) {
        append_int(buf, *i);
      } else if (auto* d = std::get_if<double>(&v)) {
        if (std::isnan(*d) || std::isinf(*d)) buf = "null";  // what a JSON number cannot hold
        else append_double(buf, *d);
      } else {
        const std::string_view t = text_of(v, scratch);
        if (!append_json_text(buf, t)) {
          buf.clear();
          append_json_string(buf, t);  // not JSON: kept as a string
        }
      }
      return {Cell::literal, buf};
    }
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz:
      buf.clear();
      append_iso_timestamp(buf, text_of(v, scratch));
      return {Cell::string, buf};
    default: return {Cell::string, text_of(v, scratch)};
  }
}

}  // namespace

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t n = utf8_length(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  const auto* run = p;
  auto flush = [&](const unsigned char* to) { out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(to - run)); };
  // 1 for the bytes that end a run of plain ASCII: controls, '"', '\\' and every non-ASCII byte.
  static const auto special = [] {
    std::array<unsigned char, 256> t{};
    for (int i = 0; i < 256; ++i) t[i] = i < 0x20 || i == '"' || i == '\\' || i >= 0x80;
    return t;
  }();
  while (p < end) {
    while (p < end && !special[*p]) ++p;
    if (p == end) break;
    const unsigned char c = *p;
    if (c >= 0x80) {
      if (const std::size_t n = utf8_length(p, end)) {
        p += n;
        continue;
      }
      flush(p);
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
      run = ++p;
      continue;
    }
    flush(p);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static const char* digits = "0123456789abcdef";
        out += "\\u00";
        out += digits[c >> 4];
        out += digits[c & 15];
      }
    }
    run = ++p;
  }
  flush(p);
  out += '"';
}

namespace {

// The length of the JSON number at s[i] (RFC 8259's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?),
// 0 when there is none.
std::size_t json_number_length(std::string_view s, std::size_t i) {
  const std::size_t from = i, n = s.size();
  auto digits = [&] {
    const std::size_t at = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > at;
  };
  if (i < n && s[i] == '-') ++i;
  if (i < n && s[i] == '0') ++i;
  else if (!digits()) return 0;
  if (i < n && s[i] == '.' && (++i, !digits())) return 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return 0;
  }
  return i - from;
}

// Whether `text` is one JSON value: nlohmann's check, except that numbers are checked here —
// nlohmann refuses a number past a double's range (1e400, a 400-digit integer), which JSON allows
// and PostgreSQL's json and jsonb keep. Each number stands as 0 in the copy nlohmann checks then.
bool valid_json(std::string_view text) {
  if (nlohmann::json::accept(text)) return true;
  std::string shadow;
  shadow.reserve(text.size());
  bool any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '"') {
      const std::size_t from = i;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      if (i >= text.size()) return false;
      shadow.append(text.substr(from, i + 1 - from));
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
      const std::size_t len = json_number_length(text, i);
      if (len == 0) return false;
      shadow += '0';
      i += len - 1;
      any = true;
    } else {
      shadow += ch;
    }
  }
  return any && nlohmann::json::accept(shadow);
}

}  // namespace

bool append_json_text(std::string& out, std::string_view text) {
  if (!valid_json(text)) return false;
  // The value's own text: whitespace around it dropped, inside it kept (PostgreSQL's json and
  // MariaDB's JSON store it as written).
  const std::size_t b = text.find_first_not_of(" \t\n\r"), e = text.find_last_not_of(" \t\n\r");
  out.append(text.substr(b, e + 1 - b));
  return true;
}

bool json_text_to_target(driver::Value& out, std::string_view text, bool null_is_sql) {
  thread_local std::string written;
  written.clear();
  if (!append_json_text(written, text)) return false;
  if (null_is_sql && written == "null") out = driver::Null{};  // SQL NULL, as from_exchange makes a JSON null
  else assign_text(out, written);
  return true;
}

nlohmann::json loader_cell(nlohmann::json exchange, TypeCategory c, std::string_view written, bool null_is_sql) {
  if (c != TypeCategory::json || (exchange.is_null() && null_is_sql)) return exchange;
  auto cell = json_text_cell(written, null_is_sql);
  return cell ? std::move(*cell) : std::move(exchange);
}

std::optional<nlohmann::json> json_text_cell(std::string_view text, bool null_is_sql) {
  std::string written;
  if (!append_json_text(written, text)) return std::nullopt;
  if (null_is_sql && written == "null") return nlohmann::json(nullptr);
  return nlohmann::json::binary(std::vector<std::uint8_t>(written.begin(), written.end()), kJsonTextSubtype);
}

void append_json_value(std::string& out, const driver::Value& v, TypeCategory c) {
  thread_local std::string buf, scratch;
  const Cell cell = exchange_cell(v, c, buf, scratch);
  switch (cell.kind) {
    case Cell::null: out += "null"; break;
    case Cell::literal: out += cell.text; break;
    case Cell::string: append_json_string(out, cell.text); break;
  }
}

void append_csv_value(std::string& out, const driver::Value& v, TypeCategory c) {
  thread_local std::string buf, scratch;
  const Cell cell = exchange_cell(v, c, buf, scratch);
  if (cell.kind == Cell::null) return;
  const std::string_view s = cell.text;
  static const auto quote = [] {  // bytes that make a field need quotes
    std::array<unsigned char, 256> t{};
    t[','] = t['"'] = t['\r'] = t['\n'] = 1;
    return t;
  }();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* e = p + s.size();
  while (p < e && !quote[*p]) ++p;
  if (!s.empty() && p == e) {
    out += s;
    return;
  }
  out += '"';
  std::size_t from = 0;
  for (std::size_t q; (q = s.find('"', from)) != std::string_view::npos; from = q + 1) {
    out.append(s.substr(from, q + 1 - from));
    out += '"';
  }
  out.append(s.substr(from));
  out += '"';
}

driver::Value to_target(const driver::Value& v, TypeCategory c, Dialect target) {
  thread_local std::string buf, scratch;
  const Cell cell = exchange_cell(v, c, buf, scratch);
  if (cell.kind == Cell::null) return driver::Null{};
  switch (c) {
    case TypeCategory::boolean: {
      if (cell.text != "true" && cell.text != "false")
        if (auto n = parse_int(cell.text)) return target == Dialect::postgresql ? driver::Value(*n != 0) : driver::Value(*n);
      const bool b = cell.text == "true";
      if (target == Dialect::postgresql) return b;
      return std::int64_t{b ? 1 : 0};
    }
    case TypeCategory::int16:
    case TypeCategory::int32:
    case TypeCategory::int64:
      if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
      if (auto i = parse_int(cell.text)) return *i;
      return std::string(cell.text);
    case TypeCategory::float32:
    case TypeCategory::float64:
      if (auto* d = std::get_if<double>(&v)) return *d;
      if (auto d = parse_double(cell.text)) return *d;
      return std::string(cell.text);
    case TypeCategory::bytes: return driver::Blob{std::string(text_of(v, scratch))};
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz:
      if (target == Dialect::mysql) return plain_timestamp(std::string(cell.text));
      return std::string(cell.text);
    default: return std::string(cell.text);
  }
}

std::string normalized_text(const driver::Value& v, TypeCategory c) {
  if (driver::is_null(v)) return "\\N";
  switch (c) {
    case TypeCategory::boolean: {
      const auto x = to_exchange(v, c);  // compared as a truth value (a number other than 0 and 1 is true)
      return (x.is_boolean() ? x.get<bool>() : x.get<double>() != 0) ? "1" : "0";
    }
    case TypeCategory::int16:
    case TypeCategory::int32:
    case TypeCategory::int64: {
      if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
      if (auto i = parse_int(value_text(v))) return std::to_string(*i);
      return value_text(v);
    }
    case TypeCategory::float32:
    case TypeCategory::float64: {
      auto x = to_exchange(v, c);
      if (!x.is_number()) return x.get<std::string>();
      const double d = x.get<double>();
      return c == TypeCategory::float32 ? double_text(static_cast<float>(d)) : double_text(d);
    }
    case TypeCategory::decimal: {
      std::string s = value_text(v);
      if (auto* d = std::get_if<double>(&v)) s = double_text(*d);
      s = strip_fraction_zeros(s);
      if (s == "-0") s = "0";
      return s;
    }
    case TypeCategory::bytes: return util::to_hex(value_text(v));
    case TypeCategory::json: {
      auto j = to_exchange(v, c);
      return j.dump();
    }
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz: return plain_timestamp(value_text(v));
    case TypeCategory::time: return strip_fraction_zeros(value_text(v));
    case TypeCategory::uuid: return util::to_lower(value_text(v));
    default: return value_text(v);
  }
}

void prepare_session(driver::SqlConnection& conn) {
  switch (conn.dialect()) {
    case Dialect::postgresql: conn.execute("SET TIME ZONE 'UTC'"); break;
    case Dialect::mysql: conn.execute("SET time_zone = '+00:00'"); break;
    default: break;
  }
}

std::string placeholder(Dialect d, int index) {
  return d == Dialect::postgresql ? "$" + std::to_string(index) : std::string("?");
}

}  // namespace flash::exporter
