// Running the real `flash` binary from tests: a temporary directory that removes itself, POSIX
// shell quoting, and one run with stdin from /dev/null (no TTY) capturing exit code, stdout and
// stderr. Test-only code (library flash_test_support).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace flash::test {

struct FlashRun {
  int code = -1;  // exit status; -1 when the process did not exit normally
  std::string out;
  std::string err;
};

// 'text' for a POSIX shell.
std::string shell_quote(const std::string& s);

// A fresh directory under the system temp dir (name starts with `prefix`), removed with its
// contents when the object goes.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "flash-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& content) const;  // creates parent dirs
  std::string read(const std::string& rel) const;
  bool exists(const std::string& rel) const;

 private:
  std::filesystem::path path_;
};

// Runs `binary args...` in `cwd` as `env <env_args> binary ...`: env_args are env(1) arguments
// such as "-u NO_COLOR DATABASE_URL=sqlite://x" (already shell-quoted where needed).
FlashRun run_flash(const std::string& binary, const std::vector<std::string>& args,
                   const std::filesystem::path& cwd, const std::string& env_args = "");

}  // namespace flash::test
