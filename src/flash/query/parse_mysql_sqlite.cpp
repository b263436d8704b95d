// MySQL/MariaDB and SQLite queries → the neutral AST of ast.hpp, by recursive descent over the
// tokens of flash::sql::lex (precedence climbing for expressions). The shapes mirror what
// parse_postgres.cpp builds from libpg_query, so the analyzer sees one language:
//  * `x IN (SELECT ...)` is a sublink ANY with op "=", `x NOT IN (SELECT ...)` is NOT over it;
//    `x IN (a, b)` is an in_list;
//  * a VALUES-only INSERT stores its rows in Insert::rows; MySQL `INSERT ... SET a = 1` too;
//  * a plain JOIN without ON/USING is a cross join; comma-separated FROM items stay separate;
//  * COLLATE is dropped, `&&` / `!` / `==` are stored as AND / NOT / =, RLIKE as REGEXP;
//  * function names are lower-cased; table and column names are kept as written (the schema
//    model keeps MySQL/SQLite names as written too).
// Multi-table UPDATE/DELETE (MySQL) have a single written table in the AST: the table the first
// SET item (or the first DELETE target) names becomes Update/Delete::table, the other tables
// become `joined`/`using_` items and their ON conditions are ANDed into WHERE, which keeps every
// name and parameter visible to the analyzer.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "flash/query/parse.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::query {
namespace {

using namespace ast;
using schema::Dialect;
using sql::Token;
using sql::TokenKind;

struct SyntaxError {
  std::string message;
  std::size_t offset = 0;
  std::string code;  // "" = query.syntax
};

// Words that end an expression or a FROM item and so cannot be an implicit alias or a bare
// column name.
const std::set<std::string>& reserved_words() {
  static const std::set<std::string> words = {
      "ALL",       "AND",     "AS",       "ASC",     "BETWEEN",  "BY",        "CASE",      "COLLATE",
      "CROSS",     "DELETE",  "DESC",     "DISTINCT", "DIV",     "DO",        "ELSE",      "END",
      "ESCAPE",    "EXCEPT",  "EXISTS",   "FOR",     "FORCE",    "FROM",      "FULL",      "GLOB",
      "GROUP",     "HAVING",  "IGNORE",   "IN",      "INDEXED",  "INNER",     "INSERT",    "INTERSECT",
      "INTO",      "IS",      "ISNULL",   "JOIN",    "LEFT",     "LIKE",      "LIMIT",     "LOCK",
      "MATCH",     "MOD",     "NATURAL",  "NOT",     "NOTNULL",  "NULL",      "OFFSET",    "ON",
      "OR",        "ORDER",   "OUTER",    "PARTITION", "REGEXP", "RETURNING", "RIGHT",     "RLIKE",
      "SELECT",    "SET",     "STRAIGHT_JOIN", "THEN", "UNION",  "UPDATE",    "USE",       "USING",
      "VALUES",    "WHEN",    "WHERE",    "WINDOW",  "WITH",     "XOR",       "LATERAL",   "FETCH",
      "REPLACE",   "DEFAULT", "INTERVAL", "SOUNDS",  "MEMBER",
  };
  return words;
}

// Statements we recognise but do not model: kept as Statement::Kind::other.
const std::set<std::string>& other_statements() {
  static const std::set<std::string> words = {
      "CREATE", "ALTER",   "DROP",     "TRUNCATE", "RENAME",  "GRANT",    "REVOKE",   "PRAGMA",
      "VACUUM", "ANALYZE", "REINDEX",  "ATTACH",   "DETACH",  "BEGIN",    "COMMIT",   "ROLLBACK",
      "SAVEPOINT", "RELEASE", "SET",   "SHOW",     "CALL",    "DO",       "LOCK",     "UNLOCK",
      "LOAD",   "EXPLAIN", "DESCRIBE", "OPTIMIZE", "START",   "HANDLER",  "FLUSH",    "KILL",
      "CHECKSUM", "END",   "PREPARE",  "EXECUTE",  "DEALLOCATE", "COMMENT", "USE",
  };
  return words;
}

class Parser {
 public:
  Parser(std::vector<Token> toks, Dialect d) : toks_(std::move(toks)), d_(d) {
    // The lexer closes the stream with an `end` token; the parser has its own.
    while (!toks_.empty() && toks_.back().kind == TokenKind::end) {
      end_.offset = toks_.back().offset;
      toks_.pop_back();
    }
    number_params();
  }

  ParseResult run() {
    ParseResult out;
    try {
      while (accept_op(";")) {
      }
      if (at_end()) throw SyntaxError{"no SQL statement", peek().offset};
      Statement st = statement();
      if (!at_end() && !peek().is(";")) fail("end of statement");
      while (accept_op(";")) {
      }
      out.multiple = !at_end();
      out.statement = std::move(st);
    } catch (const SyntaxError& e) {
      out.error = e.message;
      out.error_offset = e.offset;
      out.error_code = e.code;
    }
    return out;
  }

 private:
  std::vector<Token> toks_;
  Dialect d_;
  std::size_t i_ = 0;
  // Recursion guard for nesting without parentheses (NOT NOT ..., - - ..., nested CASE); nesting
  // with parentheses stops at sql::kMaxNesting before parsing starts (parse.cpp).
  static constexpr int kMaxDepth = sql::kMaxNesting + 100;
  int depth_ = 0;  // expression/query nesting
  std::map<std::size_t, int> param_numbers_;  // token index → parameter number
  Token end_;

  // ---- token helpers -----------------------------------------------------------------------

  // Parameter numbers are fixed once from the token stream (MySQL: the n-th `?`; SQLite: `?N`,
  // a bare `?` is one more than the largest number so far), so backtracking cannot disturb them.
  void number_params() {
    int count = 0, max_seen = 0;
    for (std::size_t k = 0; k < toks_.size(); ++k) {
      const Token& t = toks_[k];
      if (t.kind != TokenKind::param) continue;
      if (t.raw.empty()) continue;
      int n = 0;
      if (t.raw[0] == '?' && t.raw.size() > 1) {
        n = small_int(t.raw.substr(1));
      } else if (t.raw[0] == '@' && d_ == Dialect::mysql) {
        continue;  // a user variable, not a parameter
      } else if (d_ == Dialect::mysql) {
        n = ++count;
      } else {
        n = max_seen + 1;
      }
      max_seen = std::max(max_seen, n);
      param_numbers_[k] = n;
    }
    if (!toks_.empty() && end_.offset == 0) {
      const Token& last = toks_.back();
      end_.offset = last.offset + last.raw.size();
    }
  }

  // Digits → int, saturating (no exception on absurd parameter numbers).
  static int small_int(std::string_view digits) {
    long long v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') break;
      v = std::min<long long>(v * 10 + (c - '0'), 1000000000LL);
    }
    return static_cast<int>(v);
  }

  const Token& peek(std::size_t k = 0) const {
    return i_ + k < toks_.size() ? toks_[i_ + k] : end_;
  }
  bool at_end() const { return i_ >= toks_.size(); }
  const Token& next() {
    const Token& t = peek();
    if (i_ < toks_.size()) ++i_;
    return t;
  }

