#pragma once
// Dependency order of schema objects: one small graph, used by the printer (schema files, pull
// output) and by the differ (migration Up in dependency order; Down is Up reversed).
//
// Every statement (or group of statements) is a DepNode: the keys of what it creates and of what
// must exist before it runs. Keys:
//   "rel:<schema>.<name>"           table, view, materialized view
//   "type:<schema>.<name>"          enum, domain, composite or range type
//   "seq:<schema>.<name>"           sequence
//   "func:<name>"                   function, procedure or aggregate (unqualified, lower-case)
//   "col:<schema>.<table>.<column>" a column
//   "key:<schema>.<table>(<a>,<b>)" a primary key, unique constraint or unique index on exactly
//                                   those columns (what a foreign key needs)
// (<schema> is the model's: "" for the default schema.) Needs come from the model's structure
// (column types, foreign keys, index tables) and, inside SQL text (defaults, generated columns,
// checks, view queries, function signatures and SQL-language bodies, raw statements), from the
// words that name an object the schema declares — name matching, so a needless edge can appear;
// an edge only ever delays a statement, and a cycle falls back to declaration order.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "flash/schema/model.hpp"

namespace flash::schema {

struct DepNode {
  std::vector<std::string> provides;
  std::vector<std::string> needs;
};

// A stable topological order of `nodes` (indexes into it): each node comes after every node that
// provides something it needs, and otherwise keeps its position (ties by position). Needs that
// no node provides are taken to exist already. A cycle is broken by emitting the earliest
// remaining node (declaration order).
std::vector<std::size_t> dependency_order(const std::vector<DepNode>& nodes);

std::string rel_key(std::string_view schema, std::string_view name);
std::string key_key(std::string_view schema, std::string_view table, const std::vector<std::string>& columns);
std::string col_key(std::string_view schema, std::string_view table, std::string_view column);

// The dependency finder for one schema's objects.
class Dependencies {
 public:
  explicit Dependencies(const Schema& s);

  // Needs of SQL text: expressions (defaults, generated columns, checks, index expressions)
  // reach functions, sequences and types; queries also relations.
  std::vector<std::string> in_expression(std::string_view sql) const;
  std::vector<std::string> in_query(std::string_view sql) const;
  std::vector<std::string> of_type(const TypeRef& t) const;

  // A whole table as CREATE TABLE writes it; `fks` are the foreign keys written inline.
  DepNode table(const Table& t, const std::vector<const ForeignKey*>& fks) const;
  DepNode table(const Table& t) const;  // every foreign key inline
  DepNode column(const Table& t, const Column& c) const;  // ADD COLUMN / ALTER COLUMN
  DepNode foreign_key(const Table& t, const ForeignKey& fk) const;
  DepNode unique(const Table& t, const std::vector<std::string>& columns) const;
  DepNode check(const Table& t, const CheckConstraint& c) const;
  DepNode index(const Index& i) const;
  DepNode view(const View& v) const;
  DepNode raw(const RawStatement& r) const;
  DepNode domain(const Domain& d) const;
  DepNode enum_type(const EnumType& e) const;
  DepNode range(const RangeType& r) const;  // provides the range and its multirange type
  DepNode sequence(const Sequence& s) const;
  DepNode sequence_owner(const Sequence& s) const;
  DepNode comment(const Comment& c) const;

 private:
  // lower-case unqualified name → keys of declared objects with that name
  std::map<std::string, std::vector<std::string>> names_;
  const Schema& s_;
  std::vector<std::string> lookup(std::string_view sql, bool relations) const;
};

}  // namespace flash::schema
