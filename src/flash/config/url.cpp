// Connection URL parsing. Hand-written rather than a generic URI library because database URLs
// bend the URI rules: unencoded '@' and '/' in passwords, comma-separated MongoDB host lists,
// sqlite::memory: and file: forms. Error messages never quote the whole URL (it may hold a
// password); they name the offending part instead.
#include "flash/config/url.hpp"

#include <cctype>
#include <charconv>

#include "flash/diag/diagnostic.hpp"

namespace flash::config {
namespace {

using schema::Dialect;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string example_for(Dialect d) {
  switch (d) {
    case Dialect::postgresql: return "postgres://user:password@localhost:5432/app?sslmode=disable";
    case Dialect::mysql: return "mysql://user:password@localhost:3306/app";
    case Dialect::sqlite: return "sqlite://db/dev.db";
    case Dialect::mongodb: return "mongodb://user:password@localhost:27017/app";
  }
  return "postgres://user:password@localhost:5432/app";
}

[[noreturn]] void fail(const std::string& message, Dialect d) {
  throw diag::Error("config.url", message, diag::ExitCode::error,
                    "a valid URL looks like " + example_for(d));
}

[[noreturn]] void fail_generic(const std::string& message) {
  throw diag::Error("config.url", message, diag::ExitCode::error,
                    "use a URL such as postgres://user:password@localhost:5432/app, "
                    "mysql://user:password@localhost:3306/app or sqlite://db/dev.db");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `what` names the URL part for the error message (the value itself is not quoted: it may be the
// password).
std::string percent_decode(std::string_view s, const char* what, Dialect d) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) fail(std::string("truncated percent-escape in the ") + what, d);
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) fail(std::string("invalid percent-escape in the ") + what, d);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q, Dialect d) {
  std::map<std::string, std::string> params;
  std::size_t start = 0;
  while (start <= q.size()) {
    std::size_t amp = q.find('&', start);
    if (amp == std::string_view::npos) amp = q.size();
    const std::string_view pair = q.substr(start, amp - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string key = percent_decode(pair.substr(0, eq), "query parameters", d);
      if (key.empty()) fail("empty parameter name in the query string", d);
      params[key] = eq == std::string_view::npos
                        ? std::string()
                        : percent_decode(pair.substr(eq + 1), "query parameters", d);
    }
    start = amp + 1;
  }
  return params;
}

// Splits off "?query" (and drops a "#fragment") from `rest`.
std::string_view split_query(std::string_view& rest) {
  std::string_view query;
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (const auto qm = rest.find('?'); qm != std::string_view::npos) {
    query = rest.substr(qm + 1);
    rest = rest.substr(0, qm);
  }
  return query;
}

int parse_port(std::string_view s, Dialect d) {
  if (s.empty()) fail("missing port number after `:`", d);
  int port = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  if (ec != std::errc() || ptr != s.data() + s.size())
    fail("invalid port `" + std::string(s) + "`: expected a number", d);
  if (port < 1 || port > 65535)
    fail("port " + std::string(s) + " is out of range (1-65535)", d);
  return port;
}

// Where the userinfo of a server URL ends: the last '@' before the query string. Using the last
// one lets unencoded '@' appear in passwords. Shared with redacted().
std::size_t userinfo_end(std::string_view after_scheme) {
  const std::size_t qm = after_scheme.find('?');
  const std::string_view head = after_scheme.substr(0, qm);
  return head.rfind('@');
}

void parse_sqlite(DatabaseUrl& u, std::string_view rest, bool file_scheme) {
  const std::string_view query = split_query(rest);
  u.params = parse_query(query, Dialect::sqlite);
  std::string_view path = rest;
  if (!file_scheme) {
    // sqlite://path, sqlite:///abs, sqlite:path
    if (path.starts_with("//")) path.remove_prefix(2);
  } else if (path.starts_with("//")) {
    // file:///abs/path or file://localhost/abs/path (RFC 8089)
    path.remove_prefix(2);
    if (path.starts_with("localhost/")) path.remove_prefix(9);
  }
  if (path == ":memory:" || path == "memory" || (path.empty() && u.params.count("mode") &&
                                                 u.params["mode"] == "memory")) {
    u.database = ":memory:";
    return;
  }
  if (path.empty()) fail("missing database file path", Dialect::sqlite);
  u.database = percent_decode(path, "file path", Dialect::sqlite);
}

// A PostgreSQL host list `h1:p1,[::1]:p2,h3` (libpq's multi-host URL): `host` becomes libpq's host
// list and the `port` parameter its port list (an empty entry: the default port), as libpq itself
// spells them (host=h1,h2 port=p1,p2), so that libpq tries each in turn and target_session_attrs
// picks the one that fits.
void parse_pg_host_list(DatabaseUrl& u, std::string_view hostport) {
  const Dialect d = u.dialect;
  std::string hosts, ports;
  bool any_port = false;
  std::size_t start = 0;
  while (start <= hostport.size()) {
    std::size_t comma = hostport.find(',', start);
    if (comma == std::string_view::npos) comma = hostport.size();
    std::string_view one = hostport.substr(start, comma - start);
    if (one.empty()) fail("empty host in the host list", d);
    std::string_view host = one, port;
    if (one.starts_with("[")) {
      const std::size_t close = one.find(']');
      if (close == std::string_view::npos || close == 1) fail("invalid IPv6 address in the host list", d);
      host = one.substr(1, close - 1);
      const std::string_view after = one.substr(close + 1);
      if (!after.empty() && after.front() != ':') fail("unexpected text after an IPv6 address in the host list", d);
      if (!after.empty()) port = after.substr(1);
    } else if (const std::size_t c = one.rfind(':'); c != std::string_view::npos) {
      host = one.substr(0, c);
      port = one.substr(c + 1);
      if (port.empty()) fail("missing port number after `:` in the host list", d);
    }
    const std::string h = percent_decode(host, "host name", d);
    if (h.empty()) fail("empty host in the host list", d);
    for (char c : h)
      if (std::isspace(static_cast<unsigned char>(c)) || c == '@' || c == '/' || c == ',')
        fail("invalid host name `" + h + "` in the host list", d);
    if (!port.empty()) {
      ports += std::to_string(parse_port(port, d));
      any_port = true;
    }
    hosts += h;
    if (comma < hostport.size()) {
      hosts += ',';
      ports += ',';
    }
    start = comma + 1;
  }
  u.host = hosts;
  if (any_port) u.params["port"] = ports;
}

void parse_server(DatabaseUrl& u, std::string_view rest) {
  const Dialect d = u.dialect;
  if (!rest.starts_with("//")) fail("expected `//` after `" + u.scheme + ":`", d);
  rest.remove_prefix(2);

  if (const std::size_t at = userinfo_end(rest); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    u.user = percent_decode(userinfo.substr(0, colon), "user name", d);
    if (colon != std::string_view::npos)
      u.password = percent_decode(userinfo.substr(colon + 1), "password", d);
    rest = rest.substr(at + 1);
  }

  const std::string_view query = split_query(rest);
  u.params = parse_query(query, d);

  const std::size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    u.database = percent_decode(rest.substr(slash + 1), "database name", d);
    if (u.database.find('/') != std::string::npos)
      fail("database name `" + u.database + "` contains `/`", d);
  }

