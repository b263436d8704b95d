#pragma once
// BSON types of values in canonical Extended JSON (driver::JsonMode::canonical), the form in which
// documents cross the document interface when their exact types matter: {"$numberInt": "1"},
// {"$numberLong": ...}, {"$numberDouble": ...}, {"$numberDecimal": ...}, {"$oid": ...},
// {"$date": {"$numberLong": ...}}, {"$binary": {...}}, {"$regularExpression": {...}},
// {"$timestamp": {...}}, ... Shared by the client-side validator, pull's inference and seed.
#include <cstdint>
#include <optional>
#include <string>

#include "flash/mongo/json.hpp"

namespace flash::mongo {

// The $jsonSchema bsonType name of a canonical value: double, string, object, array, binData,
// undefined, objectId, bool, date, null, regex, dbPointer, javascript, symbol, javascriptWithScope,
// int, timestamp, long, decimal, minKey, maxKey.
std::string bson_type(const Json& v);

// The numeric value of an int, long, double or decimal (decimal approximated), else nullopt.
std::optional<double> bson_number(const Json& v);

// Whether bsonType name `t` (an alias such as "number" included) matches a value of type `actual`.
bool bson_type_matches(const std::string& t, const std::string& actual);

// "YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|±HH[:MM]]" (the exchange form of timestamps) → milliseconds since
// the epoch (UTC when no zone). Throws std::invalid_argument when it is not one.
std::int64_t iso_to_ms(const std::string& s);

}  // namespace flash::mongo
