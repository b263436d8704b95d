#include "flash/migrate/files.hpp"

#include "flash/config/sql_files.hpp"

#include <algorithm>
#include <ctime>

#include "flash/sql/ddl.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/util/text.hpp"

namespace flash::migrate {
namespace {

// The comment's text without the leading "--" / "/*" and trailing "*/", trimmed.
std::string comment_body(std::string_view raw) {
  std::string_view s = raw;
  if (s.starts_with("--")) s.remove_prefix(2);
  else if (s.starts_with("#")) s.remove_prefix(1);
  else if (s.starts_with("/*")) {
    s.remove_prefix(2);
    if (s.ends_with("*/")) s.remove_suffix(2);
  }
  return std::string(util::trim(s));
}

enum class Marker { none, up, down };

// `+migrate Up`, `+migrate Down notransaction`, ...: the section, and whether it runs in a transaction.
std::pair<Marker, bool> marker_of(std::string_view body) {
  std::string low = util::to_lower(body);
  if (!low.starts_with("+migrate")) return {Marker::none, true};
  std::string_view rest = util::trim(std::string_view(low).substr(8));
  Marker m = Marker::none;  // StatementBegin/End (sql-migrate) need no handling: the splitter knows bodies
  if (rest.starts_with("up")) m = Marker::up, rest.remove_prefix(2);
  else if (rest.starts_with("down")) m = Marker::down, rest.remove_prefix(4);
  else return {Marker::none, true};
  return {m, util::trim(rest) != "notransaction"};
}

std::optional<diff::Rename> rename_of(std::string_view body) {
  std::string_view s = body;
  if (!util::starts_with_ci(s, "flash:")) return std::nullopt;
  s = util::trim(s.substr(6));
  if (!util::starts_with_ci(s, "rename ")) return std::nullopt;
  s = util::trim(s.substr(7));
  auto arrow = s.find("->");
  if (arrow == std::string_view::npos) return std::nullopt;
  std::string lhs(util::trim(s.substr(0, arrow)));
  std::string_view rhs = util::trim(s.substr(arrow + 2));
  if (auto sp = rhs.find_first_of(" \t("); sp != std::string_view::npos) rhs = rhs.substr(0, sp);
  diff::Rename r;
  if (auto dot = lhs.rfind('.'); dot != std::string::npos) {
    r.table = lhs.substr(0, dot);
    r.from = lhs.substr(dot + 1);
  } else {
    r.from = lhs;
  }
  r.to = std::string(rhs);
  if (r.from.empty() || r.to.empty()) return std::nullopt;
  return r;
}

// Transaction control at the start of a statement: the keyword(s) to report, or "" when none.
// MariaDB's `BEGIN NOT ATOMIC ... END` is a compound statement, not a transaction.
std::string transaction_control(std::string_view stmt, schema::Dialect d) {
  diag::Diagnostics ignored;
  const sql::SourceFile src{"", std::string(stmt)};  // tokens view into it
  auto toks = sql::lex(src, d, ignored);
  if (toks.empty()) return "";
  const auto& t = toks[0];
  auto next_is = [&](std::string_view kw) { return toks.size() > 1 && toks[1].is(kw); };
  if (t.is("begin")) return next_is("not") ? "" : "BEGIN";
  if (t.is("start") && next_is("transaction")) return "START TRANSACTION";
  if (t.is("prepare") && next_is("transaction")) return "PREPARE TRANSACTION";
  for (const char* kw : {"commit", "rollback", "end", "abort", "savepoint", "release", "xa"})
    if (t.is(kw)) return util::to_upper(kw);
  return "";
}

}  // namespace

MigrationFile parse_migration(const std::filesystem::path& path, std::string content,
                              schema::Dialect d, diag::Diagnostics& diags) {
  MigrationFile f;
  f.path = path;
  f.id = path.stem().string();
  if (auto us = f.id.find('_'); us != std::string::npos && us > 0 &&
      std::all_of(f.id.begin(), f.id.begin() + static_cast<long>(us),
                  [](char c) { return c >= '0' && c <= '9'; }))
    f.name = f.id.substr(us + 1);
  else
    f.name = f.id;
  f.content = std::move(content);
  f.checksum = util::sha256_hex(f.content);

  sql::SourceFile src{path.string(), f.content};
  // Comments come from the lexer (so a "-- +migrate Down" inside a string is not a marker).
  diag::Diagnostics lex_diags;
  auto tokens = sql::lex(src, d, lex_diags, sql::LexOptions{.keep_comments = true});
  struct Boundary { std::size_t offset; std::size_t end; Marker m; };
  std::vector<Boundary> markers;
  struct Note { std::size_t offset; bool lossy; };
  std::vector<Note> lossy_notes;
  for (const auto& t : tokens) {
    if (t.kind != sql::TokenKind::comment) continue;
    std::string body = comment_body(t.raw);
    if (auto [m, transactional] = marker_of(body); m != Marker::none) {
      markers.push_back({t.offset, t.offset + t.raw.size(), m});
      (m == Marker::up ? f.up_transactional : f.down_transactional) = transactional;
      continue;
    }
    if (util::starts_with_ci(body, "flash:lossy") || util::starts_with_ci(body, "flash: lossy"))
      lossy_notes.push_back({t.offset, true});
    if (auto r = rename_of(body)) f.renames.push_back(*r);
  }
  f.has_markers = !markers.empty();

  auto section_at = [&](std::size_t off) {
    if (markers.empty()) return Marker::up;
    Marker cur = Marker::none;  // statements before the first marker belong to no section
    for (const auto& b : markers)
      if (b.offset < off) cur = b.m;
    return cur;
  };

  auto stmts = sql::split_statements(src, d, diags);
  std::size_t prev_end = 0;
  for (const auto& s : stmts) {
    MigrationStatement ms;
    ms.sql = s.text;
    ms.line = s.line;
    for (const auto& n : lossy_notes)
      if (n.offset >= prev_end && n.offset < s.offset) ms.lossy = true;
    if (s.leading_comments.find("flash:lossy") != std::string::npos) ms.lossy = true;
    prev_end = s.offset + s.text.size();
    const Marker section = section_at(s.offset);
    if (auto kw = transaction_control(s.text, d); !kw.empty() && section != Marker::none) {
      // Each migration runs in one transaction with its history row (MySQL: each data statement
      // with its step count); a COMMIT / ROLLBACK / BEGIN inside would split that apart.
      diags.push_back(diag::at_offset(
          "migrate.transaction-control",
          "`" + kw + "` in a migration: Flash runs each migration in its own transaction together with its "
          "history row, so transaction control inside it could record the migration as applied while part of "
          "it was rolled back",
          src.path, src.text, s.offset, kw.size()));
      diags.back().hint = "remove it; if part of the work must commit first, put that part in its own migration "
                          "(`-- +migrate Up notransaction` runs a section statement by statement, each one recorded)";
    }
    switch (section) {
      case Marker::up: f.up.push_back(std::move(ms)); break;
      case Marker::down: f.down.push_back(std::move(ms)); break;
      case Marker::none:
        diags.push_back(diag::at_offset("migrate.outside-section",
                                        "statement before the first `-- +migrate` marker is ignored",
                                        src.path, src.text, s.offset));
        diags.back().severity = diag::Severity::warning;
        break;
    }
  }

  // Up-only text with positions preserved.
  f.up_text = f.content;
  if (!markers.empty()) {
    std::vector<bool> keep(f.content.size(), false);
    for (std::size_t i = 0; i < markers.size(); ++i) {
      if (markers[i].m != Marker::up) continue;
      std::size_t to = i + 1 < markers.size() ? markers[i + 1].offset : f.content.size();
      for (std::size_t k = markers[i].end; k < to; ++k) keep[k] = true;
    }
    for (std::size_t k = 0; k < f.up_text.size(); ++k)
      if (!keep[k] && f.up_text[k] != '\n') f.up_text[k] = ' ';
  }
  return f;
}

std::vector<MigrationFile> load_migrations(const std::filesystem::path& dir, schema::Dialect d,
                                           diag::Diagnostics& diags) {
  std::vector<MigrationFile> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".sql") continue;
    if (e.is_regular_file()) {
      paths.push_back(e.path());
      continue;
    }
    // A directory (or broken link, socket, ...) named like a migration would be skipped without a
    // word, and the migration the user meant to write would never run.
    diag::Diagnostic dg;
    dg.code = "migrate.not-a-file";
    dg.message = "`" + e.path().filename().string() + "` in the migrations folder is " +
                 (e.is_directory() ? "a directory" : "not a regular file") + ", not a migration file";
    dg.location.file = e.path().string();
    dg.hint = "every *.sql entry in " + dir.string() + " must be a migration file: rename or move this one";
    diags.push_back(std::move(dg));
  }
  std::sort(paths.begin(), paths.end(),
            [](const auto& a, const auto& b) { return a.stem().string() < b.stem().string(); });
  for (const auto& p : paths) out.push_back(parse_migration(p, util::read_file(p), d, diags));
  return out;
}

