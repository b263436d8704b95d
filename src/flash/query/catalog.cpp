#include "flash/query/catalog.hpp"

#include <algorithm>

#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::query {

using schema::Dialect;

std::vector<KnownColumn> system_columns(const schema::Table& t, Dialect d) {
  std::vector<KnownColumn> out;
  auto add = [&](const char* name, const char* type) {
    for (const schema::Column& c : t.columns)
      if (util::to_lower(c.name) == name) return;  // a declared column of that name wins
    out.push_back({name, type, false});
  };
  if (d == Dialect::sqlite) {
    if (t.options.count("without_rowid")) return out;
    for (const char* n : {"rowid", "oid", "_rowid_"}) add(n, "int64");
  } else if (d == Dialect::postgresql) {
    add("tableoid", "oid");
    add("ctid", "tid");
    add("xmin", "xid");
    add("xmax", "xid");
    add("cmin", "cid");
    add("cmax", "cid");
  }
  return out;
}

namespace {

// The arguments of `CREATE VIRTUAL TABLE t USING module(arg, ...)`, each as its tokens.
struct ModuleCall {
  std::string table, module;
  std::vector<std::vector<sql::Token>> args;
};

std::optional<ModuleCall> module_call(const schema::RawStatement& raw) {
  diag::Diagnostics ignored;
  const sql::SourceFile src{"", raw.sql};
  const std::vector<sql::Token> toks = sql::lex(src, Dialect::sqlite, ignored);
  ModuleCall m;
  std::size_t i = 0;
  for (; i < toks.size() && !toks[i].is("USING"); ++i)
    if (toks[i].kind == sql::TokenKind::identifier || toks[i].kind == sql::TokenKind::quoted_ident)
      m.table = toks[i].text;  // the last name before USING: [schema.]table
  if (i + 1 >= toks.size()) return std::nullopt;
  m.module = util::to_lower(toks[i + 1].text);
  i += 2;
  if (i >= toks.size() || !toks[i].is("(")) return m;
  int depth = 0;
  std::vector<sql::Token> cur;
  for (++i; i < toks.size(); ++i) {
    const sql::Token& t = toks[i];
    if (t.kind == sql::TokenKind::end) break;
    if (depth == 0 && (t.is(",") || t.is(")"))) {
      if (!cur.empty()) m.args.push_back(std::move(cur));
      cur.clear();
      if (t.is(")")) break;
      continue;
    }
    if (t.is("(")) ++depth;
    if (t.is(")")) --depth;
    cur.push_back(t);
  }
  return m;
}

bool is_option(const std::vector<sql::Token>& arg) {
  return std::any_of(arg.begin(), arg.end(), [](const sql::Token& t) { return t.is("="); });
}

std::string option_value(const std::vector<sql::Token>& arg) {
  for (std::size_t i = 0; i + 1 < arg.size(); ++i)
    if (arg[i].is("=")) return arg[i + 1].text;
  return "";
}

}  // namespace

