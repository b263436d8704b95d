#pragma once
// Online plans (`flash migrate NAME --online`, README "Online plans"): the same change as the
// sequence that keeps an existing table readable and writable while it runs, for the operations
// on tables that exist before the plan (a new table has no readers to block).
//
// PostgreSQL: the migration runs outside a transaction (`-- +migrate Up notransaction`, statement by
// statement, each recorded, resumable), after `SET lock_timeout` (the executor retries a
// statement that times out on a lock, a bounded number of times); CREATE/DROP INDEX CONCURRENTLY;
// FOREIGN KEY and CHECK added NOT VALID, then VALIDATE CONSTRAINT (a lighter lock, no write block);
// SET NOT NULL through a validated CHECK (col IS NOT NULL), which lets PostgreSQL skip its scan;
// a column with a volatile default (now(), random(), gen_random_uuid() ...: the table would be
// rewritten under lock) added nullable without it, the default set for new rows, existing rows
// backfilled in batches of kBackfillBatch (an UPDATE marked `/* flash:batch N */`, which the
// executor repeats, each batch its own transaction, until a batch updates fewer than N rows), then
// NOT NULL as above when the column has it.
// MySQL/MariaDB: `ALGORITHM=INSTANT` / `ALGORITHM=INPLACE, LOCK=NONE` asserted on the ALTERs the
// server can do so, so that it refuses rather than silently copying the table or blocking writes;
// the others (type or primary-key changes) are left as they are and the lint says the table is
// copied, with its live size. SQLite: nothing to do (one writer at a time; rebuilds are copies).
#include <string>
#include <vector>

#include "flash/diff/plan.hpp"

namespace flash::diff {

constexpr int kBackfillBatch = 10000;

// Whether a default expression is volatile: evaluated per row, so ADD COLUMN with it rewrites the
// table (PostgreSQL; the lint's pg.volatile-default uses the same test).
bool volatile_expression(const std::string& expr);

// What was rewritten, one line per operation, for the user and --json.
std::vector<std::string> make_online(Plan& plan, const schema::Schema& from, const schema::Schema& to);

}  // namespace flash::diff
