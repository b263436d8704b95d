#pragma once
// Client-side validation of documents against a collection validator ({"$jsonSchema": {...}}), for
// the staged validator rollout when the server cannot run the `$jsonSchema` query itself (FerretDB
// v1): the keywords of MongoDB's $jsonSchema (bsonType, type, required, properties,
// additionalProperties, patternProperties, items, additionalItems, min/maxItems, uniqueItems, enum,
// minimum, maximum, exclusiveMinimum/Maximum, multipleOf, min/maxLength, pattern,
// min/maxProperties, allOf, anyOf, oneOf, not, dependencies; title and description ignored).
// Documents are canonical Extended JSON (bson.hpp). A validator Flash cannot check (query
// operators beside $jsonSchema, an unknown keyword) is reported as such: the check fails closed.
#include <string>
#include <vector>

#include "flash/mongo/json.hpp"

namespace flash::mongo {

// "" when `validator` can be checked client-side, else why not.
std::string unsupported_validator(const Json& validator);

// The ways `doc` violates `validator` ("address.zip: bsonType string expected, found int"), empty
// when it is valid. Precondition: unsupported_validator(validator) is "".
std::vector<std::string> violations(const Json& validator, const Json& doc);

}  // namespace flash::mongo
