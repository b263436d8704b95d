#include "flash/migrate/lock.hpp"

#include <thread>

#include "flash/diag/diagnostic.hpp"
#include "flash/migrate/tracking.hpp"

namespace flash::migrate {

using schema::Dialect;

static diag::Error timeout_error(std::chrono::milliseconds t) {
  return diag::Error("migrate.lock-timeout",
                     "could not take the migration lock within " +
                         std::to_string(t.count() / 1000) + "s: another flash apply is running",
                     diag::ExitCode::lock_timeout,
                     "wait for it to finish, or raise --lock-timeout SECONDS");
}

MigrationLock::MigrationLock(driver::SqlConnection& c, std::chrono::milliseconds timeout)
    : conn_(c) {
  switch (c.dialect()) {
    case Dialect::postgresql: {
      // Polling instead of a blocking pg_advisory_lock: a blocked call could not honour the timeout
      // without statement_timeout, which would also apply to the migration's own statements.
      auto deadline = std::chrono::steady_clock::now() + timeout;
      for (;;) {
        auto rs = c.query("SELECT pg_try_advisory_lock(" + std::to_string(kPgLockKey) + ")");
        if (!rs.rows.empty()) {
          const auto& v = rs.rows[0][0];
          bool ok = false;
          if (auto* b = std::get_if<bool>(&v)) ok = *b;
          else if (auto s = value_text(v)) ok = (*s == "t" || *s == "true" || *s == "1");
          if (ok) break;
        }
        if (std::chrono::steady_clock::now() >= deadline) throw timeout_error(timeout);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      held_ = true;
      break;
    }
    case Dialect::mysql: {
      auto secs = std::max<long long>(0, (timeout.count() + 999) / 1000);
      auto rs = c.query("SELECT GET_LOCK(CONCAT('flash_migrate:', IFNULL(DATABASE(), '')), " +
                        std::to_string(secs) + ")");
      if (rs.rows.empty() || value_int(rs.rows[0][0]) != 1) throw timeout_error(timeout);
      held_ = true;
      break;
    }
    default:
      c.execute("PRAGMA busy_timeout = " + std::to_string(timeout.count()));
      break;
  }
}

MigrationLock::~MigrationLock() {
  if (!held_) return;
  try {
    if (conn_.dialect() == Dialect::postgresql)
      conn_.query("SELECT pg_advisory_unlock(" + std::to_string(kPgLockKey) + ")");
    else if (conn_.dialect() == Dialect::mysql)
      conn_.query("SELECT RELEASE_LOCK(CONCAT('flash_migrate:', IFNULL(DATABASE(), '')))");
  } catch (...) {
    // Closing the connection releases session locks anyway.
  }
}

bool is_lock_error(const driver::DbError& e) {
  const std::string& st = e.sqlstate();
  int code = e.native_code();
  std::string msg = e.what();
  if (st == "55P03" || st == "40P01") return true;         // PostgreSQL lock_not_available, deadlock
  if (code == 1205 || code == 1213) return true;            // MySQL lock wait timeout, deadlock
  if ((code & 0xff) == 5 || (code & 0xff) == 6) {           // SQLITE_BUSY, SQLITE_LOCKED (+ extended)
    if (msg.find("locked") != std::string::npos || msg.find("busy") != std::string::npos) return true;
  }
  return msg.find("database is locked") != std::string::npos;
}

}  // namespace flash::migrate
