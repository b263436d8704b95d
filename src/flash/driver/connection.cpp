// Value helpers, DbError and Transaction: the parts of the driver interface that do not depend on
// a database.
#include "flash/driver/connection.hpp"

#include <charconv>
#include <cmath>

namespace flash::driver {

bool is_null(const Value& v) { return std::holds_alternative<Null>(v); }

namespace {

// Shortest text that reads back as the same double (std::to_chars guarantees the round trip).
std::string double_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

struct Display {
  std::string operator()(Null) const { return "NULL"; }
  std::string operator()(bool b) const { return b ? "true" : "false"; }
  std::string operator()(std::int64_t i) const { return std::to_string(i); }
  std::string operator()(double d) const { return double_text(d); }
  std::string operator()(const std::string& s) const { return s; }
  std::string operator()(const Blob& b) const {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + b.bytes.size() * 2);
    for (unsigned char c : b.bytes) {
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
    return out;
  }
};

}  // namespace

std::string to_display(const Value& v) { return std::visit(Display{}, v); }

StatementDescriber* describer(SqlConnection& c) { return dynamic_cast<StatementDescriber*>(&c); }
QueryCanceller* canceller(SqlConnection& c) { return dynamic_cast<QueryCanceller*>(&c); }
BulkLoader* bulk_loader(SqlConnection& c) { return dynamic_cast<BulkLoader*>(&c); }

DbError::DbError(std::string message, std::string sqlstate, int native_code, std::string statement,
                 bool connection_usable)
    : std::runtime_error(std::move(message)),
      sqlstate_(std::move(sqlstate)),
      native_code_(native_code),
      statement_(std::move(statement)),
      usable_(connection_usable) {}

Transaction::Transaction(SqlConnection& c) : conn_(c) { conn_.begin(); }

Transaction::~Transaction() {
  if (!active_) return;
  // A destructor must not throw; a failed rollback (e.g. the connection is gone) leaves nothing to
  // undo anyway, because the server discards an open transaction with the session.
  try {
    conn_.rollback();
  } catch (...) {
  }
}

void Transaction::commit() {
  if (!active_) return;
  // Stays active when COMMIT fails: SQLite keeps the transaction open after SQLITE_BUSY, so the
  // destructor must still roll it back (PostgreSQL and MySQL accept the extra ROLLBACK).
  conn_.commit();
  active_ = false;
}

}  // namespace flash::driver
