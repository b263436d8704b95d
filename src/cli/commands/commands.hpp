#pragma once
// Setup functions of the commands in the table (table.cpp). Each adds its subcommand's options
// and sets the callback that runs the command with the shared Context. One line per command.
#include "cli/app.hpp"

namespace flash::cli {

void setup_init(CLI::App& sub, Context& ctx);    // init.cpp
void setup_schema(CLI::App& sub, Context& ctx);  // schema.cpp
void setup_migrate(CLI::App& sub, Context& ctx);  // migrate.cpp
void setup_apply(CLI::App& sub, Context& ctx);    // apply.cpp
void setup_down(CLI::App& sub, Context& ctx);     // down.cpp
void setup_status(CLI::App& sub, Context& ctx);   // status.cpp
void setup_reset(CLI::App& sub, Context& ctx);    // reset.cpp
void setup_raw(CLI::App& sub, Context& ctx);      // raw.cpp
void setup_gen(CLI::App& sub, Context& ctx);      // gen.cpp
void setup_export(CLI::App& sub, Context& ctx);   // export.cpp
void setup_import(CLI::App& sub, Context& ctx);   // import.cpp
void setup_seed(CLI::App& sub, Context& ctx);     // seed.cpp
void setup_pull(CLI::App& sub, Context& ctx);     // pull.cpp
void setup_check(CLI::App& sub, Context& ctx);    // check.cpp
void setup_lint(CLI::App& sub, Context& ctx);     // lint.cpp
void setup_plugin(CLI::App& sub, Context& ctx);   // plugin.cpp
void setup_plugins(CLI::App& sub, Context& ctx);  // plugin.cpp
void setup_completion(CLI::App& sub, Context& ctx);  // completion.cpp
void setup_branch(CLI::App& sub, Context& ctx);   // branch.cpp
void setup_checkout(CLI::App& sub, Context& ctx); // branch.cpp
void setup_studio(CLI::App& sub, Context& ctx);   // studio.cpp

}  // namespace flash::cli
