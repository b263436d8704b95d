#include "flash/diag/position.hpp"
#include "flash/sql/validate.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "flash/schema/types.hpp"
#include "flash/sql/ddl_parser_internal.hpp"
#include "flash/util/text.hpp"

namespace flash::sql {

using schema::Dialect;

const std::vector<std::string>& builtin_type_names(Dialect d) {
  // PostgreSQL 15: the base, pseudo, range and multirange types of pg_catalog (SELECT typname FROM
  // pg_type WHERE typnamespace = 'pg_catalog'::regnamespace AND typtype IN ('b','p','r','m') AND
  // typname NOT LIKE '\_%'; the unit test compares with the live server), the canonical spellings
  // Flash stores for the SQL-standard names, and the types of the extensions that hosted
  // PostgreSQL services install without a CREATE EXTENSION in the schema files.
  static const std::vector<std::string> postgres = {
      "aclitem", "any", "anyarray", "anycompatible", "anycompatiblearray", "anycompatiblemultirange",
      "anycompatiblenonarray", "anycompatiblerange", "anyelement", "anyenum", "anymultirange",
      "anynonarray", "anyrange", "bit", "bool", "box", "bpchar", "bytea", "char", "cid", "cidr", "circle",
      "cstring", "date", "datemultirange", "daterange", "event_trigger", "fdw_handler", "float4", "float8",
      "gtsvector", "index_am_handler", "inet", "int2", "int2vector", "int4", "int4multirange", "int4range",
      "int8", "int8multirange", "int8range", "internal", "interval", "json", "jsonb", "jsonpath",
      "language_handler", "line", "lseg", "macaddr", "macaddr8", "money", "name", "numeric",
      "nummultirange", "numrange", "oid", "oidvector", "path", "pg_brin_bloom_summary",
      "pg_brin_minmax_multi_summary", "pg_ddl_command", "pg_dependencies", "pg_lsn", "pg_mcv_list",
      "pg_ndistinct", "pg_node_tree", "pg_snapshot", "point", "polygon", "record", "refcursor", "regclass",
      "regcollation", "regconfig", "regdictionary", "regnamespace", "regoper", "regoperator", "regproc",
      "regprocedure", "regrole", "regtype", "table_am_handler", "text", "tid", "time", "timestamp",
      "timestamptz", "timetz", "trigger", "tsm_handler", "tsmultirange", "tsquery", "tsrange",
      "tstzmultirange", "tstzrange", "tsvector", "txid_snapshot", "unknown", "uuid", "varbit", "varchar",
      "void", "xid", "xid8", "xml",
      // canonical spellings (schema::canonical_type_name)
      "integer", "bigint", "smallint", "boolean", "double precision", "real", "serial", "bigserial",
      "smallserial", "\"char\"",
      // commonly preinstalled extension types
      "citext", "hstore", "vector", "halfvec", "sparsevec", "ltree", "lquery", "ltxtquery", "geometry",
      "geography"};
  // MySQL 8 / MariaDB 10.11 column types, canonical spellings (the unit test creates a column of
  // each on the live server).
  static const std::vector<std::string> mysql = {
      "tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "float", "double", "bit", "char",
      "varchar", "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "tinytext", "text",
      "mediumtext", "longtext", "enum", "set", "date", "time", "datetime", "timestamp", "year", "json",
      "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
      "geometrycollection", "geomcollection", "nchar", "nvarchar", "serial", "uuid", "inet4", "inet6"};
  static const std::vector<std::string> none;
  switch (d) {
    case Dialect::postgresql: return postgres;
    case Dialect::mysql: return mysql;
    default: return none;
  }
}

std::size_t identifier_limit(Dialect d) {
  switch (d) {
    case Dialect::postgresql: return 63;  // NAMEDATALEN - 1, in bytes
    case Dialect::mysql: return 64;       // characters
    default: return 0;
  }
}

namespace {

// Types of the extensions Flash knows; an extension not listed may define any type.
const std::map<std::string, std::vector<std::string>, std::less<>>& extension_types() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> m = {
      {"citext", {"citext"}},
      {"hstore", {"hstore", "ghstore"}},
      {"vector", {"vector", "halfvec", "sparsevec"}},
      {"postgis", {"geometry", "geography", "box2d", "box3d", "spheroid", "geometry_dump", "valid_detail"}},
      {"ltree", {"ltree", "lquery", "ltxtquery", "ltree_gist"}},
      {"cube", {"cube"}},
      {"earthdistance", {"earth"}},
      {"seg", {"seg"}},
      {"isn", {"ean13", "isbn", "isbn13", "ismn", "ismn13", "issn", "issn13", "upc"}},
      {"lo", {"lo"}},
      {"pg_trgm", {"gtrgm"}},
      {"intarray", {"query_int", "intbig_gkey"}},
      {"uuid-ossp", {}},
      {"pgcrypto", {}},
      {"btree_gin", {}},
      {"btree_gist", {}},
      {"unaccent", {}},
      {"fuzzystrmatch", {}},
      {"tablefunc", {}},
      {"pg_stat_statements", {}},
      {"plpgsql", {}},
      {"dblink", {}},
      {"postgres_fdw", {}},
  };
  return m;
}

std::size_t utf8_chars(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

class Validator {
 public:
  Validator(const schema::Schema& m, const std::vector<SourceFile>& files, diag::Diagnostics& diags)
      : m_(m), diags_(diags), ci_(m.dialect != Dialect::postgresql) {
    for (const auto& f : files) texts_[f.path] = &f.text;
  }

  void run() {
    collect_types();
    for (const auto& t : m_.tables) table(t);
    for (const auto& ix : m_.indexes) index(ix);
    for (const auto& v : m_.views) name_length(v.name, "view", v.loc);
    for (const auto& e : m_.enums) name_length(e.name, "type", e.loc);
  }

 private:
  const schema::Schema& m_;
  diag::Diagnostics& diags_;
  bool ci_;  // MySQL and SQLite compare names case-insensitively
  std::map<std::string, const std::string*> texts_;
  std::map<std::string, std::vector<std::size_t>> line_starts_;  // byte offset of each line, per file

  const std::vector<std::size_t>& line_starts(const std::string& file, std::string_view s) {
    auto [it, fresh] = line_starts_.try_emplace(file);
    if (fresh) {
      it->second.push_back(0);
      for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] == '\n') it->second.push_back(i + 1);
    }
    return it->second;
  }
  std::set<std::string> user_types_;  // qualified names of the project's own types
  bool types_open_ = false;           // an extension of unknown types is created: no type check

