// gen --verify: scratch environments per database, and the comparison of the analyzer's view of a
// query with the database's. The rules of compare() are deliberately one-sided where the database
// says less than it seems (see verify.hpp): a reported mismatch is always a real one.
#include "flash/verify/verify.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include "flash/schema/printer.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/schema/types.hpp"

namespace flash::verify {
namespace {

using schema::Dialect;
using schema::engine_name;
using schema::TypeCategory;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}


std::string random_suffix() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> dist(0, 15);
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 8; ++i) s += hex[dist(rd)];
  return s;
}

// What we say about a type, for messages: "int32", "enum user_role", "text[]".
std::string ours_text(const query::ResolvedType& t, bool slice) {
  std::string s(schema::to_string(t.category));
  if (t.category == TypeCategory::enum_ && !t.enum_name.empty()) s = "enum " + t.enum_name;
  if (!t.sql.name.empty() && t.category != TypeCategory::enum_) s += " (" + t.sql.name + ")";
  for (int i = 0; i < t.array_dims + (slice && t.array_dims == 0 ? 1 : 0); ++i) s += "[]";
  return s;
}

std::string db_text(const driver::DescribedType& t) {
  if (t.name.empty()) return "(no declared type)";
  return t.name;
}

// The database's type as one of our categories; nullopt when the database's answer says nothing
// we can hold against ours (no declared type, unknown, pseudo-types, NULL literals).
std::optional<TypeCategory> db_category(const driver::DescribedType& t, Dialect d) {
  if (t.is_enum) return TypeCategory::enum_;
  switch (d) {
    case Dialect::postgresql: {
      if (t.base.empty() || t.base == "unknown") return std::nullopt;
      schema::TypeRef r;
      r.name = t.base;
      const TypeCategory c = schema::category(r, d);
      if (c == TypeCategory::other) return std::nullopt;
      return c;
    }
    case Dialect::mysql: {
      std::string base = lower(t.base);
      if (base.empty() || base == "null" || base == "unknown" || base == "geometry") return std::nullopt;
      if (base == "set") return TypeCategory::text;
      schema::TypeRef r;
      r.name = base;
      r.is_unsigned = t.is_unsigned;
      if (base == "tinyint" && t.length == 1) r.args = {"1"};
      const TypeCategory c = schema::category(r, d);
      if (c == TypeCategory::other) return std::nullopt;
      return c;
    }
    case Dialect::sqlite: {
      if (t.base.empty()) return std::nullopt;
      schema::TypeRef r;
      r.name = lower(t.base);
      const TypeCategory c = schema::category(r, d);
      if (c == TypeCategory::other) return std::nullopt;
      return c;
    }
    case Dialect::mongodb: break;
  }
  return std::nullopt;
}

int int_width(TypeCategory c) {
  switch (c) {
    case TypeCategory::int16: return 16;
    case TypeCategory::int32: return 32;
    case TypeCategory::int64: return 64;
    default: return 0;
  }
}

bool text_like(TypeCategory c) { return c == TypeCategory::text; }

std::string unqualified(std::string_view name) {
  const auto dot = name.rfind('.');
  return std::string(dot == std::string_view::npos ? name : name.substr(dot + 1));
}

// Whether a database type category is a faithful match for ours. `param`: the value flows from
// us to the database, so a wider integer on the database side holds every value we send.
bool compatible(const query::ResolvedType& ours, TypeCategory db, const driver::DescribedType& dt,
                Dialect d, bool param, bool expression = false) {
  const TypeCategory o = ours.category;
  if (o == db) {
    if (o == TypeCategory::enum_ && d == Dialect::postgresql && !ours.enum_name.empty())
      return lower(unqualified(ours.enum_name)) == lower(dt.base);
    return true;
  }
  if (param && int_width(o) && int_width(db) && int_width(db) >= int_width(o)) return true;
  if (d == Dialect::mysql) {
    // MySQL has no boolean type: BOOLEAN is TINYINT(1), and comparisons yield integers of display
    // width 1; the generators convert 0/1.
    if (o == TypeCategory::boolean && int_width(db) && dt.length == 1) return true;
    // MariaDB's JSON is an alias of LONGTEXT (with a CHECK): the wire type is text.
    if (o == TypeCategory::json && text_like(db)) return true;
    // MariaDB's UUID type travels as a string.
    if (o == TypeCategory::uuid && text_like(db)) return true;
    // MySQL sizes the integer type of an expression by the digits of its operands (SELECT 1 is
    // INT, SELECT 12345678901 BIGINT), which no analysis of the text follows; a wider type of ours
    // holds every value.
    if (expression && !param && int_width(o) && int_width(db) && int_width(o) >= int_width(db)) return true;
    // TRUE, FALSE and comparisons are integers 1 / 0 in MySQL.
    if (expression && !param && o == TypeCategory::boolean && int_width(db)) return true;
  }
  return false;
}

