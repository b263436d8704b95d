#pragma once
// Type vocabulary shared by parsers, the differ and the code generators.
#include <string>
#include <string_view>

#include "flash/schema/model.hpp"

namespace flash::schema {

// Canonical lower-case spelling of a base type name for a dialect, so that synonyms compare
// equal: PostgreSQL int/int4 → "integer", int8 → "bigint", int2 → "smallint", bool → "boolean",
// float8/"double precision" → "double precision", float4 → "real", varchar/"character varying"
// → "varchar", char/character → "char" (PostgreSQL: bpchar stays "bpchar", blank-padded text
// without a length limit; the one-byte internal type "char" is named "\"char\""), timestamp/"timestamp without time zone" →
// "timestamp", timestamptz/"timestamp with time zone" → "timestamptz", timetz → "timetz",
// decimal → "numeric"; MySQL integer → "int", bool/boolean → "tinyint" with args {"1"},
// numeric → "decimal"; SQLite keeps the declared name lower-cased (type affinity is derived).
std::string canonical_type_name(std::string_view name, Dialect d);

// What a value of the type is, independent of dialect; used for code generation and for
// comparing types across engines (export/import).
enum class TypeCategory {
  boolean, int16, int32, int64, float32, float64, decimal, text, bytes, date, time, timestamp,
  timestamptz, interval, uuid, json, enum_, inet, bits, other
};
std::string_view to_string(TypeCategory c);
// For SQLite the category follows the declared-type affinity rules (INT → int64, CHAR/CLOB/TEXT
// → text, BLOB → bytes, REAL/FLOA/DOUB → float64, otherwise numeric → decimal), refined for
// common names (boolean, date, datetime, timestamp, json, uuid).
TypeCategory category(const TypeRef& t, Dialect d, const Schema* s = nullptr);

// DDL spelling of a type: "varchar(255)", "numeric(10,2)", "integer[]", "enum('a','b')".
std::string render_type(const TypeRef& t, Dialect d);

}  // namespace flash::schema
