// PostgreSQL: transactional DDL, every change can be made in place with ALTER TABLE; enum types
// are separate objects; comments are separate COMMENT ON statements.
#include "flash/diff/hooks.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::diff {
namespace {

using schema::Column;
using schema::Dialect;
using schema::Identity;
using schema::Table;

class PostgresHooks final : public DialectHooks {
 public:
  Dialect dialect() const override { return Dialect::postgresql; }
  bool transactional_ddl() const override { return true; }
  bool named_enum_types() const override { return true; }
  bool can_alter_constraints() const override { return true; }
  bool can_alter_column(const Column&, const Column&) const override { return true; }
  bool can_add_column(const Table&, const Column&) const override { return true; }
  bool can_drop_column(const Table&, const Column&, const schema::Schema&) const override { return true; }
  bool views_block_column_changes() const override { return true; }
  bool supports_comments() const override { return true; }

  std::vector<std::string> create_table(const Table& t, const schema::Schema& ctx) const override {
    std::vector<std::string> out = DialectHooks::create_table(t, ctx);
    if (t.comment) out.push_back(table_comment(t, t.comment));
    for (const auto& c : t.columns)
      if (c.comment) out.push_back(column_comment(t, c.name, c.comment));
    return out;
  }

  std::vector<std::string> set_table_comment(const Table& t) const override { return {table_comment(t, t.comment)}; }

  std::vector<std::string> add_column(const Table& t, const Column& c) const override {
    std::vector<std::string> out = DialectHooks::add_column(t, c);
    if (c.comment) out.push_back(column_comment(t, c.name, c.comment));
    return out;
  }

  std::vector<Operation> alter_column(const Table& t, const Column& from, const Column& to,
                                      const schema::Schema& ctx) const override {
    std::vector<Operation> ops;
    const std::string alter = "ALTER TABLE " + qt(t) + " ALTER COLUMN " + q(to.name);
    auto make = [&](OpKind k, std::string what) {
      Operation op;
      op.kind = k;
      op.schema = t.schema;
      op.table = t.name;
      op.object = to.name;
      op.columns = {to.name};
      op.has_default = to.default_expr.has_value();
      op.comment = what + " " + schema::qualified(t.name, to.name);
      return op;
    };

    const bool type_changed = from.type != to.type;
    const bool collation_changed = from.collation != to.collation;
    bool defaults_done = false;
    if (type_changed || collation_changed) {
      Operation op = make(type_changed ? OpKind::alter_column_type : OpKind::alter_column_other,
                          type_changed ? "change type of" : "change collation of");
      if (type_changed) {
        op.old_type = from.type;
        op.new_type = to.type;
      }
      // A default is cast along with the column; dropping it first and setting the target's
      // default afterwards avoids "default for column cannot be cast automatically".
      const bool move_defaults = from.default_expr || to.default_expr;
      defaults_done = move_defaults;
      auto convert = [&](const Column& a, const Column& b) {
        std::vector<std::string> out;
        if (move_defaults && a.default_expr) out.push_back(alter + " DROP DEFAULT");
        out.push_back(alter + " TYPE " + type_sql(b) + " USING " + using_expr(a, b, ctx));
        if (move_defaults && b.default_expr) out.push_back(alter + " SET DEFAULT " + *b.default_expr);
        return out;
      };
      op.up = convert(from, to);
      op.down = convert(to, from);
      ops.push_back(std::move(op));
    }
    if (from.nullable != to.nullable) {
      Operation op = make(to.nullable ? OpKind::drop_not_null : OpKind::set_not_null,
                          to.nullable ? "drop not null on" : "set not null on");
      op.up = {alter + (to.nullable ? " DROP NOT NULL" : " SET NOT NULL")};
      op.down = {alter + (to.nullable ? " SET NOT NULL" : " DROP NOT NULL")};
      ops.push_back(std::move(op));
    }
    if (!defaults_done && from.default_expr != to.default_expr) {
      Operation op = make(to.default_expr ? OpKind::set_default : OpKind::drop_default,
                          to.default_expr ? "set default of" : "drop default of");
      op.up = {to.default_expr ? alter + " SET DEFAULT " + *to.default_expr : alter + " DROP DEFAULT"};
      op.down = {from.default_expr ? alter + " SET DEFAULT " + *from.default_expr : alter + " DROP DEFAULT"};
      ops.push_back(std::move(op));
    }
    // serial ↔ identity: a column cannot have both a default and an identity, so whichever is
    // being removed goes first (in both directions).
    std::vector<Operation> id_ops;
    if (from.identity != to.identity || from.identity_options != to.identity_options) {
      Operation op = make(OpKind::alter_column_other, "change identity of");
      op.up = identity_change(t, alter, from, to);
      op.down = identity_change(t, alter, to, from);
      id_ops.push_back(std::move(op));
    }
    if (from.auto_increment != to.auto_increment) {
      Operation op = make(OpKind::alter_column_other, to.auto_increment ? "make serial" : "drop serial from");
      op.up = to.auto_increment ? add_serial(t, to) : drop_serial(t, to);
      op.down = to.auto_increment ? drop_serial(t, to) : add_serial(t, to);
      if (to.auto_increment) id_ops.push_back(std::move(op));
      else id_ops.insert(id_ops.begin(), std::move(op));
    }
    for (auto& o : id_ops) ops.push_back(std::move(o));
    if (from.comment != to.comment) {
      Operation op = make(OpKind::alter_column_other, "change comment of");
      op.up = {column_comment(t, to.name, to.comment)};
      op.down = {column_comment(t, to.name, from.comment)};
      ops.push_back(std::move(op));
    }
    return ops;
  }

