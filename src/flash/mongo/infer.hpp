#pragma once
// flash pull on a MongoDB project: each collection sampled and a $jsonSchema validator inferred
// from the sample — every field's BSON types with how often each was seen, required (present in
// every sampled document, or every sampled occurrence of its parent object) vs optional, unions of
// types, nested objects and arrays (their items) — plus the collection's indexes and options as the
// server lists them. The result is a declared Collection that `flash schema` accepts.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "flash/driver/document.hpp"
#include "flash/mongo/collection.hpp"

namespace flash::mongo {

struct Sample {
  std::string method;  // "$sample" (the server's random sample) or "scan" (every document read,
                       // a uniform reservoir sample kept: the server has no $sample, or the
                       // collection is no larger than the sample)
  std::string why;     // why "scan" (the server's error for $sample), or ""
  std::int64_t total = 0;          // documents in the collection
  std::vector<Json> documents;     // canonical Extended JSON
};

// Up to `size` documents of `collection`, chosen at random (`seed` for the scan's reservoir).
Sample sample_collection(driver::DocumentConnection& c, const std::string& collection, std::size_t size,
                         std::uint64_t seed = 0);

// What the sample says of one field (a dotted path; array items as "tags.[]").
struct FieldStats {
  std::string path;
  std::int64_t present = 0;  // documents (or parent objects) with the field
  std::int64_t parents = 0;  // documents (or parent objects) that could have it
  std::map<std::string, std::int64_t> types;  // bsonType → values seen
  bool required = false;
};

struct Inferred {
  Json json_schema;                 // {"bsonType": "object", "required": [...], "properties": {...}}
  std::vector<FieldStats> fields;   // in path order
};

Inferred infer_schema(const std::vector<Json>& documents);

// The collection as pulled: options and indexes from listCollections / listIndexes (the _id
// index left out), the server's own validator when it has one, else the inferred one with
// validationAction "warn" (a sample cannot prove every document complies), or none for an empty
// sample.
Collection pulled_collection(const Json& list_entry, const std::vector<Json>& indexes, const Inferred& inferred);

}  // namespace flash::mongo
