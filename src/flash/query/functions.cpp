#include "flash/query/functions.hpp"

#include <string>

namespace flash::query {
namespace {

using R = FnReturn;
using N = FnNull;

// One row per function; a name may appear once per dialect group.
const FunctionSpec kFunctions[] = {
    // Aggregates.
    {"count", kAll, R::fixed, "int64", N::never, "", true},
    {"sum", kPg, R::sum, "", N::always, "", true},
    {"sum", kMy, R::fixed, "decimal", N::always, "", true},
    {"sum", kLite, R::arg0, "", N::always, "", true},
    {"total", kLite, R::fixed, "float64", N::never, "", true},
    {"avg", kPg, R::avg, "", N::always, "", true},
    {"avg", kMy, R::fixed, "decimal", N::always, "", true},
    {"avg", kLite, R::fixed, "float64", N::always, "", true},
    {"min", kAll, R::arg0, "", N::always, "", true},
    {"max", kAll, R::arg0, "", N::always, "", true},
    {"bool_and", kPg, R::fixed, "bool", N::always, "bool", true},
    {"bool_or", kPg, R::fixed, "bool", N::always, "bool", true},
    {"every", kPg, R::fixed, "bool", N::always, "bool", true},
    {"array_agg", kPg, R::array_of_arg0, "", N::always, "", true},
    {"string_agg", kPg, R::fixed, "text", N::always, "text", true},
    {"group_concat", kMy | kLite, R::fixed, "text", N::always, "", true},
    {"json_agg", kPg, R::fixed, "json", N::always, "", true},
    {"jsonb_agg", kPg, R::fixed, "jsonb", N::always, "", true},
    {"json_object_agg", kPg, R::fixed, "json", N::always, "", true},
    {"jsonb_object_agg", kPg, R::fixed, "jsonb", N::always, "", true},
    {"json_arrayagg", kMy, R::fixed, "json", N::always, "", true},
    {"json_objectagg", kMy, R::fixed, "json", N::always, "", true},
    {"json_group_array", kLite, R::fixed, "text", N::never, "", true},
    {"json_group_object", kLite, R::fixed, "text", N::never, "", true},
    // PostgreSQL: numeric for integer and numeric input, double precision for floats (as avg).
    {"stddev", kPg, R::avg, "", N::always, "", true},
    {"stddev_samp", kPg, R::avg, "", N::always, "", true},
    {"stddev_pop", kPg, R::avg, "", N::always, "", true},
    {"variance", kPg, R::avg, "", N::always, "", true},
    {"var_samp", kPg, R::avg, "", N::always, "", true},
    {"var_pop", kPg, R::avg, "", N::always, "", true},
    {"stddev", kMy, R::fixed, "float64", N::always, "", true},
    {"variance", kMy, R::fixed, "float64", N::always, "", true},
    {"grouping", kPg | kMy, R::fixed, "int32", N::never, ""},
    // Window functions.
    {"row_number", kAll, R::fixed, "int64", N::never, ""},
    {"rank", kAll, R::fixed, "int64", N::never, ""},
    {"dense_rank", kAll, R::fixed, "int64", N::never, ""},
    {"ntile", kAll, R::fixed, "int64", N::never, "int32"},
    {"percent_rank", kAll, R::fixed, "float64", N::never, ""},
    {"cume_dist", kAll, R::fixed, "float64", N::never, ""},
    {"lag", kAll, R::arg0, "", N::always, ""},
    {"lead", kAll, R::arg0, "", N::always, ""},
    {"first_value", kAll, R::arg0, "", N::always, ""},
    {"last_value", kAll, R::arg0, "", N::always, ""},
    {"nth_value", kAll, R::arg0, "", N::always, ""},
    // Conditionals.
    {"coalesce", kAll, R::common, "", N::all_args, ""},
    {"ifnull", kMy | kLite, R::common, "", N::all_args, ""},
    {"nullif", kAll, R::arg0, "", N::always, ""},
    // MySQL ON DUPLICATE KEY UPDATE c = VALUES(c): the value the row would have inserted.
    {"values", kMy, R::arg0, "", N::all_args, ""},
    {"greatest", kPg, R::common, "", N::all_args, ""},
    {"least", kPg, R::common, "", N::all_args, ""},
    {"greatest", kMy, R::common, "", N::strict, ""},
    {"least", kMy, R::common, "", N::strict, ""},
    {"if", kMy, R::common, "", N::strict, "bool,,"},
    {"iif", kLite, R::common, "", N::always, "bool,,"},
    // Date and time.
    {"now", kPg, R::fixed, "timestamptz", N::never, ""},
    {"now", kMy, R::fixed, "timestamp", N::never, ""},
    {"current_timestamp", kPg, R::fixed, "timestamptz", N::never, ""},
    {"current_timestamp", kMy | kLite, R::fixed, "timestamp", N::never, ""},
    {"statement_timestamp", kPg, R::fixed, "timestamptz", N::never, ""},
    {"clock_timestamp", kPg, R::fixed, "timestamptz", N::never, ""},
    {"transaction_timestamp", kPg, R::fixed, "timestamptz", N::never, ""},
    {"localtimestamp", kPg | kMy, R::fixed, "timestamp", N::never, ""},
    {"localtime", kPg, R::fixed, "time", N::never, ""},
    {"current_date", kAll, R::fixed, "date", N::never, ""},
    {"curdate", kMy, R::fixed, "date", N::never, ""},
    {"current_time", kPg, R::fixed, "timetz", N::never, ""},
    {"current_time", kMy | kLite, R::fixed, "time", N::never, ""},
    {"utc_timestamp", kMy, R::fixed, "timestamp", N::never, ""},
    {"sysdate", kMy, R::fixed, "timestamp", N::never, ""},
    {"date_trunc", kPg, R::arg1, "", N::strict, "text,"},
    {"date_part", kPg, R::fixed, "float64", N::strict, "text,"},
    {"extract", kPg, R::fixed, "decimal", N::strict, ""},
    {"age", kPg, R::fixed, "interval", N::strict, ""},
    {"to_timestamp", kPg, R::fixed, "timestamptz", N::strict, "float64"},
    {"to_date", kPg, R::fixed, "date", N::strict, "text"},
    {"to_char", kPg, R::fixed, "text", N::strict, ",text"},
    {"make_interval", kPg, R::fixed, "interval", N::strict, ""},
    {"make_date", kPg, R::fixed, "date", N::strict, "int32"},
    {"date", kMy, R::fixed, "date", N::strict, ""},
    {"date", kLite, R::fixed, "text", N::strict, ""},
    {"datetime", kLite, R::fixed, "text", N::strict, ""},
    {"time", kLite, R::fixed, "text", N::strict, ""},
    {"julianday", kLite, R::fixed, "float64", N::strict, ""},
    {"strftime", kLite, R::fixed, "text", N::strict, ""},
    {"unixepoch", kLite, R::fixed, "int64", N::strict, ""},
    {"date_add", kMy, R::arg0, "", N::strict, ""},
    {"date_sub", kMy, R::arg0, "", N::strict, ""},
    {"datediff", kMy, R::fixed, "int64", N::strict, ""},
    {"timestampdiff", kMy, R::fixed, "int64", N::strict, ""},
    {"year", kMy, R::fixed, "int32", N::strict, ""},
    {"month", kMy, R::fixed, "int32", N::strict, ""},
    {"day", kMy, R::fixed, "int32", N::strict, ""},
    {"dayofmonth", kMy, R::fixed, "int32", N::strict, ""},
    {"dayofweek", kMy, R::fixed, "int32", N::strict, ""},
    {"dayofyear", kMy, R::fixed, "int32", N::strict, ""},
    {"weekday", kMy, R::fixed, "int32", N::strict, ""},
    {"quarter", kMy, R::fixed, "int32", N::strict, ""},
    {"hour", kMy, R::fixed, "int32", N::strict, ""},
    {"minute", kMy, R::fixed, "int32", N::strict, ""},
    {"second", kMy, R::fixed, "int32", N::strict, ""},
    {"unix_timestamp", kMy, R::fixed, "int64", N::strict, ""},
    {"from_unixtime", kMy, R::fixed, "timestamp", N::strict, "int64"},
    {"date_format", kMy, R::fixed, "text", N::strict, ""},
    // timezone(zone, ts) is AT TIME ZONE: timestamptz ↔ timestamp (the analyzer swaps them).
    {"timezone", kPg, R::arg1, "", N::strict, "text,"},
    {"current_setting", kPg, R::fixed, "text", N::always, "text"},
    {"like_escape", kPg, R::fixed, "text", N::strict, "text,text"},
    {"enum_range", kPg, R::array_of_arg0, "", N::never, ""},
    // Strings.
    {"lower", kAll, R::fixed, "text", N::strict, "text"},
    {"upper", kAll, R::fixed, "text", N::strict, "text"},
    {"initcap", kPg, R::fixed, "text", N::strict, "text"},
    {"trim", kAll, R::fixed, "text", N::strict, "text"},
    {"btrim", kPg, R::fixed, "text", N::strict, "text"},
    {"ltrim", kAll, R::fixed, "text", N::strict, "text"},
    {"rtrim", kAll, R::fixed, "text", N::strict, "text"},
    {"reverse", kPg | kMy, R::fixed, "text", N::strict, "text"},
    {"md5", kPg | kMy, R::fixed, "text", N::strict, "text"},
    {"sha1", kMy, R::fixed, "text", N::strict, "text"},
    {"replace", kAll, R::fixed, "text", N::strict, "text"},
    {"translate", kPg, R::fixed, "text", N::strict, "text"},
    {"substr", kAll, R::fixed, "text", N::strict, "text,int32,int32"},
    {"substring", kPg | kMy, R::fixed, "text", N::strict, "text,int32,int32"},
    {"left", kPg | kMy, R::fixed, "text", N::strict, "text,int32"},
    {"right", kPg | kMy, R::fixed, "text", N::strict, "text,int32"},
    {"lpad", kPg | kMy, R::fixed, "text", N::strict, "text,int32,text"},
    {"rpad", kPg | kMy, R::fixed, "text", N::strict, "text,int32,text"},
    {"repeat", kPg | kMy, R::fixed, "text", N::strict, "text,int32"},
    {"split_part", kPg, R::fixed, "text", N::strict, "text,text,int32"},
    {"concat", kPg, R::fixed, "text", N::never, "text"},
    {"concat", kMy, R::fixed, "text", N::strict, "text"},
    {"concat_ws", kPg, R::fixed, "text", N::never, ""},
    {"concat_ws", kMy, R::fixed, "text", N::strict, ""},
    {"format", kPg, R::fixed, "text", N::never, ""},
    {"printf", kLite, R::fixed, "text", N::never, ""},
    {"format", kLite, R::fixed, "text", N::never, ""},
    {"quote", kLite, R::fixed, "text", N::never, ""},
    {"json_type", kLite, R::fixed, "text", N::always, ""},
    {"quote_ident", kPg, R::fixed, "text", N::strict, "text"},
    {"quote_literal", kPg, R::fixed, "text", N::strict, "text"},
    {"regexp_replace", kPg | kMy, R::fixed, "text", N::strict, "text"},
    {"chr", kPg, R::fixed, "text", N::strict, "int32"},
    {"char", kLite, R::fixed, "text", N::strict, ""},
    {"encode", kPg, R::fixed, "text", N::strict, ""},
    {"decode", kPg, R::fixed, "bytes", N::strict, "text"},
    {"hex", kMy | kLite, R::fixed, "text", N::strict, ""},
    {"length", kPg, R::fixed, "int32", N::strict, "text"},
    {"length", kMy | kLite, R::fixed, "int64", N::strict, ""},
    {"char_length", kPg | kMy, R::fixed, "int32", N::strict, "text"},
    {"character_length", kPg | kMy, R::fixed, "int32", N::strict, "text"},
    {"octet_length", kPg | kMy, R::fixed, "int32", N::strict, ""},
    {"strpos", kPg, R::fixed, "int32", N::strict, "text"},
    {"position", kPg, R::fixed, "int32", N::strict, "text"},
    {"instr", kMy | kLite, R::fixed, "int64", N::strict, "text"},
    {"ascii", kPg | kMy, R::fixed, "int32", N::strict, "text"},
    {"starts_with", kPg, R::fixed, "bool", N::strict, "text"},
    {"to_tsvector", kPg, R::fixed, "tsvector", N::strict, "text"},
    {"to_tsquery", kPg, R::fixed, "tsquery", N::strict, "text"},
    {"plainto_tsquery", kPg, R::fixed, "tsquery", N::strict, "text"},
    {"websearch_to_tsquery", kPg, R::fixed, "tsquery", N::strict, "text"},
    {"phraseto_tsquery", kPg, R::fixed, "tsquery", N::strict, "text"},
    {"ts_rank", kPg, R::fixed, "float32", N::strict, ""},
    {"ts_headline", kPg, R::fixed, "text", N::strict, ""},
    // Numbers.
    {"abs", kAll, R::arg0, "", N::strict, ""},
    {"round", kAll, R::arg0, "", N::strict, ""},
    {"trunc", kPg, R::arg0, "", N::strict, ""},
    {"truncate", kMy, R::arg0, "", N::strict, ""},
    {"regexp_split_to_array", kPg, R::fixed, "text[]", N::strict, "text,text"},
    {"dayname", kMy, R::fixed, "text", N::strict, ""},
    {"monthname", kMy, R::fixed, "text", N::strict, ""},
    {"ceil", kPg | kMy, R::arg0, "", N::strict, ""},
    {"ceiling", kPg | kMy, R::arg0, "", N::strict, ""},
    {"floor", kPg | kMy, R::arg0, "", N::strict, ""},
    {"sign", kAll, R::arg0, "", N::strict, ""},
    {"mod", kPg | kMy, R::arg0, "", N::strict, ""},
    {"sqrt", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"power", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"pow", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"exp", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"ln", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"log", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"random", kPg, R::fixed, "float64", N::never, ""},
    {"random", kLite, R::fixed, "int64", N::never, ""},
    {"rand", kMy, R::fixed, "float64", N::never, ""},
    {"width_bucket", kPg, R::fixed, "int32", N::strict, ""},
    {"percentile_cont", kPg, R::fixed, "float64", N::always, "float64", true},
    {"percentile_disc", kPg, R::fixed, "", N::always, "float64", true},
    {"mode", kPg, R::fixed, "", N::always, "", true},
    {"cbrt", kPg, R::fixed, "float64", N::strict, "float64"},
    {"degrees", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"radians", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"pi", kPg | kMy, R::fixed, "float64", N::never, ""},
    {"sin", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"cos", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"tan", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"atan2", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"log10", kPg | kMy, R::fixed, "float64", N::strict, "float64"},
    {"div", kPg, R::fixed, "decimal", N::strict, "decimal"},
    {"scale", kPg, R::fixed, "int32", N::strict, "decimal"},
    {"gcd", kPg, R::arg0, "", N::strict, ""},
    {"lcm", kPg, R::arg0, "", N::strict, ""},
    {"factorial", kPg, R::fixed, "decimal", N::strict, "int64"},
    // Extensions commonly installed (pg_trgm, pgcrypto, uuid-ossp).
    {"similarity", kPg, R::fixed, "float32", N::strict, "text"},
    {"word_similarity", kPg, R::fixed, "float32", N::strict, "text"},
    {"digest", kPg, R::fixed, "bytes", N::strict, "text,text"},
    {"hmac", kPg, R::fixed, "bytes", N::strict, "text,text,text"},
    {"crypt", kPg, R::fixed, "text", N::strict, "text"},
    {"gen_salt", kPg, R::fixed, "text", N::strict, "text,int32"},
    {"gen_random_bytes", kPg, R::fixed, "bytes", N::strict, "int32"},
    {"uuid_generate_v1", kPg, R::fixed, "uuid", N::never, ""},
    {"uuid_generate_v3", kPg, R::fixed, "uuid", N::strict, "uuid,text"},
    {"uuid_generate_v5", kPg, R::fixed, "uuid", N::strict, "uuid,text"},
    // UUIDs and sequences.
    {"gen_random_uuid", kPg, R::fixed, "uuid", N::never, ""},
    {"uuid_generate_v4", kPg, R::fixed, "uuid", N::never, ""},
    {"uuid", kMy, R::fixed, "text", N::never, ""},
    {"nextval", kPg, R::fixed, "int64", N::never, "text"},
    {"currval", kPg, R::fixed, "int64", N::never, "text"},
    {"lastval", kPg, R::fixed, "int64", N::never, ""},
    {"setval", kPg, R::fixed, "int64", N::never, "text,int64,bool"},
    {"last_insert_id", kMy, R::fixed, "int64", N::never, ""},
    {"last_insert_rowid", kLite, R::fixed, "int64", N::never, ""},
    {"changes", kLite, R::fixed, "int64", N::never, ""},
    {"row_count", kMy, R::fixed, "int64", N::never, ""},
    {"found_rows", kMy, R::fixed, "int64", N::never, ""},
    // JSON.
    {"to_json", kPg, R::fixed, "json", N::strict, ""},
    {"to_jsonb", kPg, R::fixed, "jsonb", N::strict, ""},
    {"row_to_json", kPg, R::fixed, "json", N::strict, ""},
    {"array_to_json", kPg, R::fixed, "json", N::strict, ""},
    {"json_build_object", kPg, R::fixed, "json", N::never, ""},
    {"jsonb_build_object", kPg, R::fixed, "jsonb", N::never, ""},
    {"json_build_array", kPg, R::fixed, "json", N::never, ""},
    {"jsonb_build_array", kPg, R::fixed, "jsonb", N::never, ""},
    {"json_object", kPg | kMy, R::fixed, "json", N::never, ""},
    {"json_object", kLite, R::fixed, "text", N::never, ""},
    {"json_array", kMy, R::fixed, "json", N::never, ""},
    {"json_array", kLite, R::fixed, "text", N::never, ""},
    {"jsonb_set", kPg, R::fixed, "jsonb", N::strict, "jsonb,text[],jsonb,bool"},
    {"jsonb_insert", kPg, R::fixed, "jsonb", N::strict, ""},
    {"jsonb_strip_nulls", kPg, R::fixed, "jsonb", N::strict, ""},
    {"json_strip_nulls", kPg, R::fixed, "json", N::strict, ""},
    {"jsonb_pretty", kPg, R::fixed, "text", N::strict, ""},
    {"json_typeof", kPg, R::fixed, "text", N::strict, ""},
    {"jsonb_typeof", kPg, R::fixed, "text", N::strict, ""},
    {"json_array_length", kPg, R::fixed, "int32", N::strict, ""},
    {"jsonb_array_length", kPg, R::fixed, "int32", N::strict, ""},
    {"json_array_length", kLite, R::fixed, "int64", N::strict, ""},
    {"json_extract_path", kPg, R::fixed, "json", N::always, ""},
    {"jsonb_extract_path", kPg, R::fixed, "jsonb", N::always, ""},
    {"json_extract_path_text", kPg, R::fixed, "text", N::always, ""},
    {"jsonb_extract_path_text", kPg, R::fixed, "text", N::always, ""},
    {"json_array_elements", kPg, R::fixed, "json", N::never, ""},
    {"jsonb_array_elements", kPg, R::fixed, "jsonb", N::never, ""},
    {"json_array_elements_text", kPg, R::fixed, "text", N::never, ""},
    {"jsonb_array_elements_text", kPg, R::fixed, "text", N::never, ""},
    {"jsonb_object_keys", kPg, R::fixed, "text", N::never, ""},
    {"json_object_keys", kPg, R::fixed, "text", N::never, ""},
    {"json_extract", kMy, R::fixed, "json", N::always, ""},
    {"json_extract", kLite, R::fixed, "", N::always, ""},
    {"json_unquote", kMy, R::fixed, "text", N::strict, ""},
    {"json_contains", kMy, R::fixed, "bool", N::strict, ""},
    {"json_value", kMy, R::fixed, "text", N::always, "json,text"},
    {"json_quote", kMy, R::fixed, "text", N::strict, "text"},
    {"json_merge_patch", kMy, R::fixed, "json", N::strict, "json"},
    {"json_merge_preserve", kMy, R::fixed, "json", N::strict, "json"},
    // SQLite FTS5 auxiliary functions (https://sqlite.org/fts5.html#_auxiliary_functions_).
    {"bm25", kLite, R::fixed, "float64", N::never, ""},
    {"highlight", kLite, R::fixed, "text", N::always, ",int64,text,text"},
    {"snippet", kLite, R::fixed, "text", N::always, ",int64,text,text,text,int64"},
    // SQLite FTS3/4.
    {"offsets", kLite, R::fixed, "text", N::never, ""},
    {"matchinfo", kLite, R::fixed, "bytes", N::never, ""},
    {"json_length", kMy, R::fixed, "int64", N::strict, ""},
    {"json_valid", kMy | kLite, R::fixed, "bool", N::strict, ""},
    {"json", kLite, R::fixed, "text", N::strict, ""},
    {"json_set", kMy, R::fixed, "json", N::strict, ""},
    {"json_set", kLite, R::fixed, "text", N::strict, ""},
    // Arrays.
    {"array_length", kPg, R::fixed, "int32", N::always, ""},
    {"cardinality", kPg, R::fixed, "int32", N::strict, ""},
    {"array_position", kPg, R::fixed, "int32", N::always, ""},
    {"array_append", kPg, R::arg0, "", N::never, ""},
    {"array_cat", kPg, R::arg0, "", N::all_args, ""},
    {"array_remove", kPg, R::arg0, "", N::strict, ""},
    {"array_prepend", kPg, R::arg1, "", N::never, ""},
    {"array_to_string", kPg, R::fixed, "text", N::strict, ""},
    {"string_to_array", kPg, R::fixed, "text[]", N::strict, "text"},
    {"unnest", kPg, R::elem_of_arg0, "", N::always, ""},
    {"generate_series", kPg, R::arg0, "", N::never, ""},
    // Locks and misc.
    {"pg_advisory_lock", kPg, R::fixed, "void", N::never, "int64"},
    {"pg_advisory_xact_lock", kPg, R::fixed, "void", N::never, "int64"},
    {"pg_advisory_unlock", kPg, R::fixed, "bool", N::never, "int64"},
    {"pg_try_advisory_lock", kPg, R::fixed, "bool", N::never, "int64"},
    {"pg_try_advisory_xact_lock", kPg, R::fixed, "bool", N::never, "int64"},
    {"pg_notify", kPg, R::fixed, "void", N::never, "text"},
    {"current_user", kPg | kMy, R::fixed, "text", N::never, ""},
    {"session_user", kPg, R::fixed, "text", N::never, ""},
    {"user", kPg | kMy, R::fixed, "text", N::never, ""},
    {"current_schema", kPg, R::fixed, "text", N::never, ""},
    {"current_database", kPg, R::fixed, "text", N::never, ""},
    {"database", kMy, R::fixed, "text", N::always, ""},
    {"version", kPg | kMy, R::fixed, "text", N::never, ""},
    {"sqlite_version", kLite, R::fixed, "text", N::never, ""},
    {"typeof", kLite, R::fixed, "text", N::never, ""},
    {"pg_typeof", kPg, R::fixed, "text", N::never, ""},
};

unsigned mask(schema::Dialect d) {
  switch (d) {
    case schema::Dialect::postgresql: return kPg;
    case schema::Dialect::mysql: return kMy;
    case schema::Dialect::sqlite: return kLite;
    default: return 0;
  }
}

}  // namespace

const FunctionSpec* find_function(std::string_view name, schema::Dialect d) {
  unsigned m = mask(d);
  for (const FunctionSpec& f : kFunctions)
    if (f.name == name && (f.dialects & m)) return &f;
  return nullptr;
}

std::vector<std::string> function_names(schema::Dialect d) {
  std::vector<std::string> out;
  unsigned m = mask(d);
  for (const FunctionSpec& f : kFunctions)
    if (f.dialects & m) out.emplace_back(f.name);
  return out;
}

schema::TypeRef builtin_type(std::string_view n, schema::Dialect d) {
  schema::TypeRef t;
  while (n.size() > 2 && n.substr(n.size() - 2) == "[]") {
    ++t.array_dims;
    n.remove_suffix(2);
  }
  using D = schema::Dialect;
  auto pick = [&](const char* pg, const char* my, const char* lite) {
    t.name = d == D::postgresql ? pg : d == D::mysql ? my : lite;
  };
  if (n == "int16") pick("smallint", "smallint", "integer");
  else if (n == "int32") pick("integer", "int", "integer");
  else if (n == "int64") pick("bigint", "bigint", "integer");
  else if (n == "decimal") pick("numeric", "decimal", "numeric");
  else if (n == "float32") pick("real", "float", "real");
  else if (n == "float64") pick("double precision", "double", "real");
  else if (n == "text") pick("text", "text", "text");
  else if (n == "bool") {
    pick("boolean", "tinyint", "boolean");
    if (d == D::mysql) t.args = {"1"};
  } else if (n == "date") pick("date", "date", "date");
  else if (n == "time") pick("time", "time", "time");
  else if (n == "timetz") pick("timetz", "time", "time");
  else if (n == "timestamp") pick("timestamp", "datetime", "datetime");
  else if (n == "timestamptz") pick("timestamptz", "timestamp", "datetime");
  else if (n == "interval") pick("interval", "text", "text");
  else if (n == "json") pick("json", "json", "json");
  else if (n == "jsonb") pick("jsonb", "json", "json");
  else if (n == "uuid") pick("uuid", "char", "text");
  else if (n == "bytes") pick("bytea", "blob", "blob");
  else t.name = std::string(n);  // void, tsvector, tsquery, "" (unknown)
  return t;
}

}  // namespace flash::query
