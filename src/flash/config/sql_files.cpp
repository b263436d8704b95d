#include "flash/config/sql_files.hpp"

#include <algorithm>

#include "flash/diag/diagnostic.hpp"
#include "flash/util/text.hpp"

namespace flash::config {
namespace fs = std::filesystem;

std::optional<std::vector<fs::path>> list_sql_files(const fs::path& dir_or_file) {
  std::error_code ec;
  if (fs::is_regular_file(dir_or_file, ec)) return std::vector<fs::path>{dir_or_file};
  if (!fs::is_directory(dir_or_file, ec)) return std::nullopt;
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(dir_or_file)) {
    if (entry.is_regular_file() && util::to_lower(entry.path().extension().string()) == ".sql")
      paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return paths;
}

std::vector<fs::path> sql_files(const Config& cfg, const std::string& dir_or_file, std::string_view what,
                                std::string_view key) {
  const fs::path base = cfg.resolve(dir_or_file).lexically_normal();
  if (auto paths = list_sql_files(base)) return *paths;
  diag::Diagnostic d = value_diagnostic(cfg, key, std::string(what) + ".not-found",
                                        std::string(what) + " path `" + display_path(base) + "` does not exist");
  d.hint = "create it, or set " + std::string(key) + " in " + cfg.file.filename().string();
  throw diag::Error(std::move(d));
}

std::string display_path(const fs::path& p) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec) return p.string();
  const fs::path rel = p.lexically_proximate(cwd);
  return rel.empty() ? p.string() : rel.string();
}

}  // namespace flash::config