bool plain_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !std::isdigit(static_cast<unsigned char>(s.front()));
}

bool returns_rows(query::Kind k) {
  return k == query::Kind::one || k == query::Kind::many || k == query::Kind::batchone ||
         k == query::Kind::batchmany;
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

diag::Diagnostic mismatch(const query::Query& q, std::string message) {
  diag::Diagnostic dg;
  dg.severity = diag::Severity::error;
  dg.code = "gen.verify";
  dg.message = "query " + q.name + ": " + std::move(message);
  dg.location = q.loc;
  if (dg.location.file.empty()) dg.location.file = q.file;
  dg.exit_code = diag::ExitCode::check_failed;
  return dg;
}

}  // namespace

std::size_t expected_param_count(const query::Query& q, Dialect dialect) {
  if (dialect == Dialect::mysql) return q.bind_order.empty() ? q.params.size() : q.bind_order.size();
  // $n and ?n: the database counts up to the highest number (a name used twice has one number).
  int highest = 0;
  for (const auto& p : q.params) highest = std::max(highest, p.number);
  return static_cast<std::size_t>(std::max<int>(highest, static_cast<int>(q.params.size())));
}

namespace {
// MariaDB computes window functions over a temporary table and then reports every column of the
// query as "maybe NULL".
bool has_window_function(const query::Query& q, Dialect d) {
  diag::Diagnostics ignored;
  const sql::SourceFile src{"", q.sql};
  for (const sql::Token& t : sql::lex(src, d, ignored))
    if (t.kind == sql::TokenKind::identifier && t.is("OVER")) return true;
  return false;
}
}  // namespace

