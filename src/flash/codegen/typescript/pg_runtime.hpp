#pragma once
// Runtime helpers of the generated node-postgres client (generate.cpp emits them into queries.ts /
// queries.js; `ts` selects TypeScript annotations). Both expect `pg`, `rawText` and, for the rows
// helper, `parserFor` and the `Executor` type to be declared before them (runExec: also `runQuery`).
#include <string>

namespace flash::codegen::typescript {

// parseTimestamptz / parseTimestamp: the server's ISO text to Date, digit by digit, other shapes
// through pg-types' own parsers (the same values).
std::string pg_dates_runtime(bool ts);
// Statements submitted to pg's own Client/Pool as generated pg.Query subclasses. `rows`: runRows,
// :one/:many rows decoded from the columns' text as pg's DataRow messages arrive (RowsQuery), or
// from rowMode "array" rows on executors that are not pg's own. `exec`: runExec, the row count of
// :exec/:execrows (falls back to runQuery elsewhere). `prepared`: named statements (false: unnamed ones).
std::string pg_rows_runtime(bool ts, bool prepared, bool rows, bool exec);

}  // namespace flash::codegen::typescript