  std::optional<std::string> raw_down(const schema::RawStatement& r) const override {
    const std::string kind = util::to_lower(r.kind);
    if ((kind == "trigger" || kind == "policy" || kind == "rule") && !r.name.empty()) {
      const std::string on = table_after_on(r.sql);
      if (on.empty()) return std::nullopt;
      // The model names them "<name> ON <table>" (unique per table only).
      const std::string name = r.name.substr(0, r.name.find(" ON "));
      return "DROP " + util::to_upper(kind) + " IF EXISTS " + q(name) + " ON " + on;
    }
    if (kind == "materialized view" && !r.name.empty()) return "DROP MATERIALIZED VIEW IF EXISTS " + q(r.name);
    // An aggregate is dropped by its signature, the argument list CREATE AGGREGATE names it with
    // (found by the proof of the Down: pagila's group_concat kept its function from being dropped).
    if (kind == "aggregate" && !r.name.empty()) {
      const auto open = r.sql.find('(');
      int depth = 0;
      for (std::size_t i = open; open != std::string::npos && i < r.sql.size(); ++i) {
        if (r.sql[i] == '(') ++depth;
        else if (r.sql[i] == ')' && --depth == 0)
          return "DROP AGGREGATE IF EXISTS " + q(r.name) + r.sql.substr(open, i - open + 1);
      }
    }
    return DialectHooks::raw_down(r);
  }

 private:
  std::string type_sql(const Column& c) const {
    std::string s = schema::render_type(c.type, dialect());
    if (c.collation) s += " COLLATE " + q(*c.collation);
    return s;
  }

  // `col::newtype`; enum values go through text, which every type can be cast from.
  std::string using_expr(const Column& from, const Column& to, const schema::Schema& ctx) const {
    std::string s = q(from.name);
    if (ctx.find_enum(from.type.name, from.type.schema)) {
      s += "::text";
      for (int i = 0; i < from.type.array_dims; ++i) s += "[]";
    }
    return s + "::" + schema::render_type(to.type, dialect());
  }

  std::string table_comment(const Table& t, const std::optional<std::string>& text) const {
    return "COMMENT ON TABLE " + qt(t) + " IS " + (text ? schema::quote_string(*text) : "NULL");
  }
  std::string column_comment(const Table& t, const std::string& col, const std::optional<std::string>& text) const {
    return "COMMENT ON COLUMN " + qt(t) + "." + q(col) + " IS " + (text ? schema::quote_string(*text) : "NULL");
  }

  static std::string identity_kind(Identity i) {
    return i == Identity::always ? "ALWAYS" : "BY DEFAULT";
  }

