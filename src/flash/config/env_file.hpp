#pragma once
// Private to flash_config (and its tests): the .env file format.
//   # comment
//   KEY=value                 unquoted: trimmed, a " #" starts a comment
//   export KEY=value          the `export ` prefix is ignored
//   KEY="a \"b\"\nc"          double quotes: \n \r \t \\ \" \$ escapes, may span lines, ${VAR} expands
//   KEY='literal $x'          single quotes: verbatim, may span lines
// ${VAR} / $VAR in unquoted and double-quoted values expand from earlier keys of the same file,
// then the process environment.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flash::config {

struct EnvEntry {
  std::string key;
  std::string value;
  std::size_t value_offset = 0;  // byte offset of the value as written
};
// Throws diag::Errors ("config.env") located in `file` for malformed lines.
std::vector<EnvEntry> parse_env_entries(std::string_view text, const std::string& file);
// The same, keys and values only.
std::vector<std::pair<std::string, std::string>> parse_env(std::string_view text,
                                                           const std::string& file);

}  // namespace flash::config
