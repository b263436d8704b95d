// The part of every generated C++ runtime header that does not depend on the database: the error
// type, the value types (dates, times, bytes), text parsing and formatting, enum concepts. It is
// written into each runtime header behind one include guard, so a program using two backends
// gets it once.
#include "flash/codegen/cpp/cpp.hpp"

namespace flash::codegen::cpp {

std::string_view runtime_common() {
  return R"CPP(// ---- flash common (the same in every Flash C++ runtime header) ------------------------------
#ifndef FLASH_CPP_COMMON_V1
#define FLASH_CPP_COMMON_V1
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace flash {

// The one exception type of every generated client. sqlstate(): PostgreSQL's SQLSTATE, MySQL's
// SQLSTATE (errno in code()), SQLite: 23505/23503/23502/23514 for UNIQUE/PRIMARY KEY, FOREIGN
// KEY, NOT NULL and CHECK violations, else "" (the extended result code is in code()). Values the
// client cannot decode throw sqlstate 22000 ("data exception").
class Error : public std::runtime_error {
 public:
  Error(std::string sqlstate, int code, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)), code_(code) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  int code() const noexcept { return code_; }

 private:
  std::string sqlstate_;
  int code_;
};

// Value types. Timestamps carry microseconds (the resolution of PostgreSQL and MySQL).
using Bytes = std::vector<std::byte>;                                   // bytea, BLOB
using Date = std::chrono::sys_days;                                     // DATE
using Time = std::chrono::microseconds;                                 // TIME: since midnight
using Timestamp = std::chrono::local_time<std::chrono::microseconds>;   // TIMESTAMP without zone
using TimestampTz = std::chrono::sys_time<std::chrono::microseconds>;  // TIMESTAMPTZ: a UTC instant

// :execresult.
struct ExecResult {
  std::int64_t rows_affected = 0;
  std::int64_t last_insert_id = 0;  // MySQL and SQLite; 0 on PostgreSQL
};

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_list : std::false_type {};
template <class T> struct is_list<std::vector<T>> : std::bool_constant<!std::is_same_v<T, std::byte>> {};

// Generated enums are enum classes with flash_enum_text / flash_enum_parse found by ADL.
template <class E>
concept DbEnum = std::is_enum_v<E> && requires(E e, std::string_view s) {
  { flash_enum_text(e) } -> std::convertible_to<std::string_view>;
  { flash_enum_parse(s, e) } -> std::same_as<bool>;
};

namespace detail {

[[noreturn]] inline void bad_value(std::string_view what, std::string_view text) {
  throw Error("22000", 0, "flash: cannot read " + std::string(what) + " from \"" + std::string(text.substr(0, 64)) + "\"");
}

template <class I>
I parse_int(std::string_view s) {
  // The common case first: at most 18 digits (no overflow in 64 bits), an optional '-'.
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool neg = std::is_signed_v<I> && p != end && *p == '-';
  p += neg;
  if (p != end && end - p <= 18) {
    std::uint64_t v = 0;
    for (; p != end; ++p) {
      const unsigned d = static_cast<unsigned>(*p) - '0';
      if (d > 9) bad_value("an integer", s);
      v = v * 10 + d;
    }
    using U = std::make_unsigned_t<I>;
    if (neg ? v > static_cast<std::uint64_t>(std::numeric_limits<I>::max()) + 1
            : v > static_cast<std::uint64_t>(std::numeric_limits<I>::max()))
      bad_value("an integer", s);
    return static_cast<I>(neg ? static_cast<U>(0 - static_cast<U>(v)) : static_cast<U>(v));
  }
  I v{};
  const auto [q, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || q != s.data() + s.size()) bad_value("an integer", s);
  return v;
}

template <class F>
F parse_float(std::string_view s) {
  F v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size()) return v;
  // PostgreSQL writes Infinity / -Infinity / NaN.
  if (s == "Infinity") return std::numeric_limits<F>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<F>::infinity();
  if (s == "NaN") return std::numeric_limits<F>::quiet_NaN();
  bad_value("a floating-point number", s);
}

// Digits at s[i..i+n) as a number; false when any is not a digit.
inline bool digits(std::string_view s, std::size_t i, std::size_t n, int& out) {
  if (i + n > s.size()) return false;
  out = 0;
  for (std::size_t k = i; k < i + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    out = out * 10 + (s[k] - '0');
  }
  return true;
}

inline Date parse_date(std::string_view s) {
  int y, m, d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d))
    bad_value("a date (YYYY-MM-DD)", s);
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) bad_value("a date (YYYY-MM-DD)", s);
  return std::chrono::sys_days{ymd};
}

