#pragma once
// `flash lint`: migration files checked statement by statement against a rule table (rules.cpp;
// README "Lint rules" lists code, engine, what it catches and how to fix it).
//
// How a statement is judged: the migrations before its file are replayed into the model; the
// statement is applied to a copy and the differ lists what it changed (drop table, add column,
// alter type, add foreign key, ...), and its tokens (one lexer) say how it was written
// (CONCURRENTLY, NOT VALID, TRUNCATE, RENAME, ...). Objects created earlier in the same migration
// are exempt from the locking rules (a new table can be indexed freely).
// Severity: each rule's default, graded by the table's live size when statistics are at hand
// (stats.hpp: a sized rule on an empty table is a note — nothing to lock or lose; a locking rule
// on a table of `large_rows` rows or more is an error), then flash.toml `[lint] error = [codes]`
// and `ignore = [codes]`; a comment `-- flash:lint-ignore CODE reason` on the comment lines right
// above a statement silences that rule for it.
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/lint/stats.hpp"
#include "flash/migrate/files.hpp"

namespace flash::lint {

struct Rule {
  const char* code;      // "pg.index-not-concurrent"
  const char* engines;   // "postgresql", "mysql", "sqlite", "all", or "galera" (MySQL with
                         // [database] cluster = "galera")
  diag::Severity severity;
  const char* catches;   // one line
  const char* fix;       // one line
  // How the table's size grades it: none; sized (an empty table makes it a note); locking (also an
  // error on a large table: the lock or copy lasts as long as the table is big).
  enum class Grade { none, sized, locking } grade = Grade::none;
};
const std::vector<Rule>& rules();
const Rule* find_rule(const std::string& code);

struct Settings {
  std::set<std::string> error;   // raised to error
  std::set<std::string> ignore;  // not reported
  StatsFn stats;                 // live statistics (a database at hand), or empty: graded by rule only
  std::int64_t large_rows = 1'000'000;
  std::string cluster;  // [database] cluster: "galera" turns the rules of engine "galera" on (MySQL)
};

struct Finding {
  std::string migration;  // id
  diag::Diagnostic diag;  // code = rule code, located at the statement
  std::string schema, table;          // the existing table the finding is about, when there is one
  std::optional<TableStats> stats;    // its live statistics, when read
};

// Lints files[i] for every i in `which` (indexes into files, which are in id order).
std::vector<Finding> lint_migrations(const std::vector<migrate::MigrationFile>& files,
                                     const std::vector<std::size_t>& which, schema::Dialect d,
                                     const Settings& s);

nlohmann::json to_json(const std::vector<Finding>& f);
nlohmann::json to_sarif(const std::vector<Finding>& f);  // SARIF 2.1.0, one run

}  // namespace flash::lint
