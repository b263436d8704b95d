#include "flash/diag/position.hpp"

#include <algorithm>

namespace flash::diag {

LineCol LineColCursor::at(std::size_t offset) {
  offset = std::min(offset, text_.size());
  if (offset < pos_) {
    // Back: the lines between offset and pos_, then the column from the start of offset's line
    // (O(distance + line length), never a rescan from the start of the text).
    lc_.line -= static_cast<int>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(offset),
                                            text_.begin() + static_cast<std::ptrdiff_t>(pos_), '\n'));
    const auto nl = offset == 0 ? std::string_view::npos : text_.rfind('\n', offset - 1);
    pos_ = nl == std::string_view::npos ? 0 : nl + 1;
    lc_.column = 1;
  }
  for (; pos_ < offset; ++pos_) {
    if (text_[pos_] == '\n') {
      ++lc_.line;
      lc_.column = 1;
    } else if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) {
      ++lc_.column;  // count UTF-8 code points, not bytes
    }
  }
  return lc_;
}

LineCol line_col(std::string_view text, std::size_t offset) { return LineColCursor(text).at(offset); }

std::string_view line_at(std::string_view text, int line) {
  std::size_t start = 0;
  for (int l = 1; l < line; ++l) {
    const auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  auto end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  auto out = text.substr(start, end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

}  // namespace flash::diag
