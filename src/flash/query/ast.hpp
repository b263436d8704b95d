#pragma once
// A small dialect-neutral AST for the statements a query file may hold. The PostgreSQL parser
// (parse_postgres.cpp, via libpg_query) and the MySQL/SQLite parser build it; the analyzer
// (analyze.cpp) is written once over it. Every node keeps the byte offset of its first token in
// the (parameter-rewritten) SQL text it was parsed from, for located diagnostics.
//
// Conventions for parser writers:
//  * Names are stored as the database folds them (PostgreSQL: unquoted lower-cased).
//  * Operators are stored in their SQL spelling, upper-case for word operators: "=", "<>", "+",
//    "||", "->>", "@>", "AND", "OR", "NOT", "LIKE", "ILIKE", "SIMILAR TO", "IS DISTINCT FROM".
//    Negated forms (NOT LIKE, NOT IN, NOT BETWEEN, IS NOT NULL) set `negated`.
//  * COALESCE, NULLIF, GREATEST, LEAST, CURRENT_TIMESTAMP and friends are function calls with
//    lower-case names, so one function table types them.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flash::query::ast {

struct Expr;
struct Select;
struct Statement;
using ExprPtr = std::unique_ptr<Expr>;

struct TypeName {
  std::vector<std::string> names;  // {"pg_catalog","int4"} or {"my_enum"}; last is the type
  std::vector<std::string> args;   // modifiers: {"10","2"}
  int array_dims = 0;
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
};

struct WindowSpec {
  std::string name;  // OVER w
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
};

enum class ExprKind {
  column,       // [schema.]table.column, table.*, *
  literal,
  param,        // $n / ? (after rewriting)
  unary,        // op arg: NOT, -, +, ~
  binary,       // left op right (also AND/OR chains as nested binaries)
  func,         // function call, aggregate, window function
  case_,
  cast,         // CAST(x AS t), x::t
  in_list,      // arg [NOT] IN (list)
  sublink,      // EXISTS/IN/ANY/ALL/scalar/ARRAY (subquery)
  between,      // arg [NOT] BETWEEN low AND high
  is_null,      // arg IS [NOT] NULL
  is_bool,      // arg IS [NOT] TRUE/FALSE/UNKNOWN (op holds "TRUE"...)
  quantified,   // left op ANY/ALL (array expression)
  array,        // ARRAY[...]
  subscript,    // arg[index] / arg[lo:hi]
  row,          // ROW(a, b) / (a, b)
  field,        // (composite).field
  default_,     // DEFAULT in VALUES / SET
  other,        // anything the parser does not model; children are still visited
};

enum class LiteralKind { integer, number, string, boolean, null, bits };
enum class SublinkKind { exists, any, all, scalar, array };

struct CaseWhen {
  ExprPtr when;
  ExprPtr then;
};

struct Expr {
  ExprKind kind = ExprKind::other;
  std::size_t offset = 0;

  // column: parts before the column name ({"u"} or {"public","u"}); `name` the column; star
  std::vector<std::string> qualifier;
  std::string name;  // column name / function name (last part) / field name
  bool star = false;

  // literal
  LiteralKind literal = LiteralKind::null;
  std::string text;  // literal value as written (decoded for strings)

  int param_number = 0;  // param

  std::string op;         // unary/binary/quantified/is_bool operator; sublink comparison op
  bool negated = false;   // NOT IN, NOT BETWEEN, IS NOT NULL, NOT LIKE ...
  ExprPtr left, right;    // binary and quantified operands
  ExprPtr arg;            // the operand of unary, cast, in_list, sublink (test expression),
                          // between, is_null, is_bool, subscript, field; CASE's operand

  // func
  std::vector<std::string> func_schema;  // qualifier parts of the function name
  std::vector<ExprPtr> args;             // func args; in_list items; array elements; row fields;
                                         // between {low, high}; subscript {index[, upper]}
  bool agg_star = false;                 // count(*)
  bool distinct = false;                 // count(DISTINCT x)
  ExprPtr filter;                        // FILTER (WHERE ...)
  std::optional<WindowSpec> over;
  std::vector<OrderItem> agg_order;      // string_agg(x, ',' ORDER BY y)
  bool slice = false;                    // subscript: arr[lo:hi]

  std::vector<CaseWhen> whens;  // case_
  ExprPtr else_;

  TypeName type;  // cast

