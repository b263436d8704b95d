// The sqlc part of the shared test corpus (FLASH_CORPUS_DIR, see its README.md), read once for
// every corpus test: the variants index.json lists for sqlc-examples and sqlc-endtoend, and the
// packages of their sqlc.json / sqlc.yaml configs with schema and query paths resolved to files.
// Test-only code (library flash_test_support): it reads exactly what the corpus holds, no more.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace flash::test {

// The whole file, bytes as they are ("" when it cannot be read).
std::string slurp(const std::filesystem::path& p);

// One place sqlc runs: an end-to-end variant, or a sqlc-examples case (one entry per config file
// it has among sqlc.json, sqlc.yaml, sqlc.yml; dir "."). In index.json order.
struct SqlcVariant {
  std::string source;                // "sqlc-examples" or "sqlc-endtoend"
  std::string case_path;             // relative to the corpus root, e.g. "sqlc-endtoend/alias"
  std::string dir;                   // the variant's directory relative to case_path ("." for examples)
  std::filesystem::path path;        // absolute variant directory (root / case_path / dir)
  std::vector<std::string> engines;  // the variant's engines (the case's for examples)
  std::string command = "generate";  // "generate" or "analyze"
  bool expects_error = false;        // the variant's own flag (false for examples)
  bool case_expects_error = false;   // the case's flag (a case may expect an error some variants do not give)
  // schema_loads_on_real_db: present at all, and per engine whether it is literally true (the
  // collector stored the server's error message otherwise).
  bool has_schema_loads = false;
  std::map<std::string, bool> schema_loads;
  std::filesystem::path config;      // absolute config path; empty when the variant has none (analyze cases)

  bool has_engine(const std::string& e) const;
};

// Every sqlc variant of root/index.json. Throws when index.json is missing or malformed.
std::vector<SqlcVariant> sqlc_variants(const std::filesystem::path& root);

// One entry of a config's `packages` (version 1) or `sql` (version 2) list. Every path of
// `schema` / `queries` (a string or a list; a file, or a directory whose regular *.sql files are
// taken in name order) is resolved against the config's directory, lexically normalised.
struct SqlcPackage {
  std::string engine = "postgresql";  // sqlc's default
  std::vector<std::string> schema_paths, query_paths;  // as written in the config
  std::vector<std::filesystem::path> schema, queries;  // existing files, in load order
  std::vector<std::filesystem::path> missing_schema, missing_queries;  // named paths that do not exist
};


// The packages of a sqlc.json / sqlc.yaml / sqlc.yml, in config order; none when the file is
// missing or unparsable. The YAML reader knows just the shape sqlc configs have.
// `sql:` / `packages:` items may be indented or at column 0, as YAML allows.
std::vector<SqlcPackage> read_sqlc_config(const std::filesystem::path& config);

// What sqlc reports for a variant that must fail, from the variant directory's stderr.txt, else
// stderr/base.txt (the static-analysis context, the one Flash works in). One entry per
// "file:line:col: message" line; `names` are the identifiers the message names in quotes
// (column "x", relation "x", table alias "x", function "x", ...; SQLite's "no such column: p.id"),
// which Flash's diagnostic must name too.
struct SqlcExpectedError {
  std::string file;
  int line = 0, column = 0;
  std::string message;
  std::vector<std::string> names;
};
struct SqlcExpectedErrors {
  bool present = false;  // the variant has a stderr file
  // sqlc fails while generating Go or reading its configuration ("error generating code: ...",
  // "error creating compiler: ..."), not on the SQL: nothing for Flash's SQL front end to match.
  bool codegen = false;
  std::string text;  // the file, trimmed
  std::vector<SqlcExpectedError> errors;
};
SqlcExpectedErrors read_expected_errors(const std::filesystem::path& variant_dir);

// "" when Flash's error messages for a variant answer what sqlc expects: at least one error, and
// every name of every expected error appears in one of them as a whole word (case-insensitive; a
// qualified name such as p.id also when its qualifier p does). Otherwise what is missing.
std::string match_expected_errors(const SqlcExpectedErrors& expected, const std::vector<std::string>& flash_errors);

// The expected-error variants of a corpus test, one add() per variant (name relative to the corpus
// root), then check() with the variants known not to match (name → reason). check() fails for
// a variant without a stderr file, for one that does not match and is not known, and for a known
// one that now matches (so the list stays true); it prints one line per variant and the totals.
struct ExpectedErrorTally {
  std::string label;  // e.g. "postgresql"
  int variants = 0, matched = 0, codegen = 0, missing_stderr = 0;
  std::map<std::string, std::string> mismatched;  // name → what is missing
  std::vector<std::string> lines;
  void add(const std::string& name, const std::filesystem::path& variant_dir, const std::vector<std::string>& flash_errors);
  void check(const std::map<std::string, std::string>& known_gaps) const;
};

}  // namespace flash::test
