#pragma once
// Positions in source text for diagnostics: 1-based line and column (columns count UTF-8 code
// points) of a byte offset, the text of one line, and a cursor for increasing offsets.
#include <cstddef>
#include <string_view>

namespace flash::diag {

struct LineCol {
  int line = 1;
  int column = 1;
};

// 1-based line and column of a byte offset (lines on '\n', columns in UTF-8 code points).
LineCol line_col(std::string_view text, std::size_t offset);

// The text of 1-based line `line` without its line break ("" past the end).
std::string_view line_at(std::string_view text, int line);

// line_col for a run of increasing offsets: counts on from the last position instead of from the
// start of the text, so locating n tokens costs O(text) rather than O(n * text). An offset below
// the last one counts back from there (to the start of its line), not from the start of the text.
class LineColCursor {
 public:
  explicit LineColCursor(std::string_view text) : text_(text) {}
  LineCol at(std::size_t offset);

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  LineCol lc_;
};

}  // namespace flash::diag
