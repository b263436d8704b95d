// Writing a pulled schema: one schema.sql in the printer's dependency order (the printer keeps
// column order and puts referenced tables first), after an optional timestamped backup copy of
// the directory.
#include <algorithm>
#include <chrono>
#include <ctime>

#include "flash/diag/diagnostic.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::pull {

namespace fs = std::filesystem;

namespace {

std::string utc_stamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

std::vector<fs::path> existing_schema_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) return {dir};
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && util::to_lower(e.path().extension().string()) == ".sql") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

WriteResult write_schema(const schema::Schema& s, const fs::path& dir, bool backup) {
  WriteResult r;
  std::error_code ec;
  // A single schema file (legacy schema_path, or -o file.sql): that file is the target.
  const bool single_file = fs::is_regular_file(dir, ec) || util::to_lower(dir.extension().string()) == ".sql";
  if (backup && fs::exists(dir, ec)) {
    fs::path dest = dir.string() + ".backup-" + utc_stamp();
    for (int n = 2; fs::exists(dest, ec); ++n) dest = dir.string() + ".backup-" + utc_stamp() + "-" + std::to_string(n);
    fs::copy(dir, dest, fs::copy_options::recursive, ec);
    if (ec)
      throw diag::Error("pull.backup", "could not back up `" + dir.string() + "` to `" + dest.string() + "`: " + ec.message());
    r.backup = dest;
  }
  const fs::path folder = single_file ? dir.parent_path() : dir;
  if (!folder.empty()) fs::create_directories(folder, ec);
  if (ec) throw diag::Error("pull.write", "could not create `" + folder.string() + "`: " + ec.message());
  const fs::path target = single_file ? dir : dir / "schema.sql";
  for (const auto& p : single_file ? std::vector<fs::path>{} : existing_schema_files(dir)) {
    if (p.filename() == target.filename()) continue;
    fs::remove(p, ec);
    if (ec) throw diag::Error("pull.write", "could not remove `" + p.string() + "`: " + ec.message());
  }
  std::string text = "-- Pulled from the " + std::string(schema::to_string(s.dialect)) +
                     " database by `flash pull`.\n\n" + schema::print_schema(s);
  util::write_file_atomic(target, text);
  r.files.push_back(target);
  return r;
}

}  // namespace flash::pull
