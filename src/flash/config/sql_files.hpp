#pragma once
// The SQL files a project path names (schema_dir, queries): a directory means every *.sql file
// directly inside it, in file-name order; a file means just that file (the legacy schema_path).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flash/config/config.hpp"

namespace flash::config {

// nullopt when `dir_or_file` does not exist.
std::optional<std::vector<std::filesystem::path>> list_sql_files(const std::filesystem::path& dir_or_file);

// `dir_or_file` relative to the project root. A missing path throws diag::Error
// "<what>.not-found" located at the config file, with a hint naming the config `key`.
std::vector<std::filesystem::path> sql_files(const Config& cfg, const std::string& dir_or_file,
                                             std::string_view what, std::string_view key);

// A path as shown in diagnostics: relative to the working directory when below it.
std::string display_path(const std::filesystem::path& p);

}  // namespace flash::config