std::optional<KnownRelation> virtual_table(const schema::Schema& s, std::string_view name) {
  if (s.dialect != Dialect::sqlite) return std::nullopt;
  for (const schema::RawStatement& raw : s.raw) {
    if (raw.kind != "virtual table") continue;
    std::string rn = raw.name;
    if (auto dot = rn.rfind('.'); dot != std::string::npos) rn = rn.substr(dot + 1);
    if (util::to_lower(rn) != util::to_lower(name)) continue;
    std::optional<ModuleCall> m = module_call(raw);
    if (!m) return std::nullopt;
    KnownRelation r;
    if (m->module == "fts5" || m->module == "fts4" || m->module == "fts3") {
      std::string langid;
      for (const auto& arg : m->args) {
        if (is_option(arg)) {
          if (util::to_lower(arg.front().text) == "languageid") langid = option_value(arg);
          continue;
        }
        // fts5: `name [UNINDEXED]`; fts3/4: `name [type ...]`.
        r.columns.push_back({arg.front().text, "text", true});
      }
      r.visible = r.columns.size();
      // The column named after the table takes MATCH queries and special INSERT commands.
      r.columns.push_back({rn, "text", true});
      r.columns.push_back({"rowid", "int64", false});
      if (m->module == "fts5") {
        r.columns.push_back({"rank", "float64", true});
      } else {
        r.columns.push_back({"docid", "int64", true});  // SQLite declares it nullable
        if (!langid.empty()) r.columns.push_back({langid, "int64", false});
      }
      return r;
    }
    if (m->module == "rtree" || m->module == "rtree_i32") {
      // id, then min/max pairs of coordinates; `+name` columns are auxiliary values of any type.
      for (std::size_t i = 0; i < m->args.size(); ++i) {
        const auto& arg = m->args[i];
        if (arg.front().is("+") && arg.size() > 1) {
          r.columns.push_back({arg[1].text, "", true});
          continue;
        }
        const char* type = i == 0 ? "int64" : m->module == "rtree" ? "float64" : "int32";
        r.columns.push_back({arg.front().text, type, true});  // SQLite declares them nullable
      }
      r.visible = r.columns.size();
      r.columns.push_back({"rowid", "int64", false});
      return r;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<KnownRelation> table_function(std::string_view n, Dialect d) {
  if (d == Dialect::sqlite && (n == "json_each" || n == "json_tree")) {
    // https://sqlite.org/json1.html#jeach: key and value (and atom) have no fixed type.
    KnownRelation r;
    r.columns = {{"key", "", true},        {"value", "", true},    {"type", "text", false},
                 {"atom", "", true},       {"id", "int64", false}, {"parent", "int64", true},
                 {"fullkey", "text", false}, {"path", "text", false}, {"json", "", true},
                 {"root", "text", true}};
    r.visible = 8;  // json and root are hidden (the function's arguments)
    return r;
  }
  return std::nullopt;
}

std::optional<KnownColumn> sqlite_pragma(std::string_view n) {
  // https://sqlite.org/pragma.html: pragmas that read as one value; busy_timeout's column is
  // called "timeout".
  static const std::vector<std::pair<std::string_view, std::string_view>> pragmas = {
      {"application_id", "int64"}, {"auto_vacuum", "int64"},   {"automatic_index", "int64"},
      {"cache_size", "int64"},     {"cache_spill", "int64"},   {"cell_size_check", "int64"},
      {"data_version", "int64"},   {"defer_foreign_keys", "int64"}, {"encoding", "text"},
      {"foreign_keys", "int64"},   {"freelist_count", "int64"}, {"journal_mode", "text"},
      {"journal_size_limit", "int64"}, {"legacy_alter_table", "int64"}, {"locking_mode", "text"},
      {"max_page_count", "int64"}, {"mmap_size", "int64"},     {"page_count", "int64"},
      {"page_size", "int64"},      {"query_only", "int64"},    {"read_uncommitted", "int64"},
      {"recursive_triggers", "int64"}, {"reverse_unordered_selects", "int64"}, {"schema_version", "int64"},
      {"secure_delete", "int64"},  {"soft_heap_limit", "int64"}, {"synchronous", "int64"},
      {"temp_store", "int64"},     {"threads", "int64"},       {"trusted_schema", "int64"},
      {"user_version", "int64"},   {"wal_autocheckpoint", "int64"}};
  if (n == "busy_timeout") return KnownColumn{"timeout", "int64", false};
  for (const auto& [name, type] : pragmas)
    if (name == n) return KnownColumn{std::string(name), std::string(type), false};
  return std::nullopt;
}

// information_schema views are nullable throughout and typed with its domains (sql_identifier,
// character_data, yes_or_no: text; cardinal_number: integer); pg_catalog tables are NOT NULL,
// its views (pg_tables, pg_stat_activity, ...) nullable.
const CatalogRelation* catalog_relation(std::string_view schema, std::string_view name) {
  static const std::vector<CatalogRelation> relations = {
      {"information_schema", "columns", true,
       {{"table_catalog", "sql_identifier"}, {"table_schema", "sql_identifier"}, {"table_name", "sql_identifier"},
        {"column_name", "sql_identifier"}, {"ordinal_position", "cardinal_number"},
        {"column_default", "character_data"}, {"is_nullable", "yes_or_no"}, {"data_type", "character_data"},
        {"character_maximum_length", "cardinal_number"}, {"numeric_precision", "cardinal_number"},
        {"numeric_scale", "cardinal_number"}, {"udt_schema", "sql_identifier"}, {"udt_name", "sql_identifier"},
        {"is_identity", "yes_or_no"}, {"is_generated", "character_data"}}},
      {"information_schema", "tables", true,
       {{"table_catalog", "sql_identifier"}, {"table_schema", "sql_identifier"}, {"table_name", "sql_identifier"},
        {"table_type", "character_data"}}},
      {"information_schema", "schemata", true,
       {{"catalog_name", "sql_identifier"}, {"schema_name", "sql_identifier"}, {"schema_owner", "sql_identifier"}}},
      {"information_schema", "views", true,
       {{"table_catalog", "sql_identifier"}, {"table_schema", "sql_identifier"}, {"table_name", "sql_identifier"},
        {"view_definition", "character_data"}, {"check_option", "character_data"}, {"is_updatable", "yes_or_no"},
        {"is_insertable_into", "yes_or_no"}}},
      {"information_schema", "table_constraints", true,
       {{"constraint_catalog", "sql_identifier"}, {"constraint_schema", "sql_identifier"},
        {"constraint_name", "sql_identifier"}, {"table_catalog", "sql_identifier"},
        {"table_schema", "sql_identifier"}, {"table_name", "sql_identifier"}, {"constraint_type", "character_data"},
        {"is_deferrable", "yes_or_no"}, {"initially_deferred", "yes_or_no"}, {"enforced", "yes_or_no"}}},
      {"information_schema", "key_column_usage", true,
       {{"constraint_catalog", "sql_identifier"}, {"constraint_schema", "sql_identifier"},
        {"constraint_name", "sql_identifier"}, {"table_catalog", "sql_identifier"},
        {"table_schema", "sql_identifier"}, {"table_name", "sql_identifier"}, {"column_name", "sql_identifier"},
        {"ordinal_position", "cardinal_number"}, {"position_in_unique_constraint", "cardinal_number"}}},
      {"information_schema", "routines", true,
       {{"specific_catalog", "sql_identifier"}, {"specific_schema", "sql_identifier"},
        {"specific_name", "sql_identifier"}, {"routine_catalog", "sql_identifier"},
        {"routine_schema", "sql_identifier"}, {"routine_name", "sql_identifier"},
        {"routine_type", "character_data"}, {"data_type", "character_data"}}},
      {"information_schema", "sequences", true,
       {{"sequence_catalog", "sql_identifier"}, {"sequence_schema", "sql_identifier"},
        {"sequence_name", "sql_identifier"}, {"data_type", "character_data"}, {"start_value", "character_data"},
        {"minimum_value", "character_data"}, {"maximum_value", "character_data"}, {"increment", "character_data"},
        {"cycle_option", "yes_or_no"}}},
      {"pg_catalog", "pg_class", false,
       {{"oid", "oid"}, {"relname", "name"}, {"relnamespace", "oid"}, {"reltype", "oid"}, {"relowner", "oid"},
        {"relpages", "integer"}, {"reltuples", "real"}, {"relhasindex", "boolean"}, {"relkind", "char"}}},
      {"pg_catalog", "pg_namespace", false, {{"oid", "oid"}, {"nspname", "name"}, {"nspowner", "oid"}}},
      {"pg_catalog", "pg_type", false,
       {{"oid", "oid"}, {"typname", "name"}, {"typnamespace", "oid"}, {"typtype", "char"}}},
      {"pg_catalog", "pg_enum", false,
       {{"oid", "oid"}, {"enumtypid", "oid"}, {"enumsortorder", "real"}, {"enumlabel", "name"}}},
      {"pg_catalog", "pg_attribute", false,
       {{"attrelid", "oid"}, {"attname", "name"}, {"atttypid", "oid"}, {"attnum", "smallint"},
        {"attnotnull", "boolean"}, {"attisdropped", "boolean"}}},
      {"pg_catalog", "pg_constraint", false,
       {{"oid", "oid"}, {"conname", "name"}, {"connamespace", "oid"}, {"contype", "char"},
        {"condeferrable", "boolean"}, {"condeferred", "boolean"}, {"convalidated", "boolean"},
        {"conrelid", "oid"}, {"contypid", "oid"}, {"conindid", "oid"}, {"confrelid", "oid"}}},
      {"pg_catalog", "pg_index", false,
       {{"indexrelid", "oid"}, {"indrelid", "oid"}, {"indnatts", "smallint"}, {"indisunique", "boolean"},
        {"indisprimary", "boolean"}}},
      {"pg_catalog", "pg_proc", false,
       {{"oid", "oid"}, {"proname", "name"}, {"pronamespace", "oid"}, {"proowner", "oid"}, {"prokind", "char"},
        {"proretset", "boolean"}, {"prorettype", "oid"}}},
      {"pg_catalog", "pg_extension", false,
       {{"oid", "oid"}, {"extname", "name"}, {"extowner", "oid"}, {"extnamespace", "oid"},
        {"extrelocatable", "boolean"}, {"extversion", "text"}}},
      {"pg_catalog", "pg_database", false, {{"oid", "oid"}, {"datname", "name"}, {"datdba", "oid"}}},
      {"pg_catalog", "pg_roles", true, {{"oid", "oid"}, {"rolname", "name"}, {"rolsuper", "boolean"}}},
      {"pg_catalog", "pg_tables", true,
       {{"schemaname", "name"}, {"tablename", "name"}, {"tableowner", "name"}, {"tablespace", "name"},
        {"hasindexes", "boolean"}, {"hasrules", "boolean"}, {"hastriggers", "boolean"}, {"rowsecurity", "boolean"}}},
      {"pg_catalog", "pg_indexes", true,
       {{"schemaname", "name"}, {"tablename", "name"}, {"indexname", "name"}, {"tablespace", "name"},
        {"indexdef", "text"}}},
      {"pg_catalog", "pg_views", true,
       {{"schemaname", "name"}, {"viewname", "name"}, {"viewowner", "name"}, {"definition", "text"}}},
      {"pg_catalog", "pg_matviews", true,
       {{"schemaname", "name"}, {"matviewname", "name"}, {"matviewowner", "name"}, {"tablespace", "name"},
        {"hasindexes", "boolean"}, {"ispopulated", "boolean"}, {"definition", "text"}}},
      {"pg_catalog", "pg_sequences", true,
       {{"schemaname", "name"}, {"sequencename", "name"}, {"sequenceowner", "name"}, {"data_type", "regtype"},
        {"start_value", "bigint"}, {"min_value", "bigint"}, {"max_value", "bigint"}, {"increment_by", "bigint"},
        {"cycle", "boolean"}, {"cache_size", "bigint"}, {"last_value", "bigint"}}},
      {"pg_catalog", "pg_settings", true,
       {{"name", "text"}, {"setting", "text"}, {"unit", "text"}, {"category", "text"}, {"short_desc", "text"},
        {"extra_desc", "text"}, {"context", "text"}, {"vartype", "text"}, {"source", "text"}, {"min_val", "text"},
        {"max_val", "text"}, {"enumvals", "text[]"}, {"boot_val", "text"}, {"reset_val", "text"},
        {"sourcefile", "text"}, {"sourceline", "integer"}, {"pending_restart", "boolean"}}},
      {"pg_catalog", "pg_stat_activity", true,
       {{"datid", "oid"}, {"datname", "name"}, {"pid", "integer"}, {"leader_pid", "integer"},
        {"usesysid", "oid"}, {"usename", "name"}, {"application_name", "text"}, {"client_addr", "inet"},
        {"client_hostname", "text"}, {"client_port", "integer"}, {"backend_start", "timestamptz"},
        {"xact_start", "timestamptz"}, {"query_start", "timestamptz"}, {"state_change", "timestamptz"},
        {"wait_event_type", "text"}, {"wait_event", "text"}, {"state", "text"}, {"backend_xid", "xid"},
        {"backend_xmin", "xid"}, {"query_id", "bigint"}, {"query", "text"}, {"backend_type", "text"}}},
      {"pg_catalog", "pg_locks", true,
       {{"locktype", "text"}, {"database", "oid"}, {"relation", "oid"}, {"pid", "integer"}, {"mode", "text"},
        {"granted", "boolean"}, {"fastpath", "boolean"}}},
      {"pg_catalog", "pg_stat_user_tables", true,
       {{"relid", "oid"}, {"schemaname", "name"}, {"relname", "name"}, {"seq_scan", "bigint"},
        {"seq_tup_read", "bigint"}, {"idx_scan", "bigint"}, {"idx_tup_fetch", "bigint"}, {"n_tup_ins", "bigint"},
        {"n_tup_upd", "bigint"}, {"n_tup_del", "bigint"}, {"n_tup_hot_upd", "bigint"}, {"n_live_tup", "bigint"},
        {"n_dead_tup", "bigint"}, {"n_mod_since_analyze", "bigint"}, {"n_ins_since_vacuum", "bigint"},
        {"last_vacuum", "timestamptz"}, {"last_autovacuum", "timestamptz"}, {"last_analyze", "timestamptz"},
        {"last_autoanalyze", "timestamptz"}, {"vacuum_count", "bigint"}, {"autovacuum_count", "bigint"},
        {"analyze_count", "bigint"}, {"autoanalyze_count", "bigint"}}},
  };
  for (const CatalogRelation& r : relations) {
    if (r.name != name) continue;
    if (schema.empty() ? r.schema == "pg_catalog" : schema == r.schema) return &r;
  }
  return nullptr;
}

}  // namespace flash::query