void compare(const query::Query& q, const driver::StatementDescription& d, Dialect dialect, Result& r,
             const schema::Schema* schema) {
  const std::string db = engine_name(dialect);
  auto add = [&](std::string m, std::optional<std::string> hint = std::nullopt) {
    auto dg = mismatch(q, std::move(m));
    dg.hint = std::move(hint);
    r.diagnostics.push_back(std::move(dg));
  };

  // ---- parameters
  const std::size_t want = expected_param_count(q, dialect);
  if (d.param_count != want) {
    add("we bind " + std::to_string(want) + " parameter(s), " + db + " counts " +
        std::to_string(d.param_count) + " placeholder(s)");
  } else if (!d.params.empty()) {
    for (const auto& p : q.params) {
      if (p.number < 1 || static_cast<std::size_t>(p.number) > d.params.size()) continue;
      const auto& dt = d.params[static_cast<std::size_t>(p.number) - 1];
      const int our_dims = p.type.array_dims + (p.is_slice && p.type.array_dims == 0 ? 1 : 0);
      const auto cat = db_category(dt, dialect);
      if (p.type.category == TypeCategory::other) continue;
      if (cat) ++r.params_checked;
      const bool dims_differ = (our_dims > 0) != (dt.array_dims > 0) && (cat || dt.array_dims > 0);
      if (dims_differ || (cat && !compatible(p.type, *cat, dt, dialect, true))) {
        add("parameter $" + std::to_string(p.number) + " `" + p.name + "`: we infer " +
            ours_text(p.type, p.is_slice) + ", " + db + " infers " + db_text(dt));
      }
    }
  }

  // ---- result columns: only where the generated code reads rows. The exec kinds discard them
  // (an :exec over a SELECT is valid), so there is nothing of ours to compare.
  if (!returns_rows(q.kind)) return;
  if (d.columns.size() != q.columns.size()) {
    std::string ours, theirs;
    for (const auto& c : q.columns) ours += (ours.empty() ? "" : ", ") + c.name;
    for (const auto& c : d.columns) theirs += (theirs.empty() ? "" : ", ") + c.name;
    add("we infer " + std::to_string(q.columns.size()) + " result column(s) (" + ours + "), " + db +
        " returns " + std::to_string(d.columns.size()) + " (" + theirs + ")");
    return;
  }
  for (std::size_t i = 0; i < q.columns.size(); ++i) {
    const auto& c = q.columns[i];
    const auto& dc = d.columns[i];
    const std::string label = "column " + std::to_string(i + 1) + " `" + c.name + "`";
    // Names: where the database's name is one a query author chose or a table column's. MySQL and
    // SQLite name an unaliased expression by its text (SELECT 'a' is `a`), which sqlc-style naming
    // replaces (column_1), so there only columns with an origin are compared; PostgreSQL names
    // expressions like we do ("?column?" aside). Generated code reads columns by position, so a
    // difference in case is not a mismatch.
    const bool has_origin = !dc.table.empty() && !dc.column.empty();
    const bool comparable_name = dialect == Dialect::postgresql ? plain_identifier(dc.name) : has_origin;
    if (comparable_name && lower(dc.name) != lower(c.name))
      add(label + ": " + db + " names it `" + dc.name + "`");

    const auto cat = db_category(dc.type, dialect);
    if (c.type.category != TypeCategory::other && (cat || dc.type.array_dims > 0)) {
      ++r.columns_checked;
      const bool dims_differ = (c.type.array_dims > 0) != (dc.type.array_dims > 0);
      const bool expression = dc.table.empty() || dc.column.empty();
      if (dims_differ || (cat && !compatible(c.type, *cat, dc.type, dialect, false, expression)))
        add(label + ": we infer " + ours_text(c.type, false) + ", " + db + " returns " + db_text(dc.type));
    }

    if (dc.nullable) {
      // MySQL's NOT NULL is a proof; its "maybe NULL" is conservative for expressions, scalar
      // subqueries and CTE columns (a COUNT subquery is "maybe NULL"), and exact only for columns
      // of base tables (their NOT NULL and the outer joins they sit under).
      // MariaDB names the base table even for a column read through a derived table, where its
      // "maybe NULL" is again conservative: only a column we also take straight from the table counts.
      const bool base_column = !dc.table.empty() && !dc.column.empty() && !c.table.empty() &&
                               (!schema || schema->find_table(dc.table) != nullptr) &&
                               !(dialect == Dialect::mysql && has_window_function(q, dialect));
      if (!c.nullable && *dc.nullable && base_column)
        add(label + ": we infer NOT NULL, " + db + " says the column can be NULL",
            "generated code would fail on a NULL; if the value is never NULL here, say so with COALESCE");
      else if (c.nullable && !*dc.nullable)
        add(label + ": we infer nullable, " + db + " says the column is never NULL");
    } else if (!c.nullable && dc.source_not_null && !*dc.source_not_null) {
      // The value is the table column's: nullable there means nullable here, joins or not.
      add(label + ": we infer NOT NULL, but it is " + dc.table + "." + dc.column +
              ", which " + db + " has as nullable",
          "generated code would fail on a NULL");
    }
  }
}

