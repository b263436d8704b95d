// MySQL and SQLite DDL → schema model: a recursive-descent parser over sql/lexer tokens, one
// statement at a time (statements come from split_statements, so DELIMITER blocks and trigger
// bodies arrive whole). Each statement is applied to the model immediately, so ALTER/DROP see the
// effect of everything above them. A problem in one statement becomes a located diagnostic and
// parsing resumes with the next statement.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "flash/diag/position.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/ddl_parser_internal.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/util/text.hpp"

namespace flash::sql {

using schema::Dialect;
using schema::Schema;
using schema::Table;

namespace {

// Thrown inside one statement; turned into a Diagnostic by apply_statements.
struct ParseError {
  std::size_t offset;  // absolute offset in the file
  std::size_t length;
  std::string code;
  std::string message;
  std::optional<std::string> hint;
};

struct QName {
  std::string schema;
  std::string name;
  std::size_t offset = 0;  // absolute offset of the name
  std::size_t length = 1;
};

bool ieq(std::string_view a, std::string_view b) { return util::iequals(a, b); }

// Both dialects compare table and column names case-insensitively (SQLite always; MySQL for
// columns, and for tables on the usual case-insensitive file systems), so lookups do too.
Table* find_table_ci(Schema& m, std::string_view name, std::string_view schema) {
  if (Table* t = m.find_table(name, schema)) return t;
  for (auto& t : m.tables)
    if (ieq(t.name, name) && ieq(t.schema, schema)) return &t;
  return nullptr;
}

schema::Column* find_column_ci(Table& t, std::string_view name) {
  if (auto* c = t.find_column(name)) return c;
  for (auto& c : t.columns)
    if (ieq(c.name, name)) return &c;
  return nullptr;
}

void rename_in(std::vector<std::string>& names, std::string_view from, const std::string& to) {
  for (auto& n : names)
    if (ieq(n, from)) n = to;
}

bool contains_ci(const std::vector<std::string>& names, std::string_view n) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& x) { return ieq(x, n); });
}

void erase_ci(std::vector<std::string>& names, std::string_view n) {
  names.erase(std::remove_if(names.begin(), names.end(), [&](const std::string& x) { return ieq(x, n); }),
              names.end());
}

// Statements with no effect on the schema model: DML, session and transaction control, and the
// client/maintenance commands of both engines.
bool is_skipped_statement(const std::string& first_word_upper) {
  static const std::set<std::string> skipped = {
      "INSERT", "UPDATE", "DELETE", "SELECT", "REPLACE", "WITH", "VALUES", "TABLE", "SET", "USE",
      "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", "CALL",
      "LOCK", "UNLOCK", "SHOW", "EXPLAIN", "DESCRIBE", "DESC", "ANALYZE", "VACUUM", "ATTACH",
      "DETACH", "REINDEX", "TRUNCATE", "FLUSH", "OPTIMIZE", "REPAIR", "CHECKSUM", "DO", "HANDLER",
      "LOAD", "PREPARE", "EXECUTE", "DEALLOCATE", "KILL", "RESET", "PURGE", "CHANGE", "XA",
      "INSTALL", "UNINSTALL", "CHECK", "CACHE", "SIGNAL", "RESIGNAL", "GET", "SOURCE", "ABORT"};
  return skipped.count(first_word_upper) > 0;
}

// Words that may follow CREATE / ALTER / DROP besides those parsed into the model; such statements
// are kept verbatim (Schema::raw). Any other word is a syntax error with a did-you-mean, so that a
// misspelling (`CREATE TABEL`) is not kept as a raw statement that fails only at apply.
const std::vector<std::string>& raw_object_words(Dialect d, std::string_view verb) {
  static const std::vector<std::string> mysql_create = {"USER", "ROLE", "SERVER", "TABLESPACE", "LOGFILE",
                                                        "SPATIAL", "RESOURCE", "SEQUENCE", "PACKAGE"};
  static const std::vector<std::string> mysql_alter = {"EVENT", "FUNCTION", "PROCEDURE", "SERVER", "TABLESPACE",
                                                       "USER", "LOGFILE", "INSTANCE", "RESOURCE", "SEQUENCE",
                                                       "ALGORITHM", "DEFINER", "SQL", "PACKAGE"};
  static const std::vector<std::string> mysql_drop = {"USER", "ROLE", "SERVER", "TABLESPACE", "LOGFILE",
                                                      "SPATIAL", "RESOURCE", "SEQUENCE", "PACKAGE", "PREPARE"};
  static const std::vector<std::string> none;
  if (d != Dialect::mysql) return none;
  if (verb == "CREATE") return mysql_create;
  if (verb == "ALTER") return mysql_alter;
  return mysql_drop;
}

// The object words each verb parses into the model, for did-you-mean hints.
std::vector<std::string> object_words(Dialect d, std::string_view verb) {
  std::vector<std::string> out;
  if (verb == "CREATE") {
    out = {"TABLE", "INDEX", "VIEW", "TRIGGER", "UNIQUE", "TEMPORARY"};
    if (d == Dialect::mysql) out.insert(out.end(), {"SCHEMA", "DATABASE", "FUNCTION", "PROCEDURE", "EVENT", "FULLTEXT"});
    else out.insert(out.end(), {"VIRTUAL", "TEMP"});
  } else if (verb == "ALTER") {
    out = {"TABLE"};
    if (d == Dialect::mysql) out.insert(out.end(), {"VIEW", "DATABASE", "SCHEMA"});
  } else {
    out = {"TABLE", "VIEW", "INDEX", "TRIGGER"};
    if (d == Dialect::mysql) out.insert(out.end(), {"SCHEMA", "DATABASE", "FUNCTION", "PROCEDURE", "EVENT"});
  }
  const auto& raw = raw_object_words(d, verb);
  out.insert(out.end(), raw.begin(), raw.end());
  return out;
}

// Leading words of the statements the parser knows, for the hint on an unknown one.
std::vector<std::string> statement_words() {
  return {"CREATE", "ALTER", "DROP", "RENAME", "GRANT", "REVOKE", "INSERT", "UPDATE", "DELETE", "SELECT",
          "REPLACE", "WITH", "SET", "USE", "BEGIN", "START", "COMMIT", "ROLLBACK", "PRAGMA", "TRUNCATE"};
}

class StatementParser {
 public:
  StatementParser(Schema& m, const SourceFile& file, const Statement& st, Dialect d, std::string& used_db)
      : m_(m), file_(file), st_(st), d_(d), used_db_(used_db) {
    sub_.path = file.path;
    sub_.text = st.text;
    diag::Diagnostics lex_diags;
    toks_ = lex(sub_, d, lex_diags);
    // An unterminated string or comment was already reported by the splitter (it swallows the
    // rest of the file into this statement); there is nothing more useful to say about it.
    lex_failed_ = !lex_diags.empty();
    // A statement split on a custom delimiter may still end with ';'.
    while (toks_.size() >= 2 && toks_[toks_.size() - 2].is(";")) toks_.erase(toks_.end() - 2);
  }

  void run() {
    if (lex_failed_) return;
    if (const auto at = too_deep_at(st_.text, d_))
      throw ParseError{st_.offset + *at, 1, "sql.too-deep",
                       "parentheses nested deeper than " + std::to_string(kMaxNesting) + " levels",
                       "Flash parses up to " + std::to_string(kMaxNesting) +
                           " levels of nesting; simplify the expression"};
    const std::string w = upper(peek());
    if (w == "CREATE") return create();
    if (w == "ALTER") return alter();
    if (w == "DROP") return drop();
    if (w == "RENAME") return rename_tables();
    if (w == "GRANT" || w == "REVOKE") return keep_raw(util::to_lower(w), "");
    if (w == "USE" && d_ == Dialect::mysql) {
      // USE db: the script's own target database, which is the one the schema is applied to;
      // names qualified with it from here on are in the default database.
      ++i_;
      used_db_ = name();
      return;
    }
    if (is_skipped_statement(w)) return;
    fail(peek(), "unsupported statement `" + std::string(peek().raw) + "`", "sql.syntax",
         w.empty() ? std::nullopt : diag::did_you_mean(w, statement_words()));
  }

  // A word after CREATE / ALTER / DROP that is not parsed into the model: kept raw when the
  // dialect has such a statement, else a syntax error.
  void raw_object(std::string_view verb) {
    const Token& t = peek();
    const std::string w = upper(t);
    const auto& allowed = raw_object_words(d_, verb);
    if (std::find(allowed.begin(), allowed.end(), w) == allowed.end()) {
      fail(t, "unknown object type " + describe(t) + " after " + std::string(verb), "sql.syntax",
           diag::did_you_mean(w, object_words(d_, verb)));
    }
    ++i_;
    std::string n;
    if (verb != "DROP" && is_name_token(peek())) n = peek().text;
    keep_raw(util::to_lower(verb == "CREATE" ? w : std::string(verb) + " " + w), n);
  }

