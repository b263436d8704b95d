#pragma once
// Setup functions of the commands in the table (table.cpp). Each adds its subcommand's options
// and sets the callback that runs the command with the shared Context. One line per command.
// FLASH_COMMAND makes the declaration weak: an executable built without the command's part (the
// base `flash`, cli/parts.hpp) links to nullptr and dispatches the command to the part instead.
#include "cli/app.hpp"

#define FLASH_COMMAND [[gnu::weak]]

namespace flash::cli {

FLASH_COMMAND void setup_init(CLI::App& sub, Context& ctx);    // init.cpp
FLASH_COMMAND void setup_schema(CLI::App& sub, Context& ctx);  // schema.cpp
FLASH_COMMAND void setup_migrate(CLI::App& sub, Context& ctx);  // migrate.cpp
FLASH_COMMAND void setup_apply(CLI::App& sub, Context& ctx);    // apply.cpp
FLASH_COMMAND void setup_down(CLI::App& sub, Context& ctx);     // down.cpp
FLASH_COMMAND void setup_status(CLI::App& sub, Context& ctx);   // status.cpp
FLASH_COMMAND void setup_reset(CLI::App& sub, Context& ctx);    // reset.cpp
FLASH_COMMAND void setup_raw(CLI::App& sub, Context& ctx);      // raw.cpp
FLASH_COMMAND void setup_gen(CLI::App& sub, Context& ctx);      // gen.cpp
FLASH_COMMAND void setup_export(CLI::App& sub, Context& ctx);   // export.cpp
FLASH_COMMAND void setup_import(CLI::App& sub, Context& ctx);   // import.cpp
FLASH_COMMAND void setup_seed(CLI::App& sub, Context& ctx);     // seed.cpp
FLASH_COMMAND void setup_pull(CLI::App& sub, Context& ctx);     // pull.cpp
FLASH_COMMAND void setup_check(CLI::App& sub, Context& ctx);    // check.cpp
FLASH_COMMAND void setup_lint(CLI::App& sub, Context& ctx);     // lint.cpp
FLASH_COMMAND void setup_plugin(CLI::App& sub, Context& ctx);   // plugin.cpp
FLASH_COMMAND void setup_plugins(CLI::App& sub, Context& ctx);  // plugin.cpp
FLASH_COMMAND void setup_completion(CLI::App& sub, Context& ctx);  // completion.cpp
FLASH_COMMAND void setup_branch(CLI::App& sub, Context& ctx);   // branch.cpp
FLASH_COMMAND void setup_checkout(CLI::App& sub, Context& ctx); // branch.cpp
FLASH_COMMAND void setup_studio(CLI::App& sub, Context& ctx);   // studio.cpp

}  // namespace flash::cli
