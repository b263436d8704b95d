#pragma once
// flash seed on a MongoDB project: fake documents generated from each declared collection's
// $jsonSchema validator with the seed generators of flash/export (FakeValues): every bsonType
// (int, long, double, decimal, string, bool, date, objectId, binData, timestamp, null, objects,
// arrays), required fields always and optional ones mostly, enum, minimum/maximum,
// minLength/maxLength, minItems/maxItems, anyOf/oneOf (the first branch); fields of a unique
// single-field index get distinct values. Every generated document is checked against the
// validator (validate.hpp) before anything is inserted: a validator the generator cannot satisfy
// (a pattern, say) is an error naming the field, and nothing is written.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "flash/export/export.hpp"
#include "flash/mongo/collection.hpp"

namespace flash::exporter {
class FakeValues;
}

namespace flash::mongo {

struct SeedPlan {
  std::string collection;
  std::vector<Json> documents;  // canonical Extended JSON
  std::string skipped;          // why nothing is generated (no $jsonSchema validator), or ""
};

// `wanted`: collection → count (-1 = `count`); empty = every declared collection. Throws
// diag::Error "seed.unknown-table" (usage) for an undeclared name, "seed.unsatisfiable" when a
// generated document fails its validator. `existing[name]` offsets the unique sequences.
std::vector<SeedPlan> plan_seed(const Collections& declared, const std::vector<std::pair<std::string, std::int64_t>>& wanted,
                                std::int64_t count, std::uint64_t seed,
                                const std::map<std::string, std::int64_t>& existing = {});

// One document for a $jsonSchema (exposed for tests).
Json fake_document(const Json& json_schema, exporter::FakeValues& g, std::int64_t seq,
                   const std::set<std::string>& unique_paths);

}  // namespace flash::mongo