 private:
  // ---- token helpers -------------------------------------------------------------------------
  const Token& peek(std::size_t k = 0) const {
    return toks_[std::min(i_ + k, toks_.size() - 1)];
  }
  bool at_end() const { return peek().kind == TokenKind::end; }
  static std::string upper(const Token& t) {
    return t.kind == TokenKind::identifier ? util::to_upper(t.raw) : std::string();
  }
  bool at(std::string_view kw, std::size_t k = 0) const { return peek(k).is(kw); }
  bool accept(std::string_view kw) {
    if (!at(kw)) return false;
    ++i_;
    return true;
  }
  bool accept_seq(std::initializer_list<std::string_view> kws) {
    std::size_t k = 0;
    for (auto kw : kws)
      if (!at(kw, k++)) return false;
    i_ += kws.size();
    return true;
  }
  std::size_t abs(const Token& t) const { return st_.offset + t.offset; }
  [[noreturn]] void fail(const Token& t, std::string msg, std::string code = "sql.syntax",
                         std::optional<std::string> hint = std::nullopt) const {
    throw ParseError{abs(t), std::max<std::size_t>(1, t.raw.size()), std::move(code), std::move(msg),
                     std::move(hint)};
  }
  std::string describe(const Token& t) const {
    if (t.kind == TokenKind::end) return "end of statement";
    return "`" + std::string(t.raw) + "`";
  }
  void expect(std::string_view kw) {
    if (!accept(kw)) fail(peek(), "expected `" + std::string(kw) + "`, found " + describe(peek()));
  }
  bool is_name_token(const Token& t) const {
    return t.kind == TokenKind::identifier || t.kind == TokenKind::quoted_ident;
  }
  std::string name() {
    const Token& t = peek();
    // MySQL also accepts a string where a name is expected in a few places (index/constraint
    // names are sometimes written that way); SQLite accepts 'name' for identifiers.
    if (!is_name_token(t) && t.kind != TokenKind::string)
      fail(t, "expected a name, found " + describe(t));
    ++i_;
    return t.text;
  }
  QName qname() {
    QName q;
    const Token& first = peek();
    q.offset = abs(first);
    q.name = name();
    if (at(".") && is_name_token(peek(1))) {
      ++i_;
      q.schema = std::move(q.name);
      q.name = name();
    }
    q.length = abs(toks_[i_ - 1]) + toks_[i_ - 1].raw.size() - q.offset;
    // SQLite's default schema is "main"; the model writes it as "".
    if (d_ == Dialect::sqlite && ieq(q.schema, "main")) q.schema.clear();
    if (d_ == Dialect::mysql && !used_db_.empty() && q.schema == used_db_) q.schema.clear();
    return q;
  }
  void if_not_exists(bool& flag) {
    if (accept_seq({"IF", "NOT", "EXISTS"})) flag = true;
  }
  bool if_exists() { return accept_seq({"IF", "EXISTS"}); }
  // Index just past the ')' matching the '(' at `i_`; leaves i_ there.
  std::size_t skip_group() {
    if (!at("(")) fail(peek(), "expected `(`, found " + describe(peek()));
    int depth = 0;
    for (; !at_end(); ++i_) {
      if (at("(")) ++depth;
      else if (at(")") && --depth == 0) return ++i_;
    }
    fail(peek(), "missing `)`");
  }
  // Exact source text of tokens [from, to).
  std::string text(std::size_t from, std::size_t to) const {
    if (to <= from) return {};
    const std::size_t b = toks_[from].offset;
    const std::size_t e = toks_[to - 1].offset + toks_[to - 1].raw.size();
    return std::string(std::string_view(sub_.text).substr(b, e - b));
  }
  std::string norm(std::size_t from, std::size_t to) const { return normalize_expr(text(from, to), d_); }
  // "(expr)" → normalised expr.
  std::string paren_expr() {
    const std::size_t b = i_;
    skip_group();
    return norm(b + 1, i_ - 1);
  }
  std::vector<std::string> name_list() {
    expect("(");
    std::vector<std::string> out;
    do {
      out.push_back(name());
      // SQLite/MySQL allow COLLATE, ASC/DESC and prefix lengths in key column lists.
      if (at("(")) skip_group();
      if (accept("COLLATE")) name();
      if (!accept("ASC")) accept("DESC");
    } while (accept(","));
    expect(")");
    return out;
  }
  diag::Location loc_of(const Token& t) const {
    diag::Location l;
    l.file = file_.path;
    const auto lc = diag::line_col(st_.text, t.offset);
    l.line = st_.line + lc.line - 1;
    l.column = lc.line == 1 ? st_.column + lc.column - 1 : lc.column;
    l.length = static_cast<int>(std::max<std::size_t>(1, t.raw.size()));
    return l;
  }
  // A value after DEFAULT / ON UPDATE: literal, signed number, (expr), name or function call.
  std::string simple_expr() {
    const std::size_t b = i_;
    if (at("(")) {
      skip_group();
    } else {
      if (at("+") || at("-")) ++i_;
      if (at_end() || at(",") || at(")")) fail(peek(), "expected an expression, found " + describe(peek()));
      const Token& t = peek();
      ++i_;
      if (t.kind == TokenKind::identifier && at("(")) skip_group();
      // MySQL charset introducer: _utf8mb4'text'.
      else if (t.kind == TokenKind::identifier && t.raw.size() > 1 && t.raw[0] == '_' &&
               peek().kind == TokenKind::string)
        ++i_;
    }
    return norm(b, i_);
  }

  // ---- raw statements --------------------------------------------------------------------------
  void keep_raw(std::string kind, std::string obj_name) {
    schema::RawStatement r;
    r.kind = std::move(kind);
    r.name = std::move(obj_name);
    std::string_view sql = util::trim(st_.text);
    while (!sql.empty() && sql.back() == ';') sql = util::trim(sql.substr(0, sql.size() - 1));
    r.sql = std::string(sql);
    r.loc = loc_of(toks_.front());
    m_.raw.push_back(std::move(r));
  }

  // ---- CREATE ----------------------------------------------------------------------------------
  void create() {
    expect("CREATE");
    bool or_replace = accept_seq({"OR", "REPLACE"});
    bool temporary = false;
    bool unique = false;
    std::string method;
    // Modifiers in any order: DEFINER = user, ALGORITHM = x, SQL SECURITY x, TEMP, UNIQUE ...
    for (;;) {
      if (accept("DEFINER")) {
        expect("=");
        while (!at_end() && !is_object_word()) ++i_;  // user@host forms vary; skip to the object
      } else if (accept("ALGORITHM")) {
        expect("=");
        ++i_;
      } else if (accept_seq({"SQL", "SECURITY"})) {
        ++i_;
      } else if (accept("TEMP") || accept("TEMPORARY")) {
        temporary = true;
      } else if (accept("UNIQUE")) {
        unique = true;
      } else if (accept("FULLTEXT")) {
        method = "fulltext";
      } else if (accept("SPATIAL")) {
        method = "spatial";
      } else if (accept("ONLINE") || accept("OFFLINE") || accept("AGGREGATE")) {
      } else {
        break;
      }
    }
    // TEMPORARY tables live for one session; they are parsed like any other so that a script
    // using them still replays, and kept in the model as written.
    (void)temporary;
    const std::string w = upper(peek());
    if (w == "TABLE") return create_table();
    if (w == "INDEX" || w == "KEY") return create_index(unique, method);
    if (w == "VIEW") return create_view(or_replace);
    if (w == "SCHEMA" || w == "DATABASE") {
      ++i_;
      bool ine = false;
      if_not_exists(ine);
      const std::string n = name();
      // A MySQL database is a schema; but CREATE DATABASE in a schema file is the script's
      // own target (followed by USE), so only CREATE SCHEMA adds a model schema.
      if (w == "SCHEMA" && std::find(m_.schemas.begin(), m_.schemas.end(), n) == m_.schemas.end())
        m_.schemas.push_back(n);
      return;
    }
    if (w == "VIRTUAL" && d_ == Dialect::sqlite) {
      // CREATE VIRTUAL TABLE name USING module(...): no columns the model can describe.
      ++i_;
      expect("TABLE");
      bool ine = false;
      if_not_exists(ine);
      return keep_raw("virtual table", qname().name);
    }
    if (w == "TRIGGER" || w == "FUNCTION" || w == "PROCEDURE" || w == "EVENT") {
      ++i_;
      bool ine = false;
      if_not_exists(ine);
      std::string n;
      if (is_name_token(peek())) {
        QName q = qname();
        n = schema::qualified(q.schema, q.name);
      }
      return keep_raw(util::to_lower(w), n);
    }
    // USER, ROLE, SERVER, TABLESPACE ...: kept so that nothing written is lost.
    if (peek().kind == TokenKind::identifier) return raw_object("CREATE");
    fail(peek(), "expected an object type after CREATE, found " + describe(peek()));
  }

  bool is_object_word() const {
    static const std::set<std::string> words = {"TABLE", "VIEW", "TRIGGER", "FUNCTION", "PROCEDURE",
                                                "EVENT", "INDEX", "SQL", "ALGORITHM", "AGGREGATE"};
    return peek().kind == TokenKind::identifier && words.count(upper(peek()));
  }

