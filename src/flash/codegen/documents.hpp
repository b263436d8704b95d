#pragma once
// The typed document model the MongoDB generators read: each declared collection's `$jsonSchema`
// validator resolved into BSON types, with optional (not in `required`) and nullable (`null` among
// the bsonTypes) fields, nested objects as named types and typed arrays. Built once per `flash gen`
// from the collections (the CLI reads them with flash/mongo, a later stage, and hands over the
// validators as JSON), so every language sees the same names and types.
//
// Mapping of the validator: `bsonType` (a name or an array of names; the alias "number" and the
// JSON Schema `type` keyword too), `properties`, `required`, `items` (one schema), `enum` (kept
// for strings). An object without `properties` is an untyped document; several non-null types,
// a missing type or anything we cannot type (`oneOf`, `anyOf`, ...) is `any`, with a note.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"

namespace flash::codegen {

enum class Bson {
  double_, string, object, array, binary, object_id, boolean, date, null, regex, javascript,
  int32, timestamp, int64, decimal, min_key, max_key,
  number,    // the alias "number": int, long, double or decimal
  document,  // an object without declared properties
  any,       // untyped
};

// The $jsonSchema spelling: "double", "objectId", "int", "long", "decimal", ...
const char* bson_name(Bson b);

struct DocType;

struct DocField {
  std::string name;                     // the BSON key as declared
  std::shared_ptr<const DocType> type;
  bool required = false;                // in the parent's `required`
  bool nullable = false;                // "null" among its bsonTypes
  std::string description;
};

struct DocType {
  Bson kind = Bson::any;
  std::string name;                     // object: its type name ("User", "UserAddress")
  std::vector<DocField> fields;         // object: in declaration order
  std::shared_ptr<const DocType> items; // array: the element type (any when not declared)
  std::vector<std::string> enum_values; // string: the allowed values when `enum` lists strings
  std::string description;
};

struct DocCollection {
  std::string name;                     // the collection
  std::shared_ptr<const DocType> document;  // an object type; `_id` first (ObjectId, optional, when not declared)
  diag::Location location;              // the collection's name in its schema file
};

struct DocumentSchema {
  std::vector<DocCollection> collections;  // sorted by name
  // Every named object type, parents before children, each once.
  std::vector<std::shared_ptr<const DocType>> types;
};

// One collection as declared: its name, its validator (null = none) and where it is.
struct DeclaredCollection {
  std::string name;
  nlohmann::ordered_json validator;
  diag::Location location;
};

// Builds the model; notes about untyped fields and errors (a malformed $jsonSchema, two types with
// one name) go to `diags`, located at the collection.
DocumentSchema document_schema(const std::vector<DeclaredCollection>& collections, diag::Diagnostics& diags);

// The model as JSON (the contract's "documents") and back.
nlohmann::json to_json(const DocumentSchema& s);
DocumentSchema document_schema_from_json(const nlohmann::json& j);

}  // namespace flash::codegen
