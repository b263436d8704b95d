#pragma once
// The Go generator: database/sql or pgx/v5 clients in the style of sqlc (see go/generate.cpp for
// the settings and the type mapping table).
#include <string>
#include <vector>

#include "flash/codegen/generator.hpp"

namespace flash::codegen::go {

Response generate(const Request& req);

// Shared by both Go generators: a struct with gofmt's column alignment, and a Go string literal.
struct StructField {
  std::string name, type, tag;
};
std::string render_struct(const std::string& name, const std::vector<StructField>& fields);
std::string go_string(const std::string& text);
// The MongoDB client (mongo.cpp): models and collection accessors from Request::documents.
Response generate_mongo(const Request& req);

}  // namespace flash::codegen::go
