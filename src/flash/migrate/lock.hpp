#pragma once
// The migration lock, so that two `flash apply` runs never execute the same migration twice.
//   PostgreSQL: session advisory lock, taken by polling pg_try_advisory_lock until the timeout.
//   MySQL:      GET_LOCK('flash_migrate:<database>', timeout).
//   SQLite:     there is no session lock; each migration runs in BEGIN IMMEDIATE (the writer
//               lock) and `acquire` only sets busy_timeout so that BEGIN IMMEDIATE waits up to the
//               timeout. The executor re-reads the tracking row inside that transaction.
// A timeout throws diag::Error with ExitCode::lock_timeout (4).
#include <chrono>

#include "flash/driver/connection.hpp"

namespace flash::migrate {

class MigrationLock {
 public:
  MigrationLock(driver::SqlConnection& c, std::chrono::milliseconds timeout);
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;
  ~MigrationLock();  // releases; never throws

 private:
  driver::SqlConnection& conn_;
  bool held_ = false;
};

// The advisory-lock key Flash uses on PostgreSQL (stable across versions).
inline constexpr long long kPgLockKey = 0x466c617368LL;  // "Flash"

// Whether a DbError means "the database is locked / busy" (SQLite BUSY/LOCKED, MySQL lock wait
// timeout, PostgreSQL lock_not_available).
bool is_lock_error(const driver::DbError& e);

}  // namespace flash::migrate
