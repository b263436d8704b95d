// The import readers' fast paths (ingest.hpp).
#include "flash/export/ingest.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/export/format.hpp"

namespace flash::exporter {
using schema::TypeCategory;

// ---- CSV records ---------------------------------------------------------------------------------

CsvRecordReader::CsvRecordReader(const std::filesystem::path& p) : f_(std::fopen(p.c_str(), "rb")) {
  if (!f_) throw diag::Error("import.read", "cannot read `" + p.string() + "`");
  buf_.resize(1 << 20);
  data_ = buf_.data();
}

CsvRecordReader::CsvRecordReader(std::string_view text) : data_(text.data()), len_(text.size()) {}

CsvRecordReader::~CsvRecordReader() {
  if (f_) std::fclose(f_);
}

bool CsvRecordReader::fill() {
  if (pos_ < len_) return true;
  if (!f_) return false;
  base_ += len_;
  len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
  pos_ = 0;
  return len_ > 0;
}

bool CsvRecordReader::next() {
  record_.clear();
  ends_.clear();
  fields_.clear();
  if (!fill()) return false;
  record_line_ = line_;
  record_offset_ = base_ + pos_;
  // Bytes that end a run of plain field bytes.
  static const auto special = [] {
    std::array<unsigned char, 256> t{};
    t[','] = t['"'] = t['\r'] = t['\n'] = 1;
    return t;
  }();
  std::size_t start = 0;  // where the current field starts in record_
  bool quoted = false;
  auto end_field = [&] {
    ends_.emplace_back(record_.size(), quoted);
    start = record_.size();
    quoted = false;
  };
  for (;;) {
    if (!fill()) {  // the end of the file ends the record
      end_field();
      break;
    }
    const char* p = data_ + pos_;
    const char* e = data_ + len_;
    const char* q = p;
    while (q < e && !special[static_cast<unsigned char>(*q)]) ++q;
    record_.append(p, q);
    pos_ += static_cast<std::size_t>(q - p);
    if (q == e) continue;
    const char c = *q;
    ++pos_;
    if (c == '"') {
      if (record_.size() != start || quoted) {
        record_ += '"';  // a quote inside a field is data
        continue;
      }
      quoted = true;
      quote_offset_ = base_ + pos_ - 1;
      for (;;) {
        if (!fill()) throw diag::Error("import.format", "unterminated quoted CSV field");
        p = data_ + pos_;
        e = data_ + len_;
        const auto* close = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
        if (!close) {
          line_ += std::count(p, e, '\n');
          record_.append(p, e);
          pos_ = len_;
          continue;
        }
        line_ += std::count(p, close, '\n');
        record_.append(p, close);
        pos_ += static_cast<std::size_t>(close - p) + 1;
        if (fill() && data_[pos_] == '"') {  // "" is one quote
          record_ += '"';
          ++pos_;
          continue;
        }
        break;
      }
    } else if (c == ',') {
      end_field();
    } else if (c == '\r') {
      if (fill() && data_[pos_] == '\n') {
        ++pos_;
        ++line_;
        end_field();
        break;
      }
      record_ += '\r';  // a lone CR is data
    } else {  // '\n'
      ++line_;
      end_field();
      break;
    }
  }
  std::size_t from = 0;
  for (const auto& [end, q] : ends_) {
    fields_.push_back({std::string_view(record_).substr(from, end - from), q});
    from = end;
  }
  return true;
}

// ---- JSON rows -----------------------------------------------------------------------------------

namespace {

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

void skip_ws(const char*& p, const char* e) {
  while (p < e && is_ws(*p)) ++p;
}

// Moves p past one JSON value's text (strings with escapes, balanced brackets; a scalar up to the
// next delimiter). Only the extent: nlohmann validates what it covers.
bool skip_value(const char*& p, const char* e) {
  int depth = 0;
  do {
    if (p == e) return false;
    const char c = *p++;
    if (c == '"') {
      while (p < e && *p != '"') {
        if (*p == '\\' && ++p == e) return false;
        ++p;
      }
      if (p == e) return false;
      ++p;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth < 0) return false;
    } else if (depth == 0) {
      while (p < e && !is_ws(*p) && *p != ',' && *p != ']' && *p != '}') ++p;
    }
  } while (depth > 0);
  return true;
}

// One scalar token at p: a string without escapes or control characters (valid UTF-8), a number
// in JSON's grammar, or true/false/null.
bool scan_token(const char*& p, const char* e, TokenKind& kind, std::string_view& text) {
  const char* s = p;
  if (*p == '"') {
    ++p;
    s = p;
    bool high = false;
    while (p < e && *p != '"') {
      const auto u = static_cast<unsigned char>(*p);
      if (u == '\\' || u < 0x20) return false;
      high |= u >= 0x80;
      ++p;
    }
    if (p == e) return false;
    text = std::string_view(s, static_cast<std::size_t>(p - s));
    ++p;
    kind = TokenKind::string;
    return !high || valid_utf8(text);
  }
  if (*p == '-' || is_digit(*p)) {
    if (*p == '-') ++p;
    if (p == e || !is_digit(*p)) return false;
    if (*p == '0') ++p;
    else
      while (p < e && is_digit(*p)) ++p;
    if (p < e && *p == '.') {
      ++p;
      if (p == e || !is_digit(*p)) return false;
      while (p < e && is_digit(*p)) ++p;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < e && (*p == '+' || *p == '-')) ++p;
      if (p == e || !is_digit(*p)) return false;
      while (p < e && is_digit(*p)) ++p;
    }
    text = std::string_view(s, static_cast<std::size_t>(p - s));
    kind = TokenKind::number;
    return true;
  }
  for (const std::string_view lit : {"true", "false", "null"}) {
    if (static_cast<std::size_t>(e - p) >= lit.size() && std::memcmp(p, lit.data(), lit.size()) == 0) {
      p += lit.size();
      text = lit;
      kind = TokenKind::literal;
      return true;
    }
  }
  return false;
}

}  // namespace

bool json_row_to_target(std::string_view row, std::span<const TypeCategory> cats, schema::Dialect target,
                        std::span<driver::Value> out) {
  const char* p = row.data();
  const char* e = p + row.size();
  const std::size_t n = cats.size();
  if (out.size() < n) return false;
  skip_ws(p, e);
  if (p == e || *p != '[') return false;
  ++p;
  skip_ws(p, e);
  std::size_t i = 0;
  if (p < e && *p == ']') {
    ++p;
  } else {
    for (;;) {
      if (i >= n || p == e) return false;
      if (cats[i] == TypeCategory::json) {
        // The reference dumps the parsed element: the same parse of the element's own text.
        const char* start = p;
        if (!skip_value(p, e)) return false;
        const auto j = nlohmann::json::parse(start, p, nullptr, false);
        if (j.is_discarded()) return false;
        if (j.is_null()) out[i] = driver::Null{};  // SQL NULL, as from_exchange makes it
        else out[i] = j.dump();
      } else {
        TokenKind kind{};
        std::string_view text;
        if (!scan_token(p, e, kind, text)) return false;
        if (!token_to_target(out[i], kind, text, cats[i], target)) return false;
      }
      ++i;
      skip_ws(p, e);
      if (p == e) return false;
      if (*p == ']') {
        ++p;
        break;
      }
      if (*p != ',') return false;
      ++p;
      skip_ws(p, e);
    }
  }
  skip_ws(p, e);
  return p == e && i == n;
}

}  // namespace flash::exporter
