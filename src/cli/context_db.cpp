// Context's database URLs: linked only into executables with database commands (the core part),
// since resolving the current branch needs the branch stage (app.hpp).
#include <cstdlib>

#include "cli/app.hpp"
#include "flash/branch/branch.hpp"

namespace flash::cli {
namespace fs = std::filesystem;

config::DatabaseUrl Context::database_url() { return branch::resolve(config(), main_database_url()); }

config::DatabaseUrl Context::main_database_url() {
  const auto& cfg = config();
  const char* value = std::getenv(cfg.url_env.c_str());
  if (!value || !*value) {
    std::string where = cfg.env_path.empty() ? ".env" : cfg.env_path;
    throw diag::Error("config.env-unset",
                      "environment variable " + cfg.url_env + " is not set",
                      diag::ExitCode::error,
                      "set it in the shell or in " + where + ", e.g. " + cfg.url_env + "=" +
                          (cfg.provider == schema::Dialect::postgresql
                               ? "postgres://user:password@localhost:5432/app"
                           : cfg.provider == schema::Dialect::mysql
                               ? "mysql://user:password@localhost:3306/app"
                           : cfg.provider == schema::Dialect::mongodb
                               ? "mongodb://localhost:27017/app"
                               : "sqlite://db/dev.db"));
  }
  // A URL from a .env file: problems with it are located at its value there.
  const auto origin = cfg.env_origins.find(cfg.url_env);
  const auto locate = [&](diag::Diagnostic& d) {
    if (origin == cfg.env_origins.end()) return;
    d.location = origin->second.location;
    d.source_line = origin->second.source_line;
  };
  config::DatabaseUrl url;
  try {
    url = config::parse_database_url(value);
  } catch (diag::Error& e) {
    locate(e.diagnostic());
    throw;
  }
  if (url.dialect != cfg.provider) {
    diag::Error e("config.provider-mismatch",
                      cfg.url_env + " is a " + std::string(schema::to_string(url.dialect)) +
                          " URL but the configured provider is " +
                          std::string(schema::to_string(cfg.provider)),
                      diag::ExitCode::error,
                      "change [database] provider in " + cfg.file.filename().string() +
                          " or point " + cfg.url_env + " at a " +
                          std::string(schema::to_string(cfg.provider)) + " database");
    locate(e.diagnostic());
    throw e;
  }
  // SQLite paths in URLs are relative to the project (the directory of flash.toml), not to
  // wherever the command happens to run.
  if (url.dialect == schema::Dialect::sqlite && !url.is_memory()) {
    fs::path p(url.database);
    if (p.is_relative()) url.database = (cfg.root / p).lexically_normal().string();
  }
  // [database] pooler = "pgbouncer" reaches the driver as the URL parameter (as pgbouncer=true).
  if (cfg.pooler == "pgbouncer" && url.dialect == schema::Dialect::postgresql) url.params["pgbouncer"] = "true";
  return url;
}

}  // namespace flash::cli
