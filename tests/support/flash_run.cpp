#include "support/flash_run.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "support/sqlc_corpus.hpp"  // slurp

namespace fs = std::filesystem;

namespace flash::test {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void TempDir::write(const std::string& rel, const std::string& content) const {
  fs::create_directories((path_ / rel).parent_path());
  std::ofstream(path_ / rel, std::ios::binary) << content;
}

std::string TempDir::read(const std::string& rel) const { return slurp(path_ / rel); }

bool TempDir::exists(const std::string& rel) const { return fs::exists(path_ / rel); }

FlashRun run_flash(const std::string& binary, const std::vector<std::string>& args, const fs::path& cwd,
                   const std::string& env_args) {
  const fs::path err_file = cwd / ".flash-test-stderr";
  std::string cmd = "cd " + shell_quote(cwd.string()) + " && env " + env_args + " " + shell_quote(binary);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " </dev/null 2>" + shell_quote(err_file.string());
  FlashRun r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_file);
  fs::remove(err_file);
  return r;
}

FlashProcess::FlashProcess(const std::string& binary, const std::vector<std::string>& args, const fs::path& cwd,
                           const std::vector<std::pair<std::string, std::string>>& env, const fs::path& log) {
  // Everything the child needs is prepared before fork (only async-signal-safe calls after it).
  std::vector<std::string> argv_s{binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string dir = cwd.string(), out = log.string();
  pid_ = ::fork();
  if (pid_ == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    int in = ::open("/dev/null", O_RDONLY);
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in >= 0) ::dup2(in, 0);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

FlashProcess::~FlashProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
}

void FlashProcess::kill9() {
  if (pid_ > 0 && !reaped_) ::kill(pid_, SIGKILL);
}

namespace {
int decode_status(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return -WTERMSIG(st);
  return -1000;
}
}  // namespace

int FlashProcess::wait() {
  if (!reaped_) {
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    status_ = decode_status(st);
  }
  return status_;
}

bool FlashProcess::finished() {
  if (reaped_) return true;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) != pid_) return false;
  reaped_ = true;
  status_ = decode_status(st);
  return true;
}

}  // namespace flash::test
