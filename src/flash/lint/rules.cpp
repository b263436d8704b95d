// The lint rule table: code, engines, default severity, what it catches, how to fix it. The README
// table "Lint rules" is this table.
#include "flash/lint/lint.hpp"

namespace flash::lint {

using diag::Severity;

const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = {
      {"destructive.drop-table", "all", Severity::warning, "DROP TABLE of a table that holds data",
       "export the data first, or make sure nothing reads the table any more", Rule::Grade::sized},
      {"destructive.drop-column", "all", Severity::warning, "DROP COLUMN: the column's data is gone",
       "stop reading the column in a release before, then drop it", Rule::Grade::sized},
      {"destructive.drop-schema", "postgresql", Severity::warning, "DROP SCHEMA and everything in it",
       "drop the objects one by one, each on purpose"},
      {"destructive.truncate", "all", Severity::warning, "TRUNCATE in a migration deletes every row",
       "move data changes out of schema migrations or delete with a WHERE"},
      {"data.not-null-no-default", "all", Severity::warning,
       "a NOT NULL column without default added to an existing table (or SET NOT NULL): fails on existing rows",
       "add it nullable, backfill, then set NOT NULL; or give it a default", Rule::Grade::sized},
      {"data.unique-existing", "all", Severity::warning, "a UNIQUE constraint or index over existing data",
       "check the data for duplicates first (the migration fails on them)", Rule::Grade::sized},
      {"data.narrowing", "all", Severity::warning, "a type change that can lose or reject values",
       "check the data fits, or widen instead", Rule::Grade::sized},
      {"data.enum-value-removed", "postgresql", Severity::warning, "an enum value removed (rows may use it)",
       "update the rows that use it first"},
      {"compat.rename", "all", Severity::warning, "a table or column renamed: running clients still use the old name",
       "expand/contract: add the new name, keep both in sync, drop the old one later"},
      {"pg.index-not-concurrent", "postgresql", Severity::warning,
       "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds",
       "CREATE INDEX CONCURRENTLY in a `-- +migrate Up notransaction` migration", Rule::Grade::locking},
      {"pg.concurrently-in-transaction", "postgresql", Severity::error,
       "CREATE/DROP INDEX CONCURRENTLY in a transactional migration: PostgreSQL refuses it",
       "mark the section `-- +migrate Up notransaction`"},
      {"pg.constraint-not-valid", "postgresql", Severity::warning,
       "a FOREIGN KEY or CHECK added to an existing table without NOT VALID scans it under a lock",
       "add it NOT VALID, then VALIDATE CONSTRAINT in a later statement", Rule::Grade::locking},
      {"pg.set-not-null", "postgresql", Severity::warning,
       "SET NOT NULL on an existing table scans it under an ACCESS EXCLUSIVE lock",
       "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL", Rule::Grade::locking},
      {"pg.volatile-default", "postgresql", Severity::warning,
       "ADD COLUMN with a volatile default (now(), random(), gen_random_uuid() ...) rewrites the table",
       "add the column without default, backfill in batches, then set the default", Rule::Grade::locking},
      {"pg.type-rewrite", "postgresql", Severity::warning,
       "ALTER COLUMN TYPE on an existing table rewrites it under an ACCESS EXCLUSIVE lock",
       "add a new column, backfill, switch, drop the old one", Rule::Grade::locking},
      {"pg.lock-timeout", "postgresql", Severity::warning,
       "a migration that locks existing tables without SET lock_timeout can queue every query behind it",
       "start the migration with SET lock_timeout = '5s'", Rule::Grade::locking},
      {"pg.prefer-identity", "postgresql", Severity::warning, "serial / bigserial column",
       "use GENERATED ... AS IDENTITY"},
      {"pg.int-key", "postgresql", Severity::warning, "integer / smallint primary key can run out",
       "use bigint"},
      {"pg.timestamp-without-tz", "postgresql", Severity::warning, "timestamp without time zone",
       "use timestamptz"},
      {"mysql.table-copy", "mysql", Severity::warning,
       "an ALTER that MySQL runs by copying the table (type change, primary key change, charset conversion)",
       "run it with an online tool or in a maintenance window; assert ALGORITHM=INPLACE/INSTANT to refuse copies", Rule::Grade::locking},
      {"mysql.multi-ddl", "mysql", Severity::warning,
       "several DDL statements in one migration: MySQL commits each, a failure leaves it half applied",
       "one DDL statement per migration"},
      // Active with [database] cluster = "galera" (engine "galera": MySQL dialect on a Galera cluster).
      {"galera.no-primary-key", "galera", Severity::error,
       "a table without a primary key: Galera replicates its rows unreliably (DELETE is unsupported, order differs)",
       "give every table a PRIMARY KEY"},
      {"galera.non-innodb", "galera", Severity::error,
       "ENGINE=MyISAM / Aria / MEMORY ...: only InnoDB tables are replicated, the others differ between nodes",
       "use ENGINE=InnoDB"},
      {"galera.lock-tables", "galera", Severity::error,
       "LOCK TABLES / GET_LOCK in a migration: Galera does not support LOCK TABLES and GET_LOCK is node-local",
       "remove it: flash apply already holds a cluster-wide lock row (_flash_lock)"},
      {"galera.large-transaction", "galera", Severity::warning,
       "a data statement over existing rows is one writeset: large ones stall the cluster (flow control) and "
       "fail above wsrep_max_ws_rows / wsrep_max_ws_size",
       "backfill in batches (`UPDATE /* flash:batch N */ ...`, as flash migrate --online writes)", Rule::Grade::sized},
      {"sqlite.rebuild", "sqlite", Severity::warning,
       "a change SQLite can only make by rebuilding the table (copy, drop, rename)",
       "expect the table to be copied; keep such changes small", Rule::Grade::locking},
  };
  return table;
}

const Rule* find_rule(const std::string& code) {
  for (const auto& r : rules())
    if (code == r.code) return &r;
  return nullptr;
}

}  // namespace flash::lint
