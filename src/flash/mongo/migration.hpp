#pragma once
// MongoDB migrations: db/migrations/<YYYYMMDDHHMMSS>_<name>.json, one JSON object
//   {"flash": "mongodb-migration", "up": [command, ...], "down": [command, ...]}
// where each command is a database command in Extended JSON, its name first: create, collMod,
// createIndexes, dropIndexes, drop. Ids, names and checksums as the SQL migrations (migrate/files).
// Replay: the Up commands of files in order, applied to an empty model, give the collections the
// migrations produce — the baseline `flash migrate` diffs the declared collections against.
#include <filesystem>
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/mongo/collection.hpp"
#include "flash/mongo/json.hpp"

namespace flash::mongo {

struct Command {
  Json body;     // the command document
  int line = 0;  // 1-based line in the file
};

struct Migration {
  std::string id;    // file name without ".json"
  std::string name;  // the part after the timestamp
  std::filesystem::path path;
  std::string content;
  std::string checksum;  // sha256 hex of content
  std::vector<Command> up, down;
  LocatedJson json;      // for located replay errors
};

// Every *.json directly in `dir`, sorted by id; a missing directory is an empty list.
std::vector<Migration> load_migrations(const std::filesystem::path& dir, diag::Diagnostics& diags);
Migration parse_migration(const std::filesystem::path& path, std::string content, diag::Diagnostics& diags);

// The collections after the Up commands of `files[0..count)`.
Collections replay(const std::vector<Migration>& files, std::size_t count, diag::Diagnostics& diags);

// One finding of the migration lint (a warning: the migration is written, the user told).
struct Finding {
  std::string code;  // mongo.drop-collection, mongo.drop-index, mongo.unique-index, mongo.validator-tightened
  std::string message;
  std::string collection;
};

struct Plan {
  std::vector<Json> up, down;
  std::vector<Finding> findings;
  bool empty() const { return up.empty(); }
};

// The commands that turn `from` into `to` (Up) and back (Down). Changes MongoDB cannot make in
// place (a collection's collation or capped options) are error diagnostics.
Plan diff(const Collections& from, const Collections& to, diag::Diagnostics& diags);

// The file text of a plan: the JSON above, one command per line.
std::string migration_text(const Plan& p);

}  // namespace flash::mongo
