#include "flash/migrate/engine.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <cstdlib>
#include <optional>
#include <thread>

#include "flash/diff/online.hpp"
#include "flash/migrate/live.hpp"
#include "flash/migrate/lock.hpp"
#include "flash/schema/json.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::migrate {

using schema::Dialect;

Project project_from_config(const config::Config& cfg) {
  Project p;
  p.migrations_dir = cfg.resolve(cfg.migrations_path);
  p.schema_dir = cfg.resolve(cfg.schema_dir);
  p.export_dir = cfg.resolve(cfg.export_path);
  p.dialect = cfg.provider;
  p.cluster = cfg.cluster;
  p.direct_url_env = cfg.direct_url_env;
  p.pooled = cfg.pooler == "pgbouncer" && cfg.provider == Dialect::postgresql;
  return p;
}

namespace {

void say(const Output& o, const std::string& s) {
  if (o.say) o.say(s);
}
void warn(const Output& o, const std::string& s) {
  if (o.warn) o.warn(s);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<MigrationFile> load_or_throw(const Project& p, const Output& out) {
  if (p.files) {
    auto files = *p.files;
    std::sort(files.begin(), files.end(), [](const MigrationFile& a, const MigrationFile& b) { return a.id < b.id; });
    return files;
  }
  diag::Diagnostics diags;
  auto files = load_migrations(p.migrations_dir, p.dialect, diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  for (const auto& d : diags) warn(out, d.location.file + ":" + std::to_string(d.location.line) + ": " + d.message);
  return files;
}

// Hash of the first k statements: lets a MySQL resume accept edits made after statement k.
std::string prefix_hash(const std::vector<MigrationStatement>& stmts, std::int64_t k) {
  std::string acc;
  for (std::int64_t i = 0; i < k && i < static_cast<std::int64_t>(stmts.size()); ++i) {
    acc += stmts[static_cast<std::size_t>(i)].sql;
    acc += "\n;\n";
  }
  return util::sha256_hex(acc);
}
constexpr std::string_view kPrefixTag = "flash-prefix-sha256: ";

std::optional<std::string> logged_prefix(const std::optional<std::string>& logs) {
  if (!logs) return std::nullopt;
  auto pos = logs->find(kPrefixTag);
  if (pos == std::string::npos) return std::nullopt;
  return logs->substr(pos + kPrefixTag.size(), 64);
}

std::string first_line(const std::string& s) {
  auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

struct Classified {
  // index into files, or -1 for a row without file
  struct Entry {
    const MigrationFile* file = nullptr;
    const TrackingRow* row = nullptr;
  };
  std::vector<Entry> entries;  // ordered by id
  std::string newest_applied;
};

Classified classify(const std::vector<MigrationFile>& files, const std::vector<TrackingRow>& rows) {
  Classified c;
  std::map<std::string, Classified::Entry> by_id;
  for (const auto& f : files) by_id[f.id].file = &f;
  for (const auto& r : rows) {
    // A row rolled back before it finished is history only (the original tool's semantics).
    if (r.rolled_back_at && !r.finished()) continue;
    by_id[r.id].row = &r;
    if (r.finished() && r.id > c.newest_applied) c.newest_applied = r.id;
  }
  for (auto& [id, e] : by_id) c.entries.push_back(e);
  return c;
}

diag::Error check_failed(std::string message, std::string hint) {
  return diag::Error("migrate.tampered", std::move(message), diag::ExitCode::check_failed, std::move(hint));
}

// MySQL: a DDL statement commits on its own, so its step count cannot commit with it. Before it
// runs, the row's logs say "flash-running: statement K of N"; after it, the step count advances
// and the note is cleared. A note still there means the process or the connection died while
// statement K ran: it may or may not have taken effect, and only the user can say which
// (--resume-at ID:K or ID:K+1). Data statements need no note: they and their step count commit in
// one transaction.
constexpr std::string_view kRunningTag = "flash-running: statement ";

std::string running_note(int index, int total) {
  return std::string(kRunningTag) + std::to_string(index + 1) + " of " + std::to_string(total);
}

// The 1-based statement a "flash-running" note names, if the logs hold one.
std::optional<std::int64_t> running_statement(const std::optional<std::string>& logs) {
  if (!logs || !logs->starts_with(kRunningTag)) return std::nullopt;
  return std::atoll(logs->c_str() + kRunningTag.size());
}

diag::Error connection_lost(const std::string& what, const std::string& err, const std::string& state) {
  return diag::Error("db.connection-lost", "lost the connection to the database " + what + ": " + err,
                     diag::ExitCode::connection, state);
}

// --resume-at ID:N values, and whether each was used.
struct ResumeAt {
  std::int64_t statement = 0;  // 1-based: the statement to continue with
  bool used = false;
};
using ResumeMap = std::map<std::string, ResumeAt>;

ResumeMap parse_resume_at(const std::vector<std::string>& values) {
  ResumeMap m;
  for (const auto& v : values) {
    auto colon = v.rfind(':');
    bool ok = colon != std::string::npos && colon > 0 && colon + 1 < v.size() && colon + 10 > v.size() &&
              std::all_of(v.begin() + static_cast<long>(colon) + 1, v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!ok || std::stoll(v.substr(colon + 1)) < 1)
      throw diag::Error("cli.usage",
                        "--resume-at expects ID:N (N = the 1-based statement to continue with), got `" + v + "`",
                        diag::ExitCode::usage);
    m[v.substr(0, colon)] = ResumeAt{std::stoll(v.substr(colon + 1)), false};
  }
  return m;
}

void check_resume_at_used(const ResumeMap& m, const std::string& command) {
  for (const auto& [id, r] : m)
    if (!r.used)
      throw diag::Error("cli.usage",
                        "--resume-at " + id + ":" + std::to_string(r.statement) + ": " + id +
                            " has no interrupted statement waiting for a decision",
                        diag::ExitCode::usage, "flash status shows the state of every migration; flash " + command +
                                                   " without --resume-at resumes at the recorded statement");
}

// MySQL: the 0-based statement an unfinished row continues with — the recorded step count, or the
// user's --resume-at when the row says a statement was running (see kRunningTag). Never guessed:
// without a decision the row goes to `undecided`.
std::int64_t resume_index(const TrackingRow& row, const MigrationFile& f, const std::vector<MigrationStatement>& stmts,
                          bool down, ResumeMap& resume_at, std::vector<std::string>& undecided) {
  const auto n = static_cast<std::int64_t>(stmts.size());
  const std::int64_t recorded = std::clamp<std::int64_t>(row.applied_steps_count, 0, n);
  auto running = running_statement(row.logs);
  auto it = resume_at.find(f.id);
  if (!running) {
    if (it != resume_at.end()) {
      it->second.used = true;
      if (it->second.statement != recorded + 1)
        throw diag::Error("cli.usage",
                          "--resume-at " + f.id + ":" + std::to_string(it->second.statement) + ": the history says " +
                              f.id + " continues with statement " + std::to_string(recorded + 1) +
                              "; only a statement interrupted while running needs a decision",
                          diag::ExitCode::usage);
    }
    return recorded;
  }
  const std::int64_t k = *running;
  if (it == resume_at.end()) {
    std::string what = f.id + ": " + (down ? "its rollback was" : "it was") + " interrupted while statement " +
                       std::to_string(k) + " of " + std::to_string(n) + " was running";
    if (k >= 1 && k <= n)
      what += " (" + f.path.string() + ":" + std::to_string(stmts[static_cast<std::size_t>(k - 1)].line) + ": " +
              first_line(stmts[static_cast<std::size_t>(k - 1)].sql) + ")";
    undecided.push_back(what);
    return recorded;
  }
  it->second.used = true;
  if (it->second.statement != k && it->second.statement != k + 1)
    throw diag::Error("cli.usage",
                      "--resume-at " + f.id + ":" + std::to_string(it->second.statement) + ": statement " +
                          std::to_string(k) + " was running when it stopped, so continue with " + std::to_string(k) +
                          " (it did not take effect) or " + std::to_string(k + 1) + " (it did)",
                      diag::ExitCode::usage);
  return std::min(it->second.statement - 1, n);
}

diag::Error undecided_error(const std::vector<std::string>& undecided, const std::string& command) {
  return diag::Error("migrate.interrupted-statement",
                     "cannot tell whether an interrupted statement took effect:\n  " + util::join(undecided, "\n  ") +
                         "\nMySQL commits each DDL statement on its own, so it may or may not have run before the "
                         "process or the connection died, and Flash does not guess",
                     diag::ExitCode::check_failed,
                     "look in the database whether that statement's change is there, then run flash " + command +
                         " --resume-at ID:K to run statement K again (it did not take effect) or --resume-at "
                         "ID:K+1 to continue after it (it did)");
}

diag::Error probe_failed_error(const std::vector<ProbeFailure>& failures, const std::string& note) {
  std::vector<std::string> lines;
  for (const auto& f : failures) lines.push_back(describe(f));
  return diag::Error("migrate.conflict-check-failed",
                     "the conflict check against the live data could not run, so these migrations were not "
                     "applied:\n  " + util::join(lines, "\n  ") + note,
                     diag::ExitCode::conflict,
                     "let the database user read those tables (SELECT; on PostgreSQL also not filtered by row-level "
                     "security: the table owner without FORCE ROW LEVEL SECURITY, or BYPASSRLS); make files that do "
                     "not replay replay (a table made outside the migrations belongs in one: `flash migrate NAME "
                     "--baseline` adopts an existing database); or pass --skip-conflict-check to apply without these "
                     "checks (the tables the unchecked statements may empty are exported first unless --no-backup)");
}

// ---- the runner --------------------------------------------------------------------------------

// The N of an online plan's backfill statement, `UPDATE /* flash:batch N */ ...` (diff/online.hpp):
// the runner repeats it, each batch its own transaction, so it is never wrapped in one with its step
// count (it is idempotent: it only touches rows still NULL).
std::optional<std::int64_t> batch_size(const std::string& sql) {
  const auto at = sql.find("/* flash:batch ");
  if (at == std::string::npos || at > 16) return std::nullopt;
  const std::int64_t n = std::atoll(sql.c_str() + at + 15);
  return n > 0 ? std::optional<std::int64_t>(n) : std::nullopt;
}

struct Runner {
  driver::SqlConnection& c;
  Dialect d;
  const Output& out;
  std::vector<std::string>& executed;
  // The run's lock: taken inside each migration's transaction (pooler mode), renewed after every
  // step outside a transaction (Galera's lock row). See lock.hpp.
  MigrationLock* lock = nullptr;

  static std::string failure_text(const Step& s, const std::string& err) {
    if (s.kind == Step::Kind::statement)
      return "failed at statement " + std::to_string(s.index + 1) + " of " + std::to_string(s.total) + ": " + err;
    return "failed: " + err;
  }

  // Executes one group. Returns false when the group was skipped because another process did it.
  bool run(const StepGroup& g) {
    bool in_tx = false;
    bool fk_off = false;
    for (const auto& s : g.steps) {
      try {
        switch (s.kind) {
          case Step::Kind::begin: {
            c.execute(s.sql);
            in_tx = true;
            executed.push_back(s.sql);
            if (lock) lock->in_transaction();
            if (!g.migration.empty()) {
              // Under SQLite the transaction is the lock: another run may have finished this
              // migration between our planning and now.
              auto row = read_tracking_row(c, g.migration);
              bool now_done = g.down ? !(row && row->finished()) : (row && row->finished());
              bool changed = !g.down && (row.has_value() != g.had_row);
              if (now_done || changed) {
                c.execute("ROLLBACK");
                if (fk_off) c.execute("PRAGMA foreign_keys = ON");
                return false;
              }
            }
            continue;
          }
          case Step::Kind::tx_begin:
            c.execute(s.sql);
            in_tx = true;
            executed.push_back(s.sql);
            continue;
          case Step::Kind::fk_check: {
            auto rs = c.query(s.sql);
            if (!rs.rows.empty()) {
              std::string table = rs.rows[0].empty() ? "" : value_text(rs.rows[0][0]).value_or("");
              throw driver::DbError("foreign key check failed: " + std::to_string(rs.rows.size()) +
                                        " row(s) of " + table + " reference missing rows",
                                    "23503", 0, s.sql, true);
            }
            executed.push_back(s.sql);
            continue;
          }
          default:
            if (s.kind == Step::Kind::statement && d == Dialect::postgresql && !in_tx) online_statement(s);
            else c.execute(s.sql);
            executed.push_back(s.sql);
            if (s.sql.starts_with("PRAGMA foreign_keys = OFF")) fk_off = true;
            if (s.sql.starts_with("PRAGMA foreign_keys = ON")) fk_off = false;
            if (s.sql == "COMMIT") in_tx = false;
            if (lock && !in_tx) lock->renew();
        }
      } catch (const driver::DbError& e) {
        if (!e.connection_usable()) lost(g, s, e.what());
        if (s.kind != Step::Kind::statement && is_lock_error(e)) {
          // SQLite's writer lock (BEGIN IMMEDIATE, or the tracking table's creation) not had in time.
          if (in_tx) try { c.execute("ROLLBACK"); } catch (...) {}
          if (fk_off) try { c.execute("PRAGMA foreign_keys = ON"); } catch (...) {}
          throw diag::Error("migrate.lock-timeout",
                            "could not take the database write lock" +
                                (g.migration.empty() ? std::string() : " for " + g.migration) + ": " + e.what(),
                            diag::ExitCode::lock_timeout, "another process holds it; retry or raise --lock-timeout");
        }
        fail(g, s, e.what(), in_tx, fk_off);
      }
    }
    return true;
  }

  // A PostgreSQL statement outside a transaction (a `notransaction` section, as online plans
  // write): an index that an interrupted CREATE INDEX CONCURRENTLY left INVALID is dropped first so
  // the statement rebuilds it; a statement that gives up on its lock (lock_timeout, SQLSTATE 55P03)
  // is retried a bounded number of times, waiting longer each time.
  void online_statement(const Step& s) {
    drop_invalid_index(s.sql);
    if (const auto batch = batch_size(s.sql)) return run_batches(s, *batch);
    retrying_lock(s, [&] { c.execute(s.sql); });
  }

  // `UPDATE /* flash:batch N */ ...` (online plans' backfills, batch_size below): run again, each
  // batch its own transaction (autocommit), until a batch updates fewer than N rows.
  void run_batches(const Step& s, std::int64_t n) {
    std::int64_t total = 0, done = n;
    // A cap far above any table (10^6 batches) so that an expression that yields NULL for more
    // than a batch of rows (they stay selected) fails instead of looping for ever.
    for (int k = 0; done == n; ++k) {
      if (k == 1'000'000)
        throw driver::DbError("backfill did not finish after 1,000,000 batches: does the expression yield NULL?", "",
                              0, s.sql, true);
      retrying_lock(s, [&] { done = c.query(s.sql).affected_rows; });
      total += std::max<std::int64_t>(done, 0);
      if (out.say && k % 10 == 9) out.say("  backfill: " + std::to_string(total) + " rows so far");
    }
    if (out.say) out.say("  backfill: " + std::to_string(total) + " rows in batches of " + std::to_string(n));
  }

  template <class F>
  void retrying_lock(const Step& s, F&& run) {
    constexpr int kAttempts = 5;
    for (int attempt = 1;; ++attempt) {
      try {
        run();
        return;
      } catch (const driver::DbError& e) {
        if (e.sqlstate() != "55P03" || attempt == kAttempts || !e.connection_usable()) throw;
        const int wait_ms = 500 << (attempt - 1);
        if (out.warn)
          out.warn("statement " + std::to_string(s.index + 1) + " of " + s.migration + " gave up waiting for its lock (" +
                   e.what() + "); retry " + std::to_string(attempt) + " of " + std::to_string(kAttempts - 1) +
                   " in " + std::to_string(wait_ms) + " ms");
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      }
    }
  }

  void drop_invalid_index(const std::string& sql) {
    diag::Diagnostics ignored;
    const sql::SourceFile src{"", sql};  // the tokens point into it
    const auto toks = sql::lex(src, Dialect::postgresql, ignored);
    std::vector<const sql::Token*> w;
    for (const auto& t : toks)
      if (t.kind != sql::TokenKind::end) w.push_back(&t);
    std::size_t i = 0;
    const auto word = [&](const char* k) { return i < w.size() && w[i]->is(k) ? (++i, true) : false; };
    if (!word("CREATE")) return;
    word("UNIQUE");
    if (!word("INDEX") || !word("CONCURRENTLY")) return;
    if (word("IF") && !(word("NOT") && word("EXISTS"))) return;
    const auto is_name = [&](std::size_t k) {
      return k < w.size() && (w[k]->kind == sql::TokenKind::quoted_ident ||
                              (w[k]->kind == sql::TokenKind::identifier && !w[k]->is("ON")));
    };
    if (!is_name(i)) return;
    const std::string name = w[i]->text;
    ++i;
    if (!word("ON")) return;
    word("ONLY");
    std::string schema;  // the table's schema, where the index lives
    if (is_name(i) && i + 2 < w.size() && w[i + 1]->raw == ".") schema = w[i]->text;
    auto rs = c.query(
        "SELECT n.nspname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = $1 AND n.nspname = COALESCE(NULLIF($2, ''), current_schema()) AND NOT x.indisvalid",
        std::vector<driver::Value>{name, schema});
    if (rs.rows.empty()) return;
    const std::string q = schema::quote_ident_always(value_text(rs.rows[0][0]).value_or(""), Dialect::postgresql) + "." +
                          schema::quote_ident_always(name, Dialect::postgresql);
    if (out.warn)
      out.warn("index " + name + " is INVALID (an earlier CREATE INDEX CONCURRENTLY was interrupted): dropped and rebuilt");
    c.execute("DROP INDEX CONCURRENTLY IF EXISTS " + q);
    executed.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + q);
  }

  // The failing statement's file:line (column 1), when the step is one of the file's statements.
  static diag::Error located(diag::Error e, const StepGroup& g, const Step& s) {
    if (g.file && s.kind == Step::Kind::statement && s.line > 0) {
      e.diagnostic().location = diag::Location{g.file->path.string(), s.line, 1, 1};
      e.diagnostic().source_line = first_line(s.sql);
    }
    return e;
  }

  std::string where_of(const StepGroup& g, const Step& s) const {
    return g.file ? g.file->path.string() + (s.line ? ":" + std::to_string(s.line) : "") : "";
  }

  // The connection died: nothing more can be executed or recorded. Exit 6 with what the database
  // holds now.
  [[noreturn]] void lost(const StepGroup& g, const Step& s, const std::string& err) {
    std::string what = g.migration.empty() ? std::string("while preparing the migration history")
                                           : std::string("during ") + (g.down ? "the rollback of " : "migration ") +
                                                 g.migration;
    if (s.kind == Step::Kind::statement) {
      what += " at statement " + std::to_string(s.index + 1) + " of " + std::to_string(s.total);
      auto where = where_of(g, s);
      if (!where.empty()) what += " (" + where + ")";
    }
    std::string state;
    if (g.tracked && !g.migration.empty())
      state = std::string(d == Dialect::mysql ? "MySQL commits DDL immediately" : "this section runs without a transaction") +
              ": the statements recorded in _flash_migrations stay applied. When the "
              "server is back, run the command again: it resumes at the recorded statement, or, if a statement was "
              "running when the connection died, stops and asks you to say whether it took effect";
    else
      state = "the transaction was not committed, so nothing of " +
              (g.migration.empty() ? std::string("it") : g.migration) +
              " was kept; run the command again when the server is reachable";
    throw connection_lost(what, err, state);
  }

  [[noreturn]] void fail(const StepGroup& g, const Step& s, const std::string& err, bool in_tx, bool fk_off) {
    std::string text = failure_text(s, err);
    if (in_tx) {
      try { c.execute("ROLLBACK"); } catch (...) {}  // a failed rollback leaves it to the server
    }
    if (fk_off) {
      try { c.execute("PRAGMA foreign_keys = ON"); } catch (...) {}
    }
    std::string record_error;  // why the failure could not be recorded
    bool record_lost = false;
    if (!g.migration.empty() && g.file) {
      try {
        if (g.tracked) {
          // Only a failed statement is known not to have taken effect. A failure of Flash's own
          // bookkeeping after a statement ran keeps the "running" note, so the next run asks.
          if (s.kind == Step::Kind::statement) {
            const auto& stmts = g.down ? g.file->down : g.file->up;
            c.execute(sql_update_logs(d, g.migration,
                                      (g.down ? "rollback " : "") + text + "\n" + std::string(kPrefixTag) +
                                          prefix_hash(stmts, s.index)));
          }
        } else if (!g.down) {
          // Everything was rolled back: record the failure so `status` can show it.
          std::string logs = text + " (rolled back)";
          if (g.had_row) c.execute(sql_update_logs(d, g.migration, logs));
          else c.execute(sql_insert_failed(d, g.migration, g.file->name, g.file->checksum, 0, logs));
        }
      } catch (const driver::DbError& e) {
        record_error = e.what();
        record_lost = !e.connection_usable();
      }
    }
    std::string where = where_of(g, s);
    std::string hint;
    if (g.tracked && !g.migration.empty())
      hint = std::string(d == Dialect::mysql ? "MySQL commits DDL immediately" : "this section runs without a transaction") +
             ": statements before it stay applied; fix the file (only at or after "
             "this statement) and run flash " + std::string(g.down ? "down" : "apply") + " again to resume";
    else
      hint = "nothing of this migration was kept; fix it and run flash " + std::string(g.down ? "down" : "apply") +
             " again";
    std::string message = (g.down ? "rollback of " : "migration ") + g.migration + " " + text +
                          (where.empty() ? "" : " (" + where + ")");
    if (!record_error.empty()) {
      message += "; recording the failure in _flash_migrations failed too: " + record_error;
      if (g.tracked)
        hint = "the history row still says this statement was running, so the next run stops and asks whether it "
               "took effect (check the database, then pass --resume-at " + g.migration + ":" +
               std::to_string(s.index + 1) + " to run it again, or :" + std::to_string(s.index + 2) +
               " if it did take effect)";
      else
        hint = "nothing of this migration was kept (its transaction was rolled back); `flash status` shows it as "
               "pending because the failure could not be recorded; fix it and run flash " +
               std::string(g.down ? "down" : "apply") + " again";
      throw located(diag::Error("migrate.failed", message,
                                record_lost ? diag::ExitCode::connection : diag::ExitCode::error, hint),
                    g, s);
    }
    throw located(diag::Error("migrate.failed", message, diag::ExitCode::error, hint), g, s);
  }
};

// MySQL (`track_steps`): every statement's step count is recorded (see kRunningTag).
void add_statement_steps(StepGroup& g, const std::vector<MigrationStatement>& stmts, Dialect d,
                         std::int64_t from, bool track_steps) {
  int total = static_cast<int>(stmts.size());
  for (std::int64_t i = from; i < total; ++i) {
    const auto& st = stmts[static_cast<std::size_t>(i)];
    Step s;
    s.kind = Step::Kind::statement;
    s.sql = st.sql;
    s.migration = g.migration;
    s.index = static_cast<int>(i);
    s.total = total;
    s.line = st.line;
    if (!track_steps) {
      g.steps.push_back(s);
      continue;
    }
    // A data statement and its step count commit together (InnoDB DML is transactional), so a
    // crash can never run it twice.
    if (sql::is_dml(st.sql, d) && !batch_size(st.sql)) {
      g.steps.push_back(Step{Step::Kind::tx_begin, "START TRANSACTION", g.migration});
      g.steps.push_back(s);
      g.steps.push_back(Step{Step::Kind::exec, sql_update_steps(d, g.migration, i + 1), g.migration});
      g.steps.push_back(Step{Step::Kind::exec, "COMMIT", g.migration});
    } else {
      g.steps.push_back(Step{Step::Kind::exec, sql_update_logs(d, g.migration, running_note(s.index, total)),
                             g.migration});
      g.steps.push_back(s);
      g.steps.push_back(Step{Step::Kind::exec, sql_update_steps(d, g.migration, i + 1, true), g.migration});
    }
  }
}

}  // namespace

bool statement_tracked(Dialect d, const MigrationFile& f, bool down) {
  // SQLite's lock is the migration's write transaction, so its sections always run in one.
  return d == Dialect::mysql || (d == Dialect::postgresql && !(down ? f.down_transactional : f.up_transactional));
}

namespace {

StepGroup plan_up(const MigrationFile& f, const TrackingRow* row, Dialect d, std::int64_t resume_from) {
  StepGroup g;
  g.migration = f.id;
  g.file = &f;
  g.had_row = row != nullptr;
  g.resume_from = resume_from;
  auto ex = [&](std::string sql, Step::Kind k = Step::Kind::exec) { g.steps.push_back(Step{k, std::move(sql), f.id}); };
  std::int64_t n = static_cast<std::int64_t>(f.up.size());
  g.tracked = statement_tracked(d, f, false);
  if (g.tracked) {
    if (row) ex(sql_update_resume(d, f.id, f.checksum, resume_from));
    else ex(sql_insert_started(d, f.id, f.name, f.checksum));
    add_statement_steps(g, f.up, d, resume_from, true);
    ex(sql_update_finished(d, f.id, f.checksum, n));
    return g;
  }
  if (d == Dialect::sqlite) ex("PRAGMA foreign_keys = OFF");
  ex(d == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN", Step::Kind::begin);
  add_statement_steps(g, f.up, d, 0, false);
  if (row) ex(sql_delete_row(d, f.id));
  ex(sql_insert_applied(d, f.id, f.name, f.checksum, n));
  if (d == Dialect::sqlite) ex("PRAGMA foreign_key_check", Step::Kind::fk_check);
  ex("COMMIT");
  if (d == Dialect::sqlite) ex("PRAGMA foreign_keys = ON");
  return g;
}

// MySQL: a rollback counts its Down statements in applied_steps_count (reset to 0 when it starts),
// so an interrupted rollback resumes at `resume_from` exactly like an interrupted apply.
StepGroup plan_down(const MigrationFile& f, Dialect d, std::optional<std::int64_t> resume_from) {
  StepGroup g;
  g.migration = f.id;
  g.file = &f;
  g.down = true;
  g.had_row = true;
  auto ex = [&](std::string sql, Step::Kind k = Step::Kind::exec) { g.steps.push_back(Step{k, std::move(sql), f.id}); };
  g.tracked = statement_tracked(d, f, true);
  if (g.tracked) {
    if (resume_from) ex(sql_update_steps(d, f.id, *resume_from, true));
    else ex(sql_mark_rolling_back(d, f.id));
    add_statement_steps(g, f.down, d, resume_from.value_or(0), true);
    ex(sql_delete_row(d, f.id));
    return g;
  }
  if (d == Dialect::sqlite) ex("PRAGMA foreign_keys = OFF");
  ex(d == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN", Step::Kind::begin);
  add_statement_steps(g, f.down, d, 0, false);
  ex(sql_delete_row(d, f.id));
  if (d == Dialect::sqlite) ex("PRAGMA foreign_key_check", Step::Kind::fk_check);
  ex("COMMIT");
  if (d == Dialect::sqlite) ex("PRAGMA foreign_keys = ON");
  return g;
}

std::filesystem::path export_file_for(const Project& p, const std::string& what) {
  return p.export_dir / (timestamp_id(std::chrono::system_clock::now()) + "_" + what + ".json");
}

// Pooler mode, a section without a transaction: on the direct connection under the session lock
// (which excludes the pooled runs' transaction-scoped lock: one key; apply already holds it there,
// advisory locks nest), after re-reading its row.
bool run_direct(driver::SqlConnection& direct, Dialect d, const Output& out, const StepGroup& g,
                std::vector<std::string>& executed, std::chrono::milliseconds timeout) {
  MigrationLock session(direct, timeout);
  if (!g.migration.empty()) {
    auto row = read_tracking_row(direct, g.migration);
    const bool done = g.down ? !(row && row->finished()) : (row && row->finished());
    const bool moved = row.has_value() != g.had_row || (row && !g.down && row->applied_steps_count != g.resume_from);
    if (done || moved) return false;
  }
  Runner r{direct, d, out, executed};
  return r.run(g);
}

std::vector<std::string> run_groups(driver::SqlConnection& c, Dialect d, const Output& out,
                                    const std::vector<StepGroup>& groups, std::vector<std::string>& done_ids,
                                    const std::function<void(const StepGroup&)>& before_group = {},
                                    MigrationLock* lock = nullptr, driver::SqlConnection* direct = nullptr,
                                    std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) {
  std::vector<std::string> executed;
  Runner r{c, d, out, executed, lock};
  for (const auto& g : groups) {
    if (before_group && !g.migration.empty()) before_group(g);
    bool ran = direct && g.tracked ? run_direct(*direct, d, out, g, executed, timeout) : r.run(g);
    if (g.migration.empty()) continue;
    if (ran) {
      done_ids.push_back(g.migration);
      say(out, std::string(g.down ? "Rolled back " : "Applied ") + g.migration);
    } else {
      say(out, "Skipped " + g.migration + " (done by another process)");
    }
  }
  return executed;
}

// A pending migration of `apply`: its file, its unfinished history row, the statement it resumes at.
struct Pending {
  const MigrationFile* f;
  const TrackingRow* row;
  std::int64_t resume;
};

// The live-data conflict check of `apply` (conflicts.hpp): every pending migration before anything
// runs. A probe of a later pending migration that cannot run yet (it reads what an earlier pending
// migration creates or renames) runs again right before that migration, when the earlier ones are
// applied. Tables to export before accepted data loss collect in `to_export`.
struct ConflictGate {
  driver::SqlConnection& c;
  const Project& p;
  const ApplyOptions& o;
  const Output& out;
  ApplyResult& res;
  std::vector<std::string> to_export;
  struct Checked {
    schema::Schema before, after;
    diff::Plan plan;
    bool deferred = false;
  };
  std::map<std::string, Checked> checked;

  // Conflicts stop (exit 5) unless accepted; failed probes stop unless --skip-conflict-check.
  void handle(const ConflictReport& report, bool before_anything) {
    std::vector<std::string> blocking;
    for (const auto& cf : report.conflicts) {
      if (cf.data_loss && o.accept_data_loss) {
        if (!contains(to_export, cf.table)) to_export.push_back(cf.table);
        res.accepted_conflicts.push_back(cf);
        warn(out, "accepted data loss: " + describe(cf));
      } else {
        blocking.push_back(describe(cf));
      }
    }
    std::string applied_note =
        before_anything || res.applied.empty()
            ? std::string()
            : "\n(applied before the check could run: " + util::join(res.applied, ", ") + ")";
    if (!blocking.empty()) {
      bool any_loss = std::any_of(report.conflicts.begin(), report.conflicts.end(),
                                  [](const Conflict& x) { return x.data_loss; });
      throw diag::Error("migrate.conflict",
                        "pending migrations conflict with existing data:\n  " + util::join(blocking, "\n  ") +
                            applied_note,
                        diag::ExitCode::conflict,
                        any_loss ? "fix the data as suggested, or pass --accept-data-loss for drops (tables are "
                                   "exported to " + p.export_dir.string() + " first)"
                                 : "fix the data as suggested, then run flash apply again");
    }
    if (report.failures.empty()) return;
    if (!o.skip_conflict_check) throw probe_failed_error(report.failures, applied_note);
    for (const auto& f : report.failures) warn(out, "conflict check skipped (--skip-conflict-check): " + describe(f));
  }

  // --skip-conflict-check: what the unchecked operations may delete is exported first.
  void add_unchecked_tables(const ConflictReport& report, const diff::Plan& plan) {
    if (o.no_backup || report.failures.empty()) return;
    for (const auto& t : destructive_tables(plan))
      if (!contains(to_export, t)) to_export.push_back(t);
  }

  static void stop_if_lost(const ConflictReport& report, const std::string& id, const std::string& state) {
    for (const auto& f : report.failures)
      if (f.connection_lost) throw connection_lost("while checking " + id + " against the live data", f.error, state);
  }

  void check_all(const std::vector<MigrationFile>& files, const std::vector<Pending>& pending) {
    ConflictReport upfront;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const auto& pm = pending[i];
      std::size_t idx = 0;
      while (idx < files.size() && &files[idx] != pm.f) ++idx;
      diag::Diagnostics rd;
      Checked ck;
      ck.before = replay(files, idx, p.dialect, rd);
      ck.after = ck.before;
      replay_one(ck.after, *pm.f, rd);
      if (diag::has_errors(rd)) {
        const auto& e = *std::find_if(rd.begin(), rd.end(),
                                      [](const diag::Diagnostic& x) { return x.severity == diag::Severity::error; });
        ProbeFailure f;
        f.migration = pm.f->id;
        f.check = "replay of the migrations up to " + pm.f->id;
        f.error = "the migration files could not be replayed to know what it changes: " + e.location.file + ":" +
                  std::to_string(e.location.line) + ":" + std::to_string(e.location.column) + ": " + e.message;
        upfront.failures.push_back(std::move(f));
        continue;
      }
      diff::DiffOptions dopts;
      dopts.renames = pm.f->renames;
      ck.plan = diff::diff_schemas(ck.before, ck.after, dopts);
      auto found = detect_conflicts(c, *pm.f, ck.before, ck.after, ck.plan, pm.resume);
      stop_if_lost(found, pm.f->id, "nothing was applied; run flash apply again when the server is reachable");
      for (auto& cf : found.conflicts) upfront.conflicts.push_back(std::move(cf));
      if (!found.failures.empty() && i > 0) {
        ck.deferred = true;  // checked again right before it runs
        if (o.dry_run)
          say(out, "-- the conflict check of " + pm.f->id + " runs when the migrations before it are applied");
      } else {
        add_unchecked_tables(found, ck.plan);
        for (auto& f : found.failures) upfront.failures.push_back(std::move(f));
      }
      checked[pm.f->id] = std::move(ck);
    }
    handle(upfront, true);
  }

  void export_now(const std::string& what) {
    if (to_export.empty() || o.no_backup) return;
    auto file = export_file_for(p, what);
    auto n = export_tables(c, to_export, file, "before flash apply (accepted data loss)");
    res.exports.push_back(file);
    say(out, "Exported " + std::to_string(n) + " row(s) of " + util::join(to_export, ", ") + " to " + file.string());
    to_export.clear();
  }

  // Right before a deferred migration runs.
  void recheck(const StepGroup& g) {
    auto it = checked.find(g.migration);
    if (it == checked.end() || !it->second.deferred) return;
    const auto& ck = it->second;
    auto found = detect_conflicts(c, *g.file, ck.before, ck.after, ck.plan, g.resume_from);
    stop_if_lost(found, g.migration,
                 "applied before it: " + (res.applied.empty() ? "none" : util::join(res.applied, ", ")) +
                     "; run flash apply again when the server is reachable");
    handle(found, false);
    add_unchecked_tables(found, ck.plan);
    export_now(g.migration);
  }
};

}  // namespace

std::string render_steps(const std::vector<StepGroup>& groups) {
  std::string s;
  for (const auto& g : groups) {
    s += g.migration.empty() ? "-- flash\n" : std::string("-- ") + (g.down ? "down " : "") + g.migration + "\n";
    for (const auto& st : g.steps) s += st.sql + ";\n";
  }
  return s;
}

// ---- apply -------------------------------------------------------------------------------------

namespace {

// Through a transaction-pooling PgBouncer, sections without a transaction (`what`: which ones, `ids`)
// need [database] direct_url_env; without it apply and down refuse before anything runs.
diag::Error pooler_notransaction(const Project& p, const std::string& what, const std::vector<std::string>& ids) {
  return diag::Error("migrate.pooler-notransaction",
                     what + " run without a transaction (notransaction: CREATE INDEX CONCURRENTLY and the like), "
                            "which is not safe through a transaction-pooling PgBouncer (no lock survives between "
                            "its statements): " + util::join(ids, ", "),
                     diag::ExitCode::check_failed,
                     "set [database] direct_url_env in flash.toml to a variable holding a URL that bypasses the "
                     "pooler (as Prisma's directUrl" +
                         (p.direct_url_env.empty() ? std::string() : "; " + p.direct_url_env + " is not set") +
                         "); flash runs those sections there");
}

}  // namespace

ApplyResult apply(driver::SqlConnection& c, const Project& p, const ApplyOptions& o, const Output& out) {
  Dialect d = c.dialect();
  auto files = load_or_throw(p, out);
  auto resume_at = parse_resume_at(o.resume_at);
  std::optional<MigrationLock> lock;
  const bool pooled = p.pooled && d == Dialect::postgresql;
  if (!o.dry_run) lock.emplace(c, o.lock_timeout, p.cluster, pooled);
  else if (d == Dialect::sqlite) c.execute("PRAGMA busy_timeout = " + std::to_string(o.lock_timeout.count()));
  // Pooler mode with a direct URL: the session lock there, for the whole run, before anything is
  // read (a `notransaction` migration's row is visible while it runs, and only a lock holder may
  // judge it); the transactional migrations still take the transaction-scoped lock (same key).
  std::unique_ptr<driver::SqlConnection> direct;
  std::optional<MigrationLock> direct_lock;
  if (pooled && o.direct_connect && !o.dry_run) {
    direct = o.direct_connect();
    direct_lock.emplace(*direct, o.lock_timeout);
  }

  bool table_exists = tracking_table_exists(c);
  auto rows = table_exists ? read_tracking(c) : std::vector<TrackingRow>{};
  auto cl = classify(files, rows);

  StepGroup prelude;
  if (!table_exists) prelude.steps.push_back(Step{Step::Kind::exec, tracking_table_ddl(d), ""});

  // Verification: nothing runs while the history does not match the files.
  std::vector<std::string> problems, undecided;
  std::vector<Pending> pending;
  for (const auto& e : cl.entries) {
    if (!e.file) {
      if (e.row && e.row->finished()) {
        if (contains(o.accept_edit, e.row->id)) {
          prelude.steps.push_back(Step{Step::Kind::exec, sql_delete_row(d, e.row->id), ""});
          warn(out, "forgetting applied migration " + e.row->id + " whose file was deleted (--accept-edit)");
        } else {
          problems.push_back(e.row->id + ": applied, but its file is missing");
        }
      } else if (e.row) {
        problems.push_back(e.row->id + ": failed earlier, and its file is missing");
      }
      continue;
    }
    const auto& f = *e.file;
    if (o.target && f.id > *o.target) {
      if (e.row && e.row->finished() && e.row->checksum != f.checksum && !contains(o.accept_edit, f.id))
        problems.push_back(f.id + ": applied, but the file was edited afterwards (checksum " +
                           e.row->checksum.substr(0, 12) + " recorded, " + f.checksum.substr(0, 12) + " now)");
      continue;
    }
    if (e.row && e.row->finished()) {
      if (e.row->rolled_back_at) {
        problems.push_back(f.id + ": a rollback started but did not finish (" +
                           first_line(e.row->logs.value_or("interrupted")) + "); run flash down to finish it");
      } else if (e.row->checksum != f.checksum) {
        if (contains(o.accept_edit, f.id)) {
          prelude.steps.push_back(Step{Step::Kind::exec, sql_update_checksum(d, f.id, f.checksum), ""});
        } else {
          problems.push_back(f.id + ": applied, but the file was edited afterwards (checksum " +
                             e.row->checksum.substr(0, 12) + " recorded, " + f.checksum.substr(0, 12) + " now)");
        }
      }
      continue;
    }
    // Pending (maybe with a failed/interrupted row). MySQL resumes at the recorded statement only.
    std::int64_t resume = 0;
    if (e.row && statement_tracked(d, f, false)) {
      resume = resume_index(*e.row, f, f.up, false, resume_at, undecided);
      if (e.row->checksum != f.checksum && resume > 0 && !contains(o.accept_edit, f.id)) {
        auto logged = logged_prefix(e.row->logs);
        if (e.row->applied_steps_count != resume || !logged || *logged != prefix_hash(f.up, resume))
          problems.push_back(f.id + ": stopped after statement " + std::to_string(resume) +
                             " and the file was edited at or before that statement");
      }
    }
    if (!e.row && !cl.newest_applied.empty() && f.id < cl.newest_applied && !o.allow_out_of_order) {
      problems.push_back(f.id + ": not applied, but older than the newest applied migration " + cl.newest_applied);
      continue;
    }
    pending.push_back({&f, e.row, resume});
  }
  check_resume_at_used(resume_at, "apply");
  if (!problems.empty()) {
    std::string msg = "migration history does not match the files:\n  " + util::join(problems, "\n  ");
    throw check_failed(msg,
                       "restore the original files, or accept with flash apply --accept-edit ID "
                       "(re-records the checksum) / --allow-out-of-order");
  }
  if (!undecided.empty()) throw undecided_error(undecided, "apply");

  // Through a pooler only transactions are safe: a section without one needs the direct URL.
  if (pooled) {
    std::vector<std::string> untx;
    for (const auto& pm : pending)
      if (statement_tracked(d, *pm.f, false)) untx.push_back(pm.f->id);
    if (!untx.empty() && !o.direct_connect) throw pooler_notransaction(p, "these migrations", untx);
  }

  ApplyResult res;
  ConflictGate gate{c, p, o, out, res};
  gate.check_all(files, pending);

  std::vector<StepGroup> groups;
  if (!prelude.steps.empty()) {
    // Pooler mode: the history table's creation and accepted edits in a transaction under the lock.
    if (pooled) {
      prelude.steps.insert(prelude.steps.begin(), Step{Step::Kind::begin, "BEGIN", ""});
      prelude.steps.push_back(Step{Step::Kind::exec, "COMMIT", ""});
    }
    groups.push_back(std::move(prelude));
  }
  for (const auto& pm : pending) groups.push_back(plan_up(*pm.f, pm.row, d, pm.resume));

  for (const auto& g : groups) {
    if (g.migration.empty()) continue;
    res.applied.push_back(g.migration);
  }
  if (o.dry_run) {
    for (const auto& g : groups)
      for (const auto& s : g.steps) res.statements.push_back(s.sql);
    res.dry_run_sql = render_steps(groups);
    if (!gate.to_export.empty() && !o.no_backup)
      say(out, "-- would export " + util::join(gate.to_export, ", ") + " to " + p.export_dir.string());
    return res;
  }
  gate.export_now(pending.empty() ? "apply" : pending.front().f->id);
  res.applied.clear();
  res.statements = run_groups(c, d, out, groups, res.applied, [&](const StepGroup& g) { gate.recheck(g); },
                              // The direct session lock already excludes every other applier (one key);
                              // the pooled transactions must not wait for it themselves.
                              direct_lock ? nullptr : (lock ? &*lock : nullptr), direct.get(), o.lock_timeout);
  return res;
}

// ---- down --------------------------------------------------------------------------------------

DownResult down(driver::SqlConnection& c, const Project& p, const DownOptions& o, const Output& out) {
  Dialect d = c.dialect();
  auto files = load_or_throw(p, out);
  auto resume_at = parse_resume_at(o.resume_at);
  std::optional<MigrationLock> lock;
  const bool pooled = p.pooled && d == Dialect::postgresql;
  if (!o.dry_run) lock.emplace(c, o.lock_timeout, p.cluster, pooled);
  // Pooler mode with a direct URL: the session lock there for the whole run (as apply).
  std::unique_ptr<driver::SqlConnection> direct;
  std::optional<MigrationLock> direct_lock;
  if (pooled && o.direct_connect && !o.dry_run) {
    direct = o.direct_connect();
    direct_lock.emplace(*direct, o.lock_timeout);
  }
  auto rows = read_tracking(c);
  std::vector<const TrackingRow*> applied;
  for (const auto& r : rows)
    if (r.finished()) applied.push_back(&r);
  std::sort(applied.begin(), applied.end(), [](auto* a, auto* b) { return a->id > b->id; });
  std::vector<const TrackingRow*> targets;
  if (o.target) {
    bool found = false;
    for (auto* r : applied) {
      targets.push_back(r);
      if (r->id == *o.target) { found = true; break; }
    }
    if (!found)
      throw diag::Error("migrate.not-applied", "migration " + *o.target + " is not applied", diag::ExitCode::error,
                        "flash status lists the applied migrations");
  } else {
    for (int i = 0; i < o.steps && i < static_cast<int>(applied.size()); ++i) targets.push_back(applied[i]);
  }
  DownResult res;
  if (targets.empty()) {
    say(out, "Nothing to roll back");
    return res;
  }
  std::vector<std::string> problems, lossy, undecided;
  std::vector<StepGroup> groups;
  std::vector<std::string> to_export;
  bool data_written = false;  // a Down rolled back before this one writes rows
  for (auto* r : targets) {
    auto it = std::find_if(files.begin(), files.end(), [&](const MigrationFile& f) { return f.id == r->id; });
    if (it == files.end()) {
      problems.push_back(r->id + ": its file is missing, so its Down section is unknown");
      continue;
    }
    if (it->checksum != r->checksum && !contains(o.accept_edit, r->id))
      problems.push_back(r->id + ": the file was edited after it was applied");
    if (it->down.empty() && it->has_markers == false)
      problems.push_back(r->id + ": has no -- +migrate Down section");
    // A marked statement that the live data shows to lose nothing (a table without rows, a column
    // of NULLs) needs no --accept-data-loss.
    if (std::any_of(it->down.begin(), it->down.end(), [](const MigrationStatement& st) { return st.lossy; })) {
      diag::Diagnostics rd;
      const auto after = replay(files, static_cast<std::size_t>(it - files.begin()) + 1, p.dialect, rd);
      std::vector<bool> loses(it->down.size(), true);
      if (!diag::has_errors(rd)) loses = lossy_by_data(c, *it, after, data_written);
      for (std::size_t k = 0; k < it->down.size(); ++k) {
        const auto& st = it->down[k];
        if (st.lossy && loses[k]) lossy.push_back(r->id + ":" + std::to_string(st.line) + ": " + first_line(st.sql));
        else if (st.lossy) say(out, r->id + ":" + std::to_string(st.line) + ": marked lossy, but loses no data here: " +
                                        first_line(st.sql));
      }
    }
    for (const auto& st : it->down) data_written = data_written || sql::is_dml(st.sql, d);
    if (o.accept_data_loss && !o.no_backup) {
      std::size_t idx = static_cast<std::size_t>(it - files.begin());
      diag::Diagnostics rd;
      auto before = replay(files, idx, p.dialect, rd);
      auto after = before;
      replay_one(after, *it, rd);
      if (diag::has_errors(rd)) {
        // Fails closed: without the replay the tables to back up are unknown.
        const auto& e = *std::find_if(rd.begin(), rd.end(),
                                      [](const diag::Diagnostic& x) { return x.severity == diag::Severity::error; });
        throw diag::Error("migrate.backup-unknown",
                          "cannot tell which tables the rollback of " + r->id +
                              " empties, so they cannot be exported first: the migration files do not replay (" +
                              e.location.file + ":" + std::to_string(e.location.line) + ":" +
                              std::to_string(e.location.column) + ": " + e.message + ")",
                          diag::ExitCode::conflict,
                          "fix the migration file, or pass --no-backup to roll back without the export");
      }
      auto plan = diff::diff_schemas(after, before, diff::DiffOptions{.renames = {}, .accept_drops = true});
      for (const auto& t : destructive_tables(plan))
        if (!contains(to_export, t)) to_export.push_back(t);
    }
    std::optional<std::int64_t> resume;
    if (statement_tracked(d, *it, true) && r->rolled_back_at) resume = resume_index(*r, *it, it->down, true, resume_at, undecided);
    groups.push_back(plan_down(*it, d, resume));
  }
  check_resume_at_used(resume_at, "down");
  if (pooled && !o.direct_connect) {
    std::vector<std::string> untx;
    for (const auto& g : groups)
      if (g.tracked) untx.push_back(g.migration);
    if (!untx.empty()) throw pooler_notransaction(p, "the Down sections of these migrations", untx);
  }
  if (!problems.empty())
    throw check_failed("cannot roll back:\n  " + util::join(problems, "\n  "),
                       "restore the file, or accept an edited file with --accept-edit ID");
  if (!undecided.empty()) throw undecided_error(undecided, "down");
  if (!lossy.empty() && !o.accept_data_loss)
    throw diag::Error("migrate.lossy-down",
                      "the rollback cannot restore data removed by these statements:\n  " + util::join(lossy, "\n  "),
                      diag::ExitCode::conflict,
                      "pass --accept-data-loss to run it anyway (affected tables are exported first unless "
                      "--no-backup)");
  if (o.dry_run) {
    for (const auto& g : groups) {
      res.rolled_back.push_back(g.migration);
      for (const auto& s : g.steps) res.statements.push_back(s.sql);
    }
    res.dry_run_sql = render_steps(groups);
    return res;
  }
  if (!to_export.empty()) {
    std::vector<std::string> existing;
    for (const auto& t : to_export)
      if (live_table_exists(c, t)) existing.push_back(t);
    if (!existing.empty()) {
      auto file = export_file_for(p, "down_" + groups.front().migration);
      auto n = export_tables(c, existing, file, "before flash down (accepted data loss)");
      res.exports.push_back(file);
      say(out, "Exported " + std::to_string(n) + " row(s) of " + util::join(existing, ", ") + " to " + file.string());
    }
  }
  res.statements = run_groups(c, d, out, groups, res.rolled_back, {},
                              direct_lock ? nullptr : (lock ? &*lock : nullptr), direct.get(), o.lock_timeout);
  return res;
}

// ---- status ------------------------------------------------------------------------------------

int StatusReport::count(std::string_view state) const {
  return static_cast<int>(std::count_if(migrations.begin(), migrations.end(),
                                        [&](const MigrationStatus& m) { return m.state == state; }));
}

bool StatusReport::clean() const {
  for (const auto& m : migrations)
    if (m.state != "applied" && m.state != "pending") return false;
  return drift.empty();
}

StatusReport status(driver::SqlConnection& c, const Project& p) {
  StatusReport r;
  diag::Diagnostics diags;
  auto files = load_migrations(p.migrations_dir, p.dialect, diags);
  // A migrations folder Flash cannot read in full (an entry that is not a file, a file that does
  // not parse) makes every state below a guess: stop, as apply does.
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  r.tracking_table = tracking_table_exists(c);
  auto rows = r.tracking_table ? read_tracking(c) : std::vector<TrackingRow>{};
  auto cl = classify(files, rows);
  std::vector<MigrationFile> applied_files;
  for (const auto& e : cl.entries) {
    MigrationStatus s;
    s.id = e.file ? e.file->id : e.row->id;
    if (e.row) s.applied_at = e.row->finished_at;
    if (!e.file) {
      s.state = "missing-file";
      s.detail = e.row->finished() ? "applied, but the file is gone" : "failed, and the file is gone";
    } else if (!e.row) {
      s.state = (!cl.newest_applied.empty() && s.id < cl.newest_applied) ? "out-of-order" : "pending";
      if (s.state == "out-of-order") s.detail = "older than the newest applied migration " + cl.newest_applied;
    } else if (!e.row->finished()) {
      s.state = "failed";
      std::string logs = e.row->logs.value_or("");
      if (auto k = running_statement(e.row->logs))
        s.detail = "interrupted while statement " + std::to_string(*k) + " of " + std::to_string(e.file->up.size()) +
                   " was running; it may or may not have taken effect (flash apply explains what to do)";
      else if (logs.empty())
        s.detail = "interrupted after statement " + std::to_string(e.row->applied_steps_count) + " of " +
                   std::to_string(e.file->up.size());
      else
        s.detail = first_line(logs);
    } else if (e.row->rolled_back_at) {
      s.state = "rollback-incomplete";
      if (auto k = running_statement(e.row->logs))
        s.detail = "rollback interrupted while Down statement " + std::to_string(*k) + " of " +
                   std::to_string(e.file->down.size()) +
                   " was running; it may or may not have taken effect (flash down explains what to do)";
      else
        s.detail = first_line(e.row->logs.value_or("rollback interrupted after Down statement " +
                                                   std::to_string(e.row->applied_steps_count)));
    } else if (e.row->checksum != e.file->checksum) {
      s.state = "modified";
      s.detail = "checksum " + e.row->checksum.substr(0, 12) + " recorded, " + e.file->checksum.substr(0, 12) + " now";
      applied_files.push_back(*e.file);
    } else {
      s.state = "applied";
      applied_files.push_back(*e.file);
    }
    r.migrations.push_back(std::move(s));
  }
  diag::Diagnostics rd;
  auto model = replay(applied_files, applied_files.size(), p.dialect, rd);
  if (diag::has_errors(rd)) {
    r.drift_note = "the applied migrations could not be replayed: " + rd.front().message;
    return r;
  }
  r.applied_schema = std::move(model);
  r.applied_files = std::move(applied_files);
  return r;
}

nlohmann::json to_json(const StatusReport& r) {
  nlohmann::json j;
  j["tracking_table"] = r.tracking_table;
  j["migrations"] = nlohmann::json::array();
  for (const auto& m : r.migrations) {
    nlohmann::json e = {{"id", m.id}, {"state", m.state}};
    if (!m.detail.empty()) e["detail"] = m.detail;
    if (m.applied_at) e["applied_at"] = *m.applied_at;
    j["migrations"].push_back(e);
  }
  nlohmann::json diffs = nlohmann::json::array();
  for (const auto& x : r.drift)
    diffs.push_back({{"kind", x.kind}, {"schema", x.schema}, {"table", x.table}, {"object", x.object},
                     {"description", x.description}});
  j["drift"] = {{"checked", r.drift_checked}, {"differences", diffs}};
  if (!r.drift_note.empty()) j["drift"]["note"] = r.drift_note;
  j["applied"] = r.count("applied");
  j["pending"] = r.count("pending");
  j["clean"] = r.clean();
  return j;
}

// ---- reset -------------------------------------------------------------------------------------

ResetResult reset(driver::SqlConnection& c, const Project& p, const ResetOptions& o, const Output& out) {
  Dialect d = c.dialect();
  ResetResult res;
  diag::Diagnostics diags;
  auto files = load_migrations(p.migrations_dir, p.dialect, diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  auto model = replay(files, files.size(), p.dialect, diags);
  // The schema files too: a table declared there but created by hand is still Flash's.
  std::error_code ec;
  if (std::filesystem::exists(p.schema_dir, ec)) {
    diag::Diagnostics sd;
    try {
      auto desired = parse_schema_dir(p.schema_dir, p.dialect, sd);
      for (auto& t : desired.tables)
        if (!model.find_table(t.name, t.schema)) model.tables.push_back(t);
      for (auto& v : desired.views)
        if (!model.find_view(v.name, v.schema)) model.views.push_back(v);
      for (auto& e : desired.enums)
        if (!model.find_enum(e.name, e.schema)) model.enums.push_back(e);
    } catch (const diag::Error&) {
    } catch (const diag::Errors&) {
    }
  }
  auto live = live_tables(c);
  auto views = live_views(c);
  std::vector<std::string> tables, drop_views;
  for (const auto& t : model.tables)
    if (t.schema.empty() && live.count(t.name)) tables.push_back(t.name);
  for (const auto& v : model.views)
    if (v.schema.empty() && contains(views, v.name)) drop_views.push_back(v.name);
  bool has_tracking = tracking_table_exists(c);
  if (tables.empty() && drop_views.empty() && !has_tracking) {
    say(out, "Nothing to reset");
    return res;
  }
  std::vector<std::string> stmts;
  if (d == Dialect::mysql) stmts.push_back("SET FOREIGN_KEY_CHECKS = 0");
  if (d == Dialect::sqlite) stmts.push_back("PRAGMA foreign_keys = OFF");
  for (const auto& v : drop_views) stmts.push_back("DROP VIEW IF EXISTS " + flash::schema::quote_ident_always(v, d));
  for (auto it = tables.rbegin(); it != tables.rend(); ++it)
    stmts.push_back("DROP TABLE IF EXISTS " + flash::schema::quote_ident_always(*it, d) + (d == Dialect::postgresql ? " CASCADE" : ""));
  if (d == Dialect::postgresql)
    for (const auto& e : model.enums)
      if (e.schema.empty()) stmts.push_back("DROP TYPE IF EXISTS " + flash::schema::quote_ident_always(e.name, d) + " CASCADE");
  stmts.push_back("DROP TABLE IF EXISTS _flash_migrations");
  if (d == Dialect::mysql) stmts.push_back("SET FOREIGN_KEY_CHECKS = 1");
  if (d == Dialect::sqlite) stmts.push_back("PRAGMA foreign_keys = ON");
  res.statements = stmts;
  std::vector<std::string> all = drop_views;
  all.insert(all.end(), tables.begin(), tables.end());
  if (o.dry_run) {
    res.dropped = all;
    return res;
  }
  if (!o.force) {
    std::string q = "Drop " + std::to_string(tables.size()) + " table(s)" +
                    (drop_views.empty() ? "" : " and " + std::to_string(drop_views.size()) + " view(s)") +
                    " and the migration history? All their data is deleted";
    if (!out.confirm)
      throw diag::Error("migrate.confirm", "reset needs confirmation", diag::ExitCode::usage,
                        "run it in a terminal, or pass --force");
    if (!out.confirm(q, "--force")) {
      res.cancelled = true;
      say(out, "Cancelled");
      return res;
    }
  }
  if (!o.no_backup && !tables.empty()) {
    auto file = export_file_for(p, "reset");
    auto n = export_tables(c, tables, file, "before flash reset");
    res.export_file = file;
    say(out, "Exported " + std::to_string(n) + " row(s) to " + file.string());
  }
  for (const auto& s : stmts) c.execute(s);
  res.dropped = all;
  return res;
}

// ---- generate ----------------------------------------------------------------------------------

diff::Rename parse_rename_flag(std::string_view v) {
  auto colon = v.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == v.size())
    throw diag::Error("migrate.rename-flag", "--rename expects table.old:new or old:new, got `" + std::string(v) + "`",
                      diag::ExitCode::usage);
  diff::Rename r;
  std::string lhs(v.substr(0, colon));
  r.to = std::string(v.substr(colon + 1));
  if (auto dot = lhs.rfind('.'); dot != std::string::npos) {
    r.table = lhs.substr(0, dot);
    r.from = lhs.substr(dot + 1);
  } else {
    r.from = lhs;
  }
  return r;
}

GenerateResult generate(const Project& p, const GenerateOptions& o, const Output& out) {
  GenerateResult res;
  auto files = load_or_throw(p, out);
  std::string id = next_migration_id(o.now, o.name, files);
  auto path = p.migrations_dir / (id + ".sql");
  res.path = path;

  diag::Diagnostics diags;
  schema::Schema desired;
  if (!o.empty) {
    schema::Schema baseline = replay(files, files.size(), p.dialect, diags);
    if (diag::has_errors(diags)) throw diag::Errors(diags);
    desired = o.schema_files ? sql::parse_schema(*o.schema_files, p.dialect, diags)
                             : parse_schema_dir(p.schema_dir, p.dialect, diags);
    if (diag::has_errors(diags)) throw diag::Errors(diags);
    desired.dialect = p.dialect;
    diff::DiffOptions dopts;
    dopts.renames = o.renames;
    dopts.accept_drops = o.accept_data_loss;
    auto plan = diff::diff_schemas(baseline, desired, dopts);
    if (!plan.unresolved_renames.empty()) {
      if (!out.confirm) {
        std::vector<std::string> flags;
        for (const auto& rc : plan.unresolved_renames) flags.push_back(rc.flag());
        throw diag::Error("migrate.ambiguous-rename",
                          "these look like renames; say which they are:\n  " + util::join(flags, "\n  "),
                          diag::ExitCode::usage,
                          "pass " + util::join(flags, " ") +
                              " to rename, or --accept-data-loss to drop and re-create them");
      }
      bool declined = false;
      for (const auto& rc : plan.unresolved_renames) {
        std::string what = rc.table.empty() ? "table " + rc.from : "column " + rc.table + "." + rc.from;
        if (out.confirm("Was " + what + " renamed to " + rc.to + "?", rc.flag()))
          dopts.renames.push_back(diff::Rename{rc.table, rc.from, rc.to});
        else
          declined = true;
      }
      if (declined) dopts.accept_drops = true;
      plan = diff::diff_schemas(baseline, desired, dopts);
    }
    res.plan = std::move(plan);
    for (const auto& w : res.plan.warnings) warn(out, w.message + " [" + w.code + "]");
    if (res.plan.empty()) {
      res.no_changes = true;
      say(out, "No changes: the schema matches the migrations; nothing written");
      return res;
    }
    if (o.online) {
      res.online = diff::make_online(res.plan, baseline, desired);
      for (const auto& n : res.online) say(out, "online: " + n);
    }
    res.content = diff::render_migration(res.plan);
  } else {
    res.content = "-- +migrate Up\n\n-- +migrate Down\n";
  }
  if (o.dry_run) return res;
  if (!o.empty && o.before_write) {
    diag::Diagnostics pd;
    MigrationFile candidate = parse_migration(path, res.content, p.dialect, pd);
    if (diag::has_errors(pd)) throw diag::Errors(pd);
    o.before_write(files, candidate);
  }
  // Everything that can fail is done before the first write: the snapshot text is rendered first
  // (names and comments may hold any bytes; invalid UTF-8 is replaced, never thrown).
  const std::string snapshot =
      o.empty ? std::string()
              : schema::to_json(desired).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::filesystem::create_directories(p.migrations_dir);
  util::write_file_atomic(path, res.content);
  res.written = true;
  if (!o.empty) {
    auto snap = p.migrations_dir / ".flash" / "schema_snapshot.json";
    std::filesystem::create_directories(snap.parent_path());
    util::write_file_atomic(snap, snapshot);
  }
  say(out, "Wrote " + path.string());
  return res;
}

}  // namespace flash::migrate
