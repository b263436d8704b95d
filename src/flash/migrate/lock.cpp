#include "flash/migrate/lock.hpp"

#include <cstdio>
#include <random>
#include <thread>

#include "flash/diag/diagnostic.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::migrate {

using schema::Dialect;

static diag::Error timeout_error(std::chrono::milliseconds t, const std::string& extra = "") {
  return diag::Error("migrate.lock-timeout",
                     "could not take the migration lock within " +
                         std::to_string(t.count() / 1000) + "s: another flash apply is running" + extra,
                     diag::ExitCode::lock_timeout,
                     "wait for it to finish, or raise --lock-timeout SECONDS");
}

static bool truthy(const driver::Value& v) {
  if (auto* b = std::get_if<bool>(&v)) return *b;
  auto s = value_text(v);
  return s && (*s == "t" || *s == "true" || *s == "1" || util::to_lower(*s) == "on");
}

LockKind lock_kind_for(driver::SqlConnection& c, const std::string& cluster, bool pooled) {
  if (c.dialect() == Dialect::postgresql) return pooled ? LockKind::transaction : LockKind::session;
  if (c.dialect() != Dialect::mysql) return LockKind::session;
  if (cluster == "galera") return LockKind::row;
  // MariaDB answers for wsrep_on (OFF without Galera); MySQL has no such variable: no row.
  auto rs = c.query("SHOW VARIABLES LIKE 'wsrep_on'");
  return !rs.rows.empty() && rs.rows[0].size() > 1 && truthy(rs.rows[0][1]) ? LockKind::row : LockKind::session;
}

static std::string random_owner() {
  std::random_device rd;
  std::string s;
  char buf[9];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
    s += buf;
  }
  return s;
}