namespace {

// Prepares every query and compares; DbErrors of single statements become diagnostics, a lost
// connection ends the run. `before`/`after_ok`/`after_fail` wrap each statement (PostgreSQL
// savepoints).
template <class Before, class AfterOk, class AfterFail>
void run_all(driver::StatementDescriber& describer, const schema::Schema& schema,
             const query::AnalyzedQueries& queries, Dialect dialect, Result& r, std::vector<Probe>* probes,
             Before before, AfterOk after_ok, AfterFail after_fail) {
  for (const auto& q : queries.queries) {
    driver::StatementDescription d;
    before();
    try {
      d = describer.describe(q.sql);
    } catch (const driver::DbError& e) {
      if (!e.connection_usable()) throw;
      after_fail();
      auto dg = mismatch(q, engine_name(dialect) + " rejects it: " + std::string(e.what()));
      r.diagnostics.push_back(std::move(dg));
      continue;
    }
    after_ok();
    ++r.queries;
    compare(q, d, dialect, r, &schema);
  }
  if (!probes) return;
  for (Probe& p : *probes) {
    before();
    try {
      describer.describe(p.sql);
      p.accepted = true;
      p.error.clear();
      after_ok();
    } catch (const driver::DbError& e) {
      if (!e.connection_usable()) throw;
      after_fail();
      p.accepted = false;
      p.error = e.what();
    }
  }
}

// The DDL loaded into the scratch environment: the schema as `flash schema` prints it, without
// ownership and privilege statements (ALTER ... OWNER TO, GRANT, REVOKE): they change nothing a
// query means and need roles the verifying user may not have. Indexes are built without
// CONCURRENTLY: PostgreSQL refuses it inside the transaction the scratch schema lives in, and on
// the scratch's empty tables, which no other session sees, a plain CREATE INDEX builds the same
// index (CONCURRENTLY only changes the lock taken while it builds on a live table).
std::string scratch_ddl(const schema::Schema& schema) {
  auto grants = [](const schema::RawStatement& r) { return r.kind == "owner" || r.kind == "grant" || r.kind == "revoke"; };
  schema::Schema s = schema;
  s.raw.erase(std::remove_if(s.raw.begin(), s.raw.end(), grants), s.raw.end());
  for (auto& i : s.indexes) i.concurrently = false;
  return schema::print_schema(s);
}

[[noreturn]] void schema_does_not_load(Dialect d, const driver::DbError& e) {
  std::string m = "the schema does not load into " + engine_name(d) + ": " + e.what();
  throw diag::Error("gen.verify", m, diag::ExitCode::error,
                    "verification loads the schema files as `flash schema` prints them into a scratch " +
                        std::string(d == Dialect::mysql ? "database" : "schema"));
}

void verify_sqlite(const schema::Schema& schema, const query::AnalyzedQueries& queries,
                   driver::SqlConnection* conn, Result& r, std::vector<Probe>* probes) {
  std::unique_ptr<driver::SqlConnection> own;
  if (!conn) {
    config::DatabaseUrl url;
    url.dialect = Dialect::sqlite;
    url.scheme = "sqlite";
    url.database = ":memory:";
    own = driver::connect_sql(url);
    conn = own.get();
  }
  r.where = "SQLite " + conn->server_version() + (own ? " in memory" : "");
  try {
    if (const std::string ddl = scratch_ddl(schema); !blank(ddl)) conn->execute(ddl);
  } catch (const driver::DbError& e) {
    schema_does_not_load(Dialect::sqlite, e);
  }
  auto* describer = driver::describer(*conn);
  if (!describer) throw diag::Error("gen.verify", "this connection cannot describe statements");
  run_all(*describer, schema, queries, Dialect::sqlite, r, probes, [] {}, [] {}, [] {});
}

void verify_postgres(const schema::Schema& schema, const query::AnalyzedQueries& queries,
                     driver::SqlConnection& conn, Result& r, std::vector<Probe>* probes) {
  auto* describer = driver::describer(conn);
  if (!describer) throw diag::Error("gen.verify", "this connection cannot describe statements");
  const std::string scratch = "flash_verify_" + random_suffix();
  r.where = "PostgreSQL " + conn.server_version() + ", schema " + scratch;
  // Everything happens in one transaction that is rolled back: the scratch schema never
  // outlives the run, whatever happens.
  conn.execute("BEGIN");
  try {
    // The scratch schema stands in for `public`: the database's own public schema is renamed
    // aside inside the transaction (rolled back like everything else), so that schema files and
    // queries naming `public.t` explicitly (pg_dump output: nextval('public.t_id_seq')) see the
    // scratch objects. Renaming needs ownership of public; without it a plain scratch schema is
    // used and `public.t` still means the server's own.
    bool renamed = false;
    conn.execute("SAVEPOINT flash_verify_public");
    try {
      conn.execute("ALTER SCHEMA public RENAME TO " + scratch);
      conn.execute("CREATE SCHEMA public");
      conn.execute("RELEASE SAVEPOINT flash_verify_public");
      renamed = true;
    } catch (const driver::DbError& e) {
      if (!e.connection_usable()) throw;
      conn.execute("ROLLBACK TO SAVEPOINT flash_verify_public");
      conn.execute("CREATE SCHEMA " + scratch);
    }
    // The database's public stays on the path for extension functions and types installed there.
    // As pg_dump does: function bodies are checked when called, not in the order they are created.
    conn.execute("SET LOCAL check_function_bodies = off");
    if (renamed) {
      r.where = "PostgreSQL " + conn.server_version() + ", a scratch public schema (the database's own set aside)";
      conn.execute("SET LOCAL search_path TO public, " + scratch);
    } else {
      conn.execute("SET LOCAL search_path TO " + scratch + ", public");
    }
    try {
      if (const std::string ddl = scratch_ddl(schema); !blank(ddl)) conn.execute(ddl);
    } catch (const driver::DbError& e) {
      if (!e.connection_usable()) throw;
      schema_does_not_load(Dialect::postgresql, e);
    }
    run_all(
        *describer, schema, queries, Dialect::postgresql, r, probes, [&] { conn.execute("SAVEPOINT flash_verify_query"); },
        [&] { conn.execute("RELEASE SAVEPOINT flash_verify_query"); },
        [&] { conn.execute("ROLLBACK TO SAVEPOINT flash_verify_query"); });
  } catch (...) {
    try {
      conn.execute("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  conn.execute("ROLLBACK");
}

void verify_mysql(const schema::Schema& schema, const query::AnalyzedQueries& queries,
                  driver::SqlConnection& conn, Result& r, std::vector<Probe>* probes) {
  auto* describer = driver::describer(conn);
  if (!describer) throw diag::Error("gen.verify", "this connection cannot describe statements");
  const std::string scratch = "flash_verify_" + random_suffix();
  r.where = "MySQL " + conn.server_version() + ", database " + scratch;
  std::string original;
  {
    auto rs = conn.query("SELECT DATABASE()");
    if (!rs.rows.empty() && !rs.rows[0].empty())
      if (const auto* s = std::get_if<std::string>(&rs.rows[0][0])) original = *s;
  }
  // CREATE SCHEMA in the schema files creates databases beside the scratch one: only when none of
  // them exists yet (an existing database is never touched), and they are dropped with it.
  for (const auto& name : schema.schemas) {
    const driver::Value v = name;
    auto rs = conn.query("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", {&v, 1});
    if (!rs.rows.empty() && !rs.rows[0].empty() && driver::to_display(rs.rows[0][0]) != "0")
      throw diag::Error("gen.verify",
                        "the schema files create database " + name + ", which exists on the server; "
                        "verification will not touch it",
                        diag::ExitCode::error, "verify against a server without a database named " + name);
  }
  try {
    conn.execute("CREATE DATABASE " + schema::quote_ident_always(scratch, schema::Dialect::mysql));
  } catch (const driver::DbError& e) {
    if (!e.connection_usable()) throw;
    // 1044 access denied to database, 1142 command denied, 1227 needs a privilege.
    const bool denied = e.native_code() == 1044 || e.native_code() == 1142 || e.native_code() == 1227 ||
                        e.sqlstate() == "42000";
    throw diag::Error("gen.verify",
                      "cannot create the scratch database " + scratch + " for verification: " + e.what(),
                      diag::ExitCode::error,
                      denied ? std::optional<std::string>("grant the user CREATE and DROP on `flash_verify_%`.*, "
                                                          "e.g. GRANT CREATE, DROP ON `flash\\_verify\\_%`.* TO ...")
                             : std::nullopt);
  }
  auto cleanup = [&] {
    try {
      conn.execute("DROP DATABASE IF EXISTS " + schema::quote_ident_always(scratch, schema::Dialect::mysql));
      for (const auto& name : schema.schemas) conn.execute("DROP DATABASE IF EXISTS " + schema::quote_ident_always(name, schema::Dialect::mysql));
      if (!original.empty()) conn.execute("USE " + schema::quote_ident_always(original, schema::Dialect::mysql));
    } catch (...) {
    }
  };
  try {
    conn.execute("USE " + schema::quote_ident_always(scratch, schema::Dialect::mysql));
    try {
      if (const std::string ddl = scratch_ddl(schema); !blank(ddl)) conn.execute(ddl);
    } catch (const driver::DbError& e) {
      if (!e.connection_usable()) throw;
      schema_does_not_load(Dialect::mysql, e);
    }
    conn.execute("USE " + schema::quote_ident_always(scratch, schema::Dialect::mysql));  // in case the schema's raw statements switched
    run_all(*describer, schema, queries, Dialect::mysql, r, probes, [] {}, [] {}, [] {});
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
}

}  // namespace

Result verify_queries(const schema::Schema& schema, const query::AnalyzedQueries& queries,
                      driver::SqlConnection* conn, std::vector<Probe>* probes) {
  Result r;
  const Dialect d = queries.dialect;
  if (d == Dialect::sqlite) {
    verify_sqlite(schema, queries, conn, r, probes);
    return r;
  }
  if (d == Dialect::mongodb)
    throw diag::Error("gen.verify", "MongoDB has no SQL queries to verify");
  if (!conn)
    throw diag::Error("gen.verify", "verifying " + engine_name(d) + " queries needs a database connection",
                      diag::ExitCode::error, "set the database URL (url_env in flash.toml)");
  if (conn->dialect() != d)
    throw diag::Error("gen.verify", "the queries are " + engine_name(d) + " but the connection is " +
                                        engine_name(conn->dialect()));
  if (d == Dialect::postgresql) verify_postgres(schema, queries, *conn, r, probes);
  else verify_mysql(schema, queries, *conn, r, probes);
  return r;
}

}  // namespace flash::verify
