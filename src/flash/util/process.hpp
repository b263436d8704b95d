#pragma once
// Running another program without a shell: argv is passed as is (no quoting, no expansion), stdin
// is /dev/null, stdout and stderr are captured.
#include <filesystem>
#include <string>
#include <vector>

namespace flash::util {

struct ProcessResult {
  int exit_code = -1;  // the exit status; -1 when it could not start or did not exit normally
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up on PATH) in `cwd` (empty: the current directory).
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {});

}  // namespace flash::util
