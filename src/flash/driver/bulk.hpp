#pragma once
// Which path a connection's bulk loads took, for reports (flash import --json: each table's
// "method"), and the streamed bulk path (BulkStream). Kept apart from driver::BulkLoader
// (connection.hpp), whose interface the batched loaders use.
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "flash/driver/connection.hpp"

namespace flash::driver {

// Text in the tab-separated load formats (PostgreSQL COPY text, MySQL/MariaDB LOAD DATA): backslash,
// tab, newline and carriage return written as \\ \t \n \r; NUL as \0 where the format has it
// (LOAD DATA; PostgreSQL text holds no NUL, which its server refuses either way).
// The first byte of `s` from `i` on that is below ' ' or a backslash (s.size() when none): eight
// bytes at a time (a word has such a byte when a byte minus 0x20, or the byte xor '\\' minus 1,
// borrows into its high bit), then byte by byte in the word that has one.
inline std::size_t next_load_special(std::string_view s, std::size_t i) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const std::uint64_t bs = w ^ (ones * '\\');
    if ((((w - ones * 0x20) & ~w) | ((bs - ones) & ~bs)) & highs) break;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '\\') return i;
  }
  return s.size();
}

inline void append_load_text(std::string& out, std::string_view s, bool escape_nul) {
  std::size_t start = 0;
  for (std::size_t i = next_load_special(s, 0); i < s.size(); i = next_load_special(s, i + 1)) {
    const char c = s[i];
    const char esc = c == '\\' ? '\\'
                     : c == '\t' ? 't'
                     : c == '\n' ? 'n'
                     : c == '\r' ? 'r'
                     : c == '\0' && escape_nul ? '0'
                                             : 0;
    if (!esc) continue;
    out.append(s, start, i - start);
    out += '\\';
    out += esc;
    start = i + 1;
  }
  out.append(s, start, s.size() - start);
}

// Implemented by the connections that implement BulkLoader.
class BulkLoadMethod {
 public:
  virtual ~BulkLoadMethod() = default;
  // The path of the last bulk_load(): "copy" (PostgreSQL COPY FROM STDIN), "load_data"
  // (MySQL/MariaDB LOAD DATA LOCAL INFILE), "prepared_insert" (SQLite: one prepared INSERT bound
  // per row), "insert" (multi-row INSERTs: the MySQL/MariaDB server does not allow LOAD DATA
  // LOCAL, local_infile=OFF); MySQL: "" before the first load.
  virtual std::string_view last_bulk_method() const = 0;
};

// Rows going to the engine while they are read (StreamLoader::open_stream): each write_row() is
// formatted at once and sent in bounded chunks (PostgreSQL: one COPY FROM STDIN kept open for all
// rows; MySQL/MariaDB: one LOAD DATA LOCAL per ~8 MiB of rows), so memory stays constant and the
// server works while the caller reads on. Runs inside the caller's transaction, with no savepoint:
// a refused row fails write_row() or finish() with DbError (which row is not said) and leaves the
// transaction for the caller to roll back. Destroying an unfinished stream abandons the statement
// (the caller then rolls back); the connection stays usable.
class BulkStream {
 public:
  virtual ~BulkStream() = default;
  // One row: the values query() would bind, one per column.
  virtual void write_row(std::span<const Value> row) = 0;
  // Sends what is left and ends the statement(s).
  virtual void finish() = 0;
  // After write_row() or finish() threw: the row the engine refused, when it says which — its
  // 1-based number among the rows written to this stream, and the column when named ("" when not).
  // PostgreSQL: the error's context "COPY t, line N[, column c: …]" (the COPY text has exactly one
  // line per row). {0, ""} when the engine did not say (MySQL/MariaDB; a deferred constraint).
  struct Refusal {
    std::int64_t row = 0;
    std::string column;
  };
  virtual Refusal refused() const { return {}; }
};

// The refused row of PostgreSQL's COPY FROM error context (PG_DIAG_CONTEXT): the line that reads
// "COPY <table>, line N", "COPY <table>, line N: …" or "COPY <table>, line N, column c: …" (the
// last such line when triggers or functions add lines of their own). {0, ""} when there is none.
inline BulkStream::Refusal copy_refusal(std::string_view context) {
  BulkStream::Refusal found;
  std::size_t at = 0;
  while (at <= context.size()) {
    std::size_t end = context.find('\n', at);
    if (end == std::string_view::npos) end = context.size();
    const std::string_view line = context.substr(at, end - at);
    at = end + 1;
    if (line.substr(0, 5) != "COPY ") continue;
    // The first ", line <digits>" followed by the end, ',' or ':' (a table name with such text in
    // it is not told apart; the digits are checked against the rows sent by the caller).
    for (std::size_t k = line.find(", line "); k != std::string_view::npos; k = line.find(", line ", k + 1)) {
      std::size_t i = k + 7;
      std::int64_t n = 0;
      const std::size_t digits = i;
      while (i < line.size() && line[i] >= '0' && line[i] <= '9' && n < (std::int64_t{1} << 60))
        n = n * 10 + (line[i++] - '0');
      if (i == digits || (i < line.size() && line[i] != ',' && line[i] != ':')) continue;
      found = {n, ""};
      if (line.substr(i, 9) == ", column ") {
        const std::size_t c = i + 9;
        const std::size_t colon = line.find(": ", c);
        found.column = std::string(line.substr(c, colon == std::string_view::npos ? std::string_view::npos : colon - c));
      }
      break;
    }
  }
  return found;
}

// Implemented by the connections that stream rows (PostgreSQL, MySQL/MariaDB; not SQLite, whose
// BulkLoader binds rows in place).
class StreamLoader {
 public:
  virtual ~StreamLoader() = default;
  // A BulkStream into `table` (`columns`; both quoted as for BulkLoader::bulk_load), inside the open
  // transaction; nullptr when the connection cannot stream now (MySQL: LOAD DATA LOCAL refused).
  virtual std::unique_ptr<BulkStream> open_stream(std::string_view table, std::span<const std::string> columns) = 0;
};
inline StreamLoader* stream_loader(SqlConnection& c) { return dynamic_cast<StreamLoader*>(&c); }

// What the connection's loads use: the bulk loader's last method, "insert" for a connection
// without a bulk path (TableLoader's multi-row INSERTs).
inline std::string_view bulk_method(SqlConnection& c) {
  if (const auto* m = dynamic_cast<const BulkLoadMethod*>(&c)) return m->last_bulk_method();
  return bulk_loader(c) ? std::string_view() : std::string_view("insert");
}

}  // namespace flash::driver
