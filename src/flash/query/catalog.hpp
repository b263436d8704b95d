#pragma once
// Relations and columns the schema files do not declare but the database has, for the analyzer:
//   * hidden columns of ordinary tables: SQLite's rowid (oid, _rowid_) unless WITHOUT ROWID;
//     PostgreSQL's system columns tableoid, ctid, xmin, xmax, cmin, cmax;
//   * SQLite virtual tables (kept verbatim in Schema::raw as "virtual table"): FTS5, FTS4/FTS3
//     and R*Tree, with their hidden columns (the table-name column MATCH uses, rank, docid, ...);
//   * table-valued functions: SQLite json_each / json_tree;
//   * PostgreSQL system catalogs and views (pg_catalog, information_schema) queries commonly read.
// Types are neutral names of functions.hpp's builtin_type() or the dialect's own type names; ""
// is a column of no fixed type.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flash/schema/model.hpp"

namespace flash::query {

struct KnownColumn {
  std::string name;
  std::string type;
  bool nullable = true;
};

struct KnownRelation {
  std::vector<KnownColumn> columns;
  std::size_t visible = 0;  // columns[visible..] are hidden: not part of `*` nor of INSERT's default list
};

// Hidden columns of an ordinary table (none for MySQL).
std::vector<KnownColumn> system_columns(const schema::Table& t, schema::Dialect d);

// The SQLite virtual table `name` (schema "" or "main") when `s.raw` declares one whose module Flash
// knows; nullopt otherwise.
std::optional<KnownRelation> virtual_table(const schema::Schema& s, std::string_view name);

// The columns of a table-valued function called in FROM (SQLite json_each / json_tree).
std::optional<KnownRelation> table_function(std::string_view lower_name, schema::Dialect d);

// The one result column of a SQLite `PRAGMA name` read (`PRAGMA foreign_keys`), for the pragmas
// whose value is a single row; nullopt for others.
std::optional<KnownColumn> sqlite_pragma(std::string_view lower_name);

// A PostgreSQL catalog relation: `schema` is "pg_catalog", "information_schema" or "" (pg_catalog
// is on every search path; information_schema must be named).
struct CatalogRelation {
  std::string_view schema, name;
  bool nullable;  // views over outer joins (information_schema, pg_stat_*) are nullable throughout
  std::vector<std::pair<std::string_view, std::string_view>> columns;  // name, PostgreSQL type
};
const CatalogRelation* catalog_relation(std::string_view schema, std::string_view name);

}  // namespace flash::query
