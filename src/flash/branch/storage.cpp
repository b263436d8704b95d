// A branch's database, per engine: copy (PostgreSQL template copy, MySQL object-by-object copy,
// SQLite online backup), drop, rename, existence and size. Every identifier in a statement is
// quoted with schema::quote_ident_always; every value is bound.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "flash/branch/branch.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::branch {
namespace fs = std::filesystem;
using driver::Value;
using schema::Dialect;

namespace {

std::string q(std::string_view name, Dialect d) { return schema::quote_ident_always(name, d); }

std::string text(const Value& v) { return migrate::value_text(v).value_or(""); }

// PostgreSQL: a session on the maintenance database (CREATE/DROP DATABASE cannot run in the
// database they copy or drop). MySQL: a session without a current database.
std::unique_ptr<driver::SqlConnection> server_session(const config::DatabaseUrl& u) {
  config::DatabaseUrl a = u;
  a.original.clear();
  a.database = u.dialect == Dialect::postgresql ? "postgres" : "";
  return driver::connect_sql(a);
}

// PostgreSQL: the other sessions on `db`, for the message that says who blocks a template copy.
std::string pg_sessions(driver::SqlConnection& c, const std::string& db) {
  const std::vector<Value> p{db};
  auto rs = c.query(
      "SELECT pid, usename, application_name, coalesce(host(client_addr), 'local'), state FROM pg_stat_activity "
      "WHERE datname = $1 AND pid <> pg_backend_pid() ORDER BY pid",
      p);
  std::vector<std::string> out;
  for (const auto& r : rs.rows)
    out.push_back("pid " + text(r[0]) + " (user " + text(r[1]) +
                  (text(r[2]).empty() ? "" : ", application '" + text(r[2]) + "'") + ", from " + text(r[3]) +
                  ", " + text(r[4]) + ")");
  return out.empty() ? "another session (it has since ended)" : util::join(out, "; ");
}

[[noreturn]] void pg_rethrow(const driver::DbError& e, driver::SqlConnection& c, const std::string& busy_db,
                             const std::string& user, const std::string& action) {
  if (e.sqlstate() == "55006")
    throw diag::Error("branch.database-busy",
                      "cannot " + action + ": database '" + busy_db + "' is in use by " + pg_sessions(c, busy_db),
                      diag::ExitCode::error,
                      "PostgreSQL copies and drops a database only while no other session is connected to it: "
                      "close those sessions (or SELECT pg_terminate_backend(pid)) and run it again");
  if (e.sqlstate() == "42501")
    throw diag::Error("branch.privilege",
                      "cannot " + action + ": role '" + user + "' lacks the CREATEDB privilege (" + e.what() + ")",
                      diag::ExitCode::error, "as a superuser: ALTER ROLE " + q(user, Dialect::postgresql) + " CREATEDB");
  throw e;
}

// ---- PostgreSQL --------------------------------------------------------------------------------

void pg_copy(const config::DatabaseUrl& from, const config::DatabaseUrl& to) {
  auto c = server_session(from);
  try {
    c->execute("CREATE DATABASE " + q(to.database, Dialect::postgresql) + " TEMPLATE " +
               q(from.database, Dialect::postgresql));
  } catch (const driver::DbError& e) {
    pg_rethrow(e, *c, from.database, from.user, "create branch database '" + to.database + "'");
  }
}

void pg_truncate_all(driver::SqlConnection& c) {
  auto rs = c.query(
      "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', "
      "'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND c.relname NOT LIKE '\\_flash\\_%' "
      "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') "
      "ORDER BY 1, 2");
  if (rs.rows.empty()) return;
  std::vector<std::string> names;
  for (const auto& r : rs.rows)
    names.push_back(q(text(r[0]), Dialect::postgresql) + "." + q(text(r[1]), Dialect::postgresql));
  c.execute("TRUNCATE " + util::join(names, ", ") + " RESTART IDENTITY");
}

// ---- MySQL / MariaDB ---------------------------------------------------------------------------

std::vector<std::vector<Value>> rows(driver::SqlConnection& c, const std::string& sql, std::vector<Value> p = {}) {
  return c.query(sql, p).rows;
}

// Tables in foreign-key order (referenced tables first; tables in a cycle last, by name).
std::vector<std::string> fk_order(driver::SqlConnection& c, const std::string& db,
                                  const std::vector<std::string>& tables) {
  std::map<std::string, std::set<std::string>> deps;
  for (const auto& t : tables) deps[t];
  for (const auto& r : rows(c,
                            "SELECT TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS "
                            "WHERE CONSTRAINT_SCHEMA = ? AND UNIQUE_CONSTRAINT_SCHEMA = ?",
                            {db, db})) {
    const std::string t = text(r[0]), ref = text(r[1]);
    if (t != ref && deps.count(t) && deps.count(ref)) deps[t].insert(ref);
  }
  std::vector<std::string> out;
  std::set<std::string> done;
  bool progress = true;
  while (progress) {
    progress = false;
    for (const auto& [t, ds] : deps) {
      if (done.count(t)) continue;
      if (std::all_of(ds.begin(), ds.end(), [&](const std::string& d) { return done.count(d) > 0; })) {
        out.push_back(t);
        done.insert(t);
        progress = true;
      }
    }
  }
  for (const auto& [t, ds] : deps)
    if (!done.count(t)) out.push_back(t);
  return out;
}

// SHOW CREATE ... in the source database: the column holding the statement.
std::string show_create(driver::SqlConnection& c, const std::string& what, const std::string& name,
                        const std::string& column, std::string* sql_mode = nullptr) {
  auto rs = c.query("SHOW CREATE " + what + " " + q(name, Dialect::mysql));
  if (rs.rows.empty()) throw diag::Error("branch.copy", "SHOW CREATE " + what + " " + name + " returned nothing");
  std::string out;
  for (std::size_t i = 0; i < rs.columns.size(); ++i) {
    if (util::iequals(rs.columns[i].name, column)) out = text(rs.rows[0][i]);
    if (sql_mode && util::iequals(rs.columns[i].name, "sql_mode")) *sql_mode = text(rs.rows[0][i]);
  }
  if (out.empty())
    throw diag::Error("branch.copy", "cannot read the definition of " + what + " " + name,
                      diag::ExitCode::error, "the user needs the privileges SHOW CREATE " + what + " requires");
  return out;
}

void set_sql_mode(driver::SqlConnection& c, const std::string& mode) {
  const std::vector<Value> p{mode};
  c.query("SET SESSION sql_mode = ?", p);
}

void mysql_copy(const config::DatabaseUrl& from, const config::DatabaseUrl& to, bool schema_only) {
  const Dialect d = Dialect::mysql;
  auto src = driver::connect_sql(from);
  const std::string sdb = from.database;
  auto charset = rows(*src,
                      "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
                      "WHERE SCHEMA_NAME = ?",
                      {sdb});
  std::string create = "CREATE DATABASE " + q(to.database, d);
  if (!charset.empty())
    create += " CHARACTER SET " + q(text(charset[0][0]), d) + " COLLATE " + q(text(charset[0][1]), d);
  src->execute(create);
  auto dst = driver::connect_sql(to);
  dst->execute("SET FOREIGN_KEY_CHECKS = 0");
  // Tables (and MariaDB sequences), each as the server prints it: AUTO_INCREMENT=N keeps the counter.
  std::vector<std::string> tables, sequences;
  for (const auto& r : rows(*src,
                            "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                            "AND TABLE_TYPE IN ('BASE TABLE', 'SEQUENCE') ORDER BY TABLE_NAME",
                            {sdb}))
    (text(r[1]) == "SEQUENCE" ? sequences : tables).push_back(text(r[0]));
  for (const auto& s : sequences) {
    dst->execute(show_create(*src, "SEQUENCE", s, "Create Table"));
    if (!schema_only) {
      auto next = rows(*src, "SELECT next_not_cached_value FROM " + q(sdb, d) + "." + q(s, d));
      if (!next.empty())
        dst->query("SELECT SETVAL(" + q(s, d) + ", " + std::to_string(migrate::value_int(next[0][0])) + ", 0)");
    }
  }
  for (const auto& t : tables) dst->execute(show_create(*src, "TABLE", t, "Create Table"));
  // Rows, in foreign-key order, before any trigger exists (a copy must not fire them). Generated
  // columns are computed again; NO_AUTO_VALUE_ON_ZERO keeps a stored 0 in an AUTO_INCREMENT column.
  set_sql_mode(*dst, "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION");
  for (const auto& t : fk_order(*src, sdb, tables)) {
    if (schema_only && !util::starts_with_ci(t, "_flash_")) continue;
    std::vector<std::string> cols;
    for (const auto& r : rows(*src,
                              "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND "
                              "TABLE_NAME = ? AND EXTRA NOT LIKE '%VIRTUAL%' AND EXTRA NOT LIKE '%STORED%' AND "
                              "EXTRA NOT LIKE '%PERSISTENT%' ORDER BY ORDINAL_POSITION",
                              {sdb, t}))
      cols.push_back(q(text(r[0]), d));
    const std::string list = util::join(cols, ", ");
    dst->execute("INSERT INTO " + q(t, d) + " (" + list + ") SELECT " + list + " FROM " + q(sdb, d) + "." + q(t, d));
  }
  // Routines, then views (which may call functions; a view over a view waits for it), then triggers.
  for (const auto& r : rows(*src,
                            "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA "
                            "= ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME",
                            {sdb})) {
    const std::string kind = text(r[1]);  // PROCEDURE / FUNCTION / PACKAGE ...
    if (kind != "PROCEDURE" && kind != "FUNCTION") continue;
    std::string mode;
    const std::string sql =
        show_create(*src, kind, text(r[0]), kind == "PROCEDURE" ? "Create Procedure" : "Create Function", &mode);
    set_sql_mode(*dst, mode);
    dst->execute(sql);
  }
  std::vector<std::string> views;
  for (const auto& r : rows(*src,
                            "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY "
                            "TABLE_NAME",
                            {sdb}))
    views.push_back(text(r[0]));
  std::map<std::string, std::string> view_sql;
  for (const auto& v : views) view_sql[v] = show_create(*src, "VIEW", v, "Create View");
  while (!views.empty()) {
    std::vector<std::string> failed;
    std::string last_error;
    for (const auto& v : views) {
      try {
        dst->execute(view_sql[v]);
      } catch (const driver::DbError& e) {
        if (!e.connection_usable()) throw;
        failed.push_back(v);
        last_error = e.what();
      }
    }
    if (failed.size() == views.size())
      throw diag::Error("branch.copy", "cannot re-create the views " + util::join(failed, ", ") + ": " + last_error);
    views = std::move(failed);
  }
  for (const auto& r : rows(*src,
                            "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY "
                            "EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER",
                            {sdb})) {
    std::string mode;
    const std::string sql = show_create(*src, "TRIGGER", text(r[0]), "SQL Original Statement", &mode);
    set_sql_mode(*dst, mode);
    dst->execute(sql);
  }
}

// ---- SQLite ------------------------------------------------------------------------------------

void sqlite_copy(const config::DatabaseUrl& from, const config::DatabaseUrl& to) {
  if (!fs::exists(from.database))
    throw diag::Error("branch.copy", "the database file " + from.database + " does not exist", diag::ExitCode::error,
                      "run `flash apply` to create it");
  sqlite3* s = nullptr;
  sqlite3* t = nullptr;
  auto close = [&] {
    sqlite3_close_v2(s);
    sqlite3_close_v2(t);
  };
  std::string err;
  if (sqlite3_open_v2(from.database.c_str(), &s, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    err = "cannot open " + from.database + ": " + sqlite3_errmsg(s);
  else if (sqlite3_open_v2(to.database.c_str(), &t, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
    err = "cannot create " + to.database + ": " + sqlite3_errmsg(t);
  if (err.empty()) {
    sqlite3_busy_timeout(s, 5000);
    sqlite3_backup* b = sqlite3_backup_init(t, "main", s, "main");
    if (!b) {
      err = sqlite3_errmsg(t);
    } else {
      int rc;
      // Pages in batches; a writer on the source restarts the copy, a lock waits a moment.
      while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        if (rc != SQLITE_OK) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      sqlite3_backup_finish(b);
      if (rc != SQLITE_DONE) err = sqlite3_errstr(rc);
    }
  }
  close();
  if (!err.empty()) throw diag::Error("branch.copy", "SQLite backup failed: " + err);
}

void sqlite_clear(driver::SqlConnection& c) {
  c.execute("PRAGMA foreign_keys = OFF");
  auto rs = c.query(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT "
      "LIKE '\\_flash\\_%' ESCAPE '\\' ORDER BY name");
  for (const auto& r : rs.rows) c.execute("DELETE FROM " + q(text(r[0]), Dialect::sqlite));
  c.execute("PRAGMA foreign_keys = ON");
  c.execute("VACUUM");
}

void remove_sqlite_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix);
}

}  // namespace

void copy_database(const config::DatabaseUrl& from, const config::DatabaseUrl& to, const CopyOptions& o) {
  if (database_exists(to))
    throw diag::Error("branch.exists", "the database '" + to.database + "' already exists", diag::ExitCode::error,
                      "drop it, or choose another branch name");
  try {
    switch (from.dialect) {
      case Dialect::postgresql:
        pg_copy(from, to);
        if (o.schema_only) pg_truncate_all(*driver::connect_sql(to));
        break;
      case Dialect::mysql:
        mysql_copy(from, to, o.schema_only);
        break;
      case Dialect::sqlite:
        sqlite_copy(from, to);
        if (o.schema_only) sqlite_clear(*driver::connect_sql(to));
        break;
      default:
        throw diag::Error("branch.unsupported", "branches need a SQL database", diag::ExitCode::usage);
    }
  } catch (...) {
    // Nothing half-made stays behind (a failed template copy created nothing).
    try {
      if (database_exists(to)) drop_database(to);
    } catch (...) {
    }
    throw;
  }
}

void drop_database(const config::DatabaseUrl& url) {
  if (url.dialect == Dialect::sqlite) {
    remove_sqlite_files(url.database);
    return;
  }
  auto c = server_session(url);
  const std::string sql = "DROP DATABASE IF EXISTS " + q(url.database, url.dialect);
  if (url.dialect != Dialect::postgresql) {
    c->execute(sql);
    return;
  }
  try {
    c->execute(sql);
  } catch (const driver::DbError& e) {
    pg_rethrow(e, *c, url.database, url.user, "drop database '" + url.database + "'");
  }
}

void create_empty_database(const config::DatabaseUrl& url) {
  if (url.dialect == Dialect::sqlite) return;
  auto c = server_session(url);
  try {
    c->execute("CREATE DATABASE " + q(url.database, url.dialect));
  } catch (const driver::DbError& e) {
    if (url.dialect == Dialect::postgresql) pg_rethrow(e, *c, url.database, url.user, "create database '" + url.database + "'");
    throw;
  }
}

bool database_exists(const config::DatabaseUrl& url) {
  if (url.dialect == Dialect::sqlite) return fs::exists(url.database);
  auto c = server_session(url);
  const std::vector<Value> p{url.database};
  return !c->query(url.dialect == Dialect::postgresql
                       ? "SELECT 1 FROM pg_database WHERE datname = $1"
                       : "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
                   p)
              .rows.empty();
}

std::optional<std::int64_t> database_size(const config::DatabaseUrl& url) {
  try {
    if (url.dialect == Dialect::sqlite) {
      if (!fs::exists(url.database)) return std::nullopt;
      return static_cast<std::int64_t>(fs::file_size(url.database));
    }
    auto c = server_session(url);
    const std::vector<Value> p{url.database};
    auto rs = c->query(url.dialect == Dialect::postgresql
                           ? "SELECT pg_database_size(datname) FROM pg_database WHERE datname = $1"
                           : "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES "
                             "WHERE TABLE_SCHEMA = ?",
                       p);
    if (rs.rows.empty()) return std::nullopt;
    return migrate::value_int(rs.rows[0][0]);
  } catch (const driver::DbError&) {
    return std::nullopt;
  }
}

void rename_database(const config::DatabaseUrl& from, const config::DatabaseUrl& to) {
  if (database_exists(to))
    throw diag::Error("branch.exists", "the database '" + to.database + "' already exists", diag::ExitCode::error,
                      "drop it, or choose another name");
  switch (from.dialect) {
    case Dialect::postgresql: {
      auto c = server_session(from);
      try {
        c->execute("ALTER DATABASE " + q(from.database, from.dialect) + " RENAME TO " + q(to.database, to.dialect));
      } catch (const driver::DbError& e) {
        pg_rethrow(e, *c, from.database, from.user, "rename database '" + from.database + "'");
      }
      break;
    }
    case Dialect::mysql:  // MySQL has no RENAME DATABASE
      copy_database(from, to, {});
      drop_database(from);
      break;
    default:  // SQLite: through the backup API, so that a WAL's committed pages come along
      copy_database(from, to, {});
      drop_database(from);
  }
}

std::vector<std::string> applied_migrations(driver::SqlConnection& c) {
  std::vector<std::string> out;
  for (const auto& r : migrate::read_tracking(c))
    if (r.finished() && !r.rolled_back_at) out.push_back(r.id);
  return out;
}

}  // namespace flash::branch
