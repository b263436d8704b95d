#pragma once
// The TypeScript/JavaScript generator ([gen.js]): a typed `Queries` class for node-postgres (pg),
// mysql2 or better-sqlite3, emitted as TypeScript source and/or as JavaScript + .d.ts written
// directly by Flash (users need no TypeScript compiler). See typescript/generate.cpp for the
// settings, the runtime shapes and the type mapping table.
#include "flash/codegen/generator.hpp"

namespace flash::codegen::typescript {

// Files (relative to settings.out): queries.ts (emit = ts|both), queries.js and queries.d.ts
// (emit = js|both). Diagnostics (code "codegen.setting"): unknown driver/module/bigint/emit
// values, a driver that does not fit the dialect; warnings ("codegen.unsupported") for query
// kinds the JS client does not implement (:copyfrom, :batch*), which are skipped.
Response generate(const Request& req);
// The MongoDB client (mongo.cpp): models and collection accessors from Request::documents.
Response generate_mongo(const Request& req);

}  // namespace flash::codegen::typescript
