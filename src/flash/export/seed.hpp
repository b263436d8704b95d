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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/driver/connection.hpp"
#include "flash/export/export.hpp"
#include "flash/schema/model.hpp"
#include "flash/schema/types.hpp"

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

// The seed's value generator for other front ends (MongoDB documents from their validators): one
// fake value in the exchange form (format.hpp) of category `c` for a column shaped like `column`
// (its name picks emails; its type's length cuts text), distinct per `seq` when `unique`, within
// [lo, hi] for numbers, one of `enum_values` when given. Deterministic in the seed and call order.
class FakeValues {
 public:
  explicit FakeValues(std::uint64_t seed);
  ~FakeValues();
  FakeValues(const FakeValues&) = delete;
  FakeValues& operator=(const FakeValues&) = delete;
  nlohmann::json value(const schema::Column& column, schema::TypeCategory c, std::int64_t seq, bool unique,
                       std::optional<double> lo = std::nullopt, std::optional<double> hi = std::nullopt,
                       const std::vector<std::string>& enum_values = {});
  std::int64_t range(std::int64_t lo, std::int64_t hi);  // inclusive

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A value as an SQL literal in the dialect (dry-run output).
std::string sql_literal(const driver::Value& v, schema::Dialect d);

}  // namespace flash::exporter
