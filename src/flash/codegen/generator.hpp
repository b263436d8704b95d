#pragma once
// The built-in generators: pure functions from the contract's Request (codegen/contract.hpp) to a
// Response — no file system, no database, no clock — so output is deterministic and an external
// plugin receives the same request as JSON. Writing files, the cache and `gen --check` live in
// codegen/output.cpp, not in the generators.
#include <string>
#include <string_view>
#include <vector>

#include "flash/codegen/contract.hpp"

namespace flash::codegen {

using GenerateFn = Response (*)(const Request&);

struct GeneratorSpec {
  const char* language;  // the [gen.X] key: "go", "js", "python"
  const char* summary;
  GenerateFn generate;
  // The MongoDB client of this language (a request with `documents`); null when there is none.
  GenerateFn generate_documents = nullptr;
};

// Runs a built-in: `generate_documents` for a MongoDB request, else `generate`. A language without
// a MongoDB client answers one error diagnostic (gen.unsupported).
Response run_builtin(const GeneratorSpec& spec, const Request& req);

// The explicit generator table (generators.cpp).
const std::vector<GeneratorSpec>& generator_table();
const GeneratorSpec* find_generator(std::string_view language);

// Idiomatic names with acronym handling: "get_user_by_id" → GetUserByID (Go), getUserById (JS),
// get_user_by_id (Python); "user_id" → UserID / userId / user_id.
std::string go_name(std::string_view snake_or_camel);          // exported Go identifier
std::string camel_name(std::string_view snake_or_camel);       // lowerCamel
std::string pascal_name(std::string_view snake_or_camel);      // UpperCamel without Go acronyms
std::string snake_name(std::string_view snake_or_camel);       // snake_case
std::string singular(std::string_view plural);                 // "users" → "user", "categories" → "category"

}  // namespace flash::codegen
