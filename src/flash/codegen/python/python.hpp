#pragma once
// The Python generator ([gen.python]): a typed package for asyncpg, psycopg (3), aiomysql, PyMySQL,
// aiosqlite or sqlite3. See python/generate.cpp for the settings, the shape of the package and the
// type mapping table.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flash/codegen/generator.hpp"

namespace flash::codegen::python {

// Files (relative to settings.out): __init__.py, py.typed, _runtime.py, models.py and one module per
// query file. Diagnostics: "codegen.setting" (unknown driver, a driver that does not fit the
// dialect; nothing is generated), "codegen.unsupported" warnings for queries the Python client
// skips (:copyfrom / :batch* without parameters, :execlastid without RETURNING on PostgreSQL),
// "gen.copyfrom" errors for a :copyfrom that is not a plain one-row INSERT of parameters.
Response generate(const Request& req);
// The MongoDB client (mongo.cpp): models and collection accessors from Request::documents.
Response generate_mongo(const Request& req);

// ---- Pieces exposed for the unit tests ----

enum class Driver { asyncpg, psycopg, aiomysql, pymysql, aiosqlite, sqlite3 };
std::optional<Driver> driver_from_string(std::string_view name);
std::string_view to_string(Driver d);
bool is_async(Driver d);
// The driver used when [gen.python] names none: asyncpg/psycopg, aiomysql/pymysql,
// aiosqlite/sqlite3 by dialect and `async`.
Driver default_driver(schema::Dialect d, bool async);
bool driver_fits(Driver drv, schema::Dialect d);

// The engine SQL of an analysed query (`$n` for PostgreSQL, `?` otherwise) rewritten for the
// driver's paramstyle: asyncpg keeps `$n`; psycopg gets `%s` per `$n` occurrence (order lists
// the parameter number, 1-based, of each `%s`); PyMySQL/aiomysql get `%s` per `?`; sqlite3 and
// aiosqlite keep `?`. For the ?-engines order has one entry per placeholder: the number of a
// `?NNN` (rewritten to a plain placeholder, bound per occurrence) or 0 for a plain `?`. For the %s drivers every literal `%` is doubled (in strings and comments
// too, because the driver formats the whole text). Strings, quoted identifiers, comments and
// PostgreSQL dollar-quoted bodies are never rewritten.
struct DriverSql {
  std::string text;
  std::vector<int> order;  // psycopg: $n per %s; ?-engines: NNN of ?NNN or 0 per placeholder
};
DriverSql rewrite_sql(std::string_view sql, schema::Dialect dialect, Driver drv);

// A Python string literal with the given content: a triple-quoted literal for multi-line text.
std::string py_string(std::string_view s, bool multiline);

// The runtime module (_runtime.py) for a driver.
// read_retry, record_rows ([gen.python] rows = "record"): asyncpg only.
std::string runtime_module(Driver d, bool read_retry = false, bool record_rows = false);

}  // namespace flash::codegen::python
