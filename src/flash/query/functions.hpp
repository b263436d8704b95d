#pragma once
// The per-dialect table of built-in SQL functions the analyzer knows: result type and
// nullability rule, and the type expected of arguments (for typing parameters passed to them).
// Types are written as neutral names and mapped to each dialect's spelling by builtin_type().
#include <string>
#include <string_view>
#include <vector>

#include "flash/schema/model.hpp"

namespace flash::query {

enum class FnReturn {
  fixed,          // `type`
  arg0,           // same as the first argument (abs, min, max, lag, ...)
  arg1,           // same as the second argument (date_trunc)
  common,         // first argument with a known type (coalesce, greatest, nullif)
  array_of_arg0,  // array_agg
  elem_of_arg0,   // unnest
  sum,            // PostgreSQL sum(): integers widen (int → bigint, bigint → numeric)
  avg,            // integers/numeric → numeric, floats → double
};

enum class FnNull {
  strict,    // NULL when an argument is NULL
  never,     // never NULL (count, now, concat, row_number)
  always,    // may be NULL whatever the arguments (sum/min/max/avg over no rows, nullif, lag)
  all_args,  // NULL only when all arguments are (coalesce, greatest/least in PostgreSQL)
};

enum DialectMask : unsigned { kPg = 1, kMy = 2, kLite = 4, kAll = 7 };

struct FunctionSpec {
  std::string_view name;      // lower-case
  unsigned dialects = kAll;
  FnReturn ret = FnReturn::fixed;
  std::string_view type;      // neutral type name for FnReturn::fixed
  FnNull null = FnNull::strict;
  std::string_view arg_type;  // expected type of the arguments ("" = unknown / same as others);
                              // a comma-separated list gives one per position ("text," = the
                              // first is text, the second unknown)
  bool aggregate = false;
};

const FunctionSpec* find_function(std::string_view lower_name, schema::Dialect d);
// Every function name known for a dialect (for did-you-mean hints).
std::vector<std::string> function_names(schema::Dialect d);

// Neutral type name → the dialect's TypeRef: "int32", "int64", "decimal", "float64", "float32",
// "text", "bool", "date", "time", "timetz", "timestamp", "timestamptz", "interval", "json",
// "jsonb", "uuid", "bytes", "void", "tsvector", "tsquery"; a trailing "[]" makes an array.
schema::TypeRef builtin_type(std::string_view neutral, schema::Dialect d);

}  // namespace flash::query
