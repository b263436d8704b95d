#pragma once
// The MongoDB paths of the commands (provider "mongodb"): schema, migrate, apply, down, status.
// Each command file calls its function first when the project is a MongoDB one; the SQL paths stay
// untouched. Implemented in mongo.cpp over flash/mongo.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.hpp"

namespace flash::cli {

bool is_mongo_project(Context& ctx);
void run_mongo_schema(Context& ctx);
// --rename old:new confirms a collection rename; --accept-data-loss takes rename candidates as drop
// + create. Unconfirmed candidates are asked on a TTY, else migrate.ambiguous-rename (exit 2).
void run_mongo_migrate(const std::string& name, bool empty, bool dry_run, const std::vector<std::string>& renames,
                       bool accept_data_loss, Context& ctx);
// --dry-run: the commands a run would send, in order, without the lock; nothing is executed.
// --accept-data-loss: enforce a validator over violating documents (the staged rollout's consent).
void run_mongo_apply(double lock_timeout, const std::string& to, bool dry_run, bool accept_data_loss, Context& ctx);
// `id`: roll back every applied migration down to and including it.
void run_mongo_down(int steps, const std::string& id, bool dry_run, double lock_timeout, bool accept_data_loss,
                    Context& ctx);
void run_mongo_status(Context& ctx);
// flash lint on MongoDB migration files (all, or those named): the differ's findings per file, each
// with the documents of its collection when the database is reachable (an empty one: a note).
void run_mongo_lint(const std::vector<std::string>& migrations, bool offline, Context& ctx);
// Drops the collections of the migrations and schema files and Flash's own, after a confirmation
// (--force without a TTY), exporting them first (canonical Extended JSON) unless --no-backup.
void run_mongo_reset(bool no_backup, bool dry_run, Context& ctx);

// mongo_data.cpp: pull (sampling, inferred validators), export, import, seed on a MongoDB project.
void run_mongo_pull(const std::string& out, bool backup, std::size_t sample, Context& ctx);
void run_mongo_export(const std::string& format, const std::string& collections, const std::string& where,
                      const std::string& output, Context& ctx);
void run_mongo_import(const std::string& path, Context& ctx);
void run_mongo_seed(const std::vector<std::pair<std::string, std::int64_t>>& collections, std::int64_t count,
                    bool truncate, bool no_backup, bool dry_run, std::uint64_t seed, Context& ctx);

}  // namespace flash::cli
