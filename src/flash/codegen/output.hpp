#pragma once
// Writing a generator's Response to disk, the generation cache and `flash gen --check`.
//
// Output is deterministic: files are written in the generator's order, only when their content
// changed, each atomically (temporary file + rename). Files a previous run generated that the
// generator no longer produces are removed. The cache, <out>/.flash-gen.json, records per
// language the hash of every input (inputs_hash) and the sha256 of each file written; when the
// hash is unchanged and every recorded file is still on disk with that content, `flash gen`
// skips parsing, analysis and generation altogether.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flash/codegen/generator.hpp"
#include "flash/config/config.hpp"
#include "flash/sql/source.hpp"

namespace flash::codegen {

inline constexpr const char* kCacheFile = ".flash-gen.json";

// sha256 over every input of one target: the schema and query files (paths and contents), the
// [gen.X] settings (language, out, driver, async, every other key), the dialect and the flash
// version.
std::string inputs_hash(const std::vector<sql::SourceFile>& schema_files,
                        const std::vector<sql::SourceFile>& query_files, const config::GenTarget& target,
                        schema::Dialect dialect, std::string_view flash_version);

struct CacheEntry {
  std::string input_hash;
  std::map<std::string, std::string> files;  // path relative to out → sha256 of the content
};
// The entry for `language` in out_dir's cache; nullopt when there is none or it is unreadable.
std::optional<CacheEntry> read_cache(const std::filesystem::path& out_dir, const std::string& language);

// True when the cache entry for `language` has `hash` and every file it lists exists with the
// recorded content (so a hand-edited or deleted file is regenerated).
bool cache_fresh(const std::filesystem::path& out_dir, const std::string& language, const std::string& hash);

struct OutputReport {
  std::vector<std::string> written;    // created or changed (with check: would be)
  std::vector<std::string> unchanged;  // already had this content
  std::vector<std::string> removed;    // generated before, no longer (with check: would be removed)
  bool stale() const { return !written.empty() || !removed.empty(); }
};

// Writes `files` under out_dir (see above) and then the cache entry for `language` with `hash`.
// Throws diag::Error("gen.path") for a path that is absolute or leaves out_dir, and io errors.
OutputReport write_output(const std::filesystem::path& out_dir, const std::string& language,
                          const std::vector<File>& files, const std::string& hash);

// What write_output would do, without touching the disk.
OutputReport check_output(const std::filesystem::path& out_dir, const std::string& language,
                          const std::vector<File>& files);

}  // namespace flash::codegen
