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

}  // namespace flash::test
