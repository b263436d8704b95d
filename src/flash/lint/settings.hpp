#pragma once
// The lint settings of a project: flash.toml [lint] (error, ignore, large_rows), graded by live
// table statistics when a database is at hand. Used by the commands (cli lint_common) and Flash
// Studio's schema editor and migrations page, so both judge a migration the same way.
#include "flash/config/config.hpp"
#include "flash/driver/connection.hpp"
#include "flash/lint/lint.hpp"

namespace flash::lint {

// An unknown rule code is a diag::Error located at its line of flash.toml (config.lint-rule).
// With `live`, findings carry the tables' statistics read through it.
Settings settings_from_config(const config::Config& cfg, driver::SqlConnection* live = nullptr);

}  // namespace flash::lint