  bool same(std::string_view a, std::string_view b) const { return ci_ ? util::iequals(a, b) : a == b; }

  void report(std::string code, std::string message, const diag::Location& at,
              std::optional<std::string> hint = std::nullopt) {
    diag::Diagnostic d;
    d.code = std::move(code);
    d.message = std::move(message);
    d.location = at;
    d.hint = std::move(hint);
    if (auto it = texts_.find(at.file); it != texts_.end() && at.line > 0)
      d.source_line = std::string(diag::line_at(*it->second, at.line));
    diags_.push_back(std::move(d));
  }

  // Where a foreign key's referenced table is written: the first `REFERENCES <that table>` of the
  // table's CREATE statement (the model keeps no position per constraint); else the table's name.
  diag::Location fk_location(const schema::Table& t, const schema::ForeignKey& fk) {
    diag::Location at = t.loc;
    const auto it = texts_.find(t.loc.file);
    if (it == texts_.end() || t.loc.line <= 0) return at;
    const std::string_view s = *it->second;
    // From the start of the table's line (an index of line starts per file, made once: every table
    // with a foreign key seeks here, and counting lines from the file's start each time made a
    // large schema file's validation quadratic).
    const std::vector<std::size_t>& starts = line_starts(t.loc.file, s);
    std::size_t pos = static_cast<std::size_t>(t.loc.line) <= starts.size() ? starts[t.loc.line - 1] : s.size();
    for (int col = 1; col < t.loc.column && pos < s.size(); ++pos)
      if ((static_cast<unsigned char>(s[pos]) & 0xC0) != 0x80) ++col;
    const std::size_t table_at = pos;
    bool after_references = false;
    int depth = 0;
    while (pos < s.size()) {
      const detail::Scanned tok = detail::scan_token(s, pos, m_.dialect);
      if (!tok.error.empty()) break;
      pos = tok.end;
      if (tok.kind == TokenKind::whitespace || tok.kind == TokenKind::comment) continue;
      if (tok.kind == TokenKind::op) {
        if (tok.text == "(") ++depth;
        else if (tok.text == ")") --depth;
        else if (tok.text == ";" && depth <= 0) break;
        if (tok.text != ".") after_references = false;
        continue;
      }
      const bool name = tok.kind == TokenKind::identifier || tok.kind == TokenKind::quoted_ident;
      // Unquoted names fold (PostgreSQL to lower case); quoted ones compare as the dialect does.
      const auto matches = [&](const std::string& n) {
        return tok.kind == TokenKind::identifier ? util::iequals(tok.text, n) : same(tok.text, n);
      };
      if (after_references && name && matches(fk.ref_table)) {
        // Line and column counted on from the table's own position.
        diag::LineCol lc{t.loc.line, t.loc.column};
        for (std::size_t i = table_at; i < tok.begin; ++i) {
          if (s[i] == '\n') lc = {lc.line + 1, 1};
          else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++lc.column;
        }
        return {t.loc.file, lc.line, lc.column, static_cast<int>(std::max<std::size_t>(1, tok.end - tok.begin))};
      }
      after_references = tok.kind == TokenKind::identifier && util::iequals(tok.text, "references");
      // A schema-qualified reference: `REFERENCES app.users` — keep looking past `app .`.
      if (!after_references && name && !fk.ref_schema.empty() && matches(fk.ref_schema)) after_references = true;
    }
    return at;
  }

