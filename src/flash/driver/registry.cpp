// The dialect → driver table. Adding a database means adding a folder with the same file names
// and one row here.
#include <array>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/connection.hpp"
#include "flash/driver/mysql/connection.hpp"
#include "flash/driver/postgres/connection.hpp"
#include "flash/driver/sqlite/connection.hpp"

namespace flash::driver {
namespace {

using ConnectFn = std::unique_ptr<SqlConnection> (*)(const config::DatabaseUrl&);

struct Entry {
  schema::Dialect dialect;
  ConnectFn connect;
};

constexpr std::array kSqlDrivers{
    Entry{schema::Dialect::postgresql, &postgres::connect},
    Entry{schema::Dialect::mysql, &mysql::connect},
    Entry{schema::Dialect::sqlite, &sqlite::connect},
};

}  // namespace

std::unique_ptr<SqlConnection> connect_sql(const config::DatabaseUrl& url) {
  for (const Entry& e : kSqlDrivers) {
    if (e.dialect == url.dialect) return e.connect(url);
  }
  throw diag::Error("driver.unsupported",
                    "no SQL driver for " + std::string(schema::to_string(url.dialect)) + " (" +
                        url.redacted() + ")",
                    diag::ExitCode::error,
                    std::string("SQL commands support postgresql, mysql and sqlite databases"));
}

}  // namespace flash::driver
