#include "flash/sql/pg_scan.hpp"

#include <pg_query.h>

#include <cstdint>

namespace flash::sql::pg {
namespace {

// Minimal protobuf wire-format reader: varints and length-delimited fields are all we meet.
struct Reader {
  const unsigned char* p;
  const unsigned char* end;

  bool varint(std::uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      const unsigned char b = *p++;
      out |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  // Skips a field of the given wire type; false on malformed input.
  bool skip(unsigned wire) {
    std::uint64_t v = 0;
    switch (wire) {
      case 0: return varint(v);
      case 1: if (end - p < 8) return false; p += 8; return true;
      case 2:
        if (!varint(v) || static_cast<std::uint64_t>(end - p) < v) return false;
        p += v;
        return true;
      case 5: if (end - p < 4) return false; p += 4; return true;
      default: return false;
    }
  }
};

bool decode_token(Reader r, Token& t) {
  while (r.p < r.end) {
    std::uint64_t key = 0;
    if (!r.varint(key)) return false;
    const unsigned field = static_cast<unsigned>(key >> 3), wire = static_cast<unsigned>(key & 7);
    if (wire == 0 && field >= 1 && field <= 5) {
      std::uint64_t v = 0;
      if (!r.varint(v)) return false;
      const int iv = static_cast<int>(static_cast<std::int32_t>(v));
      if (field == 1) t.start = iv;
      else if (field == 2) t.end = iv;
      else if (field == 4) t.kind = iv;
      else if (field == 5) t.keyword_kind = iv;
    } else if (!r.skip(wire)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::vector<Token>> scan(const std::string& text, ScanError* err) {
  PgQueryScanResult res = pg_query_scan(text.c_str());
  if (res.error) {
    if (err) {
      err->message = res.error->message ? res.error->message : "syntax error";
      err->cursorpos = res.error->cursorpos;
    }
    pg_query_free_scan_result(res);
    return std::nullopt;
  }
  std::vector<Token> out;
  Reader r{reinterpret_cast<const unsigned char*>(res.pbuf.data),
           reinterpret_cast<const unsigned char*>(res.pbuf.data) + res.pbuf.len};
  bool ok = true;
  while (ok && r.p < r.end) {
    std::uint64_t key = 0;
    if (!r.varint(key)) { ok = false; break; }
    const unsigned field = static_cast<unsigned>(key >> 3), wire = static_cast<unsigned>(key & 7);
    if (field == 2 && wire == 2) {
      std::uint64_t len = 0;
      if (!r.varint(len) || static_cast<std::uint64_t>(r.end - r.p) < len) { ok = false; break; }
      Token t;
      if (!decode_token(Reader{r.p, r.p + len}, t)) { ok = false; break; }
      r.p += len;
      if (t.kind != tok_sql_comment && t.kind != tok_c_comment) out.push_back(t);
    } else if (!r.skip(wire)) {
      ok = false;
    }
  }
  pg_query_free_scan_result(res);
  if (!ok) {
    if (err) *err = ScanError{"malformed scanner output from libpg_query", 0};
    return std::nullopt;
  }
  return out;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return i;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    i += n;
  }
  return std::nullopt;
}

std::size_t char_pos_to_byte(std::string_view text, int cursorpos) {
  if (cursorpos <= 1) return 0;
  int chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Count only lead bytes of UTF-8 sequences.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (++chars == cursorpos) return i;
    }
  }
  return text.size();
}

}  // namespace flash::sql::pg
