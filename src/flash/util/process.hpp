#pragma once
// Running another program without a shell: argv is passed as is (no quoting, no expansion). stdin
// is /dev/null or the given input, stdout is captured, stderr captured or passed through; an
// optional timeout kills the program (and its process group) when it runs too long.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace flash::util {

struct ProcessResult {
  int exit_code = -1;  // the exit status; -1 when it could not start or did not exit normally
  bool started = false;
  bool timed_out = false;  // killed after ProcessOptions::timeout
  int signal = 0;          // the signal that ended it, 0 when it exited
  std::string out;
  std::string err;         // empty with pass_stderr
};

enum class Stderr { capture, pass_through };

struct ProcessOptions {
  std::filesystem::path cwd;             // empty: the current directory
  std::optional<std::string> input;      // written to stdin, which is then closed; nullopt: /dev/null
  std::chrono::milliseconds timeout{0};  // 0: none
  Stderr err = Stderr::capture;
};

// Runs argv[0] (looked up on PATH unless it contains a slash).
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts);
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {});

}  // namespace flash::util