// "HH:MM:SS[.ffffff]" at s[i..]; i moves past it.
inline std::chrono::microseconds parse_clock(std::string_view s, std::size_t& i) {
  int h, m, sec;
  if (!digits(s, i, 2, h) || i + 8 > s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, m) || s[i + 5] != ':' ||
      !digits(s, i + 6, 2, sec))
    bad_value("a time (HH:MM:SS)", s);
  i += 8;
  std::int64_t us = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 6) us = us * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    for (; n < 6; ++n) us *= 10;
  }
  return std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{sec} + std::chrono::microseconds{us};
}

inline Time parse_time(std::string_view s) {
  std::size_t i = 0;
  const auto t = parse_clock(s, i);
  if (i != s.size()) bad_value("a time (HH:MM:SS)", s);
  return t;
}

// "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|+HH[:MM[:SS]]]"; offset_seconds is set when a zone is given.
inline Timestamp parse_timestamp(std::string_view s, std::optional<int>* offset_seconds = nullptr) {
  const Date d = parse_date(s.substr(0, 10));
  std::size_t i = 10;
  std::chrono::microseconds clock{0};
  if (i < s.size()) {
    if (s[i] != ' ' && s[i] != 'T') bad_value("a timestamp", s);
    ++i;
    clock = parse_clock(s, i);
  }
  if (i < s.size()) {
    int sign = 0, h = 0, m = 0, sec = 0;
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      sign = s[i] == '-' ? -1 : 1;
      if (!digits(s, i + 1, 2, h)) bad_value("a timestamp", s);
      i += 3;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size()) {
        if (!digits(s, i, 2, m)) bad_value("a timestamp", s);
        i += 2;
      }
      if (i < s.size() && s[i] == ':') {
        if (!digits(s, i + 1, 2, sec)) bad_value("a timestamp", s);
        i += 3;
      }
    }
    if (i != s.size()) bad_value("a timestamp", s);  // e.g. " BC", "infinity"
    if (offset_seconds) *offset_seconds = sign * (h * 3600 + m * 60 + sec);
  }
  return Timestamp{std::chrono::local_days{d.time_since_epoch()}.time_since_epoch() + clock};
}

inline TimestampTz parse_timestamptz(std::string_view s) {
  std::optional<int> off;
  const Timestamp local = parse_timestamp(s, &off);
  return TimestampTz{local.time_since_epoch() - std::chrono::seconds{off.value_or(0)}};
}

inline void put2(std::string& out, int v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

inline void format_date(std::string& out, Date d) {
  const std::chrono::year_month_day ymd{d};
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) throw Error("22008", 0, "flash: year " + std::to_string(y) + " is out of range");
  put2(out, y / 100);
  put2(out, y % 100);
  out += '-';
  put2(out, static_cast<int>(static_cast<unsigned>(ymd.month())));
  out += '-';
  put2(out, static_cast<int>(static_cast<unsigned>(ymd.day())));
}

