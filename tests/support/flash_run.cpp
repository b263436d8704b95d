#include "support/flash_run.hpp"

#include <sys/wait.h>
#include <unistd.h>

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

}  // namespace flash::test