  const schema::Table* find_table(std::string_view schema, std::string_view name) const {
    for (const auto& t : m_.tables)
      if (same(t.name, name) && same(t.schema, schema)) return &t;
    return nullptr;
  }

  // Columns of a table including those inherited from its parents (PostgreSQL INHERITS and
  // PARTITION OF keep the parent's columns with the parent only).
  void columns_of(const schema::Table& t, std::vector<std::string>& out, int depth = 0) const {
    for (const auto& c : t.columns) out.push_back(c.name);
    if (depth > 16) return;
    for (const char* key : {"inherits", "partition_of"}) {
      const auto it = t.options.find(key);
      if (it == t.options.end()) continue;
      for (const auto& parent : util::split(it->second, ',')) {
        const std::string p(util::trim(parent));
        const auto dot = p.find('.');
        const schema::Table* pt = dot == std::string::npos ? find_table("", p)
                                                           : find_table(p.substr(0, dot), p.substr(dot + 1));
        if (pt) columns_of(*pt, out, depth + 1);
      }
    }
  }
  bool has(const std::vector<std::string>& names, std::string_view n) const {
    return std::any_of(names.begin(), names.end(), [&](const std::string& x) { return same(x, n); });
  }
  // The parents named by INHERITS / PARTITION OF that are not in the model.
  std::vector<std::string> missing_parents(const schema::Table& t) const {
    std::vector<std::string> missing;
    for (const char* key : {"inherits", "partition_of"}) {
      const auto it = t.options.find(key);
      if (it == t.options.end()) continue;
      for (const auto& parent : util::split(it->second, ',')) {
        const std::string p(util::trim(parent));
        const auto dot = p.find('.');
        if (!(dot == std::string::npos ? find_table("", p) : find_table(p.substr(0, dot), p.substr(dot + 1))))
          missing.push_back(p);
      }
    }
    return missing;
  }
  // Inherited columns are only known when the parents are: a table with a parent that is not in
  // the model is not checked.
  bool parents_known(const schema::Table& t) const { return missing_parents(t).empty(); }

