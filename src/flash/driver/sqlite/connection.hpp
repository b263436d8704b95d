#pragma once
// The sqlite driver, built on the SQLite3 library. Reached through connect_sql() (registry.cpp);
// callers use the SqlConnection interface only.
#include <memory>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver::sqlite {

// Opens a connection; throws ConnectError (message without the password) when that fails.
std::unique_ptr<SqlConnection> connect(const config::DatabaseUrl& url);

}  // namespace flash::driver::sqlite
