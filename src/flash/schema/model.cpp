#include "flash/schema/model.hpp"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::schema {

std::string_view to_string(Dialect d) {
  switch (d) {
    case Dialect::postgresql: return "postgresql";
    case Dialect::mysql: return "mysql";
    case Dialect::sqlite: return "sqlite";
    case Dialect::mongodb: return "mongodb";
  }
  return "unknown";
}

std::string engine_name(Dialect d) {
  switch (d) {
    case Dialect::postgresql: return "PostgreSQL";
    case Dialect::mysql: return "MySQL";
    case Dialect::sqlite: return "SQLite";
    case Dialect::mongodb: return "MongoDB";
  }
  return "the database";
}

std::optional<Dialect> dialect_from_string(std::string_view s) {
  const std::string v = util::to_lower(s);
  if (v == "postgresql" || v == "postgres" || v == "pg") return Dialect::postgresql;
  if (v == "mysql" || v == "mariadb") return Dialect::mysql;
  if (v == "sqlite" || v == "sqlite3") return Dialect::sqlite;
  if (v == "mongodb" || v == "mongo") return Dialect::mongodb;
  return std::nullopt;
}

std::string_view to_sql(RefAction a) {
  switch (a) {
    case RefAction::no_action: return "NO ACTION";
    case RefAction::restrict: return "RESTRICT";
    case RefAction::cascade: return "CASCADE";
    case RefAction::set_null: return "SET NULL";
    case RefAction::set_default: return "SET DEFAULT";
    case RefAction::unspecified: return "";
  }
  return "";
}

RefAction effective_action(RefAction a, Dialect d) {
  if (d == Dialect::mysql) return a == RefAction::unspecified || a == RefAction::no_action ? RefAction::restrict : a;
  return a == RefAction::unspecified ? RefAction::no_action : a;
}

bool same_foreign_key(const ForeignKey& a, const ForeignKey& b, Dialect d) {
  ForeignKey x = a, y = b;
  for (ForeignKey* f : {&x, &y}) {
    f->on_delete = effective_action(f->on_delete, d);
    f->on_update = effective_action(f->on_update, d);
  }
  return x == y;
}

// Source locations and "as written" flags are not part of a schema's meaning.
bool operator==(const Column& a, const Column& b) {
  return std::tie(a.name, a.type, a.nullable, a.default_expr, a.identity, a.identity_options,
                  a.auto_increment, a.generated, a.generated_expr, a.collation, a.on_update,
                  a.comment) ==
         std::tie(b.name, b.type, b.nullable, b.default_expr, b.identity, b.identity_options,
                  b.auto_increment, b.generated, b.generated_expr, b.collation, b.on_update,
                  b.comment);
}

bool operator==(const Table& a, const Table& b) {
  return std::tie(a.schema, a.name, a.columns, a.primary_key, a.uniques, a.foreign_keys, a.checks,
                  a.comment, a.options) ==
         std::tie(b.schema, b.name, b.columns, b.primary_key, b.uniques, b.foreign_keys, b.checks,
                  b.comment, b.options);
}

bool operator==(const RangeType& a, const RangeType& b) {
  return std::tie(a.schema, a.name, a.subtype, a.subtype_opclass, a.collation, a.canonical, a.subtype_diff,
                  a.multirange) == std::tie(b.schema, b.name, b.subtype, b.subtype_opclass, b.collation,
                                            b.canonical, b.subtype_diff, b.multirange);
}

// PostgreSQL's makeMultirangeTypeName: "multi" before the first "range" of the name, otherwise
// "_multirange" appended.
std::string default_multirange_name(std::string_view range_name) {
  const auto at = range_name.find("range");
  if (at == std::string_view::npos) return std::string(range_name) + "_multirange";
  return std::string(range_name.substr(0, at)) + "multi" + std::string(range_name.substr(at));
}

std::string RangeType::multirange_name() const {
  return multirange.empty() ? default_multirange_name(name) : multirange;
}

bool operator==(const Index& a, const Index& b) {
  return std::tie(a.schema, a.name, a.table, a.unique, a.parts, a.method, a.where, a.include, a.with) ==
         std::tie(b.schema, b.name, b.table, b.unique, b.parts, b.method, b.where, b.include, b.with);
}

bool operator==(const EnumType& a, const EnumType& b) {
  return std::tie(a.schema, a.name, a.values) == std::tie(b.schema, b.name, b.values);
}

bool operator==(const View& a, const View& b) {
  return std::tie(a.schema, a.name, a.columns, a.query, a.materialized) ==
         std::tie(b.schema, b.name, b.columns, b.query, b.materialized);
}

bool operator==(const Sequence& a, const Sequence& b) {
  return std::tie(a.schema, a.name, a.type, a.increment, a.min_value, a.max_value, a.start, a.cache, a.cycle,
                  a.owned_by) == std::tie(b.schema, b.name, b.type, b.increment, b.min_value, b.max_value, b.start,
                                          b.cache, b.cycle, b.owned_by);
}

namespace {
std::int64_t type_max(const std::string& type) {
  if (type == "smallint") return std::numeric_limits<std::int16_t>::max();
  if (type == "integer") return std::numeric_limits<std::int32_t>::max();
  return std::numeric_limits<std::int64_t>::max();
}
std::int64_t type_min(const std::string& type) {
  if (type == "smallint") return std::numeric_limits<std::int16_t>::min();
  if (type == "integer") return std::numeric_limits<std::int32_t>::min();
  return std::numeric_limits<std::int64_t>::min();
}
}  // namespace

