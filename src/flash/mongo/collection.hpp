#pragma once
// MongoDB schema as code: the collections of a project, declared as JSON files in schema_dir, and
// their normalised form. A file holds one collection object, an array of them, or
// {"collections": [...]}. A collection:
//   {"name": "users",
//    "validator": {"$jsonSchema": {...}},          // any validator document
//    "validationLevel": "strict" | "moderate" | "off",   "validationAction": "error" | "warn",
//    "options": {"capped": true, "size": 1048576, "max": 1000, "collation": {"locale": "en"}},
//    "indexes": [{"key": {"email": 1}, "name": "...", "unique": true, "sparse": true,
//                 "partialFilterExpression": {...}, "expireAfterSeconds": 3600,
//                 "collation": {...}, "weights": {...}, "default_language": "english",
//                 "language_override": "...", "2dsphereIndexVersion": 3}]}
// Index keys: 1 / -1, "text", "2dsphere", "2d", "hashed". Normalised: collections by name, indexes
// by name (a missing name is MongoDB's own: "email_1", "a_1_b_-1"), validationLevel/Action
// spelled out when there is a validator. Every problem is a diagnostic at file:line:col.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/mongo/json.hpp"

namespace flash::mongo {

struct Index {
  std::string name;
  Json key = Json::object();      // ordered {"field": 1 | -1 | "text" | "2dsphere" | ...}
  bool unique = false;
  bool sparse = false;
  Json partial_filter;            // null = none
  std::optional<std::int64_t> expire_after_seconds;
  Json collation;                 // null = the collection's
  Json text_options = Json::object();  // weights, default_language, language_override, textIndexVersion,
                                       // 2dsphereIndexVersion: passed through as written
  diag::Location location;        // the index object in its file

  // The createIndexes entry for this index ({"key": ..., "name": ..., options}).
  Json to_command() const;
  friend bool operator==(const Index& a, const Index& b);
};

struct Collection {
  std::string name;
  Json validator;                  // null = none
  std::string validation_level;    // "" without a validator; else strict|moderate|off
  std::string validation_action;   // "" without a validator; else error|warn
  bool capped = false;
  std::optional<std::int64_t> size;  // capped: bytes
  std::optional<std::int64_t> max;   // capped: documents
  Json collation;                  // null = simple
  std::vector<Index> indexes;      // sorted by name
  diag::Location location;         // the name in its file

  friend bool operator==(const Collection& a, const Collection& b);
};

struct Collections {
  std::vector<Collection> collections;  // sorted by name
  const Collection* find(std::string_view name) const;
};

// Parses every *.json directly in `dir` (sorted by name; `dir` may also name one .json file).
// Diagnostics (all of them, not just the first) are appended to `diags`.
Collections parse_collections_dir(const std::filesystem::path& dir, diag::Diagnostics& diags);
// Parses one file's text (`file` as it is shown in diagnostics) into `out` (not yet sorted).
void parse_collections_file(const std::string& file, std::string text, std::vector<Collection>& out,
                            diag::Diagnostics& diags);
// Sorts, fills defaults, and reports collections declared twice.
Collections normalise(std::vector<Collection> cols, diag::Diagnostics& diags);

// The normalised JSON form (what `flash schema` prints), and back (for replayed models).
Json to_json(const Collection& c);
Json to_json(const Collections& s);

// One index object (a declared index or a createIndexes entry) at `ptr` of `j`; problems to `diags`.
std::optional<Index> parse_index(const LocatedJson& j, const Json& v, const std::string& ptr,
                                 diag::Diagnostics& diags);

// MongoDB's default index name: "a_1_b_-1", "title_text".
std::string default_index_name(const Json& key);

// Validation of names (shared with the migration reader): "" when fine, else why not.
std::string collection_name_problem(std::string_view name);

}  // namespace flash::mongo
