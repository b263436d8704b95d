#pragma once
// Small facts about the live database that the migration engine needs: which tables and columns
// exist (information_schema / sqlite_master), row counts, and JSON exports of tables taken before
// destructive operations.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "flash/driver/connection.hpp"

namespace flash::migrate {

// Base tables of the current schema/database (not views), excluding _flash_migrations and
// sqlite_* internals, mapped to their column names in ordinal order.
std::map<std::string, std::vector<std::string>> live_tables(driver::SqlConnection& c);
// Views of the current schema/database.
std::vector<std::string> live_views(driver::SqlConnection& c);
// Whether the base table exists: in `schema` (PostgreSQL schema, MySQL database, SQLite attached
// database), or in the current one when `schema` is empty. PostgreSQL reads pg_catalog, which shows
// tables whatever the user's privileges on them.
bool live_table_exists(driver::SqlConnection& c, const std::string& table, const std::string& schema = "");

// SELECT count(*) with an optional WHERE clause.
std::int64_t count_rows(driver::SqlConnection& c, const std::string& table_sql,
                        const std::string& where = "");

// Writes the rows of `tables` (those that exist) to `file` as
//   {"timestamp": "...", "version": "1.0", "comment": "...", "tables": {"t": [{col: value}...]}}
// (the original tool's export format), streaming rows through the driver's cursor. Returns the
// number of rows written.
std::int64_t export_tables(driver::SqlConnection& c, const std::vector<std::string>& tables,
                           const std::filesystem::path& file, const std::string& comment);

}  // namespace flash::migrate
