#pragma once
// The one user-facing error type. Every stage reports problems as Diagnostic values (expected
// failures) or throws flash::diag::Error carrying one (aborts). The CLI renders them: a human form
// with the source line and a caret, or a JSON object with --json (schema in README "Diagnostics").
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flash::diag {

// Process exit codes; documented in README "Exit codes". Keep the numbers stable.
enum class ExitCode : int {
  ok = 0,
  error = 1,          // any failure not listed below
  usage = 2,          // bad command line, or an answer to a prompt is required without a TTY
  check_failed = 3,   // a check found something: stale generated code, pending changes, tampered migrations
  lock_timeout = 4,   // the migration lock could not be taken in time
  conflict = 5,       // a migration would lose or break data and no resolution flag was given
  connection = 6,     // the database could not be reached
};

enum class Severity { error, warning, note };

struct Location {
  std::string file;  // path as given by the user; empty when not tied to a file
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
  int length = 1;    // characters to underline
  friend bool operator==(const Location&, const Location&) = default;
};

struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;     // stable identifier, e.g. "sql.syntax", "config.unknown-key"
  std::string message;  // one sentence, no trailing period
  Location location;
  std::optional<std::string> hint;  // e.g. "did you mean `users.email`?"
  std::string source_line;          // the text of location.line, for the caret display
  ExitCode exit_code = ExitCode::error;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diags);

// Abort channel: thrown where continuing makes no sense. Carries one diagnostic.
class Error : public std::runtime_error {
 public:
  explicit Error(Diagnostic d);
  Error(std::string code, std::string message, ExitCode exit = ExitCode::error,
        std::optional<std::string> hint = std::nullopt);
  const Diagnostic& diagnostic() const noexcept { return diag_; }
  Diagnostic& diagnostic() noexcept { return diag_; }

 private:
  Diagnostic diag_;
};

// Thrown when several diagnostics must be reported together (e.g. all parse errors of a file set).
class Errors : public std::runtime_error {
 public:
  explicit Errors(Diagnostics ds);
  const Diagnostics& diagnostics() const noexcept { return diags_; }

 private:
  Diagnostics diags_;
};

// Builds a located diagnostic from a byte offset into `text` (fills line, column, source_line).
Diagnostic at_offset(std::string code, std::string message, std::string_view file,
                     std::string_view text, std::size_t offset, std::size_t length = 1);

// "did you mean `x`?" — the closest candidate by edit distance, if close enough.
std::optional<std::string> did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

struct RenderOptions {
  bool color = false;
};
// file:line:col: error[code]: message
//   12 | SELECT emial FROM users
//      |        ^~~~~
//   hint: did you mean `email`?
std::string render_human(const Diagnostic& d, const RenderOptions& opts = {});
// {"severity","code","message","file","line","column","hint"} — see README.
std::string render_json(const Diagnostic& d);

}  // namespace flash::diag