  void create_table() {
    expect("TABLE");
    Table t;
    if_not_exists(t.if_not_exists);
    const Token& name_tok = peek();
    QName q = qname();
    t.schema = q.schema;
    t.name = q.name;
    t.loc = loc_of(name_tok);
    if (find_table_ci(m_, t.name, t.schema)) {
      if (t.if_not_exists) return;
      throw ParseError{q.offset, q.length, "sql.duplicate",
                       "table `" + schema::qualified(t.schema, t.name) + "` already exists", std::nullopt};
    }
    if (accept("LIKE") || (at("(") && at("LIKE", 1))) {
      // CREATE TABLE a LIKE b / (LIKE b): a copy of b's columns, keys and indexes.
      const bool paren = at("LIKE");
      if (paren) ++i_;
      QName src = qname();
      if (paren) expect(")");
      Table* from = require_table(src);
      Table copy = *from;
      copy.schema = t.schema;
      copy.name = t.name;
      copy.loc = t.loc;
      copy.if_not_exists = t.if_not_exists;
      std::vector<schema::Index> idx;
      for (const auto& ix : m_.indexes)
        if (ix.table == from->name && ix.schema == from->schema) {
          idx.push_back(ix);
          idx.back().table = t.name;
          idx.back().schema = t.schema;
        }
      m_.tables.push_back(std::move(copy));
      for (auto& ix : idx) m_.indexes.push_back(std::move(ix));
      return;
    }
    if (accept("AS") || at("SELECT")) {
      // CREATE TABLE ... AS SELECT: the columns come from a query the model cannot evaluate.
      return keep_raw("table", t.name);
    }
    std::vector<schema::Index> indexes;
    expect("(");
    in_create_ = true;
    if (!at(")")) {
      do {
        table_element(t, indexes);
      } while (accept(","));
    }
    in_create_ = false;
    expect(")");
    validate_columns(t, indexes);
    table_options(t);
    if (!at_end()) {
      if (accept("AS") || at("SELECT") || at("IGNORE") || at("REPLACE")) return keep_raw("table", t.name);
      fail(peek(), "unexpected " + describe(peek()) + " after CREATE TABLE");
    }
    finish_table(t);
    m_.tables.push_back(std::move(t));
    for (auto& ix : indexes) m_.indexes.push_back(std::move(ix));
  }

  // Every column named by a key or index of a new table must exist (checked once the whole column
  // list is known).
  void validate_columns(Table& t, std::vector<schema::Index>& indexes) const {
    const auto check = [&](std::vector<std::string>& cols) {
      for (auto& n : cols) {
        if (schema::Column* c = find_column_ci(t, n)) n = c->name;
        else unknown_column(t, n, 0);
      }
    };
    if (t.primary_key) check(t.primary_key->columns);
    for (auto& u : t.uniques) check(u.columns);
    for (auto& fk : t.foreign_keys) check(fk.columns);
    for (auto& ix : indexes)
      for (auto& p : ix.parts) {
        if (p.column.empty()) continue;
        if (schema::Column* c = find_column_ci(t, p.column)) p.column = c->name;
        else unknown_column(t, p.column, 0);
      }
  }

  // Primary-key columns are NOT NULL in the model (and in MySQL). SQLite lets NULL into a
  // primary-key column that does not say NOT NULL (and reports it NULL-able): such a column is
  // marked implied_not_null so that printing it does not add the NOT NULL.
  void finish_table(Table& t) const {
    if (!t.primary_key) return;
    for (const auto& pc : t.primary_key->columns)
      if (auto* c = find_column_ci(t, pc)) {
        if (c->nullable && d_ == Dialect::sqlite) c->implied_not_null = true;
        c->nullable = false;
      }
  }

  void table_element(Table& t, std::vector<schema::Index>& indexes) {
    std::string cname;
    if (accept("CONSTRAINT")) {
      if (!at("PRIMARY") && !at("UNIQUE") && !at("FOREIGN") && !at("CHECK")) cname = name();
    }
    if (table_constraint(t, indexes, cname, /*named=*/!cname.empty() || toks_[i_ - 1].is("CONSTRAINT")))
      return;
    column_definition(t, indexes, nullptr);
  }

  // PRIMARY KEY / UNIQUE / FOREIGN KEY / CHECK / KEY / INDEX / FULLTEXT / SPATIAL at table level.
  // Returns false when the element is a column definition.
  bool table_constraint(Table& t, std::vector<schema::Index>& indexes, std::string cname, bool named) {
    const Token& start = peek();
    if (at("PRIMARY") && at("KEY", 1)) {
      i_ += 2;
      if (is_name_token(peek()) && !at("USING")) name();  // MySQL ignores an index name here
      index_type();
      if (t.primary_key)
        fail(start, "table `" + t.name + "` already has a primary key", "sql.duplicate");
      t.primary_key = schema::PrimaryKey{cname, key_columns(t)};
      index_options();
      on_conflict();
      return true;
    }
    if (at("UNIQUE")) {
      ++i_;
      const bool key_word = accept("KEY") || accept("INDEX");
      std::string iname;
      if (is_name_token(peek()) && !at("USING")) iname = name();
      index_type();
      if (d_ == Dialect::mysql && key_word) {
        // UNIQUE KEY/INDEX is an index in MySQL's own terms; it goes to Schema::indexes.
        schema::Index ix = table_index(t, iname.empty() ? cname : iname, true, "", indexes);
        indexes.push_back(std::move(ix));
        return true;
      }
      schema::UniqueConstraint u;
      u.name = cname.empty() ? iname : cname;
      u.columns = key_columns(t);
      index_options();
      on_conflict();
      t.uniques.push_back(std::move(u));
      return true;
    }
    if (at("FOREIGN") && at("KEY", 1)) {
      i_ += 2;
      std::string iname;
      if (is_name_token(peek())) iname = name();
      schema::ForeignKey fk;
      fk.name = cname.empty() ? iname : cname;
      fk.columns = key_columns(t);
      references(fk);
      t.foreign_keys.push_back(std::move(fk));
      return true;
    }
    if (at("CHECK") && at("(", 1)) {
      ++i_;
      schema::CheckConstraint ck;
      ck.name = cname;
      ck.expr = paren_expr();
      check_suffix();
      t.checks.push_back(std::move(ck));
      return true;
    }
    if (named) fail(peek(), "expected PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK, found " + describe(peek()));
    if (d_ == Dialect::mysql) {
      std::string method;
      if ((at("FULLTEXT") || at("SPATIAL")) && !column_named_like_keyword()) {
        method = util::to_lower(peek().raw);
        ++i_;
        if (!accept("KEY")) accept("INDEX");
      } else if ((at("KEY") || at("INDEX")) && !column_named_like_keyword()) {
        ++i_;
      } else {
        return false;
      }
      std::string iname;
      if (is_name_token(peek()) && !at("USING")) iname = name();
      indexes.push_back(table_index(t, iname, false, method, indexes));
      return true;
    }
    return false;
  }

  // KEY, INDEX, FULLTEXT and SPATIAL are also usable as column names: "key INT", "index
  // VARCHAR(10)" are columns, "KEY k (a)", "INDEX (a)", "FULLTEXT KEY (b)" are indexes.
  bool column_named_like_keyword() const {
    if (at(",", 1) || at(")", 1)) return true;  // untyped column (SQLite style)
    if (!is_type_name(1)) return false;
    // "date (created_at)" names an index; "varchar(10)" is a type with its length.
    return !(at("(", 2) && is_name_token(peek(3)));
  }

  bool is_type_name(std::size_t k) const {
    const Token& t = peek(k);
    if (t.kind != TokenKind::identifier) return false;
    if (at("USING", k)) return false;
    static const std::set<std::string> types = {
        "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT", "VARCHAR", "CHAR", "TEXT",
        "BLOB", "DATE", "DATETIME", "TIMESTAMP", "TIME", "DECIMAL", "NUMERIC", "FLOAT", "DOUBLE",
        "BOOL", "BOOLEAN", "JSON", "ENUM", "SET", "BIT", "BINARY", "VARBINARY", "YEAR", "SERIAL"};
    return types.count(util::to_upper(t.raw)) > 0;
  }


  void index_type() {
    if (accept("USING") || accept("TYPE")) ++i_;
  }
  void index_options() {
    for (;;) {
      if (accept("USING") || accept("TYPE")) ++i_;
      else if (accept("KEY_BLOCK_SIZE")) { accept("="); ++i_; }
      else if (accept("COMMENT")) ++i_;
      else if (accept("VISIBLE") || accept("INVISIBLE")) {}
      else if (accept_seq({"WITH", "PARSER"})) ++i_;
      else if (accept("ENGINE_ATTRIBUTE") || accept("SECONDARY_ENGINE_ATTRIBUTE")) { accept("="); ++i_; }
      else break;
    }
  }
  void on_conflict() {
    if (accept_seq({"ON", "CONFLICT"})) ++i_;  // ROLLBACK | ABORT | FAIL | IGNORE | REPLACE
  }
  void check_suffix() {
    accept_seq({"NOT", "ENFORCED"}) || accept("ENFORCED");
  }

