#pragma once
// Connection URLs for the four databases. Passwords are never printed: use redacted().
//   postgres://user:pass@host:5432/db?sslmode=disable   (also postgresql://)
//   mysql://user:pass@host:3306/db                      (also mariadb://)
//   sqlite://relative/or/absolute/path.db  sqlite:///abs/path.db  sqlite::memory:  file:path.db
//   mongodb://user:pass@host:27017/db                   (also mongodb+srv://)
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "flash/schema/model.hpp"

namespace flash::config {

struct DatabaseUrl {
  schema::Dialect dialect = schema::Dialect::sqlite;
  std::string scheme;  // as written
  std::string user;
  std::string password;  // decoded; never print
  std::string host;
  std::optional<int> port;
  std::string database;  // database name; for SQLite the file path or ":memory:"
  std::map<std::string, std::string> params;  // query-string parameters, decoded
  std::string original;  // the URL as given (contains the password: never print)

  bool is_memory() const { return dialect == schema::Dialect::sqlite && database == ":memory:"; }
  // The URL with the password replaced by "****".
  std::string redacted() const;
};

// Throws diag::Error("config.url", ..., hint) for a malformed URL or an unknown scheme; the message
// never contains the password.
DatabaseUrl parse_database_url(std::string_view url);

}  // namespace flash::config