  static bool word_is(const Token& t, std::string_view w) {
    return t.kind == TokenKind::identifier && util::iequals(t.raw, w);
  }
  static bool op_is(const Token& t, std::string_view o) { return t.kind == TokenKind::op && t.raw == o; }
  bool at(std::string_view w, std::size_t k = 0) const { return word_is(peek(k), w); }
  bool at_op(std::string_view o, std::size_t k = 0) const { return op_is(peek(k), o); }
  bool accept(std::string_view w) {
    if (!at(w)) return false;
    ++i_;
    return true;
  }
  bool accept_op(std::string_view o) {
    if (!at_op(o)) return false;
    ++i_;
    return true;
  }
  const Token& expect(std::string_view w) {
    if (!at(w)) fail(std::string(w));
    return next();
  }
  const Token& expect_op(std::string_view o) {
    if (!at_op(o)) fail("`" + std::string(o) + "`");
    return next();
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::end: return "end of input";
      case TokenKind::string: return "string '" + t.text + "'";
      case TokenKind::number: return "number " + std::string(t.raw);
      case TokenKind::param: return "parameter " + std::string(t.raw);
      case TokenKind::quoted_ident: return "identifier " + std::string(t.raw);
      default: return "`" + std::string(t.raw) + "`";
    }
  }

  [[noreturn]] void fail(const std::string& expected) const {
    throw SyntaxError{"expected " + expected + ", found " + describe(peek()), peek().offset};
  }

  static std::string upper(const Token& t) { return util::to_upper(t.raw); }
  bool is_reserved(const Token& t) const {
    return t.kind == TokenKind::identifier && reserved_words().count(upper(t)) > 0;
  }

  // A name: bare word or quoted identifier (MySQL also accepts a "string" where a name goes in a
  // few places; callers allow that explicitly).
  bool at_name(bool allow_reserved = false) const {
    const Token& t = peek();
    if (t.kind == TokenKind::quoted_ident) return true;
    return t.kind == TokenKind::identifier && (allow_reserved || !is_reserved(t));
  }
  std::string name(bool allow_reserved = true) {
    const Token& t = peek();
    if (t.kind == TokenKind::quoted_ident) return next().text;
    if (t.kind == TokenKind::identifier && (allow_reserved || !is_reserved(t))) return std::string(next().raw);
    fail("a name");
  }

  // `( a, b )` of names.
  std::vector<std::string> name_list() {
    std::vector<std::string> out;
    expect_op("(");
    do out.push_back(name()); while (accept_op(","));
    expect_op(")");
    return out;
  }

  // Skips a balanced parenthesised group starting at the current `(`.
  void skip_group() {
    int depth = 0;
    do {
      if (at_end()) fail("`)`");
      const Token& t = next();
      if (op_is(t, "(")) ++depth;
      else if (op_is(t, ")")) --depth;
    } while (depth > 0);
  }

  static ExprPtr make(ExprKind k, std::size_t off) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->offset = off;
    return e;
  }

  static ExprPtr and_of(ExprPtr a, ExprPtr b) {
    if (!a) return b;
    if (!b) return a;
    auto e = make(ExprKind::binary, a->offset);
    e->op = "AND";
    e->left = std::move(a);
    e->right = std::move(b);
    return e;
  }

  // ---- statements --------------------------------------------------------------------------

  bool at_select_start(std::size_t k = 0) const { return at("SELECT", k) || at("WITH", k) || at("VALUES", k); }
  // At `(`: does the run of `(` end in SELECT/WITH/VALUES? Only then is trying a parenthesised
  // query worth it (keeps `((((1))))` linear).
  bool parens_lead_to_query() const {
    std::size_t k = 0;
    while (at_op("(", k)) ++k;
    return k >= 2 && at_select_start(k);
  }

  Statement statement() {
    Statement st;
    st.offset = peek().offset;
    With w;
    if (at("WITH")) w = with_clause();
    if (at("SELECT") || at("VALUES") || at_op("(")) {
      st.kind = Statement::Kind::select;
      st.select = select_statement();
      if (!w.ctes.empty()) st.select->with = std::move(w);
      st.offset = st.select->offset;
    } else if (at("INSERT") || at("REPLACE")) {
      st.kind = Statement::Kind::insert;
      st.insert = insert();
      st.insert->with = std::move(w);
      st.offset = st.insert->table.offset;
    } else if (at("UPDATE")) {
      st.kind = Statement::Kind::update;
      st.update = update();
      st.update->with = std::move(w);
      st.offset = st.update->table.offset;
    } else if (at("DELETE")) {
      st.kind = Statement::Kind::delete_;
      st.delete_ = delete_stmt();
      st.delete_->with = std::move(w);
      st.offset = st.delete_->table.offset;
    } else if (w.ctes.empty() && peek().kind == TokenKind::identifier && other_statements().count(upper(peek()))) {
      other(st);
    } else {
      fail(w.ctes.empty() ? "a statement" : "SELECT, INSERT, UPDATE or DELETE after WITH");
    }
    return st;
  }

  // A statement we do not model: its kind, the tables a TRUNCATE names, and its parameters.
  void other(Statement& st) {
    st.kind = Statement::Kind::other;
    st.other_kind = upper(next());
    if (st.other_kind == "TRUNCATE") {
      accept("TABLE");
      do {
        Target t = target_name();
        st.other_tables.push_back(std::move(t));
      } while (accept_op(","));
    }
    while (!at_end() && !at_op(";")) {
      if (peek().kind == TokenKind::param && param_numbers_.count(i_)) {
        st.other_exprs.push_back(param());
      } else {
        ++i_;
      }
    }
  }

  With with_clause() {
    With w;
    expect("WITH");
    w.recursive = accept("RECURSIVE");
    do {
      Cte c;
      c.offset = peek().offset;
      c.name = name(false);
      if (at_op("(")) c.columns = name_list();
      expect("AS");
      if (accept("NOT")) expect("MATERIALIZED");
      else accept("MATERIALIZED");
      expect_op("(");
      c.query = std::make_unique<Statement>(statement());
      expect_op(")");
      w.ctes.push_back(std::move(c));
    } while (accept_op(","));
    return w;
  }

  // select_statement := [WITH] compound [ORDER BY] [LIMIT] [locking]
  std::unique_ptr<Select> select_statement() {
    if (++depth_ > kMaxDepth) throw SyntaxError{"query nested too deeply", peek().offset, "sql.too-deep"};
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    With w;
    if (at("WITH")) w = with_clause();
    std::unique_ptr<Select> s = compound();
    tail(*s);
    if (!w.ctes.empty()) s->with = std::move(w);
    return s;
  }

  // Set operations, left-associative.
  std::unique_ptr<Select> compound() {
    std::unique_ptr<Select> left = select_primary();
    while (at("UNION") || at("INTERSECT") || at("EXCEPT") || (d_ == Dialect::mysql && at("MINUS"))) {
      auto s = std::make_unique<Select>();
      std::string w = upper(next());
      s->op = w == "UNION" ? SetOp::union_ : w == "INTERSECT" ? SetOp::intersect : SetOp::except;
      if (accept("ALL")) s->all = true;
      else accept("DISTINCT");
      s->offset = left->offset;
      s->larg = std::move(left);
      s->rarg = select_primary();
      left = std::move(s);
    }
    return left;
  }

  std::unique_ptr<Select> select_primary() {
    if (at_op("(")) {
      next();
      std::unique_ptr<Select> s = select_statement();
      expect_op(")");
      return s;
    }
    if (at("VALUES")) {
      auto s = std::make_unique<Select>();
      s->offset = next().offset;
      s->values = value_rows();
      return s;
    }
    if (!at("SELECT")) fail("SELECT");
    return select_core();
  }

  std::vector<std::vector<ExprPtr>> value_rows() {
    std::vector<std::vector<ExprPtr>> rows;
    do {
      accept("ROW");  // MySQL VALUES ROW(1, 2)
      expect_op("(");
      std::vector<ExprPtr> row;
      if (!at_op(")")) {
        do row.push_back(expr()); while (accept_op(","));
      }
      expect_op(")");
      rows.push_back(std::move(row));
    } while (accept_op(","));
    return rows;
  }

  std::unique_ptr<Select> select_core() {
    auto s = std::make_unique<Select>();
    s->offset = expect("SELECT").offset;
    for (;;) {
      if (accept("DISTINCT") || accept("DISTINCTROW")) s->distinct = true;
      else if (accept("ALL")) {
      } else if (d_ == Dialect::mysql && (accept("HIGH_PRIORITY") || accept("STRAIGHT_JOIN") ||
                                          accept("SQL_CALC_FOUND_ROWS") || accept("SQL_NO_CACHE") ||
                                          accept("SQL_CACHE") || accept("SQL_SMALL_RESULT") ||
                                          accept("SQL_BIG_RESULT") || accept("SQL_BUFFER_RESULT"))) {
      } else break;
    }
    s->targets = target_list();
    if (!s->targets.empty()) s->offset = s->targets[0].offset;
    if (accept("FROM")) {
      // MySQL's FROM DUAL is no table at all.
      if (d_ == Dialect::mysql && at("DUAL") && !at_op(".", 1)) next();
      else s->from = from_list();
    }
    if (accept("WHERE")) s->where = expr();
    if (at("GROUP") && at("BY", 1)) {
      i_ += 2;
      do {
        s->group_by.push_back(expr());
        if (!accept("ASC")) accept("DESC");  // MySQL 5.7 GROUP BY x DESC
      } while (accept_op(","));
      if (at("WITH") && at("ROLLUP", 1)) i_ += 2;
    }
    if (accept("HAVING")) s->having = expr();
    if (accept("WINDOW")) {
      // Named windows: OVER w keeps the name; the definitions only hold expressions the
      // analyzer does not type, so they are parsed and dropped.
      do {
        name();
        expect("AS");
        window_spec();
      } while (accept_op(","));
    }
    return s;
  }

  // ORDER BY / LIMIT / OFFSET / locking of a select statement.
  void tail(Select& s) {
    if (at("ORDER") && at("BY", 1)) {
      i_ += 2;
      s.order_by = order_list();
    }
    limit_clause(s.limit, s.offset_expr);
    for (;;) {
      if (at("FOR") && (at("UPDATE", 1) || at("SHARE", 1))) {
        i_ += 2;
        s.locking = true;
        if (accept("OF")) {
          do name(); while (accept_op(","));
        }
        if (!accept("NOWAIT") && at("SKIP") && at("LOCKED", 1)) i_ += 2;
      } else if (at("LOCK") && at("IN", 1)) {
        i_ += 2;
        expect("SHARE");
        expect("MODE");
        s.locking = true;
      } else {
        break;
      }
    }
  }

  void limit_clause(ExprPtr& limit, ExprPtr& offset) {
    if (accept("LIMIT")) {
      ExprPtr first = expr();
      if (accept_op(",")) {  // LIMIT offset, count
        offset = std::move(first);
        limit = expr();
      } else {
        limit = std::move(first);
        if (accept("OFFSET")) offset = expr();
      }
    } else if (accept("OFFSET")) {
      offset = expr();
    }
  }

  std::vector<OrderItem> order_list() {
    std::vector<OrderItem> out;
    do {
      OrderItem o;
      o.expr = expr();
      if (accept("DESC")) o.descending = true;
      else accept("ASC");
      if (accept("NULLS")) {
        if (!accept("FIRST")) expect("LAST");
      }
      out.push_back(std::move(o));
    } while (accept_op(","));
    return out;
  }

  // An alias after an expression or FROM item: AS name, or a bare non-reserved name. MySQL and
  // SQLite also take a 'string' here.
  std::optional<std::string> alias(bool allow_string = true) {
    if (accept("AS")) {
      if (peek().kind == TokenKind::string) return next().text;
      return name();
    }
    if (at_name()) return name();
    if (allow_string && peek().kind == TokenKind::string) return next().text;
    return std::nullopt;
  }

  std::vector<ResultTarget> target_list() {
    std::vector<ResultTarget> out;
    do {
      ResultTarget rt;
      rt.offset = peek().offset;
      rt.expr = expr();
      if (auto a = alias()) rt.alias = *a;
      out.push_back(std::move(rt));
    } while (accept_op(","));
    return out;
  }

  // ---- FROM --------------------------------------------------------------------------------

  std::vector<TableRef> from_list() {
    std::vector<TableRef> out;
    do out.push_back(joined_table()); while (accept_op(","));
    return out;
  }

  bool at_join() const {
    return at("JOIN") || at("INNER") || at("CROSS") || at("LEFT") || at("RIGHT") || at("FULL") ||
           at("NATURAL") || at("STRAIGHT_JOIN");
  }

  TableRef joined_table() {
    TableRef left = table_primary();
    while (at_join()) {
      TableRef j;
      j.kind = TableRef::Kind::join;
      j.offset = left.offset;
      j.natural = accept("NATURAL");
      bool cross = false, straight = false;
      if (accept("INNER")) {
      } else if (accept("CROSS")) {
        cross = true;
      } else if (accept("LEFT")) {
        j.join = JoinKind::left;
        accept("OUTER");
      } else if (accept("RIGHT")) {
        j.join = JoinKind::right;
        accept("OUTER");
      } else if (accept("FULL")) {
        j.join = JoinKind::full;
        accept("OUTER");
      } else if (accept("STRAIGHT_JOIN")) {
        straight = true;
      }
      if (!straight) expect("JOIN");
      j.left = std::make_unique<TableRef>(std::move(left));
      j.right = std::make_unique<TableRef>(table_primary());
      if (!cross && !j.natural) {
        if (accept("ON")) j.on = expr();
        else if (at("USING")) {
          next();
          j.using_columns = name_list();
        }
      }
      if (j.join == JoinKind::inner && !j.on && j.using_columns.empty() && !j.natural) j.join = JoinKind::cross;
      left = std::move(j);
    }
    return left;
  }

  // MySQL index hints, PARTITION (p), SQLite INDEXED BY / NOT INDEXED: no effect on typing.
  void table_hints() {
    for (;;) {
      if ((at("USE") || at("FORCE") || at("IGNORE")) && (at("INDEX", 1) || at("KEY", 1))) {
        i_ += 2;
        if (accept("FOR")) {
          if (accept("JOIN")) {
          } else {
            if (!accept("ORDER")) expect("GROUP");
            expect("BY");
          }
        }
        skip_group();
      } else if (at("INDEXED") && at("BY", 1)) {
        i_ += 2;
        name();
      } else if (at("NOT") && at("INDEXED", 1)) {
        i_ += 2;
      } else {
        return;
      }
    }
  }

  void table_alias(TableRef& r) {
    if (auto a = alias(false)) {
      r.alias.name = *a;
      if (at_op("(") && r.kind != TableRef::Kind::table) r.alias.columns = name_list();
    }
  }

  TableRef table_primary() {
    TableRef r;
    r.offset = peek().offset;
    bool lateral = accept("LATERAL");
    if (at_op("(")) {
      // A subquery, or a parenthesised join. `((SELECT ...) UNION ...)` starts with two
      // parentheses: try the subquery first and fall back to a join.
      std::size_t save = i_;
      bool subquery = at_select_start(1);
      if (!subquery && parens_lead_to_query()) {
        try {
          next();
          select_statement();
          expect_op(")");
          subquery = true;
        } catch (const SyntaxError&) {
          subquery = false;
        }
        i_ = save;
      }
      if (subquery) {
        next();
        r.kind = TableRef::Kind::subquery;
        r.lateral = lateral;
        r.subquery = select_statement();
        expect_op(")");
        table_alias(r);
        return r;
      }
      next();
      r = joined_table();
      expect_op(")");
      if (r.kind == TableRef::Kind::table && r.alias.name.empty()) table_alias(r);
      return r;
    }
    if (!at_name()) fail("a table name");
    // Table-valued functions (SQLite json_each(...), MySQL JSON_TABLE(...)).
    if (at_op("(", 1) || (at_op(".", 1) && at_op("(", 3))) {
      r.kind = TableRef::Kind::function;
      r.lateral = lateral;
      r.functions.push_back(primary());
      table_alias(r);
      return r;
    }
    r.kind = TableRef::Kind::table;
    std::string first = name();
    if (accept_op(".")) {
      r.schema = first;
      r.name = name();
    } else {
      r.name = first;
    }
    if (d_ == Dialect::mysql && at("PARTITION") && at_op("(", 1)) {
      next();
      skip_group();
    }
    table_alias(r);
    table_hints();
    return r;
  }

  // ---- INSERT / UPDATE / DELETE ------------------------------------------------------------

  Target target_name() {
    Target t;
    t.offset = peek().offset;
    std::string first = name(false);
    if (accept_op(".")) {
      t.schema = first;
      t.name = name();
    } else {
      t.name = first;
    }
    return t;
  }

  // SQLite's `OR REPLACE|IGNORE|ABORT|FAIL|ROLLBACK` after INSERT / UPDATE.
  void conflict_resolution() {
    if (d_ == Dialect::sqlite && accept("OR")) {
      if (!(accept("REPLACE") || accept("IGNORE") || accept("ABORT") || accept("FAIL") || accept("ROLLBACK")))
        fail("REPLACE, IGNORE, ABORT, FAIL or ROLLBACK");
    }
  }

  // Drops the qualifier `q` from column references (not inside subqueries).
  static void unqualify(Expr* e, const std::string& q) {
    if (!e) return;
    if (e->kind == ExprKind::column && e->qualifier.size() == 1 && util::iequals(e->qualifier[0], q))
      e->qualifier.clear();
    for (Expr* c : {e->left.get(), e->right.get(), e->arg.get(), e->filter.get(), e->else_.get()}) unqualify(c, q);
    for (auto* list : {&e->args, &e->children})
      for (ExprPtr& c : *list) unqualify(c.get(), q);
    for (CaseWhen& w : e->whens) {
      unqualify(w.when.get(), q);
      unqualify(w.then.get(), q);
    }
  }

  std::unique_ptr<Insert> insert() {
    auto ins = std::make_unique<Insert>();
    std::string row_alias;
    if (!accept("REPLACE")) {
      expect("INSERT");
      conflict_resolution();
    }
    while (accept("LOW_PRIORITY") || accept("DELAYED") || accept("HIGH_PRIORITY") || accept("IGNORE")) {
    }
    accept("INTO");
    ins->table = target_name();
    if (d_ == Dialect::mysql && at("PARTITION") && at_op("(", 1)) {
      next();
      skip_group();
    }
    if (accept("AS")) ins->table.alias = name();
    if (at_op("(") && at_op(")", 1)) {
      i_ += 2;  // MySQL: INSERT INTO t () VALUES ()
    } else if (at_op("(") && !at_select_start(1) && !at_op("(", 1)) {
      next();
      do {
        InsertColumn c;
        c.offset = peek().offset;
        c.name = name();
        if (accept_op(".")) c.name = name();  // MySQL accepts t.col here
        ins->columns.push_back(std::move(c));
      } while (accept_op(","));
      expect_op(")");
    }
    if (at("VALUES") || at("VALUE")) {
      next();
      ins->rows = value_rows();
      // MySQL 8: VALUES (...) AS new [(cols)]
      if (d_ == Dialect::mysql && accept("AS")) {
        row_alias = name();
        if (at_op("(")) name_list();
      }
    } else if (at("DEFAULT") && at("VALUES", 1)) {
      i_ += 2;
      ins->default_values = true;
    } else if (d_ == Dialect::mysql && at("SET")) {
      next();
      std::vector<SetItem> items = set_list();
      std::vector<ExprPtr> row;
      for (SetItem& it : items) {
        ins->columns.push_back({it.column, it.offset});
        row.push_back(std::move(it.value));
      }
      ins->rows.push_back(std::move(row));
    } else if (at_select_start() || at_op("(")) {
      ins->select = select_statement();
    } else {
      fail("VALUES, SELECT or DEFAULT VALUES");
    }
    while (at("ON")) {
      if (at("CONFLICT", 1)) {
        i_ += 2;
        OnConflict c;
        if (at_op("(")) {
          next();
          do {
            // indexed column: name [COLLATE x] [ASC|DESC], or an expression
            if (at_name() && (at_op(",", 1) || at_op(")", 1) || at("COLLATE", 1) || at("ASC", 1) || at("DESC", 1))) {
              c.columns.push_back(name());
            } else {
              expr();
            }
            if (accept("COLLATE")) name();
            if (!accept("ASC")) accept("DESC");
          } while (accept_op(","));
          expect_op(")");
          if (accept("WHERE")) expr();
        }
        expect("DO");
        if (accept("NOTHING")) {
          c.action = OnConflict::Action::nothing;
        } else {
          expect("UPDATE");
          expect("SET");
          c.action = OnConflict::Action::update;
          c.set = set_list();
          if (accept("WHERE")) c.where = expr();
        }
        if (!ins->on_conflict) ins->on_conflict = std::move(c);
      } else if (at("DUPLICATE", 1)) {
        i_ += 2;
        expect("KEY");
        expect("UPDATE");
        ins->on_duplicate = set_list();
        // `new.col` of a MySQL 8 row alias is the inserted value of the target's column: the
        // analyzer types it as that column.
        if (!row_alias.empty())
          for (SetItem& si : ins->on_duplicate) unqualify(si.value.get(), row_alias);
      } else {
        break;
      }
    }
    if (accept("RETURNING")) ins->returning = target_list();
    return ins;
  }

  // col = expr, ...; SQLite also (a, b) = (x, y) / (a, b) = (SELECT ...).
  std::vector<SetItem> set_list() {
    std::vector<SetItem> out;
    do {
      if (at_op("(")) {
        std::size_t off = next().offset;
        std::vector<std::pair<std::string, std::size_t>> cols;
        do {
          std::size_t o = peek().offset;
          cols.push_back({name(), o});
        } while (accept_op(","));
        expect_op(")");
        expect_op("=");
        ExprPtr v = expr();
        for (std::size_t k = 0; k < cols.size(); ++k) {
          SetItem si;
          si.column = cols[k].first;
          si.offset = cols[k].second;
          // A row gives each column its value; anything else (a subquery) is visited once, with the
          // first column (moved out then: the later columns get no value).
          if (!v) {
          } else if (v->kind == ExprKind::row) {
            if (k < v->args.size()) si.value = std::move(v->args[k]);
          } else if (k == 0) {
            si.value = std::move(v);
          }
          out.push_back(std::move(si));
        }
        (void)off;
        continue;
      }
      SetItem si;
      si.offset = peek().offset;
      si.column = name();
      while (accept_op(".")) {
        set_qualifiers_.push_back(si.column);
        si.column = name();
      }
      if (at_op("[")) {  // never valid here in MySQL/SQLite, but say so clearly
        fail("`=`");
      }
      expect_op("=");
      si.value = expr();
      out.push_back(std::move(si));
    } while (accept_op(","));
    return out;
  }
  std::vector<std::string> set_qualifiers_;  // qualifiers written in SET items (MySQL t.col = ...)

  // Leaves of a FROM tree in order, with the join conditions collected.
  static void flatten(TableRef&& r, std::vector<TableRef>& leaves, ExprPtr& conds) {
    if (r.kind == TableRef::Kind::join) {
      flatten(std::move(*r.left), leaves, conds);
      flatten(std::move(*r.right), leaves, conds);
      if (r.on) conds = and_of(std::move(conds), std::move(r.on));
      return;
    }
    leaves.push_back(std::move(r));
  }

  static bool ref_matches(const TableRef& r, const std::string& n) {
    if (r.kind != TableRef::Kind::table) return !r.alias.name.empty() && util::iequals(r.alias.name, n);
    return util::iequals(r.alias.name.empty() ? r.name : r.alias.name, n) || util::iequals(r.name, n);
  }

  // Picks the written table out of a multi-table list: the leaf called `wanted` (or the first
  // table leaf); the rest go to `rest`, join conditions to `conds`.
  static Target pick_target(std::vector<TableRef>&& refs, const std::string& wanted, std::vector<TableRef>& rest,
                            ExprPtr& conds) {
    std::vector<TableRef> leaves;
    for (TableRef& r : refs) flatten(std::move(r), leaves, conds);
    std::size_t pick = leaves.size();
    if (!wanted.empty())
      for (std::size_t k = 0; k < leaves.size() && pick == leaves.size(); ++k)
        if (ref_matches(leaves[k], wanted)) pick = k;
    if (pick == leaves.size())
      for (std::size_t k = 0; k < leaves.size() && pick == leaves.size(); ++k)
        if (leaves[k].kind == TableRef::Kind::table) pick = k;
    Target t;
    for (std::size_t k = 0; k < leaves.size(); ++k) {
      if (k == pick) {
        t.schema = leaves[k].schema;
        t.name = leaves[k].name;
        t.alias = leaves[k].alias.name;
        t.offset = leaves[k].offset;
      } else {
        rest.push_back(std::move(leaves[k]));
      }
    }
    return t;
  }

  std::unique_ptr<Update> update() {
    auto up = std::make_unique<Update>();
    expect("UPDATE");
    conflict_resolution();
    while (accept("LOW_PRIORITY") || accept("IGNORE")) {
    }
    std::vector<TableRef> refs = from_list();
    expect("SET");
    set_qualifiers_.clear();
    up->set = set_list();
    std::vector<std::string> quals = set_qualifiers_;
    if (accept("FROM")) up->from = from_list();
    if (accept("WHERE")) up->where = expr();
    if (at("ORDER") && at("BY", 1)) {
      i_ += 2;
      up->order_by = order_list();
    }
    if (accept("LIMIT")) up->limit = expr();
    if (accept("RETURNING")) up->returning = target_list();

    if (refs.size() == 1 && refs[0].kind == TableRef::Kind::table) {
      TableRef& r = refs[0];
      up->table = {r.schema, r.name, r.alias.name, r.offset};
    } else {
      ExprPtr conds;
      up->table = pick_target(std::move(refs), quals.empty() ? "" : quals.front(), up->joined, conds);
      if (conds) up->where = and_of(std::move(conds), std::move(up->where));
    }
    return up;
  }

  std::unique_ptr<Delete> delete_stmt() {
    auto del = std::make_unique<Delete>();
    expect("DELETE");
    while (accept("LOW_PRIORITY") || accept("QUICK") || accept("IGNORE")) {
    }
    // MySQL multi-table forms: DELETE t1[, t2] FROM refs ... / DELETE FROM t1[, t2] USING refs ...
    std::vector<std::string> targets;
    bool multi = false;
    std::vector<TableRef> refs;
    if (!at("FROM")) {
      multi = true;
      do {
        std::string n = name(false);
        if (accept_op(".")) {
          if (!accept_op("*")) n = name();
        }
        if (accept_op(".")) expect_op("*");
        targets.push_back(n);
      } while (accept_op(","));
      expect("FROM");
      refs = from_list();
    } else {
      next();
      std::size_t save = i_;
      TableRef first;
      first.offset = peek().offset;
      Target t = target_name();
      if (accept_op(".")) expect_op("*");
      if (at_op(",") || (at("USING") && d_ == Dialect::mysql)) {
        // DELETE FROM t1, t2 USING ...
        i_ = save;
        do {
          std::string n = name(false);
          if (accept_op(".")) {
            if (!accept_op("*")) n = name();
          }
          if (accept_op(".")) expect_op("*");
          targets.push_back(n);
        } while (accept_op(","));
        if (accept("USING")) {
          multi = true;
          refs = from_list();
        } else {
          i_ = save;
        }
      } else {
        i_ = save;
      }
      if (!multi) {
        targets.clear();
        del->table = target_name();
        if (d_ == Dialect::mysql && at("PARTITION") && at_op("(", 1)) {
          next();
          skip_group();
        }
        if (auto a = alias(false)) del->table.alias = *a;
        table_hints();
        if (accept("USING")) del->using_ = from_list();
      }
    }
    if (accept("WHERE")) del->where = expr();
    if (at("ORDER") && at("BY", 1)) {
      i_ += 2;
      del->order_by = order_list();
    }
    if (accept("LIMIT")) del->limit = expr();
    if (accept("RETURNING")) del->returning = target_list();
    if (multi) {
      ExprPtr conds;
      del->table = pick_target(std::move(refs), targets.empty() ? "" : targets.front(), del->using_, conds);
      if (conds) del->where = and_of(std::move(conds), std::move(del->where));
    }
    return del;
  }

  // ---- expressions -------------------------------------------------------------------------
  //
  // Precedence, lowest first (MySQL's and SQLite's tables merged; they agree on everything
  // queries use):  OR (MySQL ||)  XOR  AND (&&)  NOT  comparison/IS/IN/LIKE/BETWEEN
  // relational (< <= > >=)  bitwise (| & << >>)  additive  multiplicative (* / % DIV MOD)
  // ^  concatenation and JSON (SQLite ||, -> ->>)  unary (- + ~ !)  COLLATE  primary.

 public:
  ExprPtr expr() {
    // Recursion guard: deeply nested input is reported, not a stack overflow. (Restored on
    // the way out, also when a tried alternative throws and is backtracked.)
    if (++depth_ > kMaxDepth) throw SyntaxError{"expression nested too deeply", peek().offset, "sql.too-deep"};
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    return or_expr();
  }

 private:
  ExprPtr binary(ExprPtr l, std::string op, ExprPtr r) {
    auto e = make(ExprKind::binary, l->offset);
    e->op = std::move(op);
    e->left = std::move(l);
    e->right = std::move(r);
    return e;
  }

  ExprPtr or_expr() {
    ExprPtr l = xor_expr();
    for (;;) {
      if (accept("OR")) l = binary(std::move(l), "OR", xor_expr());
      else if (d_ == Dialect::mysql && accept_op("||")) l = binary(std::move(l), "||", xor_expr());
      else return l;
    }
  }

  ExprPtr xor_expr() {
    ExprPtr l = and_expr();
    while (d_ == Dialect::mysql && accept("XOR")) l = binary(std::move(l), "XOR", and_expr());
    return l;
  }

  ExprPtr and_expr() {
    ExprPtr l = not_expr();
    while (accept("AND") || (d_ == Dialect::mysql && accept_op("&&"))) l = binary(std::move(l), "AND", not_expr());
    return l;
  }

  ExprPtr not_expr() {
    if (at("NOT") && !at("EXISTS", 1)) {
      // NOT NOT NOT ... recurses without passing through expr(): guarded too.
      if (++depth_ > kMaxDepth) throw SyntaxError{"expression nested too deeply", peek().offset, "sql.too-deep"};
      struct Leave {
        int& d;
        ~Leave() { --d; }
      } leave{depth_};
      auto e = make(ExprKind::unary, next().offset);
      e->op = "NOT";
      e->arg = not_expr();
      return e;
    }
    return comparison();
  }

  // Comparison level: =, <>, IS, IN, LIKE, BETWEEN, ... (left-associative, postfix forms).
  ExprPtr comparison() {
    ExprPtr l = relational();
    for (;;) {
      const Token& t = peek();
      std::size_t off = l->offset;
      if (t.kind == TokenKind::op &&
          (t.raw == "=" || t.raw == "==" || t.raw == "!=" || t.raw == "<>" || t.raw == "<=>")) {
        std::string op = t.raw == "==" ? "=" : std::string(t.raw);
        next();
        l = compare_rhs(std::move(l), op);
        continue;
      }
      if (accept("IS")) {
        bool neg = accept("NOT");
        if (accept("NULL")) {
          auto e = make(ExprKind::is_null, off);
          e->negated = neg;
          e->arg = std::move(l);
          l = std::move(e);
        } else if (at("TRUE") || at("FALSE") || at("UNKNOWN")) {
          auto e = make(ExprKind::is_bool, off);
          e->op = upper(next());
          e->negated = neg;
          e->arg = std::move(l);
          l = std::move(e);
        } else if (accept("DISTINCT")) {
          expect("FROM");
          auto e = binary(std::move(l), "IS DISTINCT FROM", relational());
          e->negated = neg;
          l = std::move(e);
        } else {
          // SQLite: a IS b / a IS NOT b (null-safe equality)
          l = binary(std::move(l), neg ? "IS NOT" : "IS", relational());
        }
        continue;
      }
      if (accept("ISNULL") || (at("NOTNULL") && d_ == Dialect::sqlite)) {
        auto e = make(ExprKind::is_null, off);
        if (accept("NOTNULL")) e->negated = true;
        e->arg = std::move(l);
        l = std::move(e);
        continue;
      }
      bool neg = false;
      std::size_t save = i_;
      if (at("NOT")) {
        neg = true;
        next();
        if (d_ == Dialect::sqlite && accept("NULL")) {  // x NOT NULL
          auto e = make(ExprKind::is_null, off);
          e->negated = true;
          e->arg = std::move(l);
          l = std::move(e);
          continue;
        }
      }
      if (accept("IN")) {
        l = in_rhs(std::move(l), neg, off);
        continue;
      }
      if (accept("BETWEEN")) {
        auto e = make(ExprKind::between, off);
        e->negated = neg;
        e->arg = std::move(l);
        accept("SYMMETRIC");
        e->args.push_back(relational());
        expect("AND");
        e->args.push_back(relational());
        l = std::move(e);
        continue;
      }
      if (at("LIKE") || at("GLOB") || at("REGEXP") || at("RLIKE") || at("MATCH") ||
          (d_ == Dialect::mysql && at("SOUNDS") && at("LIKE", 1))) {
        std::string op = upper(next());
        if (op == "RLIKE") op = "REGEXP";
        if (op == "SOUNDS") {
          next();
          op = "SOUNDS LIKE";
        }
        auto e = binary(std::move(l), op, relational());
        e->negated = neg;
        if (accept("ESCAPE")) {
          // The escape character is a constant in practice; keep it reachable for numbering.
          e->args.push_back(relational());
        }
        l = std::move(e);
        continue;
      }
      if (d_ == Dialect::mysql && !neg && at("MEMBER") && at("OF", 1)) {
        i_ += 2;
        auto e = make(ExprKind::func, off);
        e->name = "json_overlaps";
        e->args.push_back(std::move(l));
        expect_op("(");
        e->args.push_back(expr());
        expect_op(")");
        l = std::move(e);
        continue;
      }
      if (neg) i_ = save;
      return l;
    }
  }

  // The right side of a comparison: an operand, or ANY/ALL/SOME (subquery).
  ExprPtr compare_rhs(ExprPtr l, const std::string& op) {
    if ((at("ANY") || at("ALL") || at("SOME")) && at_op("(", 1) && at_select_start(2)) {
      std::string q = upper(next());
      auto e = make(ExprKind::sublink, l->offset);
      e->sublink = q == "ALL" ? SublinkKind::all : SublinkKind::any;
      e->op = op;
      e->arg = std::move(l);
      expect_op("(");
      e->subquery = select_statement();
      expect_op(")");
      return e;
    }
    return binary(std::move(l), op, relational());
  }

  // At `(`: a parenthesised query `(SELECT ...)`, or `((SELECT ...) UNION ...)` (tried, and
  // the position restored when it is not one). Null when not a query.
  std::unique_ptr<Select> paren_query() {
    if (!at_op("(")) return nullptr;
    if (at_select_start(1)) {
      next();
      auto sub = select_statement();
      expect_op(")");
      return sub;
    }
    if (!parens_lead_to_query()) return nullptr;
    std::size_t save = i_;
    try {
      next();
      auto sub = select_statement();
      expect_op(")");
      return sub;
    } catch (const SyntaxError&) {
    }
    i_ = save;
    return nullptr;
  }

  ExprPtr in_rhs(ExprPtr l, bool neg, std::size_t off) {
    if (auto sub = paren_query()) {
      auto e = make(ExprKind::sublink, off);
      e->sublink = SublinkKind::any;
      e->op = "=";
      e->arg = std::move(l);
      e->subquery = std::move(sub);
      if (!neg) return e;
      auto n = make(ExprKind::unary, off);
      n->op = "NOT";
      n->arg = std::move(e);
      return n;
    }
    auto e = make(ExprKind::in_list, off);
    e->negated = neg;
    e->arg = std::move(l);
    if (at_op("(")) {
      next();
      if (!at_op(")")) {
        do e->args.push_back(expr()); while (accept_op(","));
      }
      expect_op(")");
    } else if (d_ == Dialect::sqlite && at_name()) {
      // SQLite: x IN table / x IN table_function(...)
      auto sub = std::make_unique<Select>();
      sub->offset = peek().offset;
      ResultTarget rt;
      rt.offset = sub->offset;
      rt.expr = make(ExprKind::column, sub->offset);
      rt.expr->star = true;
      sub->targets.push_back(std::move(rt));
      sub->from.push_back(table_primary());
      auto s = make(ExprKind::sublink, off);
      s->sublink = SublinkKind::any;
      s->op = "=";
      s->arg = std::move(e->arg);
      s->subquery = std::move(sub);
      if (!neg) return s;
      auto n = make(ExprKind::unary, off);
      n->op = "NOT";
      n->arg = std::move(s);
      return n;
    } else {
      fail("`(` after IN");
    }
    return e;
  }

  ExprPtr relational() {
    ExprPtr l = bitwise();
    for (;;) {
      const Token& t = peek();
      if (t.kind == TokenKind::op && (t.raw == "<" || t.raw == "<=" || t.raw == ">" || t.raw == ">=")) {
        std::string op(next().raw);
        l = compare_rhs(std::move(l), op);
      } else {
        return l;
      }
    }
  }

  ExprPtr bitwise() {
    ExprPtr l = additive();
    for (;;) {
      const Token& t = peek();
      if (t.kind == TokenKind::op && (t.raw == "|" || t.raw == "&" || t.raw == "<<" || t.raw == ">>")) {
        std::string op(next().raw);
        l = binary(std::move(l), op, additive());
      } else {
        return l;
      }
    }
  }

  ExprPtr additive() {
    ExprPtr l = multiplicative();
    for (;;) {
      if (at_op("+") || at_op("-")) {
        std::string op(next().raw);
        l = binary(std::move(l), op, multiplicative());
      } else {
        return l;
      }
    }
  }

  ExprPtr multiplicative() {
    ExprPtr l = caret();
    for (;;) {
      if (at_op("*") || at_op("/") || at_op("%")) {
        std::string op(next().raw);
        l = binary(std::move(l), op, caret());
      } else if (d_ == Dialect::mysql && (at("DIV") || at("MOD"))) {
        std::string op = upper(next());
        l = binary(std::move(l), op == "MOD" ? "%" : "DIV", caret());
      } else {
        return l;
      }
    }
  }

  ExprPtr caret() {
    ExprPtr l = concat();
    while (d_ == Dialect::mysql && at_op("^")) {
      next();
      l = binary(std::move(l), "^", concat());
    }
    return l;
  }

  ExprPtr concat() {
    ExprPtr l = unary();
    for (;;) {
      if ((d_ == Dialect::sqlite && at_op("||")) || at_op("->") || at_op("->>")) {
        std::string op(next().raw);
        l = binary(std::move(l), op, unary());
      } else {
        return l;
      }
    }
  }

  ExprPtr unary() {
    const Token& t = peek();
    if (t.kind == TokenKind::op && (t.raw == "-" || t.raw == "+" || t.raw == "~" || (t.raw == "!" && d_ == Dialect::mysql))) {
      std::size_t off = t.offset;
      std::string op = t.raw == "!" ? "NOT" : std::string(t.raw);
      if (++depth_ > kMaxDepth) throw SyntaxError{"expression nested too deeply", off, "sql.too-deep"};
      struct Leave {
        int& d;
        ~Leave() { --d; }
      } leave{depth_};
      next();
      ExprPtr arg = unary();
      // -5 is a literal, as in PostgreSQL's parse tree.
      if (op == "-" && arg->kind == ExprKind::literal &&
          (arg->literal == LiteralKind::integer || arg->literal == LiteralKind::number) && arg->text[0] != '-') {
        arg->text = "-" + arg->text;
        arg->offset = off;
        return arg;
      }
      auto e = make(ExprKind::unary, off);
      e->op = op;
      e->arg = std::move(arg);
      return e;
    }
    if (d_ == Dialect::mysql && at("BINARY") && !at_op("(", 1) && !at_op(",", 1) && !at_op(")", 1)) {
      if (++depth_ > kMaxDepth) throw SyntaxError{"expression nested too deeply", peek().offset, "sql.too-deep"};
      struct Leave {
        int& d;
        ~Leave() { --d; }
      } leave{depth_};
      next();  // BINARY x: a binary-collation cast; the value keeps its type
      return unary();
    }
    return collate(postfix(primary()));
  }

  ExprPtr collate(ExprPtr e) {
    while (accept("COLLATE")) {
      if (peek().kind == TokenKind::string) next();
      else name();
    }
    return e;
  }

  // MySQL JSON column paths written as col->'$.x' are handled by concat(); nothing else here
  // takes postfix operators except the rare `expr[...]` which neither dialect has.
  ExprPtr postfix(ExprPtr e) { return e; }

  ExprPtr param() {
    const Token& t = peek();
    auto e = make(ExprKind::param, t.offset);
    auto it = param_numbers_.find(i_);
    if (it == param_numbers_.end()) {
      // MySQL @user_variable / @@system_variable: not a parameter.
      e->kind = ExprKind::other;
      e->name = std::string(t.raw);
    } else {
      e->param_number = it->second;
    }
    next();
    return e;
  }

  ExprPtr literal(LiteralKind k, std::string text, std::size_t off) {
    auto e = make(ExprKind::literal, off);
    e->literal = k;
    e->text = std::move(text);
    return e;
  }

  ExprPtr number_literal() {
    const Token& t = next();
    std::string raw(t.raw);
    if (raw.size() > 2 && raw[0] == '0' && (raw[1] == 'x' || raw[1] == 'X'))
      return literal(LiteralKind::bits, raw.substr(2), t.offset);
    bool integer = raw.find_first_not_of("0123456789_") == std::string::npos;
    std::string digits;
    for (char c : raw)
      if (c != '_') digits += c;
    // Integers too long for int64 are numeric literals (PostgreSQL does the same).
    if (integer && (digits.size() > 19 || (digits.size() == 19 && digits > "9223372036854775807"))) integer = false;
    return literal(integer ? LiteralKind::integer : LiteralKind::number, digits, t.offset);
  }

  ExprPtr string_literal() {
    const Token& t = next();
    char c0 = t.raw.empty() ? '\'' : t.raw[0];
    if (c0 == 'x' || c0 == 'X') return literal(LiteralKind::bits, t.text, t.offset);
    if ((c0 == 'b' || c0 == 'B') && t.raw.size() > 1 && t.raw[1] == '\'') return literal(LiteralKind::bits, t.text, t.offset);
    auto e = literal(LiteralKind::string, t.text, t.offset);
    // 'a' 'b': adjacent strings concatenate.
    while (peek().kind == TokenKind::string && peek().raw[0] == '\'') e->text += next().text;
    return e;
  }

  TypeName type_name() {
    TypeName tn;
    std::vector<std::string> words;
    for (;;) {
      if (at("CHARACTER") && at("SET", 1)) {
        i_ += 2;
        name();
      } else if (at("CHARSET") || at("COLLATE")) {
        next();
        if (peek().kind == TokenKind::string) next();
        else name();
      } else if (at_op("(") && !words.empty() && tn.args.empty()) {
        next();
        if (!at_op(")")) {
          do {
            const Token& a = next();
            if (a.kind == TokenKind::end) fail("a type modifier");
            tn.args.push_back(a.kind == TokenKind::string ? a.text : std::string(a.raw));
          } while (accept_op(","));
        }
        expect_op(")");
      } else if (peek().kind == TokenKind::identifier && !at("AS") && !(at("ARRAY") && !words.empty())) {
        words.push_back(util::to_lower(next().raw));
      } else if (peek().kind == TokenKind::quoted_ident) {
        words.push_back(next().text);
      } else {
        break;
      }
    }
    if (words.empty()) fail("a type name");
    std::string joined = util::join(words, " ");
    if (joined == "signed" || joined == "signed integer" || joined == "signed int" || joined == "unsigned" ||
        joined == "unsigned integer" || joined == "unsigned int")
      joined = "bigint";
    tn.names.push_back(joined);
    return tn;
  }

  WindowSpec window_spec() {
    WindowSpec w;
    expect_op("(");
    if (at_name() && !at("PARTITION") && !at("ORDER") && !at("ROWS") && !at("RANGE") && !at("GROUPS")) w.name = name();
    if (at("PARTITION") && at("BY", 1)) {
      i_ += 2;
      do w.partition_by.push_back(expr()); while (accept_op(","));
    }
    if (at("ORDER") && at("BY", 1)) {
      i_ += 2;
      w.order_by = order_list();
    }
    // Frame clause: ROWS/RANGE/GROUPS ...: only bounds, skipped to the closing parenthesis.
    int depth = 0;
    while (!(depth == 0 && at_op(")"))) {
      if (at_end()) fail("`)`");
      if (at_op("(")) ++depth;
      if (at_op(")")) --depth;
      next();
    }
    expect_op(")");
    return w;
  }

  // name(args) [FILTER (WHERE ...)] [OVER ...], `name` already read.
  ExprPtr func_call(std::string fname, std::vector<std::string> schema_parts, std::size_t off) {
    auto e = make(ExprKind::func, off);
    e->name = util::to_lower(fname);
    e->func_schema = std::move(schema_parts);
    expect_op("(");
    const std::string& n = e->name;
    if (at_op("*") && at_op(")", 1)) {
      next();
      e->agg_star = true;
    } else if (!at_op(")")) {
      if (accept("DISTINCT")) e->distinct = true;
      else accept("ALL");
      if ((n == "timestampadd" || n == "timestampdiff" || n == "date_trunc") && peek().kind == TokenKind::identifier &&
          at_op(",", 1)) {
        const Token& u = next();  // the unit is a keyword, not a column
        e->args.push_back(literal(LiteralKind::string, util::to_upper(u.raw), u.offset));
        expect_op(",");
      }
      do {
        e->args.push_back(expr());
        if (n == "char" && accept("USING")) name();
      } while (accept_op(","));
      if (at("ORDER") && at("BY", 1)) {  // GROUP_CONCAT(x ORDER BY y), SQLite 3.44 aggregates
        i_ += 2;
        e->agg_order = order_list();
      }
      if (accept("SEPARATOR")) e->args.push_back(string_or_expr());
      if (n == "json_arrayagg" || n == "json_objectagg") {
        // nothing extra
      }
    }
    expect_op(")");
    if (at("FILTER") && at_op("(", 1)) {
      i_ += 2;
      expect("WHERE");
      e->filter = expr();
      expect_op(")");
    }
    if (accept("OVER")) {
      if (at_op("(")) e->over = window_spec();
      else {
        WindowSpec w;
        w.name = name();
        e->over = std::move(w);
      }
    }
    return e;
  }

  ExprPtr string_or_expr() { return expr(); }

  ExprPtr primary() {
    const Token& t = peek();
    std::size_t off = t.offset;
    switch (t.kind) {
      case TokenKind::number: return number_literal();
      case TokenKind::string: return string_literal();
      case TokenKind::param: return param();
      case TokenKind::end: fail("an expression");
      case TokenKind::op: {
        if (t.raw == "*") {
          next();
          auto e = make(ExprKind::column, off);
          e->star = true;
          return e;
        }
        if (t.raw == "$" && peek(1).kind == TokenKind::number && peek(1).offset == t.offset + 1 &&
            peek(1).raw.find_first_not_of("0123456789") == std::string_view::npos) {
          // `$1` in a MySQL query: sqlc's MySQL front end reads it as parameter 1, so do we.
          next();
          auto e = make(ExprKind::param, off);
          e->param_number = small_int(next().raw);
          return e;
        }
        if (t.raw == "(") {
          if (at_select_start(1)) {
            next();
            auto e = make(ExprKind::sublink, off);
            e->sublink = SublinkKind::scalar;
            e->subquery = select_statement();
            expect_op(")");
            return e;
          }
          // ((SELECT ...) UNION (SELECT ...)) or a parenthesised expression / row value.
          if (parens_lead_to_query()) {
            std::size_t save = i_;
            try {
              next();
              auto sub = select_statement();
              expect_op(")");
              if (sub->op != SetOp::none || !sub->order_by.empty() || sub->limit) {
                auto e = make(ExprKind::sublink, off);
                e->sublink = SublinkKind::scalar;
                e->subquery = std::move(sub);
                return e;
              }
            } catch (const SyntaxError&) {
            }
            i_ = save;
          }
          next();
          std::vector<ExprPtr> items;
          do items.push_back(expr()); while (accept_op(","));
          expect_op(")");
          if (items.size() == 1) return std::move(items[0]);
          auto e = make(ExprKind::row, off);
          e->args = std::move(items);
          return e;
        }
        fail("an expression");
      }
      case TokenKind::quoted_ident:
      case TokenKind::identifier: break;
      default: fail("an expression");
    }

    if (t.kind == TokenKind::identifier) {
      std::string w = upper(t);
      if (w == "NULL") {
        next();
        return literal(LiteralKind::null, "", off);
      }
      if ((w == "TRUE" || w == "FALSE") && !at_op("(", 1)) {
        next();
        return literal(LiteralKind::boolean, w == "TRUE" ? "true" : "false", off);
      }
      if (w == "DEFAULT" && !at_op("(", 1)) {
        next();
        return make(ExprKind::default_, off);
      }
      if (w == "EXISTS" || (w == "NOT" && at("EXISTS", 1))) {
        bool neg = w == "NOT";
        if (neg) next();
        std::size_t eoff = next().offset;
        auto e = make(ExprKind::sublink, eoff);
        e->sublink = SublinkKind::exists;
        expect_op("(");
        e->subquery = select_statement();
        expect_op(")");
        if (!neg) return e;
        auto n = make(ExprKind::unary, off);
        n->op = "NOT";
        n->arg = std::move(e);
        return n;
      }
      if (w == "CASE") return case_expr();
      if ((w == "CAST" || w == "TRY_CAST") && at_op("(", 1)) {
        i_ += 2;
        auto e = make(ExprKind::cast, off);
        e->arg = expr();
        expect("AS");
        e->type = type_name();
        expect_op(")");
        return e;
      }
      if (w == "CONVERT" && at_op("(", 1) && d_ == Dialect::mysql) {
        i_ += 2;
        ExprPtr arg = expr();
        if (accept("USING")) {
          name();
          expect_op(")");
          auto e = make(ExprKind::func, off);
          e->name = "convert";
          e->args.push_back(std::move(arg));
          return e;
        }
        expect_op(",");
        auto e = make(ExprKind::cast, off);
        e->arg = std::move(arg);
        e->type = type_name();
        expect_op(")");
        return e;
      }
      if (w == "EXTRACT" && at_op("(", 1)) {
        i_ += 2;
        auto e = make(ExprKind::func, off);
        e->name = "extract";
        const Token& u = peek();
        if (u.kind == TokenKind::string) e->args.push_back(string_literal());
        else e->args.push_back(literal(LiteralKind::string, util::to_lower(name()), u.offset));
        expect("FROM");
        e->args.push_back(expr());
        expect_op(")");
        return e;
      }
      if ((w == "SUBSTRING" || w == "SUBSTR") && at_op("(", 1)) {
        std::size_t save = i_;
        i_ += 2;
        ExprPtr s = expr();
        if (at("FROM")) {
          auto e = make(ExprKind::func, off);
          e->name = "substring";
          e->args.push_back(std::move(s));
          next();
          e->args.push_back(expr());
          if (accept("FOR")) e->args.push_back(expr());
          expect_op(")");
          return e;
        }
        i_ = save;
      }
      if (w == "POSITION" && at_op("(", 1)) {
        i_ += 2;
        auto e = make(ExprKind::func, off);
        e->name = "position";
        e->args.push_back(bitwise());
        expect("IN");
        e->args.push_back(expr());
        expect_op(")");
        return e;
      }
      if (w == "TRIM" && at_op("(", 1)) {
        i_ += 2;
        auto e = make(ExprKind::func, off);
        e->name = "trim";
        bool spec = accept("BOTH") || accept("LEADING") || accept("TRAILING");
        if (spec && accept("FROM")) {
          e->args.push_back(expr());
        } else if (!at_op(")")) {
          ExprPtr first = expr();
          if (accept("FROM")) {
            e->args.push_back(expr());
            e->args.push_back(std::move(first));
          } else {
            e->args.push_back(std::move(first));
            while (accept_op(",")) e->args.push_back(expr());
          }
        }
        expect_op(")");
        return e;
      }
      if (w == "INTERVAL" && d_ == Dialect::mysql && !at_op("(", 1)) {
        next();
        auto e = make(ExprKind::other, off);
        e->name = "interval";
        e->children.push_back(bitwise());
        if (peek().kind != TokenKind::identifier) fail("an interval unit");
        e->text = upper(next());
        return e;
      }
      if (w == "MATCH" && d_ == Dialect::mysql && at_op("(", 1)) {
        // MATCH (cols) AGAINST (expr [modifier])
        i_ += 2;
        auto e = make(ExprKind::binary, off);
        e->op = "MATCH";
        std::vector<ExprPtr> cols;
        do cols.push_back(expr()); while (accept_op(","));
        expect_op(")");
        expect("AGAINST");
        expect_op("(");
        ExprPtr against = bitwise();
        while (!at_op(")") && !at_end()) next();  // IN BOOLEAN MODE, WITH QUERY EXPANSION
        expect_op(")");
        if (cols.size() == 1) {
          e->left = std::move(cols[0]);
        } else {
          auto r = make(ExprKind::row, cols[0]->offset);
          r->args = std::move(cols);
          e->left = std::move(r);
        }
        e->right = std::move(against);
        return e;
      }
      if (w == "ROW" && at_op("(", 1)) {
        i_ += 2;
        auto e = make(ExprKind::row, off);
        if (!at_op(")")) {
          do e->args.push_back(expr()); while (accept_op(","));
        }
        expect_op(")");
        return e;
      }
      if ((w == "CURRENT_TIMESTAMP" || w == "CURRENT_DATE" || w == "CURRENT_TIME" || w == "LOCALTIME" ||
           w == "LOCALTIMESTAMP" || w == "UTC_TIMESTAMP" || w == "UTC_DATE" || w == "UTC_TIME" ||
           w == "CURRENT_USER") &&
          !at_op("(", 1)) {
        next();
        auto e = make(ExprKind::func, off);
        e->name = util::to_lower(w);
        return e;
      }
      // Typed literals: DATE '2024-01-01', TIMESTAMP '...', TIME '...' → casts.
      if ((w == "DATE" || w == "TIME" || w == "TIMESTAMP" || w == "DATETIME") && peek(1).kind == TokenKind::string &&
          peek(1).raw[0] == '\'') {
        next();
        auto e = make(ExprKind::cast, off);
        e->arg = string_literal();
        e->type.names.push_back(util::to_lower(w));
        return e;
      }
      // MySQL charset introducers: _utf8mb4'text'
      if (d_ == Dialect::mysql && t.raw.size() > 1 && t.raw[0] == '_' && peek(1).kind == TokenKind::string) {
        next();
        return string_literal();
      }
    }

    // Function call or column reference.
    if (t.kind == TokenKind::identifier && at_op("(", 1)) {
      std::string n(next().raw);
      return func_call(n, {}, off);
    }
    if (t.kind == TokenKind::identifier && is_reserved(t)) fail("an expression");
    std::vector<std::string> parts;
    parts.push_back(name());
    auto e = make(ExprKind::column, off);
    while (at_op(".")) {
      next();
      if (accept_op("*")) {
        e->star = true;
        e->qualifier = std::move(parts);
        return e;
      }
      if (peek().kind != TokenKind::identifier && peek().kind != TokenKind::quoted_ident) fail("a name after `.`");
      if (peek().kind == TokenKind::identifier && at_op("(", 1)) {
        std::string fn(next().raw);
        return func_call(fn, parts, off);
      }
      parts.push_back(name());
    }
    e->name = parts.back();
    parts.pop_back();
    e->qualifier = std::move(parts);
    return e;
  }

  ExprPtr case_expr() {
    auto e = make(ExprKind::case_, expect("CASE").offset);
    if (!at("WHEN")) e->arg = expr();
    while (accept("WHEN")) {
      CaseWhen cw;
      cw.when = expr();
      expect("THEN");
      cw.then = expr();
      e->whens.push_back(std::move(cw));
    }
    if (e->whens.empty()) fail("WHEN");
    if (accept("ELSE")) e->else_ = expr();
    expect("END");
    return e;
  }
};

}  // namespace

ParseResult parse_mysql_sqlite(std::string_view sql, schema::Dialect d) {
  ParseResult out;
  diag::Diagnostics diags;
  sql::SourceFile src{"", std::string(sql)};
  std::vector<Token> toks = sql::lex(src, d, diags);
  for (const diag::Diagnostic& dg : diags) {
    if (dg.severity != diag::Severity::error) continue;
    out.error = dg.message;
    // The lexer reports line:column; turn it back into a byte offset.
    std::size_t off = 0;
    int line = 1;
    while (off < sql.size() && line < dg.location.line) {
      if (sql[off] == '\n') ++line;
      ++off;
    }
    out.error_offset = std::min(sql.size(), off + static_cast<std::size_t>(std::max(0, dg.location.column - 1)));
    return out;
  }
  // Tokens point into `src.text`; keep them valid by parsing before `src` goes away.
  Parser p(std::move(toks), d);
  return p.run();
}

}  // namespace flash::query
