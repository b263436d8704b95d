#pragma once
// Runtime helpers of the generated node-postgres client (generate.cpp emits them into queries.ts /
// queries.js; `ts` selects TypeScript annotations). Both expect `pg`, `rawText` and, for the rows
// helper, `parserFor` and the `Executor` type to be declared before them.
#include <string>

namespace flash::codegen::typescript {

// parseTimestamptz / parseTimestamp: the server's ISO text to Date, digit by digit, other shapes
// through pg-types' own parsers (the same values).
std::string pg_dates_runtime(bool ts);
// runRows: :one/:many rows decoded from the columns' text as pg's DataRow messages arrive
// (RowsQuery), or from rowMode "array" rows on executors that are not pg's own. `prepared`:
// named statements (false: unnamed ones).
std::string pg_rows_runtime(bool ts, bool prepared);

}  // namespace flash::codegen::typescript