std::int64_t Sequence::min_effective() const {
  if (min_value) return *min_value;
  return increment_value() > 0 ? 1 : type_min(type);
}
std::int64_t Sequence::max_effective() const {
  if (max_value) return *max_value;
  return increment_value() > 0 ? type_max(type) : -1;
}
std::int64_t Sequence::start_effective() const {
  if (start) return *start;
  return increment_value() > 0 ? min_effective() : max_effective();
}

std::string Sequence::options_text() const {
  std::vector<std::string> parts;
  if (!type.empty()) parts.push_back("AS " + type);
  if (increment) parts.push_back("INCREMENT BY " + std::to_string(*increment));
  if (min_value) parts.push_back("MINVALUE " + std::to_string(*min_value));
  if (max_value) parts.push_back("MAXVALUE " + std::to_string(*max_value));
  if (start) parts.push_back("START WITH " + std::to_string(*start));
  if (cache) parts.push_back("CACHE " + std::to_string(*cache));
  if (cycle) parts.push_back("CYCLE");
  return util::join(parts, " ");
}

void normalize_sequence(Sequence& s) {
  const std::string t = util::to_lower(s.type);
  if (t == "bigint" || t == "int8") s.type.clear();
  else if (t == "int" || t == "int4" || t == "integer") s.type = "integer";
  else if (t == "int2" || t == "smallint") s.type = "smallint";
  // Each default depends on the ones before it (min/max on the type and the direction, start on
  // min/max), so compare against the defaults computed without the value itself.
  if (s.increment == 1) s.increment.reset();
  {
    Sequence d = s;
    d.min_value.reset();
    if (s.min_value == d.min_effective()) s.min_value.reset();
  }
  {
    Sequence d = s;
    d.max_value.reset();
    if (s.max_value == d.max_effective()) s.max_value.reset();
  }
  {
    Sequence d = s;
    d.start.reset();
    if (s.start == d.start_effective()) s.start.reset();
  }
  if (s.cache == 1) s.cache.reset();
}

std::string pg_object_name(std::string name1, std::string name2, const std::string& label) {
  const std::size_t overhead = label.size() + 1 + (name2.empty() ? 0 : 1);
  const std::size_t avail = 63 > overhead ? 63 - overhead : 0;
  std::size_t n1 = name1.size(), n2 = name2.size();
  while (n1 + n2 > avail) {
    if (n1 > n2) --n1;
    else --n2;
  }
  // Do not cut a UTF-8 sequence in half.
  auto clip = [](std::string& s, std::size_t n) {
    while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(std::min(n, s.size()));
  };
  clip(name1, n1);
  clip(name2, n2);
  std::string out = name1;
  if (!name2.empty()) out += "_" + name2;
  return out + "_" + label;
}

Sequence detach_serial(const Table& t, Column& c, const std::string& seq_name) {
  Sequence sq;
  sq.schema = t.schema;
  sq.name = seq_name;
  sq.type = c.type.name;
  sq.owned_by = owner_text({t.schema, t.name, c.name});
  sq.loc = c.loc;
  normalize_sequence(sq);
  c.auto_increment = false;
  // pg_get_expr's nextval('s'::regclass) as pull reads it (the ::regclass is implied).
  c.default_expr = "nextval(" + quote_string(quote_qualified(t.schema, seq_name, Dialect::postgresql)) + ")";
  return sq;
}

SequenceOwner sequence_owner(const Sequence& s) {
  SequenceOwner o;
  const auto parts = util::split(s.owned_by, '.');
  if (parts.size() == 2) o = {"", parts[0], parts[1]};
  else if (parts.size() == 3) o = {parts[0], parts[1], parts[2]};
  return o;
}

std::string owner_text(const SequenceOwner& o) {
  if (o.table.empty()) return "";
  return (o.schema.empty() ? "" : o.schema + ".") + o.table + "." + o.column;
}

bool operator==(const RawStatement& a, const RawStatement& b) {
  return std::tie(a.kind, a.name, a.sql) == std::tie(b.kind, b.name, b.sql);
}

const Column* Table::find_column(std::string_view n) const {
  for (const auto& c : columns)
    if (c.name == n) return &c;
  return nullptr;
}
Column* Table::find_column(std::string_view n) {
  return const_cast<Column*>(std::as_const(*this).find_column(n));
}

const Table* Schema::find_table(std::string_view n, std::string_view s) const {
  for (const auto& t : tables)
    if (t.name == n && t.schema == s) return &t;
  return nullptr;
}
Table* Schema::find_table(std::string_view n, std::string_view s) {
  return const_cast<Table*>(std::as_const(*this).find_table(n, s));
}
const EnumType* Schema::find_enum(std::string_view n, std::string_view s) const {
  for (const auto& e : enums)
    if (e.name == n && e.schema == s) return &e;
  return nullptr;
}
const View* Schema::find_view(std::string_view n, std::string_view s) const {
  for (const auto& v : views)
    if (v.name == n && v.schema == s) return &v;
  return nullptr;
}
std::vector<const Index*> Schema::indexes_of(std::string_view table, std::string_view s) const {
  std::vector<const Index*> out;
  for (const auto& i : indexes)
    if (i.table == table && i.schema == s) out.push_back(&i);
  return out;
}

std::string qualified(std::string_view schema, std::string_view name) {
  if (schema.empty()) return std::string(name);
  return std::string(schema) + "." + std::string(name);
}

}  // namespace flash::schema
