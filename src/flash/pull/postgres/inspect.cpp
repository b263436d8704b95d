// PostgreSQL: reads pg_catalog and writes the DDL the catalog describes, using the server's own
// deparsers (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef,
// pg_get_functiondef, pg_get_triggerdef), then parses that DDL through the PostgreSQL DDL parser
// (libpg_query) so types and expressions are normalised exactly as for schema files.
//
// Catalog facts mapped onto the model's conventions:
//  * a column that is exactly what SERIAL makes (NOT NULL, default nextval() of a sequence owned
//    by the column — pg_depend 'a' — named <table>_<column>_seq, of the column's type, with the
//    default options) is written as serial/bigserial/smallserial: auto_increment, no default, and
//    the sequence is not listed. Every other sequence but identity columns' is listed with its
//    type and options and its OWNED BY (set after the tables), and the column keeps its nextval()
//    default: a serial whose sequence had to be named _seq1, was renamed with its table, altered,
//    or whose column lost its default rebuilds as it is;
//  * a default that is a literal with a cast to the column's own type ('x'::text on a text
//    column) loses the cast (any other cast is what was written), nextval('s'::regclass)
//    becomes nextval('s'), a generated column's outer parentheses are dropped;
//  * identity columns keep START WITH / INCREMENT BY when not 1;
//  * constraint names are kept as the server has them (also the ones it generated: a migration
//    needs the real name to drop a constraint); align_names() matches them to unnamed ones in
//    existing schema files;
//  * "public" is the default schema ("").
//  * INHERITS children list their parents and only the columns they declare themselves;
//  * rules (other than a view's) are kept as raw statements (pg_get_ruledef);
//  * range types come from pg_range, without the constructor functions PostgreSQL made for them.
// Not kept exactly: view text (the server stores views parsed; pg_get_viewdef prints its own
// formatting), function and trigger text (pg_get_functiondef/pg_get_triggerdef spelling),
// comments on objects other than tables, columns, schemas, types, domains and views, sequence
// options equal to the defaults (omitted). Aggregates are rebuilt from pg_aggregate
// (ordinary aggregates only). Objects that belong to extensions are left to CREATE EXTENSION.
#include "flash/pull/inspect.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::pull {

namespace {

using schema::Dialect;
constexpr Dialect kPg = Dialect::postgresql;

// User schemas only.
const char* kUserNs =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

// Objects created by an extension (pg_depend deptype 'e') are the extension's.
std::string not_extension_member(const std::string& classid, const std::string& oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" + classid +
         "'::regclass AND e.objid = " + oid + " AND e.deptype = 'e')";
}

std::string ns_name(const std::string& nsp) { return nsp == "public" ? "" : nsp; }

std::string qname(const std::string& nsp, const std::string& name) {
  return schema::quote_qualified(ns_name(nsp), name, kPg);
}

std::string strip_semicolon(std::string s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';')) s.pop_back();
  return s;
}

// 'text'::type → 'text': the server spells out the cast to the column's type that a default
// literal gets anyway. Only a lone literal with a lone cast is changed, and with `type` (the
// column's format_type without modifiers) only a cast to that type: ''::character varying on a
// text column is what was written, and dropping it would store ''::text.
std::string strip_literal_cast(const std::string& e, const std::string& type = "") {
  if (e.size() < 2 || e[0] != '\'') return e;
  std::size_t i = 1;
  while (i < e.size()) {
    if (e[i] == '\'') {
      if (i + 1 < e.size() && e[i + 1] == '\'') {
        i += 2;
        continue;
      }
      break;
    }
    ++i;
  }
  if (i >= e.size()) return e;
  const std::string rest = e.substr(i + 1);
  if (rest.rfind("::", 0) != 0 || rest.find("::", 2) != std::string::npos) return e;
  if (rest.find_first_of("|+-*/<>=,'") != std::string::npos) return e;
  if (!type.empty() && rest != "::" + type) return e;
  return e.substr(0, i + 1);
}

// nextval('seq'::regclass) → nextval('seq'), as written in schema files.
std::string strip_regclass(std::string e) {
  if (!util::starts_with_ci(e, "nextval(")) return e;
  const auto p = e.find("'::regclass)");
  if (p != std::string::npos) e.erase(p + 1, 10);
  return e;
}

