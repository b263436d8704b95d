#pragma once
// The migration lock, so that two `flash apply` runs never execute the same migration twice.
//   PostgreSQL: session advisory lock, taken by polling pg_try_advisory_lock until the timeout.
//   PostgreSQL through a transaction-pooling PgBouncer (`pooled`: [database] pooler = "pgbouncer"
//               or the URL parameter pgbouncer=true): no session lock
//               survives there, so nothing is taken up front; every migration's transaction takes
//               the transaction-scoped pg_advisory_xact_lock on the same key (in_transaction())
//               and re-reads its history row under it (the executor), so each migration commits
//               exactly once. The two kinds exclude each other (one key), so a run on a direct
//               connection and one through the pooler are serialised too.
//   MySQL:      GET_LOCK('flash_migrate:<database>', timeout).
//   MariaDB Galera ([database] cluster = "galera", or wsrep_on detected): GET_LOCK is node-local,
//               so the lock is a row of `_flash_lock` (owner, expires_at: 60 s from the server's
//               clock) written through the cluster: two nodes taking it at once conflict in
//               certification and one of them fails and retries until the timeout; the holder
//               renews the expiry after every step (renew()), a holder that died loses it when it
//               expires, and a holder whose row was taken over stops (migrate.lock-lost).
//   SQLite:     there is no session lock; each migration runs in BEGIN IMMEDIATE (the writer
//               lock) and `acquire` only sets busy_timeout so that BEGIN IMMEDIATE waits up to the
//               timeout. The executor re-reads the tracking row inside that transaction.
// A timeout throws diag::Error with ExitCode::lock_timeout (4).
#include <chrono>
#include <string>

#include "flash/driver/connection.hpp"

namespace flash::migrate {

enum class LockKind { session, transaction, row };

// The lock `c` needs: transaction when pooled (PostgreSQL), row on a Galera node (`cluster` ==
// "galera" or the server says wsrep_on = ON), else session.
LockKind lock_kind_for(driver::SqlConnection& c, const std::string& cluster, bool pooled);

class MigrationLock {
 public:
  MigrationLock(driver::SqlConnection& c, std::chrono::milliseconds timeout, const std::string& cluster = "",
                bool pooled = false);
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;
  ~MigrationLock();  // releases; never throws

  LockKind kind() const { return kind_; }
  // LockKind::transaction: takes pg_advisory_xact_lock inside the open transaction (polling, up to
  // the timeout). No-op for the other kinds.
  void in_transaction();
  // LockKind::row: extends the expiry; throws migrate.lock-lost when the row is no longer ours.
  // No-op for the other kinds.
  void renew();

 private:
  void take_row();
  std::string row_owner();
  driver::SqlConnection& conn_;
  std::chrono::milliseconds timeout_;
  LockKind kind_ = LockKind::session;
  std::string owner_;  // LockKind::row
  bool held_ = false;
};

// The advisory-lock key Flash uses on PostgreSQL (stable across versions).
inline constexpr long long kPgLockKey = 0x466c617368LL;  // "Flash"
// The lock table of LockKind::row and its expiry.
inline constexpr const char* kLockTable = "_flash_lock";
inline constexpr int kRowLockSeconds = 60;

// Whether a DbError means "the database is locked / busy" (SQLite BUSY/LOCKED, MySQL lock wait
// timeout, PostgreSQL lock_not_available).
bool is_lock_error(const driver::DbError& e);

}  // namespace flash::migrate