  void collect_types() {
    if (m_.dialect != Dialect::postgresql) return;
    for (const auto& e : m_.enums) user_types_.insert(schema::qualified(e.schema, e.name));
    for (const auto& d : m_.domains) user_types_.insert(schema::qualified(d.schema, d.name));
    for (const auto& r : m_.ranges) {
      user_types_.insert(schema::qualified(r.schema, r.name));
      user_types_.insert(schema::qualified(r.schema, r.multirange_name()));
    }
    // Every table and view is also a composite type.
    for (const auto& t : m_.tables) user_types_.insert(schema::qualified(t.schema, t.name));
    for (const auto& v : m_.views) user_types_.insert(schema::qualified(v.schema, v.name));
    for (const auto& r : m_.raw)
      if (r.kind == "type" || r.kind == "create type" || r.kind == "alter type") user_types_.insert(r.name);
    for (const auto& x : m_.extensions) {
      const auto it = extension_types().find(x.name);
      if (it == extension_types().end()) {
        types_open_ = true;
        continue;
      }
      for (const auto& ty : it->second) user_types_.insert(ty);
    }
  }

  void check_type(const schema::Table& t, const schema::Column& c) {
    const schema::TypeRef& ty = c.type;
    if (ty.name.empty()) return;
    std::string n = ty.name;
    const auto& builtin = builtin_type_names(m_.dialect);
    if (m_.dialect == Dialect::sqlite) {
      const auto strict = t.options.find("strict");
      if (strict == t.options.end() || strict->second != "1") return;
      static const std::vector<std::string> allowed = {"int", "integer", "real", "text", "blob", "any"};
      if (has(allowed, n)) return;
      report("sql.unknown-type",
             "column `" + c.name + "` of STRICT table `" + t.name + "` has type `" + n +
                 "`, which STRICT tables do not allow",
             c.loc, "STRICT tables allow INT, INTEGER, REAL, TEXT, BLOB and ANY");
      return;
    }
    if (m_.dialect == Dialect::postgresql) {
      if (types_open_) return;
      if (ty.schema == "pg_catalog" || ty.schema == "information_schema") return;
      if (user_types_.count(schema::qualified(ty.schema, n))) return;
      if (ty.schema.empty() && std::find(builtin.begin(), builtin.end(), n) != builtin.end()) return;
      // A schema-qualified name of an extension type (extensions.citext).
      if (!ty.schema.empty() && user_types_.count(n)) return;
    } else {
      n = util::to_lower(n);
      if (std::find(builtin.begin(), builtin.end(), n) != builtin.end()) return;
    }
    std::vector<std::string> candidates = builtin;
    candidates.insert(candidates.end(), user_types_.begin(), user_types_.end());
    report("sql.unknown-type",
           "column `" + c.name + "` has unknown type `" + schema::qualified(ty.schema, ty.name) + "`", c.loc,
           diag::did_you_mean(schema::qualified(ty.schema, ty.name), candidates)
               .value_or(m_.dialect == Dialect::postgresql
                             ? "create it first (CREATE TYPE, CREATE DOMAIN or CREATE EXTENSION)"
                             : "see the engine's list of data types"));
  }

  void name_length(const std::string& name, std::string_view what, const diag::Location& at) {
    const std::size_t limit = identifier_limit(m_.dialect);
    if (limit == 0) return;
    const bool pg = m_.dialect == Dialect::postgresql;
    const std::size_t len = pg ? name.size() : utf8_chars(name);
    if (len <= limit) return;
    std::string cut = name.substr(0, limit);
    report("sql.name-too-long",
           std::string(what) + " name `" + name + "` is " + std::to_string(len) +
               (pg ? " bytes" : " characters") + " long; " + std::string(schema::to_string(m_.dialect)) +
               " allows " + std::to_string(limit),
           at,
           std::optional<std::string>(pg ? "PostgreSQL would silently truncate it to `" + cut + "`; choose a shorter name"
                                         : std::string("choose a shorter name")));
  }

