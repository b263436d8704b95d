#pragma once
// Shared glue of the migration commands (migrate, apply, down, status, reset): the engine's
// Project from the config, its Output from the CLI context, the connection, and the common
// --lock-timeout / --no-backup options.
#include <functional>
#include <memory>

#include "cli/app.hpp"
#include "flash/driver/connection.hpp"
#include "flash/migrate/engine.hpp"

namespace flash::cli {

migrate::Project migrate_project(Context& ctx);
// say/warn go through the context; confirm is set only when a terminal can answer (or, with
// `always_confirm`, always — Context::confirm then fails naming the flag without a terminal).
migrate::Output migrate_output(Context& ctx, bool always_confirm = false);
std::unique_ptr<driver::SqlConnection> migrate_connect(Context& ctx);
// Project::pooled from the database URL: pgbouncer=true (Prisma's parameter, or set by
// [database] pooler = "pgbouncer") on a PostgreSQL URL.
void set_pooled_from_url(Context& ctx, migrate::Project& p);
// [database] direct_url_env: a connector to the URL that bypasses the pooler (where apply and down
// run sections without a transaction in pooler mode), or empty when the variable is not set.
std::function<std::unique_ptr<driver::SqlConnection>()> direct_connector(Context& ctx);

}  // namespace flash::cli
