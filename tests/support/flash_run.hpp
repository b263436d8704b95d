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

// A flash process in the background, for kill -9 and concurrency tests: started in `cwd` with
// stdin from /dev/null and stdout + stderr to `log`, `env` added to the environment. The
// destructor kills (SIGKILL) and reaps it if it is still running.
class FlashProcess {
 public:
  FlashProcess(const std::string& binary, const std::vector<std::string>& args, const std::filesystem::path& cwd,
               const std::vector<std::pair<std::string, std::string>>& env, const std::filesystem::path& log);
  ~FlashProcess();
  FlashProcess(const FlashProcess&) = delete;
  FlashProcess& operator=(const FlashProcess&) = delete;
  void kill9();
  // Waits for the end: the exit status, or -signal when it was killed by one.
  int wait();
  // Without waiting: whether it has ended (then wait() returns at once).
  bool finished();
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  bool reaped_ = false;
  int status_ = -1000;
};

}  // namespace flash::test