  std::vector<std::string> key_columns(Table& t) {
    const std::size_t b = i_;
    std::vector<std::string> cols = name_list();
    if (in_create_) return cols;
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (schema::Column* c = find_column_ci(t, cols[k])) {
        cols[k] = c->name;
      } else if (!t.columns.empty()) {
        unknown_column(t, cols[k], b);
      }
    }
    return cols;
  }

  [[noreturn]] void unknown_column(const Table& t, const std::string& col, std::size_t from_tok) const {
    std::vector<std::string> names;
    for (const auto& c : t.columns) names.push_back(c.name);
    const Token* where = &toks_[from_tok];
    for (std::size_t k = from_tok; k < toks_.size(); ++k)
      if (is_name_token(toks_[k]) && toks_[k].text == col) { where = &toks_[k]; break; }
    fail(*where, "unknown column `" + col + "` in table `" + t.name + "`", "sql.unknown-column",
         diag::did_you_mean(col, names));
  }

  // Key parts of an index: plain columns, MySQL prefix lengths, expressions, COLLATE, ASC/DESC.
  std::vector<schema::IndexPart> index_parts(Table* t) {
    expect("(");
    std::vector<schema::IndexPart> parts;
    do {
      schema::IndexPart p;
      const std::size_t b = i_;
      if (is_name_token(peek()) && (at(",", 1) || at(")", 1) || at("ASC", 1) || at("DESC", 1) ||
                                    at("COLLATE", 1))) {
        p.column = name();
      } else if (d_ == Dialect::mysql && is_name_token(peek()) && at("(", 1) &&
                 peek(2).kind == TokenKind::number && at(")", 3)) {
        p.column = name();
        ++i_;
        p.length = std::stoi(peek().text);
        i_ += 2;
      } else {
        int depth = 0;
        while (!at_end()) {
          if (at("(")) ++depth;
          else if (at(")")) {
            if (depth == 0) break;
            --depth;
          } else if (depth == 0 && (at(",") || at("ASC") || at("DESC") || at("COLLATE"))) break;
          ++i_;
        }
        if (i_ == b) fail(peek(), "expected an index column, found " + describe(peek()));
        p.expr = norm(b, i_);
      }
      if (accept("COLLATE")) p.collation = name();
      if (accept("DESC")) p.descending = true;
      else accept("ASC");
      if (t && !in_create_ && !p.column.empty()) {
        if (schema::Column* c = find_column_ci(*t, p.column)) p.column = c->name;
        else unknown_column(*t, p.column, b);
      }
      parts.push_back(std::move(p));
    } while (accept(","));
    expect(")");
    return parts;
  }

  // ---- MySQL's names for unnamed keys and constraints ------------------------------------------
  // The key names table `t` has: its indexes (in the model and `pending`, those of the statement
  // being parsed), its named UNIQUE constraints and the names MySQL gave the unnamed ones.
  std::vector<std::string> key_names(const Table& t, const std::vector<schema::Index>& pending) const {
    std::vector<std::string> names;
    for (const std::vector<schema::Index>* list : {static_cast<const std::vector<schema::Index>*>(&m_.indexes), &pending})
      for (const auto& ix : *list)
        if (ieq(ix.table, t.name) && ieq(ix.schema, t.schema) && !contains_ci(names, ix.name)) names.push_back(ix.name);
    for (const auto& u : t.uniques)
      if (!u.name.empty()) names.push_back(u.name);
    for (const auto& n : implicit_unique_names(t, names))
      if (!n.empty()) names.push_back(n);
    return names;
  }
  // `base`, or base_2, base_3 ... : the first one not in `taken` (MySQL's rule for unnamed keys).
  static std::string first_free(const std::string& base, const std::vector<std::string>& taken) {
    if (!contains_ci(taken, base)) return base;
    for (int n = 2;; ++n)
      if (const std::string c = base + "_" + std::to_string(n); !contains_ci(taken, c)) return c;
  }
  std::string free_key_name(const Table& t, const std::vector<schema::Index>& pending, const std::string& base) const {
    return first_free(base, key_names(t, pending));
  }
  // For each of t.uniques: the name MySQL gave it when it has none ("" for named ones).
  static std::vector<std::string> implicit_unique_names(const Table& t, std::vector<std::string> taken) {
    std::vector<std::string> out;
    for (const auto& u : t.uniques) {
      if (!u.name.empty() || u.columns.empty()) {
        out.emplace_back();
        continue;
      }
      out.push_back(first_free(u.columns.front(), taken));
      taken.push_back(out.back());
    }
    return out;
  }
  // The unnamed constraint MySQL/MariaDB calls `n`: <table>_ibfk_<k> is the k-th unnamed foreign
  // key, <table>_chk_<k> (MySQL) / CONSTRAINT_<k> (MariaDB) the k-th unnamed CHECK, a unique key
  // is named after its first column. -1 when `n` names none of them.
  static long implicit_ordinal(const std::string& n, const std::string& stem) {
    if (n.size() <= stem.size() || !util::starts_with_ci(n, stem)) return -1;
    const std::string rest = n.substr(stem.size());
    if (rest.size() > 9 || !std::all_of(rest.begin(), rest.end(), [](unsigned char c) { return std::isdigit(c); }))
      return -1;
    return std::stol(rest);
  }
  template <typename T, typename Named>
  static typename std::vector<T>::iterator nth_unnamed(std::vector<T>& v, long k, Named named) {
    for (auto it = v.begin(); it != v.end(); ++it)
      if (!named(*it) && --k == 0) return it;
    return v.end();
  }
  bool drop_implicit_fk(Table& t, const std::string& n) {
    if (d_ != Dialect::mysql) return false;
    const long k = implicit_ordinal(n, t.name + "_ibfk_");
    if (k <= 0) return false;
    auto it = nth_unnamed(t.foreign_keys, k, [](const schema::ForeignKey& f) { return !f.name.empty(); });
    if (it == t.foreign_keys.end()) return false;
    dropped_fks_.push_back(*it);
    t.foreign_keys.erase(it);
    return true;
  }
  // MySQL/InnoDB: the index the server made for a foreign key no declared index served is not in
  // the model; `ALTER TABLE t DROP FOREIGN KEY k, DROP INDEX k` (what the differ writes to drop a
  // key with it) drops it in the same statement. It is named after the constraint or, unnamed,
  // after its first column (`_2`, `_3` ... when taken).
  bool drop_dropped_fk_index(const Table& t, const std::vector<schema::Index>& indexes, const std::string& n) const {
    if (d_ != Dialect::mysql) return false;
    for (const auto& fk : dropped_fks_) {
      if (fk.columns.empty()) continue;
      if (ieq(fk.name, n)) return true;
      const std::string& stem = fk.columns.front();
      if (!util::starts_with_ci(n, stem)) continue;
      const std::string rest = n.substr(stem.size());
      if (rest.empty() || (rest.size() > 1 && rest[0] == '_' &&
                           std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; })))
        return std::none_of(indexes.begin(), indexes.end(), [&](const auto& ix) {
          return ieq(ix.name, n) && ieq(ix.table, t.name);
        });
    }
    return false;
  }
  bool drop_implicit_check(Table& t, const std::string& n) {
    if (d_ != Dialect::mysql) return false;
    long k = implicit_ordinal(n, t.name + "_chk_");
    if (k <= 0) k = implicit_ordinal(n, "CONSTRAINT_");
    if (k <= 0) return false;
    auto it = nth_unnamed(t.checks, k, [](const schema::CheckConstraint& c) { return !c.name.empty(); });
    if (it == t.checks.end()) return false;
    t.checks.erase(it);
    return true;
  }
  bool drop_implicit_unique(Table& t, const std::vector<schema::Index>& indexes, const std::string& n) {
    if (d_ != Dialect::mysql) return false;
    std::vector<std::string> taken;
    for (const auto& ix : indexes)
      if (ieq(ix.table, t.name) && ieq(ix.schema, t.schema)) taken.push_back(ix.name);
    for (const auto& u : t.uniques)
      if (!u.name.empty()) taken.push_back(u.name);
    const auto names = implicit_unique_names(t, taken);
    for (std::size_t k = 0; k < names.size(); ++k)
      if (!names[k].empty() && ieq(names[k], n)) {
        t.uniques.erase(t.uniques.begin() + static_cast<std::ptrdiff_t>(k));
        return true;
      }
    return false;
  }

  schema::Index table_index(Table& t, std::string iname, bool unique, std::string method,
                            const std::vector<schema::Index>& pending) {
    schema::Index ix;
    ix.schema = t.schema;
    ix.table = t.name;
    ix.name = std::move(iname);
    ix.unique = unique;
    ix.method = std::move(method);
    ix.loc = loc_of(peek());
    if (accept("USING")) ix.method = util::to_lower(name());
    ix.parts = index_parts(&t);
    while (at("USING") || at("TYPE") || at("KEY_BLOCK_SIZE") || at("COMMENT") || at("VISIBLE") ||
           at("INVISIBLE") || at("WITH")) {
      if (accept("USING") || accept("TYPE")) ix.method = util::to_lower(name());
      else index_options();
    }
    if (ix.name.empty() && !ix.parts.empty()) {
      // MySQL names an unnamed key after its first column, with _2, _3 ... when the table already
      // has a key of that name.
      ix.name = free_key_name(t, pending, ix.parts.front().column.empty() ? "functional_index" : ix.parts.front().column);
    }
    if (ix.method == "btree") ix.method.clear();
    return ix;
  }

  schema::RefAction ref_action() {
    if (accept("CASCADE")) return schema::RefAction::cascade;
    if (accept("RESTRICT")) return schema::RefAction::restrict;
    if (accept_seq({"SET", "NULL"})) return schema::RefAction::set_null;
    if (accept_seq({"SET", "DEFAULT"})) return schema::RefAction::set_default;
    if (accept_seq({"NO", "ACTION"})) return schema::RefAction::no_action;
    fail(peek(), "expected CASCADE, RESTRICT, SET NULL, SET DEFAULT or NO ACTION, found " + describe(peek()));
  }

  void references(schema::ForeignKey& fk) {
    expect("REFERENCES");
    QName q = qname();
    fk.ref_schema = q.schema;
    fk.ref_table = q.name;
    if (at("(")) fk.ref_columns = name_list();
    for (;;) {
      if (accept("MATCH")) {
        fk.match = util::to_upper(name());
      } else if (accept_seq({"ON", "DELETE"})) {
        fk.on_delete = ref_action();
      } else if (accept_seq({"ON", "UPDATE"})) {
        fk.on_update = ref_action();
      } else if (accept_seq({"NOT", "DEFERRABLE"})) {
        fk.deferrable = false;
      } else if (accept("DEFERRABLE")) {
        fk.deferrable = true;
      } else if (accept_seq({"INITIALLY", "DEFERRED"})) {
        fk.initially_deferred = true;
      } else if (accept_seq({"INITIALLY", "IMMEDIATE"})) {
        fk.initially_deferred = false;
      } else {
        break;
      }
    }
  }

  // ---- columns ---------------------------------------------------------------------------------
  schema::TypeRef data_type(bool& serial) {
    schema::TypeRef ty;
    if (d_ == Dialect::sqlite) {
      // SQLite: any run of names, then (n) or (n, m); possibly no type at all.
      static const std::set<std::string> stop = {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE",
                                                 "CHECK", "DEFAULT", "COLLATE", "REFERENCES",
                                                 "GENERATED", "AS", "AUTOINCREMENT", "ON"};
      std::string n;
      while (is_name_token(peek()) && !(peek().kind == TokenKind::identifier && stop.count(upper(peek())))) {
        if (!n.empty()) n += ' ';
        n += peek().text;
        ++i_;
      }
      if (!n.empty() && at("(")) ty.args = type_args(ty);
      ty.name = n.empty() ? std::string() : schema::canonical_type_name(n, d_);
      return ty;
    }
    if (peek().kind != TokenKind::identifier) fail(peek(), "expected a data type, found " + describe(peek()));
    std::string n = util::to_lower(peek().raw);
    ++i_;
    // Multi-word MySQL type names.
    static const std::vector<std::pair<std::string, std::vector<std::string>>> multi = {
        {"double", {"precision"}},         {"character", {"varying"}}, {"char", {"varying"}},
        {"national", {"character", "varying"}}, {"national", {"varchar"}}, {"national", {"character"}},
        {"national", {"char"}},            {"long", {"varchar"}},      {"long", {"varbinary"}},
        {"nchar", {"varchar"}}};
    for (const auto& [first, rest] : multi) {
      if (n != first) continue;
      bool ok = true;
      for (std::size_t k = 0; k < rest.size(); ++k)
        if (!at(rest[k], k)) ok = false;
      if (!ok) continue;
      for (const auto& r : rest) n += " " + r;
      i_ += rest.size();
      break;
    }
    if (n == "nchar varchar") n = "national varchar";
    if (n == "serial") {
      // SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE.
      serial = true;
      ty.name = "bigint";
      ty.is_unsigned = true;
      return ty;
    }
    const bool boolean = n == "bool" || n == "boolean";
    if (at("(")) {
      if (n == "enum" || n == "set") {
        ++i_;
        do {
          if (peek().kind != TokenKind::string) fail(peek(), "expected a quoted value, found " + describe(peek()));
          ty.values.push_back(peek().text);
          ++i_;
        } while (accept(","));
        expect(")");
      } else {
        ty.args = type_args(ty);
      }
    }
    ty.name = schema::canonical_type_name(n, d_);
    if (boolean && ty.args.empty()) ty.args = {"1"};
    for (;;) {
      if (accept("UNSIGNED")) ty.is_unsigned = true;
      else if (accept("SIGNED")) ty.is_unsigned = false;
      else if (accept("ZEROFILL")) { ty.zerofill = true; ty.is_unsigned = true; }
      else if (accept_seq({"CHARACTER", "SET"}) || accept("CHARSET")) ty.charset = name();
      else if (accept("BINARY") || accept("ASCII") || accept("UNICODE") || accept("BYTE")) {}
      else break;
    }
    return ty;
  }

  std::vector<std::string> type_args(schema::TypeRef&) {
    expect("(");
    std::vector<std::string> args;
    while (!at(")") && !at_end()) {
      const std::size_t b = i_;
      while (!at(",") && !at(")") && !at_end()) ++i_;
      args.push_back(normalize_expr(text(b, i_), d_));
      accept(",");
    }
    expect(")");
    return args;
  }

  // A column definition with its inline constraints. With `replace`, the column replaces that
  // existing column (MODIFY/CHANGE) instead of being appended. Returns the column's index.
  std::size_t column_definition(Table& t, std::vector<schema::Index>& indexes, const std::string* replace) {
    const Token& name_tok = peek();
    // SQLite takes a string literal where a name is expected ('c0' in FTS4's shadow tables).
    if (!is_name_token(name_tok) && !(d_ == Dialect::sqlite && name_tok.kind == TokenKind::string))
      fail(name_tok, "expected a column name, found " + describe(name_tok));
    schema::Column c;
    c.name = name();
    c.loc = loc_of(name_tok);
    {
      schema::Column* existing = find_column_ci(t, c.name);
      if (existing && !(replace && ieq(*replace, existing->name)))
        fail(name_tok, "column `" + c.name + "` already exists in table `" + t.name + "`", "sql.duplicate");
    }
    bool serial = false;
    c.type = data_type(serial);
    bool unique_serial = serial;
    if (serial) {
      c.nullable = false;
      c.auto_increment = true;
    }
    std::optional<schema::PrimaryKey> pk;
    std::vector<schema::UniqueConstraint> uniques;
    std::vector<schema::ForeignKey> fks;
    std::vector<schema::CheckConstraint> checks;
    for (;;) {
      std::string cname;
      bool named = false;
      if (accept("CONSTRAINT")) {
        named = true;
        if (is_name_token(peek()) && !at("PRIMARY") && !at("UNIQUE") && !at("CHECK") &&
            !at("REFERENCES") && !at("NOT") && !at("NULL") && !at("DEFAULT"))
          cname = name();
      }
      if (accept_seq({"NOT", "NULL"})) {
        c.nullable = false;
        on_conflict();
      } else if (accept("NULL")) {
        c.nullable = true;
      } else if (at("PRIMARY") || (d_ == Dialect::mysql && at("KEY"))) {
        const Token& pt = peek();
        if (!accept("KEY")) {
          ++i_;
          expect("KEY");
        }
        if (!accept("ASC")) accept("DESC");
        on_conflict();
        if (accept("AUTOINCREMENT")) c.auto_increment = true;
        if (pk || t.primary_key) fail(pt, "table `" + t.name + "` already has a primary key", "sql.duplicate");
        pk = schema::PrimaryKey{cname, {c.name}};
        if (d_ != Dialect::sqlite) c.nullable = false;  // SQLite: finish_table (NOT NULL may follow)
      } else if (accept("UNIQUE")) {
        accept("KEY");
        on_conflict();
        uniques.push_back(schema::UniqueConstraint{cname, {c.name}, false});
      } else if (at("CHECK")) {
        ++i_;
        schema::CheckConstraint ck;
        ck.name = cname;
        ck.expr = paren_expr();
        check_suffix();
        checks.push_back(std::move(ck));
      } else if (accept("DEFAULT")) {
        c.default_expr = simple_expr();
      } else if (accept("COLLATE")) {
        c.collation = name();
      } else if (at("REFERENCES")) {
        schema::ForeignKey fk;
        fk.name = cname;
        fk.columns = {c.name};
        references(fk);
        fks.push_back(std::move(fk));
      } else if (at("GENERATED") || at("AS")) {
        if (accept("GENERATED")) expect("ALWAYS");
        expect("AS");
        c.generated_expr = paren_expr();
        c.generated = schema::GeneratedKind::virtual_;
        if (accept("STORED") || accept("PERSISTENT")) c.generated = schema::GeneratedKind::stored;
        else accept("VIRTUAL");
      } else if (named) {
        fail(peek(), "expected a constraint after CONSTRAINT, found " + describe(peek()));
      } else if (accept("AUTO_INCREMENT") || accept("AUTOINCREMENT")) {
        c.auto_increment = true;
      } else if (d_ == Dialect::mysql && accept_seq({"ON", "UPDATE"})) {
        c.on_update = simple_expr();
      } else if (d_ == Dialect::mysql && accept("COMMENT")) {
        if (peek().kind != TokenKind::string) fail(peek(), "expected a quoted comment, found " + describe(peek()));
        c.comment = peek().text;
        ++i_;
      } else if (d_ == Dialect::mysql && (accept_seq({"CHARACTER", "SET"}) || accept("CHARSET"))) {
        c.type.charset = name();
      } else if (d_ == Dialect::mysql && accept_seq({"SERIAL", "DEFAULT", "VALUE"})) {
        c.nullable = false;
        c.auto_increment = true;
        unique_serial = true;
      } else if (d_ == Dialect::mysql && (accept("VISIBLE") || accept("INVISIBLE"))) {
      } else if (d_ == Dialect::mysql && (accept("COLUMN_FORMAT") || accept("STORAGE") || accept("SRID"))) {
        ++i_;
      } else if (d_ == Dialect::mysql && (accept("ENGINE_ATTRIBUTE") || accept("SECONDARY_ENGINE_ATTRIBUTE"))) {
        accept("=");
        ++i_;
      } else {
        break;
      }
    }
    if (!at_end() && !at(",") && !at(")") && !at("FIRST") && !at("AFTER"))
      fail(peek(), "unexpected " + describe(peek()) + " in the definition of column `" + c.name + "`");
    if (unique_serial) uniques.push_back(schema::UniqueConstraint{"", {c.name}, false});

    std::size_t pos;
    if (replace) {
      auto it = std::find_if(t.columns.begin(), t.columns.end(),
                             [&](const schema::Column& x) { return ieq(x.name, *replace); });
      pos = static_cast<std::size_t>(it - t.columns.begin());
      if (!ieq(*replace, c.name)) rename_column_refs(t, *replace, c.name);
      // MODIFY/CHANGE restate the whole column; a key on it stays, so it stays NOT NULL.
      if (t.primary_key && contains_ci(t.primary_key->columns, c.name)) c.nullable = false;
      *it = std::move(c);
    } else {
      t.columns.push_back(std::move(c));
      pos = t.columns.size() - 1;
    }
    if (pk) t.primary_key = std::move(pk);
    for (auto& u : uniques) t.uniques.push_back(std::move(u));
    for (auto& f : fks) t.foreign_keys.push_back(std::move(f));
    for (auto& ck : checks) t.checks.push_back(std::move(ck));
    (void)indexes;  // inline column keys are constraints, never indexes
    return pos;
  }

  // ---- table options ---------------------------------------------------------------------------
  void table_options(Table& t, bool in_alter = false) {
    if (d_ == Dialect::sqlite) {
      while (!at_end()) {
        if (accept_seq({"WITHOUT", "ROWID"})) t.options["without_rowid"] = "1";
        else if (accept("STRICT")) t.options["strict"] = "1";
        else break;
        if (!accept(",")) break;
      }
      return;
    }
    while (!at_end() && !at("AS") && !at("SELECT") && !at("IGNORE") && !at("REPLACE")) {
      if (at(",") && in_alter) return;
      if (accept(",")) continue;
      if (at("PARTITION") && at("BY", 1)) {
        i_ += 2;
        const std::size_t b = i_;
        i_ = toks_.size() - 1;
        t.options["partition_by"] = norm(b, i_);
        return;
      }
      accept("DEFAULT");
      std::string key;
      if (accept_seq({"CHARACTER", "SET"}) || accept("CHARSET")) key = "charset";
      else if (accept("COLLATE")) key = "collate";
      else if (peek().kind == TokenKind::identifier) {
        key = util::to_lower(peek().raw);
        ++i_;
        if ((key == "data" || key == "index") && accept("DIRECTORY")) key += "_directory";
      } else {
        fail(peek(), "unexpected " + describe(peek()) + " in table options");
      }
      accept("=");
      const Token& v = peek();
      if (v.kind == TokenKind::end || v.kind == TokenKind::op)
        fail(v, "expected a value for table option `" + key + "`, found " + describe(v));
      ++i_;
      if (key == "comment") t.comment = v.text;
      else if (key == "union" && v.is("(")) { --i_; skip_group(); }
      else t.options[key] = v.text;
    }
  }

  // ---- CREATE INDEX / VIEW -----------------------------------------------------------------------
  void create_index(bool unique, std::string method) {
    ++i_;  // INDEX
    schema::Index ix;
    bool ine = false;
    if_not_exists(ine);
    const Token& name_tok = peek();
    QName iq = qname();
    ix.name = iq.name;
    ix.unique = unique;
    ix.method = std::move(method);
    ix.loc = loc_of(name_tok);
    if (accept("USING") || accept("TYPE")) ix.method = util::to_lower(name());
    expect("ON");
    QName tq = qname();
    if (d_ == Dialect::sqlite && tq.schema.empty()) tq.schema = iq.schema;
    Table* t = require_table(tq);
    ix.table = t->name;
    ix.schema = t->schema;
    ix.parts = index_parts(t);
    for (;;) {
      if (accept("USING") || accept("TYPE")) ix.method = util::to_lower(name());
      else if (d_ == Dialect::sqlite && accept("WHERE")) {
        const std::size_t b = i_;
        i_ = toks_.size() - 1;
        ix.where = norm(b, i_);
      } else if (accept("ALGORITHM") || accept("LOCK")) {
        accept("=");
        ++i_;
      } else if (at("COMMENT") || at("VISIBLE") || at("INVISIBLE") || at("KEY_BLOCK_SIZE") || at("WITH")) {
        const std::size_t b = i_;
        index_options();
        if (i_ == b) break;
      } else {
        break;
      }
    }
    if (!at_end()) fail(peek(), "unexpected " + describe(peek()) + " after CREATE INDEX");
    if (ix.method == "btree") ix.method.clear();
    for (const auto& other : m_.indexes) {
      if (ieq(other.name, ix.name) && ieq(other.schema, ix.schema) &&
          (d_ == Dialect::sqlite || ieq(other.table, ix.table))) {
        if (ine) return;
        throw ParseError{iq.offset, iq.length, "sql.duplicate", "index `" + ix.name + "` already exists",
                         std::nullopt};
      }
    }
    m_.indexes.push_back(std::move(ix));
  }

  void create_view(bool or_replace) {
    ++i_;  // VIEW
    schema::View v;
    bool ine = false;
    if_not_exists(ine);
    const Token& name_tok = peek();
    QName q = qname();
    v.schema = q.schema;
    v.name = q.name;
    v.loc = loc_of(name_tok);
    if (at("(")) v.columns = name_list();
    expect("AS");
    if (at_end()) fail(peek(), "expected the view's query");
    v.query = text(i_, toks_.size() - 1);
    for (auto it = m_.views.begin(); it != m_.views.end(); ++it) {
      if (ieq(it->name, v.name) && ieq(it->schema, v.schema)) {
        if (or_replace) {
          *it = std::move(v);
          return;
        }
        if (ine) return;
        throw ParseError{q.offset, q.length, "sql.duplicate", "view `" + v.name + "` already exists", std::nullopt};
      }
    }
    m_.views.push_back(std::move(v));
  }

  Table* require_table(const QName& q) {
    if (Table* t = find_table_ci(m_, q.name, q.schema)) return t;
    std::vector<std::string> names;
    for (const auto& t : m_.tables) names.push_back(schema::qualified(t.schema, t.name));
    throw ParseError{q.offset, q.length, "sql.unknown-table",
                     "unknown table `" + schema::qualified(q.schema, q.name) + "`",
                     diag::did_you_mean(schema::qualified(q.schema, q.name), names)};
  }

  // ---- ALTER -----------------------------------------------------------------------------------
  void alter() {
    expect("ALTER");
    accept("ONLINE");
    accept("IGNORE");
    if (accept("VIEW")) {
      QName q = qname();
      if (at("(")) name_list();
      expect("AS");
      for (auto& v : m_.views)
        if (ieq(v.name, q.name) && ieq(v.schema, q.schema)) {
          v.query = text(i_, toks_.size() - 1);
          return;
        }
      throw ParseError{q.offset, q.length, "sql.unknown-table", "unknown view `" + q.name + "`", std::nullopt};
    }
    if (accept("DATABASE") || accept("SCHEMA")) return;  // default charset etc.: no model effect
    if (!accept("TABLE")) return raw_object("ALTER");
    QName q = qname();
    Table* t = require_table(q);
    // Work on a copy: a failing clause leaves the model as it was before the statement.
    Table work = *t;
    std::vector<schema::Index> indexes = m_.indexes;
    std::optional<std::string> new_name;
    dropped_fks_.clear();
    do {
      alter_clause(work, indexes, new_name);
    } while (accept(","));
    if (!at_end()) fail(peek(), "unexpected " + describe(peek()) + " in ALTER TABLE");
    finish_table(work);
    const std::string old_name = t->name;
    *t = std::move(work);
    m_.indexes = std::move(indexes);
    if (new_name) rename_table(*t, old_name, *new_name);
  }

  void rename_table(Table& t, const std::string& old_name, const std::string& new_name) {
    for (auto& ix : m_.indexes)
      if (ix.table == old_name && ix.schema == t.schema) ix.table = new_name;
    for (auto& other : m_.tables)
      for (auto& fk : other.foreign_keys)
        if (ieq(fk.ref_table, old_name) && fk.ref_schema == t.schema) fk.ref_table = new_name;
    t.name = new_name;
  }

  // Renames a column in every key, index and referencing foreign key.
  void rename_column_refs(Table& t, const std::string& from, const std::string& to) {
    if (t.primary_key) rename_in(t.primary_key->columns, from, to);
    for (auto& u : t.uniques) rename_in(u.columns, from, to);
    for (auto& fk : t.foreign_keys) rename_in(fk.columns, from, to);
    for (auto& other : m_.tables)
      for (auto& fk : other.foreign_keys)
        if (ieq(fk.ref_table, t.name) && fk.ref_schema == t.schema) rename_in(fk.ref_columns, from, to);
    for (auto& fk : t.foreign_keys)
      if (ieq(fk.ref_table, t.name) && fk.ref_schema == t.schema) rename_in(fk.ref_columns, from, to);
    pending_index_renames_.emplace_back(from, to);
  }

  schema::Column& require_column(Table& t, std::size_t tok) {
    const std::string n = toks_[tok].text;
    if (schema::Column* c = find_column_ci(t, n)) return *c;
    unknown_column(t, n, tok);
  }

  void position_column(Table& t, std::size_t pos) {
    if (accept("FIRST")) {
      std::rotate(t.columns.begin(), t.columns.begin() + static_cast<std::ptrdiff_t>(pos),
                  t.columns.begin() + static_cast<std::ptrdiff_t>(pos) + 1);
    } else if (accept("AFTER")) {
      const std::size_t tok = i_;
      const std::string after = name();
      schema::Column col = std::move(t.columns[pos]);
      t.columns.erase(t.columns.begin() + static_cast<std::ptrdiff_t>(pos));
      auto it = std::find_if(t.columns.begin(), t.columns.end(),
                             [&](const schema::Column& x) { return ieq(x.name, after); });
      if (it == t.columns.end()) {
        t.columns.insert(t.columns.begin() + static_cast<std::ptrdiff_t>(pos), std::move(col));
        unknown_column(t, toks_[tok].text, tok);
      }
      t.columns.insert(it + 1, std::move(col));
    }
  }

  void apply_index_renames(std::vector<schema::Index>& indexes, const Table& t) {
    for (const auto& [from, to] : pending_index_renames_)
      for (auto& ix : indexes)
        if (ieq(ix.table, t.name) && ix.schema == t.schema)
          for (auto& p : ix.parts)
            if (ieq(p.column, from)) p.column = to;
    pending_index_renames_.clear();
  }

  void drop_column_refs(Table& t, std::vector<schema::Index>& indexes, const std::string& col) {
    if (t.primary_key) {
      erase_ci(t.primary_key->columns, col);
      if (t.primary_key->columns.empty()) t.primary_key.reset();
    }
    for (auto& u : t.uniques) erase_ci(u.columns, col);
    std::erase_if(t.uniques, [](const auto& u) { return u.columns.empty(); });
    std::erase_if(t.foreign_keys, [&](const auto& fk) { return contains_ci(fk.columns, col); });
    for (auto& ix : indexes) {
      if (!ieq(ix.table, t.name) || ix.schema != t.schema) continue;
      std::erase_if(ix.parts, [&](const auto& p) { return ieq(p.column, col); });
    }
    std::erase_if(indexes, [&](const auto& ix) { return ieq(ix.table, t.name) && ix.schema == t.schema && ix.parts.empty(); });
  }

  void alter_clause(Table& t, std::vector<schema::Index>& indexes, std::optional<std::string>& new_name) {
    const Token& start = peek();
    if (accept("ADD")) {
      std::string cname;
      bool named = false;
      if (accept("CONSTRAINT")) {
        named = true;
        if (!at("PRIMARY") && !at("UNIQUE") && !at("FOREIGN") && !at("CHECK")) cname = name();
      }
      std::vector<schema::Index> added;
      if (!at("COLUMN") && table_constraint(t, added, cname, named)) {
        for (auto& ix : added) {
          for (const auto& other : indexes)
            if (ieq(other.name, ix.name) && ieq(other.table, ix.table) && other.schema == ix.schema)
              fail(start, "index `" + ix.name + "` already exists on table `" + t.name + "`", "sql.duplicate");
          indexes.push_back(std::move(ix));
        }
        return;
      }
      accept("COLUMN");
      bool ine = false;
      if_not_exists(ine);
      if (at("(")) {  // MySQL: ADD (col def, col def)
        ++i_;
        do {
          column_definition(t, indexes, nullptr);
        } while (accept(","));
        expect(")");
        return;
      }
      if (ine && is_name_token(peek()) && find_column_ci(t, peek().text)) {
        while (!at_end() && !at(",")) {
          if (at("(")) skip_group();
          else ++i_;
        }
        return;
      }
      const std::size_t pos = column_definition(t, indexes, nullptr);
      position_column(t, pos);
      return;
    }
    if (accept("DROP")) {
      if (accept_seq({"PRIMARY", "KEY"})) {
        if (!t.primary_key) fail(start, "table `" + t.name + "` has no primary key", "sql.unknown-column");
        t.primary_key.reset();
        return;
      }
      if (accept("INDEX") || accept("KEY")) {
        const std::size_t tok = i_;
        const std::string n = name();
        const auto before = indexes.size();
        std::erase_if(indexes, [&](const auto& ix) { return ieq(ix.name, n) && ieq(ix.table, t.name) && ix.schema == t.schema; });
        if (indexes.size() == before) {
          // A MySQL UNIQUE constraint is an index too.
          const auto ub = t.uniques.size();
          std::erase_if(t.uniques, [&](const auto& u) { return ieq(u.name, n); });
          if (t.uniques.size() == ub && !drop_implicit_unique(t, indexes, n) && !drop_dropped_fk_index(t, indexes, n))
            fail(toks_[tok], "unknown index `" + n + "` on table `" + t.name + "`", "sql.unknown-table");
        }
        return;
      }
      if (accept_seq({"FOREIGN", "KEY"})) {
        const std::size_t tok = i_;
        const std::string n = name();
        const auto before = t.foreign_keys.size();
        for (const auto& fk : t.foreign_keys)
          if (ieq(fk.name, n)) dropped_fks_.push_back(fk);
        std::erase_if(t.foreign_keys, [&](const auto& fk) { return ieq(fk.name, n); });
        if (t.foreign_keys.size() == before && !drop_implicit_fk(t, n))
          fail(toks_[tok], "unknown foreign key `" + n + "` on table `" + t.name + "`", "sql.unknown-column");
        return;
      }
      if (accept("CONSTRAINT") || accept("CHECK")) {
        bool ie = if_exists();
        const std::size_t tok = i_;
        const std::string n = name();
        bool found = false;
        if (t.primary_key && ieq(t.primary_key->name, n)) { t.primary_key.reset(); found = true; }
        const auto count = t.uniques.size() + t.foreign_keys.size() + t.checks.size();
        std::erase_if(t.uniques, [&](const auto& x) { return ieq(x.name, n); });
        std::erase_if(t.foreign_keys, [&](const auto& x) { return ieq(x.name, n); });
        std::erase_if(t.checks, [&](const auto& x) { return ieq(x.name, n); });
        const auto ib = indexes.size();
        std::erase_if(indexes, [&](const auto& ix) { return ix.unique && ieq(ix.name, n) && ieq(ix.table, t.name); });
        found = found || count != t.uniques.size() + t.foreign_keys.size() + t.checks.size() || ib != indexes.size();
        found = found || drop_implicit_fk(t, n) || drop_implicit_check(t, n) || drop_implicit_unique(t, indexes, n);
        if (!found && !ie) fail(toks_[tok], "unknown constraint `" + n + "` on table `" + t.name + "`", "sql.unknown-column");
        return;
      }
      accept("COLUMN");
      const bool ie = if_exists();
      const std::size_t tok = i_;
      const std::string n = name();
      if (!find_column_ci(t, n)) {
        if (ie) return;
        unknown_column(t, n, tok);
      }
      const std::string real = find_column_ci(t, n)->name;
      std::erase_if(t.columns, [&](const auto& c) { return ieq(c.name, real); });
      drop_column_refs(t, indexes, real);
      accept("CASCADE") || accept("RESTRICT");
      return;
    }
    if (d_ == Dialect::mysql && (accept("MODIFY") || accept("CHANGE"))) {
      const bool change = toks_[i_ - 1].is("CHANGE");
      accept("COLUMN");
      const std::size_t tok = i_;
      std::string old_name = change ? name() : peek().text;
      if (!is_name_token(toks_[tok])) fail(toks_[tok], "expected a column name, found " + describe(toks_[tok]));
      old_name = require_column(t, tok).name;
      const std::size_t pos = column_definition(t, indexes, &old_name);
      apply_index_renames(indexes, t);
      position_column(t, pos);
      return;
    }
    if (accept("RENAME")) {
      if (accept("COLUMN") || (d_ == Dialect::sqlite && is_name_token(peek()) && !at("TO") && at("TO", 1))) {
        const std::size_t tok = i_;
        name();
        schema::Column& c = require_column(t, tok);
        expect("TO");
        const std::string to = name();
        if (find_column_ci(t, to) && !ieq(to, c.name))
          fail(toks_[i_ - 1], "column `" + to + "` already exists in table `" + t.name + "`", "sql.duplicate");
        const std::string from = c.name;
        c.name = to;
        rename_column_refs(t, from, to);
        apply_index_renames(indexes, t);
        return;
      }
      if (accept("INDEX") || accept("KEY")) {
        const std::size_t tok = i_;
        const std::string from = name();
        expect("TO");
        const std::string to = name();
        for (auto& ix : indexes)
          if (ieq(ix.name, from) && ieq(ix.table, t.name)) {
            ix.name = to;
            return;
          }
        fail(toks_[tok], "unknown index `" + from + "` on table `" + t.name + "`", "sql.unknown-table");
      }
      if (!accept("TO")) accept("AS");
      const std::size_t tok = i_;
      QName q = qname();
      if (find_table_ci(m_, q.name, q.schema.empty() ? t.schema : q.schema) && !ieq(q.name, t.name))
        fail(toks_[tok], "table `" + q.name + "` already exists", "sql.duplicate");
      new_name = q.name;
      return;
    }
    if (accept("ALTER")) {
      accept("COLUMN");
      const std::size_t tok = i_;
      name();
      schema::Column& c = require_column(t, tok);
      if (accept_seq({"SET", "DEFAULT"})) c.default_expr = simple_expr();
      else if (accept_seq({"DROP", "DEFAULT"})) c.default_expr.reset();
      else if (accept_seq({"SET", "VISIBLE"}) || accept_seq({"SET", "INVISIBLE"})) {}
      else if (accept_seq({"SET", "NOT", "NULL"})) c.nullable = false;
      else if (accept_seq({"DROP", "NOT", "NULL"})) c.nullable = true;
      else fail(peek(), "expected SET DEFAULT or DROP DEFAULT, found " + describe(peek()));
      return;
    }
    if (d_ == Dialect::mysql) {
      if (accept_seq({"CONVERT", "TO"})) {
        if (!accept("CHARSET")) { expect("CHARACTER"); expect("SET"); }
        t.options["charset"] = name();
        if (accept("COLLATE")) t.options["collate"] = name();
        return;
      }
      if (accept("ALGORITHM") || accept("LOCK")) {
        accept("=");
        ++i_;
        return;
      }
      if (accept("FORCE") || accept_seq({"DISABLE", "KEYS"}) || accept_seq({"ENABLE", "KEYS"})) return;
      if (accept_seq({"ORDER", "BY"})) {
        while (!at_end() && !at(",")) ++i_;
        return;
      }
      if (peek().kind == TokenKind::identifier) {
        // Table options: ENGINE=..., COMMENT=..., AUTO_INCREMENT=..., DEFAULT CHARSET=...
        const std::size_t b = i_;
        Table opts;
        table_options(opts, /*in_alter=*/true);
        if (i_ == b) fail(peek(), "unexpected " + describe(peek()) + " in ALTER TABLE");
        for (auto& [k, v] : opts.options) t.options[k] = v;
        if (opts.comment) t.comment = opts.comment;
        return;
      }
    }
    fail(peek(), "unexpected " + describe(peek()) + " in ALTER TABLE");
  }

  // ---- DROP / RENAME ---------------------------------------------------------------------------
  void drop() {
    expect("DROP");
    accept("TEMPORARY");
    const std::string w = upper(peek());
    if (w == "TABLE" || w == "VIEW") {
      ++i_;
      const bool ie = if_exists();
      do {
        QName q = qname();
        if (w == "TABLE") drop_table(q, ie);
        else drop_view(q, ie);
      } while (accept(","));
      accept("CASCADE") || accept("RESTRICT");
      return;
    }
    if (w == "INDEX") {
      ++i_;
      const bool ie = if_exists();
      QName q = qname();
      std::optional<QName> on;
      if (accept("ON")) on = qname();
      while (accept("ALGORITHM") || accept("LOCK")) {
        accept("=");
        ++i_;
      }
      const auto before = m_.indexes.size();
      std::erase_if(m_.indexes, [&](const schema::Index& ix) {
        if (!ieq(ix.name, q.name)) return false;
        if (on) return ieq(ix.table, on->name);
        return d_ != Dialect::sqlite || ieq(ix.schema, q.schema);
      });
      if (m_.indexes.size() == before && !ie) {
        std::vector<std::string> names;
        for (const auto& ix : m_.indexes) names.push_back(ix.name);
        throw ParseError{q.offset, q.length, "sql.unknown-table", "unknown index `" + q.name + "`",
                         diag::did_you_mean(q.name, names)};
      }
      return;
    }
    if (w == "SCHEMA" || w == "DATABASE") {
      ++i_;
      if_exists();
      const std::string n = name();
      std::erase_if(m_.schemas, [&](const auto& s) { return ieq(s, n); });
      std::erase_if(m_.tables, [&](const auto& t) { return ieq(t.schema, n); });
      std::erase_if(m_.indexes, [&](const auto& ix) { return ieq(ix.schema, n); });
      std::erase_if(m_.views, [&](const auto& v) { return ieq(v.schema, n); });
      return;
    }
    if (w == "TRIGGER" || w == "FUNCTION" || w == "PROCEDURE" || w == "EVENT") {
      ++i_;
      if_exists();
      QName q = qname();
      const std::string kind = util::to_lower(w);
      const std::string full = schema::qualified(q.schema, q.name);
      std::erase_if(m_.raw, [&](const auto& r) { return r.kind == kind && (ieq(r.name, full) || ieq(r.name, q.name)); });
      return;
    }
    raw_object("DROP");
  }

  void drop_table(const QName& q, bool if_exists_flag) {
    Table* t = find_table_ci(m_, q.name, q.schema);
    if (!t) {
      if (if_exists_flag) return;
      require_table(q);
    }
    const std::string n = t->name, s = t->schema;
    std::erase_if(m_.indexes, [&](const auto& ix) { return ix.table == n && ix.schema == s; });
    std::erase_if(m_.tables, [&](const auto& x) { return x.name == n && x.schema == s; });
  }

  void drop_view(const QName& q, bool if_exists_flag) {
    const auto before = m_.views.size();
    std::erase_if(m_.views, [&](const auto& v) { return ieq(v.name, q.name) && ieq(v.schema, q.schema); });
    if (m_.views.size() == before && !if_exists_flag)
      throw ParseError{q.offset, q.length, "sql.unknown-table", "unknown view `" + q.name + "`", std::nullopt};
  }

  // MySQL: RENAME TABLE a TO b [, c TO d].
  void rename_tables() {
    expect("RENAME");
    if (!accept("TABLE")) accept("TABLES");
    do {
      QName from = qname();
      expect("TO");
      QName to = qname();
      Table* t = require_table(from);
      if (find_table_ci(m_, to.name, to.schema))
        throw ParseError{to.offset, to.length, "sql.duplicate", "table `" + to.name + "` already exists", std::nullopt};
      const std::string old = t->name;
      t->schema = to.schema;
      rename_table(*t, old, to.name);
    } while (accept(","));
  }

  Schema& m_;
  const SourceFile& file_;
  const Statement& st_;
  Dialect d_;
  std::string& used_db_;  // MySQL: the database of the last USE statement
  SourceFile sub_;
  std::vector<Token> toks_;
  std::size_t i_ = 0;
  bool lex_failed_ = false;
  bool in_create_ = false;  // CREATE TABLE: columns may be declared after the keys naming them
  std::vector<schema::ForeignKey> dropped_fks_;  // by the clauses of this ALTER TABLE so far
  std::vector<std::pair<std::string, std::string>> pending_index_renames_;
};

