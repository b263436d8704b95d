#pragma once
// The C++ generator ([gen.cpp]): a header-only C++20 client over libpq (PostgreSQL), MariaDB
// Connector/C (MySQL/MariaDB) or SQLite 3. See cpp/generate.cpp for the settings, the files and the
// type mapping table; the runtime headers are cpp/runtime_*.cpp.
#include <string_view>

#include "flash/codegen/generator.hpp"

namespace flash::codegen::cpp {

// Files (relative to settings.out): flash_<backend>.hpp (the runtime), models.hpp, one header per
// query file and queries.hpp including them all. Diagnostics: "codegen.setting" (unknown driver,
// a driver that does not fit the dialect; nothing is generated), "codegen.unsupported" warnings for
// queries the client skips (:batch* without parameters, :execlastid without RETURNING on
// PostgreSQL), "gen.copyfrom" errors for a :copyfrom that is not a plain one-row INSERT.
Response generate(const Request& req);

// The runtime header texts: the database-independent part and one per backend.
std::string_view runtime_common();
std::string_view runtime_pg();
std::string_view runtime_mysql();
std::string_view runtime_sqlite();

}  // namespace flash::codegen::cpp
