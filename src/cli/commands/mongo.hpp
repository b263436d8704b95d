#pragma once
// The MongoDB paths of the commands (provider "mongodb"): schema, migrate, apply, down, status.
// Each command file calls its function first when the project is a MongoDB one; the SQL paths stay
// untouched. Implemented in mongo.cpp over flash/mongo.
#include <optional>
#include <string>

#include "cli/app.hpp"

namespace flash::cli {

bool is_mongo_project(Context& ctx);
void run_mongo_schema(Context& ctx);
void run_mongo_migrate(const std::string& name, bool empty, bool dry_run, Context& ctx);
// --dry-run: the commands a run would send, in order, without the lock; nothing is executed.
void run_mongo_apply(double lock_timeout, const std::string& to, bool dry_run, Context& ctx);
void run_mongo_down(int steps, const std::string& id, bool dry_run, double lock_timeout, Context& ctx);
void run_mongo_status(Context& ctx);

}  // namespace flash::cli