void apply_statements(Schema& m, const SourceFile& file, Dialect d, diag::Diagnostics& diags) {
  std::string used_db;
  for (const Statement& st : split_statements(file, d, diags)) {
    // Fast path for data scripts: thousands of INSERTs need no tokens beyond their first word.
    std::size_t w = 0;
    while (w < st.text.size() && detail::is_ident_char(st.text[w])) ++w;
    const std::string first = util::to_upper(std::string_view(st.text).substr(0, w));
    if (first == "CALL" && d == Dialect::mysql) {
      // The DDL of a helper procedure the files define (mysql_call.cpp), each statement parsed here.
      detail::apply_mysql_call(m, file, st, diags, [&](const Statement& ddl) -> std::optional<detail::ApplyFailure> {
        try {
          StatementParser(m, SourceFile{file.path, ddl.text}, ddl, d, used_db).run();
        } catch (const ParseError& e) {
          return detail::ApplyFailure{e.code, e.message, ddl.text};
        }
        return std::nullopt;
      });
      continue;
    }
    if (w > 0 && is_skipped_statement(first) && !(first == "USE" && d == Dialect::mysql)) continue;
    try {
      StatementParser(m, file, st, d, used_db).run();
    } catch (const ParseError& e) {
      diag::Diagnostic dg = diag::at_offset(e.code, e.message, file.path, file.text, e.offset, e.length);
      dg.hint = e.hint;
      diags.push_back(std::move(dg));
    }
  }
}

}  // namespace

void apply_ddl_mysql(Schema& model, const SourceFile& file, diag::Diagnostics& diags) {
  apply_statements(model, file, Dialect::mysql, diags);
}

void apply_ddl_sqlite(Schema& model, const SourceFile& file, diag::Diagnostics& diags) {
  apply_statements(model, file, Dialect::sqlite, diags);
}

}  // namespace flash::sql