  SublinkKind sublink = SublinkKind::exists;
  std::unique_ptr<Select> subquery;  // sublink

  std::vector<ExprPtr> children;  // other: sub-expressions to visit
};

enum class JoinKind { inner, left, right, full, cross };

struct Alias {
  std::string name;
  std::vector<std::string> columns;
};

struct TableRef {
  enum class Kind { table, subquery, function, join } kind = Kind::table;
  std::size_t offset = 0;
  // table
  std::string schema, name;
  Alias alias;
  // subquery
  std::unique_ptr<Select> subquery;
  bool lateral = false;
  // function: generate_series(...), unnest(...)
  std::vector<ExprPtr> functions;
  bool with_ordinality = false;
  // join
  JoinKind join = JoinKind::inner;
  bool natural = false;
  std::unique_ptr<TableRef> left, right;
  ExprPtr on;
  std::vector<std::string> using_columns;
};

struct ResultTarget {
  ExprPtr expr;
  std::string alias;  // AS name; empty when none
  std::size_t offset = 0;
};

struct Cte {
  std::string name;
  std::vector<std::string> columns;
  std::unique_ptr<Statement> query;  // SELECT, or INSERT/UPDATE/DELETE ... RETURNING
  std::size_t offset = 0;
};

struct With {
  bool recursive = false;
  std::vector<Cte> ctes;
};

enum class SetOp { none, union_, intersect, except };

struct Select {
  std::size_t offset = 0;
  With with;
  SetOp op = SetOp::none;
  bool all = false;
  std::unique_ptr<Select> larg, rarg;  // set operations
  bool distinct = false;
  std::vector<ExprPtr> distinct_on;
  std::vector<ResultTarget> targets;
  std::vector<std::vector<ExprPtr>> values;  // a VALUES list used as a query
  std::vector<TableRef> from;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  std::vector<OrderItem> order_by;  // applies to the whole set operation when op != none
  ExprPtr limit, offset_expr;
  bool locking = false;  // FOR UPDATE ...
};

struct SetItem {  // UPDATE SET column = value; ON CONFLICT DO UPDATE SET ...
  std::string column;
  std::size_t offset = 0;
  ExprPtr value;              // for (a, b) = (x, y) each item gets its own field of the row
  std::vector<std::string> subscript_path;  // SET arr[1] = ... (indices ignored for typing)
  bool subscripted = false;
};

struct Target {  // the table written to
  std::string schema, name, alias;
  std::size_t offset = 0;
};

struct OnConflict {
  enum class Action { nothing, update } action = Action::nothing;
  std::vector<std::string> columns;
  std::vector<SetItem> set;
  ExprPtr where;
};

struct InsertColumn {
  std::string name;
  std::size_t offset = 0;
};

struct Insert {
  With with;
  Target table;
  std::vector<InsertColumn> columns;           // empty = all columns in order
  std::vector<std::vector<ExprPtr>> rows;      // VALUES rows
  std::unique_ptr<Select> select;              // INSERT ... SELECT
  bool default_values = false;
  std::optional<OnConflict> on_conflict;       // PostgreSQL / SQLite
  std::vector<SetItem> on_duplicate;           // MySQL ON DUPLICATE KEY UPDATE
  std::vector<ResultTarget> returning;
};

struct Update {
  With with;
  Target table;
  std::vector<TableRef> joined;  // MySQL UPDATE a JOIN b ... (extra tables)
  std::vector<SetItem> set;
  std::vector<TableRef> from;
  ExprPtr where;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  std::vector<ResultTarget> returning;
};

struct Delete {
  With with;
  Target table;
  std::vector<TableRef> using_;
  ExprPtr where;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  std::vector<ResultTarget> returning;
};

struct Statement {
  enum class Kind { select, insert, update, delete_, other } kind = Kind::other;
  std::size_t offset = 0;
  std::unique_ptr<Select> select;
  std::unique_ptr<Insert> insert;
  std::unique_ptr<Update> update;
  std::unique_ptr<Delete> delete_;
  // other (DDL, TRUNCATE, NOTIFY, CALL ...): what it is, and the expressions found in it, so
  // parameters can still be numbered.
  std::string other_kind;
  std::vector<ExprPtr> other_exprs;
  // A statement that names tables without reading them as rows (TRUNCATE, LOCK, ...).
  std::vector<Target> other_tables;
};

}  // namespace flash::query::ast
