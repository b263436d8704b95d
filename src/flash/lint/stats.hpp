#pragma once
// Live table statistics for grading lint findings (flash lint, apply): how many rows a table holds
// and how large it is, read from the engine's own catalogs —
//   PostgreSQL pg_class.reltuples and pg_total_relation_size,
//   MySQL/MariaDB information_schema.TABLES (TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH),
//   SQLite the dbstat virtual table (when the library has it) —
// and, where the catalog's row estimate is below the "large" threshold (or missing, or stale: an
// InnoDB or never-analysed table says 0 or -1), an exact count bounded by that threshold, so an
// empty table is known to be empty and a large one costs at most `large_rows` rows of counting.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "flash/driver/connection.hpp"

namespace flash::lint {

struct TableStats {
  std::int64_t rows = 0;
  // counted (below the threshold); the catalog's estimate (at or over it); or the bounded count
  // reached the threshold while the estimate was lower (rows = threshold + 1: "over N rows").
  enum class Count { exact, estimate, at_least } count = Count::exact;
  std::optional<std::int64_t> bytes;  // table + indexes, when the engine tells
};
const char* to_string(TableStats::Count c);

// (schema, table) → statistics; nullopt when the table does not exist or cannot be read (the
// finding is then graded by its rule alone: no downgrade without evidence).
using StatsFn = std::function<std::optional<TableStats>(const std::string& schema, const std::string& table)>;

// Statistics read through `c` (kept by reference: it must outlive the function), cached per table.
StatsFn live_stats(driver::SqlConnection& c, std::int64_t large_rows);

}  // namespace flash::lint
