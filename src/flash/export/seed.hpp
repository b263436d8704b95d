#pragma once
// flash seed: fake rows that the schema accepts. Values follow each column's TypeCategory and
// length (varchar(n)/char(n)), NOT NULL, UNIQUE and primary keys (sequential suffixes continuing
// after the rows already there), enums (PostgreSQL types, MySQL inline), simple CHECKs on numbers
// (`col > 0`, `col <= 100`, `col BETWEEN a AND b`, joined by AND) and foreign keys (parents first;
// children pick existing parent keys). With the same seed and the same database state the rows are
// the same (std::mt19937_64).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "flash/driver/connection.hpp"
#include "flash/export/export.hpp"
#include "flash/schema/model.hpp"

namespace flash::exporter {

struct SeedOptions {
  std::vector<std::pair<std::string, std::int64_t>> tables;  // table → rows (-1 = count); empty = all
  std::int64_t count = 10;
  bool truncate = false;  // delete the seeded tables' rows first (children first)
  bool dry_run = false;   // print the INSERTs through `print`, change nothing
  std::uint64_t seed = 0;
  std::function<void(const std::string& sql)> print;
};

std::vector<TableCount> seed_data(driver::SqlConnection& conn, const schema::Schema& model, const SeedOptions& opts);

// A fake text value of a masking kind ("email", "name", "phone", "text") for column `c`, for
// `flash branch --mask`: the generator above (email as seed writes it; "Cedar Maple 42",
// "+1-555-0000042", "cedar maple 42"), ending in `seq`, so distinct seqs give distinct values, and
// cut to the column's varchar/char length keeping that suffix. Deterministic in (seq, seed).
std::string fake_text(const schema::Column& c, std::string_view kind, std::int64_t seq, std::uint64_t seed);

// A value as an SQL literal in the dialect (dry-run output).
std::string sql_literal(const driver::Value& v, schema::Dialect d);

}  // namespace flash::exporter