  if (d == Dialect::mongodb && hostport.find(',') != std::string_view::npos) {
    // A replica-set seed list: kept as written, each entry checked.
    std::size_t start = 0;
    while (start <= hostport.size()) {
      std::size_t comma = hostport.find(',', start);
      if (comma == std::string_view::npos) comma = hostport.size();
      const std::string_view one = hostport.substr(start, comma - start);
      if (one.empty()) fail("empty host in the host list", d);
      if (const auto c = one.rfind(':'); c != std::string_view::npos && one.find(']') == std::string_view::npos)
        parse_port(one.substr(c + 1), d);
      start = comma + 1;
    }
    u.host = std::string(hostport);
    return;
  }

  if (d == Dialect::postgresql && hostport.find(',') != std::string_view::npos) {
    parse_pg_host_list(u, hostport);
    return;
  }

  if (hostport.starts_with("[")) {
    const std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) fail("unterminated IPv6 address: missing `]`", d);
    u.host = std::string(hostport.substr(1, close - 1));
    if (u.host.empty()) fail("empty IPv6 address", d);
    for (char c : u.host)
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == '%'))
        fail("invalid IPv6 address `" + u.host + "`", d);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') fail("unexpected text after the IPv6 address", d);
      u.port = parse_port(after.substr(1), d);
    }
  } else {
    const std::size_t colon = hostport.rfind(':');
    std::string_view host = hostport.substr(0, colon);
    if (colon != std::string_view::npos) u.port = parse_port(hostport.substr(colon + 1), d);
    u.host = percent_decode(host, "host name", d);
    for (char c : u.host)
      if (std::isspace(static_cast<unsigned char>(c)) || c == '@' || c == '/')
        fail("invalid host name `" + u.host + "`", d);
  }

  // PostgreSQL allows an empty host (Unix socket, or ?host=/path); the others need one.
  if (u.host.empty() && d != Dialect::postgresql) fail("missing host name", d);
  if (u.scheme == "mongodb+srv" && u.port) fail("mongodb+srv URLs must not give a port", d);
}

}  // namespace