  void table(const schema::Table& t) {
    name_length(t.name, "table", t.loc);
    std::vector<std::string> seen;
    for (const auto& c : t.columns) {
      if (has(seen, c.name)) {
        report("sql.duplicate", "column `" + c.name + "` is declared twice in table `" + t.name + "`", c.loc);
      }
      seen.push_back(c.name);
      name_length(c.name, "column", c.loc);
      check_type(t, c);
    }
    // Parents named by INHERITS / PARTITION OF exist, and every key names a column of the table.
    const auto missing = missing_parents(t);
    for (const auto& p : missing)
      report("sql.unknown-table", "table `" + t.name + "` inherits from unknown table `" + p + "`", t.loc);
    if (missing.empty()) {
      std::vector<std::string> cols;
      columns_of(t, cols);
      const auto check = [&](const std::vector<std::string>& key, std::string_view what) {
        for (const auto& c : key)
          if (!has(cols, c)) {
            report("sql.unknown-column",
                   std::string(what) + " of table `" + t.name + "` names column `" + c + "`, which the table does not have",
                   t.loc, diag::did_you_mean(c, cols));
            return;
          }
      };
      if (t.primary_key) check(t.primary_key->columns, "primary key");
      for (const auto& u : t.uniques) check(u.columns, "unique constraint");
    }
    if (t.primary_key) name_length(t.primary_key->name, "constraint", t.loc);
    for (const auto& u : t.uniques) name_length(u.name, "constraint", t.loc);
    for (const auto& ck : t.checks) name_length(ck.name, "constraint", t.loc);
    for (const auto& fk : t.foreign_keys) foreign_key(t, fk);
  }

  void foreign_key(const schema::Table& t, const schema::ForeignKey& fk) {
    const diag::Location at = fk_location(t, fk);
    name_length(fk.name, "constraint", at);
    if (parents_known(t)) {
      std::vector<std::string> own;
      columns_of(t, own);
      for (const auto& c : fk.columns)
        if (!has(own, c)) {
          report("sql.unknown-column",
                 "foreign key of table `" + t.name + "` names column `" + c + "`, which the table does not have",
                 at, diag::did_you_mean(c, own));
          return;
        }
    }
    const schema::Table* ref = find_table(fk.ref_schema, fk.ref_table);
    const std::string ref_name = schema::qualified(fk.ref_schema, fk.ref_table);
    if (!ref) {
      std::vector<std::string> names;
      for (const auto& x : m_.tables) names.push_back(schema::qualified(x.schema, x.name));
      report("sql.unknown-table", "foreign key of table `" + t.name + "` references unknown table `" + ref_name + "`",
             at, diag::did_you_mean(ref_name, names).value_or("create the table in the schema files"));
      return;
    }
    if (!parents_known(*ref)) return;
    std::vector<std::string> cols;
    columns_of(*ref, cols);
    std::size_t ref_count = fk.ref_columns.size();
    if (fk.ref_columns.empty()) {
      if (!ref->primary_key) {
        report("sql.foreign-key",
               "foreign key of table `" + t.name + "` names no columns of `" + ref_name +
                   "`, which has no primary key",
               at, "list the referenced columns: REFERENCES " + ref_name + " (...)");
        return;
      }
      ref_count = ref->primary_key->columns.size();
    }
    for (const auto& c : fk.ref_columns)
      if (!has(cols, c)) {
        report("sql.unknown-column", "foreign key of table `" + t.name + "` references column `" + c +
                                         "`, which table `" + ref_name + "` does not have",
               at, diag::did_you_mean(c, cols));
        return;
      }
    if (ref_count != fk.columns.size())
      report("sql.foreign-key",
             "foreign key of table `" + t.name + "` has " + std::to_string(fk.columns.size()) + " column(s) but references " +
                 std::to_string(ref_count) + " of `" + ref_name + "`",
             at, "the referencing and referenced column lists must have the same length");
  }

  void index(const schema::Index& ix) {
    name_length(ix.name, "index", ix.loc);
    const schema::Table* t = find_table(ix.schema, ix.table);
    if (!t || !parents_known(*t)) return;  // an index on a materialized view, or unknown parents
    std::vector<std::string> cols;
    columns_of(*t, cols);
    for (const auto& p : ix.parts)
      if (!p.column.empty() && !has(cols, p.column)) {
        report("sql.unknown-column",
               "index `" + ix.name + "` names column `" + p.column + "`, which table `" + t->name + "` does not have",
               ix.loc, diag::did_you_mean(p.column, cols));
        return;
      }
  }
};

}  // namespace

void validate_schema(const schema::Schema& model, const std::vector<SourceFile>& files, diag::Diagnostics& diags) {
  Validator(model, files, diags).run();
}

}  // namespace flash::sql
