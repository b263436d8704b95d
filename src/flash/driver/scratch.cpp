// The scratch database (scratch.hpp). Names are generated here, never taken from input, and
// quoted with the dialect's one quoting function all the same.
#include "flash/driver/scratch.hpp"

#include <unistd.h>

#include <atomic>
#include <random>

#include "flash/schema/printer.hpp"

namespace flash::driver {

using schema::Dialect;

std::string scratch_suffix() {
  static std::atomic<int> n{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "_" + std::to_string(n++) + "_" + std::to_string(rd() % 100000);
}

ScratchDatabase::ScratchDatabase(const config::DatabaseUrl& server, std::string_view prefix, Kind sqlite_kind)
    : server_(server), url_(server) {
  const std::string tag = std::string(prefix) + "_" + scratch_suffix();
  if (server.dialect == Dialect::sqlite) {
    url_.scheme = "sqlite";
    url_.params.clear();
    if (sqlite_kind == Kind::memory) {
      url_.database = ":memory:";
    } else {
      dir_ = std::filesystem::temp_directory_path() / tag;
      std::filesystem::create_directories(dir_);
      url_.database = (dir_ / "test.db").string();
    }
    url_.original.clear();
    conn_ = connect_sql(url_);
    return;
  }
  connect_sql(server_)->execute("CREATE DATABASE " + schema::quote_ident_always(tag, server.dialect));
  created_ = true;
  url_.database = tag;
  url_.original.clear();  // held the server's database name; connections use the fields
  // No session is kept open on a server database until connection() asks for one: an idle session
  // would block what needs the database to itself (CREATE DATABASE … TEMPLATE of a branch).
}

ScratchDatabase::~ScratchDatabase() {
  conn_.reset();
  try {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
    if (created_)
      connect_sql(server_)->execute("DROP DATABASE IF EXISTS " + schema::quote_ident_always(url_.database, url_.dialect) +
                                    (url_.dialect == Dialect::postgresql ? " WITH (FORCE)" : ""));
  } catch (...) {
    // Nothing to report to: the name says what it is, should it stay behind.
  }
}

SqlConnection& ScratchDatabase::connection() {
  if (!conn_) conn_ = connect_sql(url_);
  return *conn_;
}

}  // namespace flash::driver