// "(a * 2)" → "a * 2" when the parentheses enclose the whole expression.
std::string strip_outer_parens(const std::string& e) {
  if (e.size() < 2 || e.front() != '(' || e.back() != ')') return e;
  int depth = 0;
  bool quote = false;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i] == '\'') quote = !quote;
    if (quote) continue;
    if (e[i] == '(') ++depth;
    if (e[i] == ')' && --depth == 0 && i + 1 != e.size()) return e;
  }
  return e.substr(1, e.size() - 2);
}

void tidy_defaults(schema::Schema& m) {
  for (auto& t : m.tables)
    for (auto& c : t.columns) {
      if (c.default_expr) c.default_expr = strip_regclass(*c.default_expr);
      if (!c.generated_expr.empty()) c.generated_expr = strip_outer_parens(c.generated_expr);
    }
  for (auto& d : m.domains)
    if (d.default_expr) d.default_expr = strip_literal_cast(*d.default_expr);
}

// A sequence that is not an identity column's: stand-alone, owned by a column (OWNED BY), or a
// serial column's own.
struct SeqInfo {
  schema::Sequence seq;   // normalised, owned_by set
  std::string regclass;   // the server's name for it (quoted / qualified as nextval() prints it)
  std::string owner;      // "<table oid>:<attnum>" of the owning column, "" = none
  bool serial = false;    // written as the serial column it belongs to
};

// Whether the column (of `table` in schema `nsp`, type `type`, NOT NULL or not, default `deflt`)
// is exactly what SERIAL makes of it with sequence `q`: the nextval() default of q, q named as
// PostgreSQL names a serial's sequence, of the column's type, with the default options. Only then
// does writing `serial` rebuild the same catalog.
bool is_serial_of(const SeqInfo& q, const std::string& nsp, const std::string& table, const std::string& column,
                  const std::string& type, bool not_null, const std::string& deflt) {
  if (type != "integer" && type != "bigint" && type != "smallint") return false;
  if (!not_null || deflt != "nextval(" + schema::quote_string(q.regclass) + "::regclass)") return false;
  schema::Sequence want;
  want.schema = ns_name(nsp);
  want.name = schema::pg_serial_sequence_name(table, column);
  want.type = type;
  want.owned_by = q.seq.owned_by;
  schema::normalize_sequence(want);
  return want == q.seq;
}

struct TableInfo {
  std::string oid, nsp, name;
  char relkind = 'r';
  bool unlogged = false;
  std::string partkey;    // pg_get_partkeydef
  std::string parent;     // partition of (qualified), with bound
  std::string bound;
  std::string comment;
  std::string inherits;   // INHERITS parents (not partitions), qualified as needed, in order
};

}  // namespace

