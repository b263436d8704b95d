#pragma once
// The mysql driver, built on MariaDB Connector/C (MySQL and MariaDB servers). Reached through connect_sql() (registry.cpp);
// callers use the SqlConnection interface only.
#include <memory>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver::mysql {

// Opens a connection; throws ConnectError (message without the password) when that fails.
std::unique_ptr<SqlConnection> connect(const config::DatabaseUrl& url);

}  // namespace flash::driver::mysql
