#pragma once
// The Go generator: database/sql or pgx/v5 clients in the style of sqlc (see go/generate.cpp for
// the settings and the type mapping table).
#include "flash/codegen/generator.hpp"

namespace flash::codegen::go {

Response generate(const Request& req);

}  // namespace flash::codegen::go
