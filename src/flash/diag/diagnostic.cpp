#include "flash/diag/diagnostic.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "flash/diag/position.hpp"

namespace flash::diag {

namespace {

// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("emial" → "email"
// is one edit), case-insensitive, bounded: once every path costs more than `limit` the answer is
// `limit + 1`. Three rows of the table, so a name of any length costs O(len · limit) time at most
// for the candidates of similar length and nothing for the others.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const auto eq = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  };
  const std::size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<std::size_t> before(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (eq(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && eq(a[i - 1], b[j - 2]) && eq(a[i - 2], b[j - 1]))
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], limit + 1);
}

}  // namespace

bool has_errors(const Diagnostics& diags) {
  return std::any_of(diags.begin(), diags.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

Error::Error(Diagnostic d) : std::runtime_error(d.message), diag_(std::move(d)) {}

Error::Error(std::string code, std::string message, ExitCode exit, std::optional<std::string> hint)
    : std::runtime_error(message) {
  diag_.code = std::move(code);
  diag_.message = std::move(message);
  diag_.exit_code = exit;
  diag_.hint = std::move(hint);
}

Errors::Errors(Diagnostics ds)
    : std::runtime_error(ds.empty() ? std::string("errors") : ds.front().message),
      diags_(std::move(ds)) {}

Diagnostic at_offset(std::string code, std::string message, std::string_view file,
                     std::string_view text, std::size_t offset, std::size_t length) {
  Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.location.file = std::string(file);
  const auto lc = line_col(text, offset);
  d.location.line = lc.line;
  d.location.column = lc.column;
  d.location.length = static_cast<int>(std::max<std::size_t>(1, length));
  d.source_line = std::string(line_at(text, lc.line));
  return d;
}

std::optional<std::string> did_you_mean(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  // Close enough: at most a third of the name's length (at least 1, at most 3 edits).
  const std::size_t limit = std::clamp<std::size_t>((name.size() + 2) / 3, 1, 3);
  const std::string* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    const auto dist = edit_distance(name, c, limit);
    if (dist < best_distance) {
      best = &c;
      best_distance = dist;
      if (dist == 0) break;  // the name exists: nothing to suggest
    }
  }
  if (best && best_distance > 0) return "did you mean `" + *best + "`?";
  return std::nullopt;
}

namespace {
std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}
}  // namespace

std::string render_human(const Diagnostic& d, const RenderOptions& opts) {
  const auto paint = [&](std::string_view code, const std::string& s) {
    return opts.color ? "\x1b[" + std::string(code) + "m" + s + "\x1b[0m" : s;
  };
  std::string out;
  if (!d.location.file.empty()) {
    std::string where = d.location.file;
    if (d.location.line > 0) {
      where += ":" + std::to_string(d.location.line);
      if (d.location.column > 0) where += ":" + std::to_string(d.location.column);
    }
    out += paint("1", where) + ": ";
  }
  const std::string sev(severity_name(d.severity));
  std::string label = sev;
  if (!d.code.empty()) label += "[" + d.code + "]";
  out += paint(d.severity == Severity::error ? "1;31" : "1;33", label) + ": " + d.message + "\n";
  if (d.location.line > 0 && !d.source_line.empty()) {
    const std::string num = std::to_string(d.location.line);
    const std::string gutter(num.size(), ' ');
    out += " " + num + " | " + d.source_line + "\n";
    std::string caret(static_cast<std::size_t>(std::max(0, d.location.column - 1)), ' ');
    // Keep tabs so the caret lines up with the source line.
    for (std::size_t i = 0; i < caret.size() && i < d.source_line.size(); ++i)
      if (d.source_line[i] == '\t') caret[i] = '\t';
    caret += "^";
    if (d.location.length > 1) caret += std::string(static_cast<std::size_t>(d.location.length - 1), '~');
    out += " " + gutter + " | " + paint("1;32", caret) + "\n";
  }
  if (d.hint) out += "  " + paint("1;36", "hint") + ": " + *d.hint + "\n";
  return out;
}

std::string render_json(const Diagnostic& d) {
  nlohmann::json j = {{"severity", severity_name(d.severity)},
                      {"code", d.code},
                      {"message", d.message},
                      {"file", d.location.file.empty() ? nlohmann::json(nullptr)
                                                       : nlohmann::json(d.location.file)},
                      {"line", d.location.line},
                      {"column", d.location.column},
                      {"hint", d.hint ? nlohmann::json(*d.hint) : nlohmann::json(nullptr)},
                      {"exit_code", static_cast<int>(d.exit_code)}};
  // Messages quote the user's bytes, which need not be UTF-8: invalid sequences become U+FFFD
  // instead of throwing (a diagnostic must always print; found by tests/fuzz).
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace flash::diag