MigrationLock::MigrationLock(driver::SqlConnection& c, std::chrono::milliseconds timeout, const std::string& cluster,
                             bool pooled)
    : conn_(c), timeout_(timeout), kind_(lock_kind_for(c, cluster, pooled)) {
  if (kind_ == LockKind::transaction) return;  // taken in each migration's transaction
  if (kind_ == LockKind::row) {
    take_row();
    return;
  }
  switch (c.dialect()) {
    case Dialect::postgresql: {
      // Polling instead of a blocking pg_advisory_lock: a blocked call could not honour the timeout
      // without statement_timeout, which would also apply to the migration's own statements.
      auto deadline = std::chrono::steady_clock::now() + timeout;
      for (;;) {
        auto rs = c.query("SELECT pg_try_advisory_lock(" + std::to_string(kPgLockKey) + ")");
        if (!rs.rows.empty() && truthy(rs.rows[0][0])) break;
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

void MigrationLock::in_transaction() {
  if (kind_ != LockKind::transaction) return;
  // pg_try_advisory_xact_lock in a loop: a failed try does not abort the transaction, and the
  // timeout needs no SET (session state, which the pooler does not keep).
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (;;) {
    auto rs = conn_.query("SELECT pg_try_advisory_xact_lock(" + std::to_string(kPgLockKey) + ")");
    if (!rs.rows.empty() && truthy(rs.rows[0][0])) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      try { conn_.execute("ROLLBACK"); } catch (...) {}
      throw timeout_error(timeout_, " (the transaction-scoped lock of pooler mode)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The lock row: created once per database (CREATE TABLE IF NOT EXISTS replicates as DDL), then
// taken by one conditional write that only matches a free or expired row, read back to see
// whose it is. A certification failure (two nodes at once: deadlock error 1213) or a lock wait
// is "not now": retried until the timeout.
void MigrationLock::take_row() {
  owner_ = random_owner();
  const auto d = Dialect::mysql;
  const std::string t = kLockTable;
  const std::string me = schema::quote_string(owner_, d);
  const std::string expiry = "NOW(3) + INTERVAL " + std::to_string(kRowLockSeconds) + " SECOND";
  // Reads wait until this node has applied everything committed before them anywhere in the
  // cluster (causality), so the history read under the lock is current.
  try { conn_.execute("SET SESSION wsrep_sync_wait = 1"); } catch (const driver::DbError&) {}
  // Created only when missing: a DDL statement (even IF NOT EXISTS) runs in total order isolation
  // and aborts the holder's concurrent write to the table on every node (error 1213).
  if (conn_.query("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '" + t +
                  "'").rows.empty())
    conn_.execute("CREATE TABLE IF NOT EXISTS " + t +
                  " (id VARCHAR(64) NOT NULL PRIMARY KEY, owner VARCHAR(64) NOT NULL, expires_at DATETIME(3) NOT NULL)"
                  " ENGINE=InnoDB");
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  std::string holder;
  for (int attempt = 0;; ++attempt) {
    try {
      conn_.query("INSERT IGNORE INTO " + t + " (id, owner, expires_at) VALUES ('migrate', " + me + ", " + expiry + ")");
      conn_.query("UPDATE " + t + " SET owner = " + me + ", expires_at = " + expiry +
                  " WHERE id = 'migrate' AND (owner = " + me + " OR expires_at < NOW(3))");
      holder = row_owner();
      if (holder == owner_) {
        held_ = true;
        return;
      }
    } catch (const driver::DbError& e) {
      if (!e.connection_usable() || !is_lock_error(e)) throw;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      throw timeout_error(timeout_, " (the cluster-wide lock row " + t + " is held" +
                                        (holder.empty() ? std::string() : " by " + holder) +
                                        "; a holder that died loses it " + std::to_string(kRowLockSeconds) +
                                        " s after its last step)");
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 10 * std::min(attempt, 10)));
  }
}

std::string MigrationLock::row_owner() {
  auto rs = conn_.query("SELECT owner FROM " + std::string(kLockTable) + " WHERE id = 'migrate'");
  return rs.rows.empty() ? std::string() : value_text(rs.rows[0][0]).value_or("");
}

void MigrationLock::renew() {
  if (kind_ != LockKind::row || !held_) return;
  const auto d = Dialect::mysql;
  const std::string sql = "UPDATE " + std::string(kLockTable) + " SET expires_at = NOW(3) + INTERVAL " +
                          std::to_string(kRowLockSeconds) + " SECOND WHERE id = 'migrate' AND owner = " +
                          schema::quote_string(owner_, d);
  driver::ResultSet rs;
  for (int attempt = 1;; ++attempt) {
    try {
      rs = conn_.query(sql);
      break;
    } catch (const driver::DbError& e) {
      // A write aborted by a replicated one (1213): the renewal is idempotent, so try again.
      if (attempt == 5 || !e.connection_usable() || !is_lock_error(e)) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
    }
  }
  // 0 rows changed also when the expiry did not move (two renewals in one millisecond): read back.
  if (rs.affected_rows == 0 && row_owner() != owner_) {
    held_ = false;
    throw diag::Error("migrate.lock-lost",
                      "the migration lock (" + std::string(kLockTable) +
                          ") expired and another flash run took it over; stopped before the next step",
                      diag::ExitCode::lock_timeout,
                      "a step took longer than " + std::to_string(kRowLockSeconds) +
                          " s; run flash status, then flash apply again (it resumes at the recorded statement)");
  }
}

MigrationLock::~MigrationLock() {
  if (!held_) return;
  try {
    if (kind_ == LockKind::row)
      conn_.query("DELETE FROM " + std::string(kLockTable) + " WHERE id = 'migrate' AND owner = " +
                  schema::quote_string(owner_, Dialect::mysql));
    else if (conn_.dialect() == Dialect::postgresql)
      conn_.query("SELECT pg_advisory_unlock(" + std::to_string(kPgLockKey) + ")");
    else if (conn_.dialect() == Dialect::mysql)
      conn_.query("SELECT RELEASE_LOCK(CONCAT('flash_migrate:', IFNULL(DATABASE(), '')))");
  } catch (...) {
    // Closing the connection releases session locks anyway; a lock row expires.
  }
}

bool is_lock_error(const driver::DbError& e) {
  const std::string& st = e.sqlstate();
  int code = e.native_code();
  std::string msg = e.what();
  if (st == "55P03" || st == "40P01") return true;         // PostgreSQL lock_not_available, deadlock
  if (code == 1205 || code == 1213) return true;            // MySQL lock wait timeout, deadlock (Galera: certification)
  if ((code & 0xff) == 5 || (code & 0xff) == 6) {           // SQLITE_BUSY, SQLITE_LOCKED (+ extended)
    if (msg.find("locked") != std::string::npos || msg.find("busy") != std::string::npos) return true;
  }
  return msg.find("database is locked") != std::string::npos;
}

}  // namespace flash::migrate