schema::Schema inspect_postgres(driver::SqlConnection& c) {
  const std::string ns = kUserNs;
  std::string ddl;
  auto add = [&](const std::string& stmt) { ddl += stmt + ";\n"; };

  // Schemas other than public.
  for (const auto& r : c.query("SELECT n.nspname FROM pg_namespace n WHERE " + ns +
                               " AND n.nspname <> 'public' AND " + not_extension_member("pg_namespace", "n.oid") +
                               " ORDER BY n.oid").rows)
    add("CREATE SCHEMA " + schema::quote_ident(cell(r[0]), kPg));

  for (const auto& r : c.query("SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON "
                               "n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.oid").rows) {
    std::string st = "CREATE EXTENSION " + schema::quote_ident(cell(r[0]), kPg);
    if (!ns_name(cell(r[1])).empty()) st += " WITH SCHEMA " + schema::quote_ident(cell(r[1]), kPg);
    add(st);
  }

  // Enums.
  {
    auto rs = c.query(
        "SELECT t.oid, n.nspname, t.typname, e.enumlabel FROM pg_type t JOIN pg_namespace n ON n.oid = "
        "t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typtype = 'e' AND " + ns + " AND " +
        not_extension_member("pg_type", "t.oid") + " ORDER BY t.oid, e.enumsortorder");
    std::string cur;
    std::string st;
    std::vector<std::string> labels;
    auto flush = [&] {
      if (!cur.empty()) add(st + util::join(labels, ", ") + ")");
      labels.clear();
    };
    for (const auto& r : rs.rows) {
      if (cell(r[0]) != cur) {
        flush();
        cur = cell(r[0]);
        st = "CREATE TYPE " + qname(cell(r[1]), cell(r[2])) + " AS ENUM (";
      }
      labels.push_back(schema::quote_string(cell(r[3])));
    }
    flush();
  }

  // Domains, with their constraints.
  for (const auto& r : c.query(
           "SELECT t.oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, "
           "t.typdefault, (SELECT string_agg(CASE WHEN con.conname IS NULL THEN '' ELSE 'CONSTRAINT ' || "
           "quote_ident(con.conname) || ' ' END || pg_get_constraintdef(con.oid), ' ' ORDER BY con.oid) FROM "
           "pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c') FROM pg_type t JOIN "
           "pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND " + ns + " AND " +
           not_extension_member("pg_type", "t.oid") + " ORDER BY t.oid").rows) {
    std::string st = "CREATE DOMAIN " + qname(cell(r[1]), cell(r[2])) + " AS " + cell(r[3]);
    if (!driver::is_null(r[5])) st += " DEFAULT " + cell(r[5]);
    if (cell(r[4]) == "true") st += " NOT NULL";
    if (!cell(r[6]).empty()) st += " " + cell(r[6]);
    add(st);
  }

  // Range types (pg_range), options equal to PostgreSQL's defaults left out: the subtype's default
  // operator class and collation. Their constructor functions come with them (see functions).
  for (const auto& r : c.query(
           "SELECT n.nspname, t.typname, format_type(r.rngsubtype, NULL), CASE WHEN NOT opc.opcdefault THEN "
           "CASE WHEN opcn.nspname IN ('pg_catalog', 'public') THEN '' ELSE quote_ident(opcn.nspname) || '.' END || "
           "quote_ident(opc.opcname) END, CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN "
           "co.collname END, NULLIF(r.rngcanonical, 0)::regproc::text, NULLIF(r.rngsubdiff, 0)::regproc::text, "
           "mt.typname FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = "
           "t.typnamespace JOIN pg_type st ON st.oid = r.rngsubtype JOIN pg_opclass opc ON opc.oid = r.rngsubopc "
           "JOIN pg_namespace opcn ON opcn.oid = opc.opcnamespace LEFT JOIN pg_collation co ON co.oid = "
           "r.rngcollation LEFT JOIN pg_type mt ON mt.oid = r.rngmultitypid WHERE " + ns + " AND " +
           not_extension_member("pg_type", "t.oid") + " ORDER BY t.oid").rows) {
    std::string st = "CREATE TYPE " + qname(cell(r[0]), cell(r[1])) + " AS RANGE (SUBTYPE = " + cell(r[2]);
    if (!cell(r[3]).empty()) st += ", SUBTYPE_OPCLASS = " + cell(r[3]);
    if (!cell(r[4]).empty()) st += ", COLLATION = " + schema::quote_ident(cell(r[4]), kPg);
    if (!cell(r[5]).empty()) st += ", CANONICAL = " + cell(r[5]);
    if (!cell(r[6]).empty()) st += ", SUBTYPE_DIFF = " + cell(r[6]);
    if (!cell(r[7]).empty()) st += ", MULTIRANGE_TYPE_NAME = " + schema::quote_ident(cell(r[7]), kPg);
    add(st + ")");
  }

  // Sequences other than identity columns': the ones a serial column stands for are left out once
  // the columns are read; the others are created here, and their OWNED BY set after the tables.
  std::vector<SeqInfo> seqs;
  std::map<std::string, std::size_t> seq_of_column;  // owner → index in seqs
  for (const auto& r : c.query(
           "SELECT n.nspname, s.relname, format_type(q.seqtypid, NULL), q.seqincrement, q.seqmin, q.seqmax, "
           "q.seqstart, q.seqcache, q.seqcycle, s.oid::regclass::text, d.refobjid, d.refobjsubid, tn.nspname, "
           "t.relname, a.attname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_sequence q "
           "ON q.seqrelid = s.oid LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid "
           "AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' LEFT JOIN pg_class t ON t.oid = "
           "d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace LEFT JOIN pg_attribute a ON "
           "a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE s.relkind = 'S' AND " + ns +
           " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = "
           "s.oid AND d.deptype IN ('i', 'e')) ORDER BY s.oid").rows) {
    if (!driver::is_null(r[13]) && is_internal_table(cell(r[13]))) continue;  // Flash's own bookkeeping
    SeqInfo q;
    q.seq.schema = ns_name(cell(r[0]));
    q.seq.name = cell(r[1]);
    q.seq.type = cell(r[2]);
    auto number = [&](std::size_t i) { return std::optional<std::int64_t>(std::stoll(cell(r[i]))); };
    q.seq.increment = number(3);
    q.seq.min_value = number(4);
    q.seq.max_value = number(5);
    q.seq.start = number(6);
    q.seq.cache = number(7);
    q.seq.cycle = cell(r[8]) == "true";
    q.regclass = cell(r[9]);
    if (!driver::is_null(r[14])) {
      q.seq.owned_by = schema::owner_text({ns_name(cell(r[12])), cell(r[13]), cell(r[14])});
      q.owner = cell(r[10]) + ":" + cell(r[11]);
      seq_of_column[q.owner] = seqs.size();
    }
    schema::normalize_sequence(q.seq);
    seqs.push_back(std::move(q));
  }
  const std::size_t sequences_at = ddl.size();

  // Tables in creation (oid) order.
  std::vector<TableInfo> tables;
  std::map<std::string, std::size_t> by_oid;
  for (const auto& r : c.query(
           "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, CASE WHEN c.relkind = 'p' THEN "
           "pg_get_partkeydef(c.oid) END, CASE WHEN c.relispartition THEN (SELECT i.inhparent::regclass::text "
           "FROM pg_inherits i WHERE i.inhrelid = c.oid) END, CASE WHEN c.relispartition THEN "
           "pg_get_expr(c.relpartbound, c.oid) END, obj_description(c.oid, 'pg_class'), CASE WHEN NOT "
           "c.relispartition THEN (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno) FROM "
           "pg_inherits i WHERE i.inhrelid = c.oid) END FROM pg_class c JOIN "
           "pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND " + ns + " AND " +
           not_extension_member("pg_class", "c.oid") + " ORDER BY c.oid").rows) {
    TableInfo t;
    t.oid = cell(r[0]);
    t.nsp = cell(r[1]);
    t.name = cell(r[2]);
    if (is_internal_table(t.name)) continue;
    t.relkind = cell(r[3]).empty() ? 'r' : cell(r[3])[0];
    t.unlogged = cell(r[4]) == "u";
    t.partkey = cell(r[5]);
    t.parent = cell(r[6]);
    t.bound = cell(r[7]);
    t.comment = driver::is_null(r[8]) ? std::string("\x01") : cell(r[8]);
    t.inherits = cell(r[9]);
    by_oid[t.oid] = tables.size();
    tables.push_back(std::move(t));
  }
  if (!tables.empty()) {
    std::string oids;
    for (const auto& t : tables) oids += (oids.empty() ? "" : ",") + t.oid;
    const std::string in = "(" + oids + ")";

    struct Col {
      std::string def;
      std::string comment;
      bool has_comment = false;
      std::string name;
      bool local = true;  // declared by the table itself (not only inherited through INHERITS)
    };
    std::map<std::string, std::vector<Col>> cols;
    for (const auto& r : c.query(
             "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
             "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, CASE WHEN a.attcollation <> 0 AND "
             "a.attcollation <> t.typcollation THEN co.collname END, col_description(a.attrelid, a.attnum), "
             "a.attnum, t.typname, (SELECT q.seqstart || ' ' || q.seqincrement FROM "
             "pg_sequence q WHERE q.seqrelid = pg_get_serial_sequence(a.attrelid::regclass::text, "
             "a.attname)::regclass AND a.attidentity <> ''), a.attislocal, format_type(a.atttypid, NULL) "
             "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = "
             "a.attrelid AND d.adnum = a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation WHERE "
             "a.attnum > 0 AND NOT a.attisdropped AND a.attrelid IN " + in + " ORDER BY a.attrelid, a.attnum")
                              .rows) {
      const std::string name = cell(r[1]);
      std::string type = cell(r[2]);
      const std::string deflt = cell(r[4]);
      const std::string identity = cell(r[5]);
      const std::string generated = cell(r[6]);
      bool serial = false;
      if (auto q = seq_of_column.find(cell(r[0]) + ":" + cell(r[9])); q != seq_of_column.end() && identity.empty() &&
                                                                      generated.empty()) {
        const TableInfo& t = tables[by_oid.at(cell(r[0]))];
        serial = is_serial_of(seqs[q->second], t.nsp, t.name, name, type, cell(r[3]) == "true", deflt);
        seqs[q->second].serial = serial;
      }
      std::string def = schema::quote_ident(name, kPg) + " ";
      if (serial && type == "integer") def += "serial";
      else if (serial && type == "bigint") def += "bigserial";
      else if (serial && type == "smallint") def += "smallserial";
      else def += type;
      if (!driver::is_null(r[7])) def += " COLLATE " + schema::quote_ident(cell(r[7]), kPg);
      if (generated == "s") {
        def += " GENERATED ALWAYS AS (" + deflt + ") STORED";
      } else if (!identity.empty()) {
        def += identity == "a" ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY";
        const auto parts = util::split(cell(r[11]), ' ');
        std::vector<std::string> opts;
        if (parts.size() == 2 && parts[0] != "1") opts.push_back("START WITH " + parts[0]);
        if (parts.size() == 2 && parts[1] != "1") opts.push_back("INCREMENT BY " + parts[1]);
        if (!opts.empty()) def += " (" + util::join(opts, " ") + ")";
      } else if (!serial && !deflt.empty()) {
        def += " DEFAULT " + strip_literal_cast(deflt, cell(r[13]));
      }
      if (cell(r[3]) == "true") def += " NOT NULL";
      Col col{def, cell(r[8]), !driver::is_null(r[8]), name, cell(r[12]) != "false"};
      cols[cell(r[0])].push_back(std::move(col));
    }

    // Constraints (not NOT NULL, not inherited from a partitioned parent).
    struct Con {
      std::string table_oid, name, type, def;
    };
    std::vector<Con> cons;
    for (const auto& r : c.query("SELECT con.conrelid, con.conname, con.contype, pg_get_constraintdef(con.oid) "
                                 "FROM pg_constraint con WHERE con.conrelid IN " + in +
                                 " AND con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conparentid = 0 AND "
                                 "con.conislocal ORDER BY con.conrelid, con.oid")
                             .rows)
      cons.push_back({cell(r[0]), cell(r[1]), cell(r[2]), cell(r[3])});

    // Storage parameters (autovacuum_*, fillfactor ...), set as ALTER TABLE ... SET (...) after the
    // table, as schema files write them (kept verbatim: the model does not hold them).
    std::map<std::string, std::vector<std::string>> reloptions;
    for (const auto& r : c.query("SELECT c.oid, o.option_name, o.option_value FROM pg_class c, "
                                 "pg_options_to_table(c.reloptions) o WHERE c.oid IN " + in + " ORDER BY c.oid")
                             .rows)
      reloptions[cell(r[0])].push_back(schema::quote_ident(cell(r[1]), kPg) + " = " + schema::quote_string(cell(r[2])));

    std::vector<std::string> fks;
    // Storage-parameter statements in table-name order (a rebuilt database lists its tables in
    // another oid order, and the second pull must write the same file).
    std::vector<std::pair<std::pair<std::string, std::string>, std::string>> storage;
    for (const auto& t : tables) {
      const std::string tq = qname(t.nsp, t.name);
      std::string st = std::string("CREATE ") + (t.unlogged ? "UNLOGGED " : "") + "TABLE " + tq;
      if (!t.parent.empty()) {
        // A partition: its columns are the parent's; constraints of its own are listed.
        st += " PARTITION OF " + t.parent;
        std::vector<std::string> items;
        for (const auto& con : cons) {
          if (con.table_oid != t.oid) continue;
          const std::string item = "CONSTRAINT " + schema::quote_ident(con.name, kPg) + " " + con.def;
          if (con.type == "f") fks.push_back("ALTER TABLE " + tq + " ADD " + item);
          else items.push_back(item);
        }
        if (!items.empty()) st += " (" + util::join(items, ", ") + ")";
        st += " " + t.bound;
        if (!t.partkey.empty()) st += " PARTITION BY " + t.partkey;
      } else {
        // INHERITS: the parents' columns come with the parents; a column the child declares
        // again (attislocal) is listed, merged by the server as when it was created.
        std::vector<std::string> items;
        for (const auto& col : cols[t.oid])
          if (col.local || t.inherits.empty()) items.push_back(col.def);
        for (const auto& con : cons) {
          if (con.table_oid != t.oid) continue;
          const std::string item = "CONSTRAINT " + schema::quote_ident(con.name, kPg) + " " + con.def;
          if (con.type == "f") fks.push_back("ALTER TABLE " + tq + " ADD " + item);
          else items.push_back(item);
        }
        st += " (" + util::join(items, ", ") + ")";
        if (!t.inherits.empty()) st += " INHERITS (" + t.inherits + ")";
        if (!t.partkey.empty()) st += " PARTITION BY " + t.partkey;
      }
      add(st);
      if (auto it = reloptions.find(t.oid); it != reloptions.end())
        storage.emplace_back(std::make_pair(t.nsp, t.name), "ALTER TABLE " + tq + " SET (" + util::join(it->second, ", ") + ")");
      if (t.comment != "\x01") add("COMMENT ON TABLE " + tq + " IS " + schema::quote_string(t.comment));
      for (const auto& col : cols[t.oid])
        if (col.has_comment)
          add("COMMENT ON COLUMN " + tq + "." + schema::quote_ident(col.name, kPg) + " IS " +
              schema::quote_string(col.comment));
    }
    for (const auto& fk : fks) add(fk);
    std::stable_sort(storage.begin(), storage.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [table, st] : storage) add(st);
  }
  {
    std::string created;
    for (const auto& q : seqs) {
      if (q.serial) continue;
      created += schema::print_create_sequence(q.seq) + ";\n";
      if (!q.seq.owned_by.empty()) add(schema::print_sequence_owner(q.seq));
    }
    ddl.insert(sequences_at, created);
  }

  // Indexes not backing a constraint, and not partitions of a partitioned index.
  const std::string indexes_sql =
      "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN "
      "pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND " + ns + " AND " +
      not_extension_member("pg_class", "c.oid") +
      " AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN "
      "('p', 'u', 'x')) AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) AND "
      "c.relname NOT LIKE '\\_flash\\_%' ORDER BY i.indexrelid";

  // Functions and procedures (kept as raw statements), then views, then triggers. Functions
  // another object owns (pg_depend 'i': a range type's constructors) come with that object.
  for (const auto& r : c.query("SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = "
                               "p.pronamespace WHERE p.prokind IN ('f', 'p') AND " + ns + " AND " +
                               not_extension_member("pg_proc", "p.oid") +
                               " AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_proc'::regclass "
                               "AND i.objid = p.oid AND i.deptype = 'i') ORDER BY p.oid")
                           .rows)
    add(strip_semicolon(cell(r[0])));

  // Aggregates (pg_get_functiondef cannot print them): rebuilt from pg_aggregate.
  for (const auto& r : c.query(
           "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), a.aggtransfn::regproc::text, "
           "format_type(a.aggtranstype, NULL), NULLIF(a.aggfinalfn::oid, 0)::regproc::text, a.agginitval, "
           "NULLIF(a.aggcombinefn::oid, 0)::regproc::text, NULLIF(a.aggsortop, 0)::regoperator::text, "
           "a.aggtransspace, a.aggfinalextra, a.aggkind FROM pg_proc p JOIN pg_namespace n ON n.oid = "
           "p.pronamespace JOIN pg_aggregate a ON a.aggfnoid = p.oid WHERE p.prokind = 'a' AND " + ns + " AND " +
           not_extension_member("pg_proc", "p.oid") + " ORDER BY p.oid")
                           .rows) {
    if (cell(r[11]) != "n") continue;  // ordered-set / hypothetical aggregates: not rebuilt
    std::vector<std::string> opts = {"SFUNC = " + cell(r[3]), "STYPE = " + cell(r[4])};
    if (cell(r[9]) != "0" && !cell(r[9]).empty()) opts.push_back("SSPACE = " + cell(r[9]));
    if (!cell(r[5]).empty()) opts.push_back("FINALFUNC = " + cell(r[5]));
    if (cell(r[10]) == "true") opts.push_back("FINALFUNC_EXTRA");
    if (!cell(r[7]).empty()) opts.push_back("COMBINEFUNC = " + cell(r[7]));
    if (!driver::is_null(r[6])) opts.push_back("INITCOND = " + schema::quote_string(cell(r[6])));
    if (!cell(r[8]).empty()) {
      // "<(integer,integer)" → "<": the operator name.
      std::string op = cell(r[8]);
      op = op.substr(0, op.find('('));
      opts.push_back("SORTOP = " + op);
    }
    add("CREATE AGGREGATE " + qname(cell(r[0]), cell(r[1])) + "(" + cell(r[2]) + ") (" + util::join(opts, ", ") + ")");
  }

  std::string views;
  for (const auto& r : c.query("SELECT n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid, true) FROM pg_class "
                               "c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND " +
                               ns + " AND " + not_extension_member("pg_class", "c.oid") + " ORDER BY c.oid")
                           .rows)
    add(std::string("CREATE ") + (cell(r[2]) == "m" ? "MATERIALIZED " : "") + "VIEW " + qname(cell(r[0]), cell(r[1])) +
        " AS " + strip_semicolon(std::string(util::trim(cell(r[3])))));

  for (const auto& r : c.query(indexes_sql).rows) add(cell(r[0]));

  for (const auto& r : c.query("SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = "
                               "t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal "
                               "AND t.tgparentid = 0 AND " + ns + " ORDER BY t.oid")
                           .rows)
    add(cell(r[0]));

  // Rules other than the ones that make a view a view.
  for (const auto& r : c.query("SELECT pg_get_ruledef(r.oid) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
                               "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND " +
                               ns + " AND " + not_extension_member("pg_class", "c.oid") + " ORDER BY r.oid")
                           .rows)
    add(strip_semicolon(cell(r[0])));

  // Comments on objects other than tables and their columns: schemas, types (enums, composite),
  // domains, views and materialized views and their columns.
  for (const auto& r : c.query(
           "SELECT 'SCHEMA', quote_ident(n.nspname), d.description FROM pg_namespace n JOIN pg_description d ON "
           "d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass WHERE " + ns + " AND n.nspname <> 'public' "
           "UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, CASE WHEN n.nspname = 'public' "
           "THEN '' ELSE quote_ident(n.nspname) || '.' END || quote_ident(t.typname), d.description FROM pg_type t "
           "JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_description d ON d.objoid = t.oid AND d.classoid = "
           "'pg_type'::regclass AND d.objsubid = 0 WHERE t.typtype IN ('e', 'd', 'c') AND (t.typtype <> 'c' OR "
           "(SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c') AND " + ns + " AND " +
           not_extension_member("pg_type", "t.oid") +
           " UNION ALL SELECT CASE WHEN d.objsubid <> 0 THEN 'COLUMN' WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW' "
           "ELSE 'VIEW' END, CASE WHEN n.nspname = 'public' THEN '' ELSE quote_ident(n.nspname) || '.' END || "
           "quote_ident(c.relname) || CASE WHEN d.objsubid <> 0 THEN '.' || quote_ident((SELECT attname FROM "
           "pg_attribute WHERE attrelid = c.oid AND attnum = d.objsubid)) ELSE '' END, d.description FROM pg_class c "
           "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_description d ON d.objoid = c.oid AND d.classoid = "
           "'pg_class'::regclass WHERE c.relkind IN ('v', 'm') AND " + ns + " AND " +
           not_extension_member("pg_class", "c.oid"))
                           .rows)
    add("COMMENT ON " + cell(r[0]) + " " + cell(r[1]) + " IS " + schema::quote_string(cell(r[2])));

  schema::Schema model;
  model.dialect = kPg;
  apply_reported_ddl(model, "schema", ddl);
  tidy_defaults(model);
  return model;
}

}  // namespace flash::pull