DatabaseUrl parse_database_url(std::string_view url) {
  // Values from .env files often carry stray whitespace; nothing meaningful can be at the ends.
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.front()))) url.remove_prefix(1);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.remove_suffix(1);
  if (url.empty()) fail_generic("the database URL is empty");

  DatabaseUrl u;
  u.original = std::string(url);

  if (url == "sqlite::memory:" || url == ":memory:") {
    u.scheme = "sqlite";
    u.dialect = Dialect::sqlite;
    u.database = ":memory:";
    return u;
  }

  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0)
    fail_generic("not a database URL: missing the scheme (e.g. `postgres://`)");
  u.scheme = std::string(url.substr(0, colon));
  const std::string scheme = lower(u.scheme);
  std::string_view rest = url.substr(colon + 1);

  if (scheme == "postgres" || scheme == "postgresql") {
    u.dialect = Dialect::postgresql;
  } else if (scheme == "mysql" || scheme == "mariadb") {
    u.dialect = Dialect::mysql;
  } else if (scheme == "mongodb" || scheme == "mongodb+srv") {
    u.dialect = Dialect::mongodb;
  } else if (scheme == "sqlite" || scheme == "sqlite3" || scheme == "file") {
    u.dialect = Dialect::sqlite;
    parse_sqlite(u, rest, scheme == "file");
    return u;
  } else {
    std::string hint = "supported schemes: postgres://, postgresql://, mysql://, mariadb://, "
                       "sqlite://, file:, mongodb://, mongodb+srv://";
    if (auto dym = diag::did_you_mean(scheme, {"postgres", "postgresql", "mysql", "mariadb", "sqlite",
                                               "file", "mongodb", "mongodb+srv"}))
      hint = *dym + " (" + hint + ")";
    throw diag::Error("config.url", "unknown database URL scheme `" + u.scheme + "`",
                      diag::ExitCode::error, hint);
  }
  parse_server(u, rest);
  return u;
}

std::string DatabaseUrl::redacted() const {
  const std::string& s = original;
  std::string out = s;
  const std::size_t sep = s.find("://");
  if (sep != std::string::npos && dialect != Dialect::sqlite) {
    const std::string_view after = std::string_view(s).substr(sep + 3);
    if (const std::size_t at = userinfo_end(after); at != std::string_view::npos) {
      const std::string_view userinfo = after.substr(0, at);
      if (const std::size_t c = userinfo.find(':'); c != std::string_view::npos) {
        out = s.substr(0, sep + 3) + std::string(userinfo.substr(0, c + 1)) + "****" +
              std::string(after.substr(at));
      }
    }
  }
  // A password may also travel as a query parameter (?password=...).
  const std::size_t qm = out.find('?');
  if (qm == std::string::npos) return out;
  std::string result = out.substr(0, qm + 1);
  std::string_view q = std::string_view(out).substr(qm + 1);
  bool first = true;
  while (true) {
    const std::size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    const std::size_t eq = pair.find('=');
    const std::string key = lower(pair.substr(0, eq));
    if (!first) result += '&';
    first = false;
    if (eq != std::string_view::npos && (key == "password" || key == "pass" || key == "pwd"))
      result += std::string(pair.substr(0, eq + 1)) + "****";
    else
      result += std::string(pair);
    if (amp == std::string_view::npos) break;
    q = q.substr(amp + 1);
  }
  return result;
}

}  // namespace flash::config
