#pragma once
// MongoDB migrations: db/migrations/<YYYYMMDDHHMMSS>_<name>.json, one JSON object
//   {"flash": "mongodb-migration", "up": [command, ...], "down": [command, ...]}
// where each command is a database command in Extended JSON, its name first: create, collMod,
// createIndexes, dropIndexes, renameCollection ({"renameCollection": "old", "to": "new"}: names in
// the project's database; the applier sends it to admin with full namespaces), drop. Ids, names and checksums as the SQL migrations (migrate/files).
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

// A collection rename: given (--rename old:new) or a candidate the differ found (a collection gone
// and one added with the same validator, options and indexes).
struct Rename {
  std::string from, to;
  std::string flag() const { return "--rename " + from + ":" + to; }
};

struct DiffOptions {
  std::vector<Rename> renames;  // confirmed: written as renameCollection
  bool accept_drops = false;    // candidates not confirmed are drop + create without asking
  // Staged validator rollout: a validator that tightens (new or changed document, enforced with
  // validationAction "error") is first written with validationAction "warn"; the next `flash
  // migrate` writes the switch to "error" (which `flash apply` only runs over valid documents).
  bool stage_validators = true;
};

struct Plan {
  std::vector<Json> up, down;
  std::vector<Finding> findings;
  std::vector<Rename> unresolved_renames;  // candidates neither confirmed nor accepted as drops
  bool empty() const { return up.empty(); }
};

// The commands that turn `from` into `to` (Up) and back (Down). Changes MongoDB cannot make in
// place (a collection's collation or capped options) are error diagnostics. With unresolved rename
// candidates the plan holds only them (nothing to write until they are answered).
Plan diff(const Collections& from, const Collections& to, diag::Diagnostics& diags, const DiffOptions& o = {});

// Whether a validator command on a collection enforces documents: a non-empty validator with
// validationAction "error" and validationLevel other than "off" (collMod or create).
bool enforces_validator(const Json& cmd);

// `flash lint` on MongoDB migration files: the differ's findings for each file — between the
// collections replayed before it and after it, its renameCollection commands taken as renames —
// each with the line of the file's first command on that collection.
struct FileFinding {
  Finding finding;
  std::string file;
  int line = 0;
};
std::vector<FileFinding> lint_migration(const std::vector<Migration>& files, std::size_t index, diag::Diagnostics& diags);

// The file text of a plan: the JSON above, one command per line.
std::string migration_text(const Plan& p);

}  // namespace flash::mongo
