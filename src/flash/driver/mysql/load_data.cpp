// LOAD DATA LOCAL INFILE text (load_data.hpp).
#include "flash/driver/mysql/load_data.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "flash/driver/bulk.hpp"

namespace flash::driver::mysql {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_hex(std::string& out, std::string_view bytes) {
  const std::size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  char* o = out.data() + at;
  for (const unsigned char c : bytes) {
    *o++ = kHex[c >> 4];
    *o++ = kHex[c & 0xf];
  }
}

template <class T>
void append_number(std::string& out, T n) {
  char buf[32];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
}

// The bytes query() would bind for a value of a hex column: strings and blobs as they are,
// numbers as their text.
void append_hex_value(std::string& out, const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return append_hex(out, *s);
  if (const auto* b = std::get_if<Blob>(&v)) return append_hex(out, b->bytes);
  std::string text;
  if (const auto* n = std::get_if<std::int64_t>(&v)) append_number(text, *n);
  else if (const auto* d = std::get_if<double>(&v)) append_number(text, *d);
  else if (const auto* bo = std::get_if<bool>(&v)) text = *bo ? "1" : "0";
  append_hex(out, text);
}

}  // namespace

std::string load_data_sql(std::string_view file, std::string_view table, std::span<const std::string> columns,
                          std::span<const LoadAs> how) {
  std::string sql = "LOAD DATA LOCAL INFILE '";
  sql += file;
  sql += "' INTO TABLE ";
  sql += table;
  sql += " CHARACTER SET utf8mb4 FIELDS TERMINATED BY X'09' ENCLOSED BY '' ESCAPED BY X'5C'"
         " LINES STARTING BY '' TERMINATED BY X'0A' (";
  std::string set;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) sql += ", ";
    if (how[i] == LoadAs::text) {
      sql += columns[i];
      continue;
    }
    const std::string var = "@flash_load_" + std::to_string(i + 1);
    sql += var;
    set += set.empty() ? " SET " : ", ";
    set += columns[i] + " = " + (how[i] == LoadAs::hex ? "UNHEX(" + var + ")" : "CAST(" + var + " AS UNSIGNED)");
  }
  sql += ")";
  sql += set;
  return sql;
}

void append_load_value(std::string& out, const Value& v, LoadAs how) {
  if (std::holds_alternative<Null>(v)) {
    out += "\\N";
  } else if (how == LoadAs::hex) {
    append_hex_value(out, v);
  } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
    // A BIT(64) value with the top bit set arrives as a negative int64 (its bit pattern).
    if (how == LoadAs::bits) append_number(out, static_cast<std::uint64_t>(*n));
    else append_number(out, *n);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out += *b ? '1' : '0';
  } else if (const auto* d = std::get_if<double>(&v)) {
    append_number(out, *d);  // shortest round trip; NaN/infinity are refused by the server
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    append_load_text(out, *s, true);
  } else if (const auto* blob = std::get_if<Blob>(&v)) {
    append_load_text(out, blob->bytes, true);
  }
}

LoadDataStream::LoadDataStream(std::span<const Value> rows, std::size_t ncols, std::span<const LoadAs> how)
    : rows_(rows), ncols_(ncols), how_(how), nrows_(ncols == 0 ? 0 : rows.size() / ncols) {}

void LoadDataStream::fill(std::size_t want) {
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  // At least `want` bytes (or the end), formatted in steps of ~64 KiB.
  const std::size_t target = std::max<std::size_t>(want, 64 * 1024);
  while (buf_.size() < target && next_row_ < nrows_) {
    const Value* row = rows_.data() + next_row_ * ncols_;
    for (std::size_t c = 0; c < ncols_; ++c) {
      if (c) buf_ += '\t';
      append_load_value(buf_, row[c], how_[c]);
    }
    buf_ += '\n';
    ++next_row_;
  }
}

std::size_t LoadDataStream::read(char* buf, std::size_t len) {
  if (formatted_) {
    const std::size_t n = std::min(len, text_.size() - pos_);
    std::memcpy(buf, text_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  if (buf_.size() - pos_ < len && next_row_ < nrows_) fill(len);
  const std::size_t n = std::min(len, buf_.size() - pos_);
  std::memcpy(buf, buf_.data() + pos_, n);
  pos_ += n;
  return n;
}

}  // namespace flash::driver::mysql