  // Sequence options "START WITH 10 INCREMENT BY 2" → {"START WITH 10", "INCREMENT BY 2"}, each
  // usable after SET in ALTER COLUMN ... SET <option>.
  std::vector<std::string> split_sequence_options(const std::string& opts) const {
    diag::Diagnostics ignored;
    std::vector<std::string> parts;
    bool after_no = false;
    const sql::SourceFile src{"", opts};  // tokens' `raw` views point into it: keep it alive
    for (const auto& tok : sql::lex(src, dialect(), ignored)) {
      if (tok.kind == sql::TokenKind::end) break;
      const bool starts = tok.is("START") || tok.is("INCREMENT") || tok.is("MINVALUE") || tok.is("MAXVALUE") ||
                          tok.is("CACHE") || tok.is("CYCLE") || tok.is("NO") || tok.is("AS");
      if ((starts && !after_no) || parts.empty()) parts.emplace_back();
      if (!parts.back().empty()) parts.back() += ' ';
      parts.back() += std::string(tok.raw);
      after_no = tok.is("NO");
    }
    return parts;
  }

  std::vector<std::string> identity_change(const Table& t, const std::string& alter, const Column& a,
                                           const Column& b) const {
    if (b.identity == Identity::none) return {alter + " DROP IDENTITY"};
    if (a.identity == Identity::none) {
      std::string s = alter + " ADD GENERATED " + identity_kind(b.identity) + " AS IDENTITY";
      if (!b.identity_options.empty()) s += " (" + b.identity_options + ")";
      // Existing rows already hold values: continue numbering after them.
      return {s, "SELECT setval(pg_get_serial_sequence(" + schema::quote_string(qt(t)) + ", " +
                     schema::quote_string(b.name) + "), COALESCE(MAX(" + q(b.name) + "), 0) + 1, false) FROM " + qt(t)};
    }
    std::string s = alter;
    if (a.identity != b.identity) s += " SET GENERATED " + identity_kind(b.identity);
    if (a.identity_options != b.identity_options)
      for (const auto& o : split_sequence_options(b.identity_options)) s += " SET " + o;
    if (s == alter) return {};
    return {s};
  }

  // serial = a sequence owned by the column plus a nextval default; started past existing rows.
  std::string serial_sequence(const Table& t, const Column& c) const {
    return schema::pg_serial_sequence_name(t.name, c.name);
  }
  std::vector<std::string> add_serial(const Table& t, const Column& c) const {
    const std::string seq = qn(t.schema, serial_sequence(t, c));
    const std::string seq_lit = schema::quote_string(seq);
    return {"CREATE SEQUENCE " + seq + " AS " + schema::render_type(c.type, dialect()) + " OWNED BY " + qt(t) + "." +
                q(c.name),
            "SELECT setval(" + seq_lit + ", COALESCE(MAX(" + q(c.name) + "), 0) + 1, false) FROM " + qt(t),
            "ALTER TABLE " + qt(t) + " ALTER COLUMN " + q(c.name) + " SET DEFAULT nextval(" + seq_lit + ")"};
  }
  std::vector<std::string> drop_serial(const Table& t, const Column& c) const {
    return {"ALTER TABLE " + qt(t) + " ALTER COLUMN " + q(c.name) + " DROP DEFAULT",
            "DROP SEQUENCE IF EXISTS " + qn(t.schema, serial_sequence(t, c))};
  }

  // CREATE TRIGGER name ... ON [schema.]table ...: the quoted table after the first ON.
  std::string table_after_on(const std::string& sql_text) const {
    diag::Diagnostics ignored;
    const sql::SourceFile src{"", sql_text};  // tokens' `raw` views point into it: keep it alive
    const auto toks = sql::lex(src, dialect(), ignored);
    for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
      if (toks[i].kind != sql::TokenKind::identifier || !toks[i].is("ON")) continue;
      std::string out;
      std::size_t j = i + 1;
      while (j < toks.size() && (toks[j].kind == sql::TokenKind::identifier ||
                                 toks[j].kind == sql::TokenKind::quoted_ident)) {
        out += std::string(toks[j].raw);
        if (j + 2 < toks.size() && toks[j + 1].raw == ".") {
          out += ".";
          j += 2;
        } else {
          break;
        }
      }
      return out;
    }
    return "";
  }
};

}  // namespace

const DialectHooks& postgres_hooks() {
  static const PostgresHooks h;
  return h;
}

}  // namespace flash::diff
