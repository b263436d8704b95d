#pragma once
// The postgres driver, built on libpq. Reached through connect_sql() (registry.cpp);
// callers use the SqlConnection interface only.
#include <memory>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver::postgres {

// Opens a connection; throws ConnectError (message without the password) when that fails.
std::unique_ptr<SqlConnection> connect(const config::DatabaseUrl& url);

}  // namespace flash::driver::postgres
