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
  if (plain_record()) return true;
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

// The common record: whole in the buffer up to its '\n', without a quote. Its fields are views
// into the buffer (no copy into record_), split at the commas; a CR before the '\n' ends the
// record with it, any other CR is data — the rules of the loop in next(). False, with nothing
// consumed, for anything else (a quote, a record that goes past the buffer's end).
bool CsvRecordReader::plain_record() {
  const char* p = data_ + pos_;
  const char* e = data_ + len_;
  const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p)));
  if (!nl || std::memchr(p, '"', static_cast<std::size_t>(nl - p))) return false;
  const char* end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
  for (;;) {
    const auto* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<std::size_t>(end - p)));
    const char* f = comma ? comma : end;
    fields_.push_back({std::string_view(p, static_cast<std::size_t>(f - p)), false});
    if (!comma) break;
    p = comma + 1;
  }
  pos_ = static_cast<std::size_t>(nl + 1 - data_);
  ++line_;
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
// next delimiter). Only the extent: nlohmann validates what it covers. `more` when the window ends
// first (a scalar touching the end may go on).
JsonRowScan skip_value(const char*& p, const char* e) {
  int depth = 0;
  do {
    if (p == e) return JsonRowScan::more;
    const char c = *p++;
    if (c == '"') {
      while (p < e && *p != '"') {
        if (*p == '\\' && ++p == e) return JsonRowScan::more;
        ++p;
      }
      if (p == e) return JsonRowScan::more;
      ++p;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth < 0) return JsonRowScan::other;
    } else if (depth == 0) {
      while (p < e && !is_ws(*p) && *p != ',' && *p != ']' && *p != '}') ++p;
      if (p == e) return JsonRowScan::more;
    }
  } while (depth > 0);
  return JsonRowScan::done;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four hex digits at p (p < e checked by the caller for 4 bytes).