std::string sanitize_name(std::string_view name) {
  std::string out;
  bool pending_sep = false;
  for (char c : name) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (!ok) {
      pending_sep = true;
      continue;
    }
    if (pending_sep && !out.empty()) out += '_';
    pending_sep = false;
    out += l;
  }
  return out.empty() ? std::string("migration") : out;
}

std::string timestamp_id(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

std::string next_migration_id(std::chrono::system_clock::time_point now, std::string_view name,
                              const std::vector<MigrationFile>& existing) {
  std::string newest;
  for (const auto& f : existing) {
    if (f.id.size() < 14) continue;
    std::string ts = f.id.substr(0, 14);
    if (std::all_of(ts.begin(), ts.end(), [](char c) { return c >= '0' && c <= '9'; }) && ts > newest)
      newest = ts;
  }
  auto t = now;
  if (!newest.empty() && timestamp_id(now) <= newest) {
    // Files created within one second (or a clock behind the newest file): one second after it.
    std::tm tm{};
    tm.tm_year = std::stoi(newest.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(newest.substr(4, 2)) - 1;
    tm.tm_mday = std::stoi(newest.substr(6, 2));
    tm.tm_hour = std::stoi(newest.substr(8, 2));
    tm.tm_min = std::stoi(newest.substr(10, 2));
    tm.tm_sec = std::stoi(newest.substr(12, 2));
    t = std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::seconds(1);
  }
  return timestamp_id(t) + "_" + sanitize_name(name);
}

void replay_one(schema::Schema& model, const MigrationFile& f, diag::Diagnostics& diags) {
  sql::apply_ddl(model, sql::SourceFile{f.path.string(), f.up_text}, diags);
}

schema::Schema replay(const std::vector<MigrationFile>& files, std::size_t count,
                      schema::Dialect d, diag::Diagnostics& diags) {
  schema::Schema m;
  m.dialect = d;
  for (std::size_t i = 0; i < count && i < files.size(); ++i) replay_one(m, files[i], diags);
  return m;
}

schema::Schema parse_schema_dir(const std::filesystem::path& schema_dir, schema::Dialect d,
                                diag::Diagnostics& diags) {
  const auto paths = config::list_sql_files(schema_dir);
  if (!paths) {
    throw diag::Error("migrate.no-schema", "schema directory " + schema_dir.string() + " does not exist",
                      diag::ExitCode::error,
                      "create it with your CREATE TABLE statements, or set schema_dir in flash.toml");
  }
  std::vector<sql::SourceFile> files;
  for (const auto& p : *paths) files.push_back({p.string(), util::read_file(p)});
  return sql::parse_schema(files, d, diags);
}

}  // namespace flash::migrate
