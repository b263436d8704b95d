#pragma once
// A throwaway database: Flash's one scratch-database mechanism. The proof of `flash migrate`
// (flash/prove) runs the migrations in one, and the tests make theirs with it
// (tests/support/scratch_db.hpp).
//
// PostgreSQL / MySQL: `CREATE DATABASE <prefix>_<pid>_<n>_<random>` on the server of the given URL
// (the user needs CREATEDB / the CREATE and DROP privileges), reached with the same URL and that
// database name, and dropped by the destructor (PostgreSQL `WITH (FORCE)`), also when the work in
// it failed. Only a process killed in between leaves it behind, recognisable by its prefix.
// SQLite: a private in-memory database (Kind::memory, one connection: connection()), or a file in
// a fresh temporary directory that is removed at the end (Kind::file, for tests that hand a URL to
// another process).
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver {

class ScratchDatabase {
 public:
  enum class Kind { memory, file };  // SQLite only
  // Creates the database. Throws ConnectError when the server cannot be reached, DbError when it
  // refuses CREATE DATABASE. `server` is not used for SQLite (only its dialect).
  ScratchDatabase(const config::DatabaseUrl& server, std::string_view prefix, Kind sqlite_kind = Kind::memory);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  schema::Dialect dialect() const { return url_.dialect; }
  const config::DatabaseUrl& url() const { return url_; }
  // The database's name (PostgreSQL/MySQL) or file path / ":memory:" (SQLite).
  const std::string& name() const { return url_.database; }
  // The scratch database's own connection, opened on first use for PostgreSQL/MySQL (the only one
  // for in-memory SQLite, opened with it).
  SqlConnection& connection();
  // A further connection (not for in-memory SQLite).
  std::unique_ptr<SqlConnection> connect() const { return connect_sql(url_); }

 private:
  config::DatabaseUrl server_;
  config::DatabaseUrl url_;
  std::filesystem::path dir_;  // SQLite Kind::file
  bool created_ = false;
  std::unique_ptr<SqlConnection> conn_;
};

// "<pid>_<counter>_<random>": unique across the processes that run at once.
std::string scratch_suffix();

}  // namespace flash::driver