int hex4(const char* p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = hex_digit(p[i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The rest of a string whose contents so far (from s, before p) had no escape: its escapes
// decoded into `scratch` as nlohmann decodes them (\uXXXX, surrogate pairs joined; a lone
// surrogate or an unknown escape is `other`: the reference reports it).
JsonRowScan unescape_string(const char* s, const char*& p, const char* e, std::string_view& text, std::string& scratch) {
  scratch.assign(s, p);
  while (p < e) {
    const char* run = p;
    while (p < e && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) ++p;
    scratch.append(run, p);
    if (p == e) break;
    if (*p == '"') {
      ++p;
      text = scratch;
      return valid_utf8(scratch) ? JsonRowScan::done : JsonRowScan::other;
    }
    if (*p != '\\') return JsonRowScan::other;  // a raw control character
    if (e - p < 2) return JsonRowScan::more;
    const char c = p[1];
    p += 2;
    switch (c) {
      case '"': scratch += '"'; break;
      case '\\': scratch += '\\'; break;
      case '/': scratch += '/'; break;
      case 'b': scratch += '\b'; break;
      case 'f': scratch += '\f'; break;
      case 'n': scratch += '\n'; break;
      case 'r': scratch += '\r'; break;
      case 't': scratch += '\t'; break;
      case 'u': {
        if (e - p < 4) return JsonRowScan::more;
        const int hi = hex4(p);
        if (hi < 0) return JsonRowScan::other;
        p += 4;
        std::uint32_t cp = static_cast<std::uint32_t>(hi);
        if (hi >= 0xDC00 && hi <= 0xDFFF) return JsonRowScan::other;
        if (hi >= 0xD800 && hi <= 0xDBFF) {
          if (e - p < 6) return JsonRowScan::more;
          if (p[0] != '\\' || p[1] != 'u') return JsonRowScan::other;
          const int lo = hex4(p + 2);
          if (lo < 0xDC00 || lo > 0xDFFF) return JsonRowScan::other;
          p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + static_cast<std::uint32_t>(lo - 0xDC00);
        }
        append_utf8(scratch, cp);
        break;
      }
      default: return JsonRowScan::other;
    }
  }
  return JsonRowScan::more;
}

// One scalar token at p: a string (escapes decoded into `scratch`; valid UTF-8), a number in
// JSON's grammar, or true/false/null.
JsonRowScan scan_token(const char*& p, const char* e, TokenKind& kind, std::string_view& text, std::string& scratch) {
  const char* s = p;
  if (*p == '"') {
    ++p;
    s = p;
    bool high = false;
    while (p < e && *p != '"') {
      const auto u = static_cast<unsigned char>(*p);
      if (u == '\\') {
        kind = TokenKind::string;
        return unescape_string(s, p, e, text, scratch);
      }
      if (u < 0x20) return JsonRowScan::other;
      high |= u >= 0x80;
      ++p;
    }
    if (p == e) return JsonRowScan::more;
    text = std::string_view(s, static_cast<std::size_t>(p - s));
    ++p;
    kind = TokenKind::string;
    return !high || valid_utf8(text) ? JsonRowScan::done : JsonRowScan::other;
  }
  if (*p == '-' || is_digit(*p)) {
    // The window may end inside a number: `more` whenever the token touches its end.
    auto digits = [&] {
      while (p < e && is_digit(*p)) ++p;
    };
    if (*p == '-') ++p;
    if (p == e) return JsonRowScan::more;
    if (!is_digit(*p)) return JsonRowScan::other;
    if (*p == '0') ++p;
    else digits();
    if (p < e && *p == '.') {
      ++p;
      if (p == e) return JsonRowScan::more;
      if (!is_digit(*p)) return JsonRowScan::other;
      digits();
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < e && (*p == '+' || *p == '-')) ++p;
      if (p == e) return JsonRowScan::more;
      if (!is_digit(*p)) return JsonRowScan::other;
      digits();
    }
    if (p == e) return JsonRowScan::more;
    text = std::string_view(s, static_cast<std::size_t>(p - s));
    kind = TokenKind::number;
    return JsonRowScan::done;
  }
  for (const std::string_view lit : {"true", "false", "null"}) {
    const std::size_t left = static_cast<std::size_t>(e - p);
    if (std::memcmp(p, lit.data(), std::min(left, lit.size())) != 0) continue;
    if (left < lit.size()) return JsonRowScan::more;
    p += lit.size();
    text = lit;
    kind = TokenKind::literal;
    return JsonRowScan::done;
  }
  return JsonRowScan::other;
}

}  // namespace

JsonRowScan scan_json_row(const char*& p, const char* e, std::span<const TypeCategory> cats, schema::Dialect target,
                          std::span<driver::Value> out, std::string& scratch) {
  const std::size_t n = cats.size();
  if (out.size() < n) return JsonRowScan::other;
  if (p == e) return JsonRowScan::more;
  if (*p != '[') return JsonRowScan::other;
  ++p;
  skip_ws(p, e);
  if (p == e) return JsonRowScan::more;
  std::size_t i = 0;
  if (*p == ']') {
    ++p;
    return n == 0 ? JsonRowScan::done : JsonRowScan::other;
  }
  for (;;) {
    if (i >= n) return JsonRowScan::other;
    if (cats[i] == TypeCategory::json) {
      // The element's own text, as the reference keeps it (json_text_cell).
      const char* start = p;
      if (const JsonRowScan r = skip_value(p, e); r != JsonRowScan::done) return r;
      if (!json_text_to_target(out[i], std::string_view(start, static_cast<std::size_t>(p - start))))
        return JsonRowScan::other;
    } else {
      TokenKind kind{};
      std::string_view text;
      if (const JsonRowScan r = scan_token(p, e, kind, text, scratch); r != JsonRowScan::done) return r;
      if (!token_to_target(out[i], kind, text, cats[i], target)) return JsonRowScan::other;
    }
    ++i;
    skip_ws(p, e);
    if (p == e) return JsonRowScan::more;
    if (*p == ']') {
      ++p;
      return i == n ? JsonRowScan::done : JsonRowScan::other;
    }
    if (*p != ',') return JsonRowScan::other;
    ++p;
    skip_ws(p, e);
    if (p == e) return JsonRowScan::more;
  }
}

bool json_row_to_target(std::string_view row, std::span<const TypeCategory> cats, schema::Dialect target,
                        std::span<driver::Value> out) {
  const char* p = row.data();
  const char* e = p + row.size();
  skip_ws(p, e);
  std::string scratch;
  if (scan_json_row(p, e, cats, target, out, scratch) != JsonRowScan::done) return false;
  skip_ws(p, e);
  return p == e;
}

bool json_array_items(std::string_view row, std::vector<std::string_view>& items) {
  items.clear();
  const char* p = row.data();
  const char* e = p + row.size();
  skip_ws(p, e);
  if (p == e || *p++ != '[') return false;
  skip_ws(p, e);
  if (p < e && *p == ']') return true;
  for (;;) {
    const char* start = p;
    if (skip_value(p, e) != JsonRowScan::done) return false;
    items.emplace_back(start, static_cast<std::size_t>(p - start));
    skip_ws(p, e);
    if (p == e) return false;
    if (*p == ']') return true;
    if (*p++ != ',') return false;
    skip_ws(p, e);
  }
}

}  // namespace flash::exporter
