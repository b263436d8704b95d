#include "flash/schema/types.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

#include "flash/schema/printer.hpp"

namespace flash::schema {
namespace {

using NameTable = std::unordered_map<std::string_view, std::string_view>;

// Synonym → canonical spelling. Names not listed are already canonical (or user-defined) and are
// kept lower-cased. Multi-word names are looked up after whitespace is collapsed to one space.
const NameTable& postgres_synonyms() {
  static const NameTable t = {
      {"int", "integer"},
      {"int4", "integer"},
      {"integer", "integer"},
      {"int8", "bigint"},
      {"bigint", "bigint"},
      {"int2", "smallint"},
      {"smallint", "smallint"},
      {"bool", "boolean"},
      {"boolean", "boolean"},
      {"float8", "double precision"},
      {"double precision", "double precision"},
      {"float", "double precision"},
      {"float4", "real"},
      {"real", "real"},
      {"varchar", "varchar"},
      {"character varying", "varchar"},
      {"char varying", "varchar"},
      {"char", "char"},
      {"character", "char"},
      // bpchar without a length is blank-padded text of any length (char alone is char(1), which
      // the parser spells out): a type of its own. bpchar(n) is char(n) (canonical_pg_type).
      {"bpchar", "bpchar"},
      {"timestamp", "timestamp"},
      {"timestamp without time zone", "timestamp"},
      {"timestamptz", "timestamptz"},
      {"timestamp with time zone", "timestamptz"},
      {"time", "time"},
      {"time without time zone", "time"},
      {"timetz", "timetz"},
      {"time with time zone", "timetz"},
      {"decimal", "numeric"},
      {"dec", "numeric"},
      {"numeric", "numeric"},
      {"varbit", "varbit"},
      {"bit varying", "varbit"},
      {"serial4", "serial"},
      {"serial8", "bigserial"},
      {"serial2", "smallserial"},
  };
  return t;
}

const NameTable& mysql_synonyms() {
  static const NameTable t = {
      {"integer", "int"},
      {"int4", "int"},
      {"int", "int"},
      {"int1", "tinyint"},
      {"int2", "smallint"},
      {"int3", "mediumint"},
      {"middleint", "mediumint"},
      {"int8", "bigint"},
      {"bool", "tinyint"},
      {"boolean", "tinyint"},
      {"numeric", "decimal"},
      {"dec", "decimal"},
      {"fixed", "decimal"},
      {"double precision", "double"},
      {"real", "double"},
      {"float8", "double"},
      {"float4", "float"},
      {"character varying", "varchar"},
      {"char varying", "varchar"},
      {"varcharacter", "varchar"},
      {"character", "char"},
      // National types carry their own character set (utf8mb3), so they stay distinct.
      {"national varchar", "nvarchar"},
      {"national character varying", "nvarchar"},
      {"national char varying", "nvarchar"},
      {"nchar varchar", "nvarchar"},
      {"nchar varying", "nvarchar"},
      {"national char", "nchar"},
      {"national character", "nchar"},
      {"long varchar", "mediumtext"},
      {"long", "mediumtext"},
      {"long varbinary", "mediumblob"},
  };
  return t;
}

// Every type name PostgreSQL understands without a user definition; such names are printed
// bare, anything else is an enum/domain/extension type and is quoted when needed.
bool is_postgres_builtin(std::string_view n) {
  static const char* const names[] = {
      "integer", "bigint", "smallint", "boolean", "double precision", "real", "varchar", "char", "bpchar",
      "\"char\"",
      "text", "citext", "name", "bytea", "timestamp", "timestamptz", "time", "timetz", "date",
      "interval", "numeric", "money", "uuid", "json", "jsonb", "xml", "inet", "cidr", "macaddr",
      "macaddr8", "bit", "varbit", "serial", "bigserial", "smallserial", "oid", "regclass",
      "regproc", "regtype", "tsvector", "tsquery", "point", "line", "lseg", "box", "path",
      "polygon", "circle", "int4range", "int8range", "numrange", "tsrange", "tstzrange",
      "daterange", "int4multirange", "int8multirange", "nummultirange", "tsmultirange",
      "tstzmultirange", "datemultirange", "jsonpath", "pg_lsn", "txid_snapshot", "pg_snapshot",
      "xid", "cid", "tid", "record", "void", "anyelement", "anyarray", "trigger", "vector",
      "hstore", "ltree", "geometry", "geography"};
  return std::find(std::begin(names), std::end(names), n) != std::end(names);
}

bool is_postgres_col_name_keyword(std::string_view n) {
  static const char* const words[] = {
      "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal",
      "exists", "extract", "float", "greatest", "grouping", "inout", "int", "integer", "interval",
      "json", "json_array", "json_arrayagg", "json_exists", "json_object", "json_objectagg",
      "json_query", "json_scalar", "json_serialize", "json_table", "json_value", "least",
      "merge_action", "national", "nchar", "none", "normalize", "numeric", "out", "overlay",
      "position", "precision", "real", "row", "setof", "smallint", "substring", "time",
      "timestamp", "treat", "trim", "values", "varchar", "xmlattributes", "xmlconcat",
      "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
      "xmlserialize", "xmltable"};
  return std::find(std::begin(words), std::end(words), n) != std::end(words);
}

std::string collapse_lower(std::string_view name) {
  std::string out;
  bool space = false;
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

TypeCategory postgres_category(std::string_view n) {
  static const std::unordered_map<std::string_view, TypeCategory> t = {
      {"boolean", TypeCategory::boolean},     {"smallint", TypeCategory::int16},
      {"smallserial", TypeCategory::int16},   {"integer", TypeCategory::int32},
      {"serial", TypeCategory::int32},        {"bigint", TypeCategory::int64},
      {"bigserial", TypeCategory::int64},     {"oid", TypeCategory::int64},
      {"real", TypeCategory::float32},        {"double precision", TypeCategory::float64},
      {"numeric", TypeCategory::decimal},     {"money", TypeCategory::decimal},
      {"text", TypeCategory::text},           {"varchar", TypeCategory::text},
      {"char", TypeCategory::text},           {"citext", TypeCategory::text},
      {"bpchar", TypeCategory::text},         {"\"char\"", TypeCategory::text},
      {"name", TypeCategory::text},           {"xml", TypeCategory::text},
      {"tsvector", TypeCategory::text},       {"tsquery", TypeCategory::text},
      {"bytea", TypeCategory::bytes},         {"date", TypeCategory::date},
      {"time", TypeCategory::time},           {"timetz", TypeCategory::time},
      {"timestamp", TypeCategory::timestamp}, {"timestamptz", TypeCategory::timestamptz},
      {"interval", TypeCategory::interval},   {"uuid", TypeCategory::uuid},
      {"json", TypeCategory::json},           {"jsonb", TypeCategory::json},
      {"inet", TypeCategory::inet},           {"cidr", TypeCategory::inet},
      {"macaddr", TypeCategory::inet},        {"macaddr8", TypeCategory::inet},
      {"bit", TypeCategory::bits},            {"varbit", TypeCategory::bits},
  };
  auto it = t.find(n);
  return it == t.end() ? TypeCategory::other : it->second;
}

TypeCategory mysql_category(const TypeRef& t) {
  static const std::unordered_map<std::string_view, TypeCategory> table = {
      {"tinyint", TypeCategory::int16},     {"smallint", TypeCategory::int16},
      {"mediumint", TypeCategory::int32},   {"int", TypeCategory::int32},
      {"bigint", TypeCategory::int64},      {"year", TypeCategory::int16},
      {"float", TypeCategory::float32},     {"double", TypeCategory::float64},
      {"decimal", TypeCategory::decimal},   {"char", TypeCategory::text},
      {"varchar", TypeCategory::text},      {"tinytext", TypeCategory::text},
      {"nchar", TypeCategory::text},        {"nvarchar", TypeCategory::text},
      {"text", TypeCategory::text},         {"mediumtext", TypeCategory::text},
      {"longtext", TypeCategory::text},     {"set", TypeCategory::text},
      {"binary", TypeCategory::bytes},      {"varbinary", TypeCategory::bytes},
      {"tinyblob", TypeCategory::bytes},    {"blob", TypeCategory::bytes},
      {"mediumblob", TypeCategory::bytes},  {"longblob", TypeCategory::bytes},
      {"date", TypeCategory::date},         {"time", TypeCategory::time},
      {"datetime", TypeCategory::timestamp}, {"timestamp", TypeCategory::timestamp},
      {"json", TypeCategory::json},         {"enum", TypeCategory::enum_},
      {"bit", TypeCategory::bits},          {"uuid", TypeCategory::uuid},
      {"inet4", TypeCategory::inet},        {"inet6", TypeCategory::inet},
  };
  auto it = table.find(t.name);
  if (it == table.end()) return TypeCategory::other;
  TypeCategory c = it->second;
  if (t.name == "tinyint" && t.args.size() == 1 && t.args[0] == "1" && !t.is_unsigned)
    return TypeCategory::boolean;
  // Unsigned integers need the next wider signed type to hold every value (bigint has none).
  if (t.is_unsigned) {
    if (t.name == "smallint") return TypeCategory::int32;
    if (c == TypeCategory::int32) return TypeCategory::int64;
  }
  return c;
}

TypeCategory sqlite_category(std::string_view n) {
  // Common declared names whose meaning is more precise than their affinity.
  static const std::unordered_map<std::string_view, TypeCategory> common = {
      {"boolean", TypeCategory::boolean},   {"bool", TypeCategory::boolean},
      {"date", TypeCategory::date},         {"datetime", TypeCategory::timestamp},
      {"timestamp", TypeCategory::timestamp}, {"time", TypeCategory::time},
      {"json", TypeCategory::json},         {"jsonb", TypeCategory::json},
      {"uuid", TypeCategory::uuid},         {"decimal", TypeCategory::decimal},
      {"numeric", TypeCategory::decimal},   {"float", TypeCategory::float64},
  };
  if (auto it = common.find(n); it != common.end()) return it->second;
  // https://www.sqlite.org/datatype3.html section 3.1, rules applied in order.
  if (contains(n, "int")) return TypeCategory::int64;
  if (contains(n, "char") || contains(n, "clob") || contains(n, "text")) return TypeCategory::text;
  if (contains(n, "blob")) return TypeCategory::bytes;
  if (n.empty()) return TypeCategory::other;  // no declared type: any value
  if (contains(n, "real") || contains(n, "floa") || contains(n, "doub")) return TypeCategory::float64;
  return TypeCategory::decimal;
}

}  // namespace

std::string canonical_type_name(std::string_view name, Dialect d) {
  std::string n = collapse_lower(name);
  const NameTable* table = nullptr;
  switch (d) {
    case Dialect::postgresql:
      if (n.rfind("pg_catalog.", 0) == 0) n.erase(0, 11);
      table = &postgres_synonyms();
      break;
    case Dialect::mysql: table = &mysql_synonyms(); break;
    case Dialect::sqlite:
    case Dialect::mongodb: return n;
  }
  if (auto it = table->find(n); it != table->end()) return std::string(it->second);
  return n;
}

std::string_view to_string(TypeCategory c) {
  switch (c) {
    case TypeCategory::boolean: return "boolean";
    case TypeCategory::int16: return "int16";
    case TypeCategory::int32: return "int32";
    case TypeCategory::int64: return "int64";
    case TypeCategory::float32: return "float32";
    case TypeCategory::float64: return "float64";
    case TypeCategory::decimal: return "decimal";
    case TypeCategory::text: return "text";
    case TypeCategory::bytes: return "bytes";
    case TypeCategory::date: return "date";
    case TypeCategory::time: return "time";
    case TypeCategory::timestamp: return "timestamp";
    case TypeCategory::timestamptz: return "timestamptz";
    case TypeCategory::interval: return "interval";
    case TypeCategory::uuid: return "uuid";
    case TypeCategory::json: return "json";
    case TypeCategory::enum_: return "enum";
    case TypeCategory::inet: return "inet";
    case TypeCategory::bits: return "bits";
    case TypeCategory::other: return "other";
  }
  return "other";
}

// Arrays report their element's category; callers check TypeRef::array_dims separately.
TypeCategory category(const TypeRef& t, Dialect d, const Schema* s) {
  if (!t.values.empty()) return t.name == "set" ? TypeCategory::text : TypeCategory::enum_;
  const std::string n = canonical_type_name(t.name, d);
  if (s) {
    if (s->find_enum(n, t.schema)) return TypeCategory::enum_;
    for (const auto& dom : s->domains)
      if (dom.name == n && dom.schema == t.schema && !(dom.type.name == n && dom.type.schema == t.schema))
        return category(dom.type, d, s);
  }
  switch (d) {
    case Dialect::postgresql: return postgres_category(n);
    case Dialect::mysql: {
      TypeRef c = t;
      c.name = n;
      return mysql_category(c);
    }
    case Dialect::sqlite: return sqlite_category(n);
    case Dialect::mongodb: return TypeCategory::other;
  }
  return TypeCategory::other;
}

std::string render_type(const TypeRef& t, Dialect d) {
  std::string out;
  if (d == Dialect::postgresql && (!t.schema.empty() || !is_postgres_builtin(t.name))) {
    out = quote_qualified(t.schema, t.name, d);
    // A user type named like a column-name keyword ("time", "values") would be read as that
    // keyword in type position, so it needs quotes even where a column name would not.
    if (t.schema.empty() && out == t.name && is_postgres_col_name_keyword(t.name))
      out = '"' + t.name + '"';
  } else {
    out = t.name;
  }
  if (d == Dialect::mysql && !t.values.empty()) {
    out += '(';
    for (std::size_t i = 0; i < t.values.size(); ++i) {
      if (i) out += ',';
      out += quote_string(t.values[i], d);
    }
    out += ')';
  } else if (!t.args.empty()) {
    out += '(';
    for (std::size_t i = 0; i < t.args.size(); ++i) {
      if (i) out += ',';
      out += t.args[i];
    }
    out += ')';
  }
  for (int i = 0; i < t.array_dims; ++i) out += "[]";
  if (d == Dialect::mysql) {
    if (t.is_unsigned) out += " unsigned";
    if (t.zerofill) out += " zerofill";
    if (!t.charset.empty()) out += " CHARACTER SET " + t.charset;
  }
  return out;
}

}  // namespace flash::schema