inline void format_clock(std::string& out, std::chrono::microseconds t) {
  const auto us = t.count();
  put2(out, static_cast<int>(us / 3600000000));
  out += ':';
  put2(out, static_cast<int>(us / 60000000 % 60));
  out += ':';
  put2(out, static_cast<int>(us / 1000000 % 60));
  if (auto f = static_cast<int>(us % 1000000)) {
    char buf[7] = {'.', '0', '0', '0', '0', '0', '0'};
    for (int k = 6; k > 0; --k, f /= 10) buf[k] = static_cast<char>('0' + f % 10);
    out.append(buf, 7);
  }
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]".
inline void format_timestamp(std::string& out, std::chrono::microseconds since_epoch) {
  const auto day = std::chrono::floor<std::chrono::days>(since_epoch);
  format_date(out, Date{day});
  out += ' ';
  format_clock(out, since_epoch - day);
}

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline void to_hex(std::string& out, const Bytes& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::byte x : b) {
    out += kHex[std::to_integer<int>(x) >> 4];
    out += kHex[std::to_integer<int>(x) & 15];
  }
}

// A value from its text form (PostgreSQL's text format, SQLite text, MySQL strings).
template <class T>
void from_text(std::string_view s, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (s == "t" || s == "true" || s == "1") out = true;
    else if (s == "f" || s == "false" || s == "0") out = false;
    else bad_value("a boolean", s);
  } else if constexpr (std::is_integral_v<T>) {
    out = parse_int<T>(s);
  } else if constexpr (std::is_floating_point_v<T>) {
    out = parse_float<T>(s);
  } else if constexpr (std::is_same_v<T, std::string>) {
    out.assign(s.data(), s.size());
  } else if constexpr (std::is_same_v<T, Bytes>) {
    out.resize(s.size());
    if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  } else if constexpr (std::is_same_v<T, Date>) {
    out = parse_date(s.substr(0, s.find(' ') == 10 ? 10 : s.size()));
  } else if constexpr (std::is_same_v<T, Time>) {
    out = parse_time(s);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    out = parse_timestamp(s);
  } else if constexpr (std::is_same_v<T, TimestampTz>) {
    out = parse_timestamptz(s);
  } else if constexpr (DbEnum<T>) {
    if (!flash_enum_parse(s, out)) bad_value("an enum value", s);
  } else {
    static_assert(sizeof(T) == 0, "flash: no text decoding for this type");
  }
}

// The text form of a value (appended to out). Timestamps with zone are written in UTC with +00:00.
template <class T>
void to_text(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    char buf[64];
    const auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, p);
  } else if constexpr (std::is_same_v<T, std::string>) {
    out += v;
  } else if constexpr (std::is_same_v<T, Date>) {
    format_date(out, v);
  } else if constexpr (std::is_same_v<T, Time>) {
    format_clock(out, v);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    format_timestamp(out, v.time_since_epoch());
  } else if constexpr (std::is_same_v<T, TimestampTz>) {
    format_timestamp(out, v.time_since_epoch());
    out += "+00:00";
  } else if constexpr (DbEnum<T>) {
    out += flash_enum_text(v);
  } else {
    static_assert(sizeof(T) == 0, "flash: no text encoding for this type");
  }
}

}  // namespace detail

// `sql` with every `marker` (a sqlc.slice placeholder, "/*SLICE:name*/?") replaced by n
// placeholders "?, ?, ..." — or by NULL when the list is empty, so `IN (NULL)` matches nothing.
inline std::string expand_slice(std::string_view sql, std::string_view marker, std::size_t n) {
  std::string repl;
  if (n == 0) repl = "NULL";
  for (std::size_t i = 0; i < n; ++i) repl += i ? ", ?" : "?";
  std::string out;
  std::size_t at = 0;
  for (std::size_t hit; (hit = sql.find(marker, at)) != std::string_view::npos; at = hit + marker.size()) {
    out.append(sql.substr(at, hit - at));
    out += repl;
  }
  out.append(sql.substr(at));
  return out;
}

}  // namespace flash
#endif  // FLASH_CPP_COMMON_V1
)CPP";
}

}  // namespace flash::codegen::cpp
