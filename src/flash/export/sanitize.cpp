// The schema of an export file reduced to what import may create (sanitize.hpp).
#include "flash/export/sanitize.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <set>

#include "flash/export/format.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::exporter {
namespace {

using schema::Dialect;
using schema::TypeCategory;

// Text from the file in a message: control characters as '?', at most 80 bytes.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  if (s.size() > 80) out += "...";
  return out;
}

std::size_t max_ident(Dialect d) { return d == Dialect::postgresql ? 63 : d == Dialect::mysql ? 64 : 255; }

bool valid_ident(std::string_view n, Dialect d) {
  if (n.empty() || n.size() > max_ident(d)) return false;
  return std::none_of(n.begin(), n.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string ident_error(std::string_view what, std::string_view n, Dialect d) {
  return std::string(what) + " name `" + shown(n) + "` is not a valid identifier (empty, over " +
         std::to_string(max_ident(d)) + " bytes or with control characters)";
}

// Words that would turn a type into a constraint or an expression when printed in type position.
bool constraint_word(std::string_view w) {
  static const std::set<std::string, std::less<>> words = {
      "primary", "key", "references", "default", "constraint", "check", "generated", "as", "not", "null",
      "unique", "collate", "on", "always", "stored", "virtual", "autoincrement", "auto_increment", "comment",
      "identity", "foreign", "select", "insert", "update", "delete", "drop", "create", "alter"};
  return words.count(w) > 0;
}

bool plain_words(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const auto& w : util::split(name, ' ')) {
    if (w.empty() || !std::islower(static_cast<unsigned char>(w[0]))) return false;
    if (!std::all_of(w.begin(), w.end(), [](char c) {
          return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
        }))
      return false;
    if (constraint_word(w)) return false;
  }
  return true;
}

bool digits(std::string_view s) {
  return !s.empty() && s.size() <= 10 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool plain_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Whether `t` can be printed as it stands in `s`'s dialect.
bool safe_type(const schema::TypeRef& t, const schema::Schema& s) {
  const Dialect d = s.dialect;
  if (!plain_words(t.name)) return false;
  if (t.args.size() > 2 || !std::all_of(t.args.begin(), t.args.end(), digits)) return false;
  if (!t.charset.empty() && !plain_name(t.charset)) return false;
  if (t.array_dims < 0 || t.array_dims > 6) return false;
  const bool enum_type = d == Dialect::postgresql && s.find_enum(t.name, t.schema) != nullptr;
  if (!t.schema.empty() && !enum_type) return false;
  if (d == Dialect::sqlite) return true;  // any declared name has an affinity
  return enum_type || schema::category(t, d, nullptr) != TypeCategory::other;
}

bool safe_function(std::string_view name) {
  static const std::set<std::string, std::less<>> names = {
      "now", "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
      "gen_random_uuid", "uuid", "lower", "upper", "length", "char_length", "character_length",
      "octet_length", "abs", "coalesce", "round", "trim", "datetime", "date", "time", "strftime",
      "julianday", "utc_timestamp", "curdate", "curtime", "sysdate", "unixepoch", "statement_timestamp",
      "transaction_timestamp", "clock_timestamp", "nextval"};
  return names.count(name) > 0;
}

bool safe_keyword(std::string_view w) {
  static const std::set<std::string, std::less<>> words = {
      "and", "or", "not", "null", "true", "false", "is", "in", "between", "like", "ilike", "case", "when",
      "then", "else", "end", "current_timestamp", "current_date", "current_time", "localtimestamp",
      "localtime", "distinct", "from", "escape", "unknown"};
  return words.count(w) > 0;
}

// Column `c` of table `t` as import may create it (nullopt: left out); `s` is the sanitised model
// so far (its enums).
std::optional<schema::Column> sanitize_column(const schema::Column& c, const schema::Table& t, const schema::Schema& in,
                                              const schema::Schema& s, const std::string& where,
                                              const std::function<void(std::string)>& note) {
  const Dialect d = in.dialect;
  if (!valid_ident(c.name, d)) throw diag::Error("import.format", ident_error(where + " column", c.name, d));
  const std::string cw = where + " column `" + shown(c.name) + "`";
  if (c.generated != schema::GeneratedKind::none) {
    note(cw + ": generated column not created (its expression comes from the file)");
    return std::nullopt;
  }
  schema::Column nc;
  nc.name = c.name;
  nc.nullable = c.nullable;
  nc.auto_increment = c.auto_increment;
  nc.identity = c.identity;
  if (!c.identity_options.empty()) note(cw + ": identity options `" + shown(c.identity_options) + "` dropped");
  if (safe_type(c.type, s)) {
    nc.type = c.type;
  } else {
    schema::Column plain = c;
    if (!std::all_of(plain.type.args.begin(), plain.type.args.end(), digits) || plain.type.args.size() > 2)
      plain.type.args.clear();
    nc.type = convert_column_type(plain, t, in, d);
    note(cw + ": type `" + shown(c.type.name) + "` replaced by `" + schema::render_type(nc.type, d) + "`");
  }
  if (c.default_expr) {
    if (safe_expression(*c.default_expr, t, d)) nc.default_expr = c.default_expr;
    else note(cw + ": default `" + shown(*c.default_expr) + "` dropped (not a literal or a known safe function)");
  }
  if (c.collation) {
    if (plain_name(*c.collation) || (c.collation->find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") ==
                                     std::string::npos && c.collation->size() <= 64))
      nc.collation = c.collation;
    else
      note(cw + ": collation dropped");
  }
  if (c.on_update) {
    const std::string u = util::to_lower(*c.on_update);
    if (u.rfind("current_timestamp", 0) == 0 && safe_expression(*c.on_update, t, d)) nc.on_update = c.on_update;
    else note(cw + ": ON UPDATE `" + shown(*c.on_update) + "` dropped");
  }
  return nc;
}

}  // namespace

bool safe_expression(std::string_view expr, const schema::Table& t, Dialect d) {
  diag::Diagnostics diags;
  const std::string text(expr);
  sql::LexOptions lo;
  lo.keep_comments = true;
  const sql::SourceFile src{"<export>", text};  // the tokens point into it
  const auto tokens = sql::lex(src, d, diags, lo);
  if (diag::has_errors(diags)) return false;
  static const std::set<std::string, std::less<>> ops = {"(", ")", ",", "=", "<>", "!=", "<", ">", "<=", ">=",
                                                        "+", "-", "*", "/", "%", "||", "::", "[", "]"};
  auto is_column = [&](const std::string& n) { return t.find_column(n) != nullptr; };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& tk = tokens[i];
    const auto next_is = [&](std::size_t k, std::string_view op) {
      return i + k < tokens.size() && tokens[i + k].kind == sql::TokenKind::op && tokens[i + k].raw == op;
    };
    switch (tk.kind) {
      case sql::TokenKind::end:
      case sql::TokenKind::whitespace:
      case sql::TokenKind::number:
      case sql::TokenKind::string: continue;
      case sql::TokenKind::comment:
      case sql::TokenKind::param: return false;
      case sql::TokenKind::quoted_ident:
        if (!is_column(tk.text)) return false;
        continue;
      case sql::TokenKind::op:
        if (!ops.count(tk.raw)) return false;
        if (tk.raw == "::") {
          // A cast: a run of type words.
          std::string type;
          std::size_t k = i + 1;
          while (k < tokens.size() && tokens[k].kind == sql::TokenKind::identifier) {
            type += (type.empty() ? "" : " ") + util::to_lower(tokens[k].text);
            ++k;
          }
          if (type.empty()) return false;
          schema::TypeRef tr;
          tr.name = schema::canonical_type_name(type, d);
          if (tr.name != "regclass" && (!plain_words(tr.name) ||
                                        (d != Dialect::sqlite && schema::category(tr, d, nullptr) == TypeCategory::other)))
            return false;
          i = k - 1;
        }
        continue;
      case sql::TokenKind::identifier: {
        const std::string w = util::to_lower(tk.text);
        if (next_is(1, "(")) {
          if (!safe_function(w)) return false;
          if (w == "nextval") {
            // Only the table's own sequence: nextval('<table>_..._seq'[::regclass]).
            if (i + 2 >= tokens.size() || tokens[i + 2].kind != sql::TokenKind::string) return false;
            std::string seq = tokens[i + 2].text;
            if (const auto dot = seq.rfind('.'); dot != std::string::npos) seq = seq.substr(dot + 1);
            if (seq.rfind(t.name + "_", 0) != 0 || seq.size() < 4 || seq.substr(seq.size() - 4) != "_seq") return false;
          }
          continue;
        }
        if (safe_keyword(w) || is_column(tk.text)) continue;
        return false;
      }
    }
  }
  return true;
}

schema::Schema sanitize_for_create(const schema::Schema& in, std::vector<std::string>& dropped) {
  const Dialect d = in.dialect;
  schema::Schema s;
  s.dialect = d;
  const std::function<void(std::string)> note = [&](std::string what) { dropped.push_back(std::move(what)); };
  for (const auto& e : in.extensions) note("extension `" + shown(e.name) + "` not installed");
  for (const auto& dm : in.domains) note("domain `" + shown(dm.name) + "` not created");
  for (const auto& sq : in.sequences) note("sequence `" + shown(sq.name) + "` not created");
  if (!in.raw.empty()) note(std::to_string(in.raw.size()) + " raw statement(s) not run");
  if (!in.views.empty()) note(std::to_string(in.views.size()) + " view(s) not created");
  if (d == Dialect::postgresql) {
    for (const auto& e : in.enums) {
      if (!valid_ident(e.name, d) || (!e.schema.empty() && !valid_ident(e.schema, d))) {
        note("enum type `" + shown(e.name) + "` not created (invalid name)");
        continue;
      }
      schema::EnumType ne;
      ne.schema = e.schema;
      ne.name = e.name;
      ne.values = e.values;
      s.enums.push_back(std::move(ne));
    }
  }
  for (const auto& t : in.tables) {
    if (!valid_ident(t.name, d)) throw diag::Error("import.format", ident_error("table", t.name, d));
    if (!t.schema.empty() && !valid_ident(t.schema, d)) throw diag::Error("import.format", ident_error("schema", t.schema, d));
    const std::string where = "table `" + shown(schema::qualified(t.schema, t.name)) + "`";
    schema::Table nt;
    nt.schema = t.schema;
    nt.name = t.name;
    for (const auto& c : t.columns)
      if (auto nc = sanitize_column(c, t, in, s, where, note)) nt.columns.push_back(std::move(*nc));
    const auto cols_ok = [&](const std::vector<std::string>& cols) {
      return !cols.empty() && std::all_of(cols.begin(), cols.end(), [&](const std::string& c) { return nt.find_column(c) != nullptr; });
    };
    const auto name_ok = [&](const std::string& n) { return n.empty() || valid_ident(n, d); };
    if (t.primary_key) {
      if (cols_ok(t.primary_key->columns)) {
        nt.primary_key = t.primary_key;
        if (!name_ok(nt.primary_key->name)) nt.primary_key->name.clear();
      } else {
        note(where + ": primary key dropped (unknown columns)");
      }
    }
    for (auto u : t.uniques) {
      if (!cols_ok(u.columns)) {
        note(where + ": unique constraint dropped (unknown columns)");
        continue;
      }
      if (!name_ok(u.name)) u.name.clear();
      nt.uniques.push_back(std::move(u));
    }
    for (auto fk : t.foreign_keys) {
      if (!cols_ok(fk.columns) || !valid_ident(fk.ref_table, d) || (!fk.ref_schema.empty() && !valid_ident(fk.ref_schema, d)) ||
          !std::all_of(fk.ref_columns.begin(), fk.ref_columns.end(), [&](const std::string& c) { return valid_ident(c, d); })) {
        note(where + ": foreign key dropped (invalid names)");
        continue;
      }
      if (!name_ok(fk.name)) fk.name.clear();
      if (fk.match != "" && fk.match != "FULL" && fk.match != "SIMPLE" && fk.match != "PARTIAL") fk.match.clear();
      nt.foreign_keys.push_back(std::move(fk));
    }
    for (auto ck : t.checks) {
      if (!safe_expression(ck.expr, t, d)) {
        note(where + ": check `" + shown(ck.expr) + "` dropped (not made of columns, literals and known functions)");
        continue;
      }
      if (!name_ok(ck.name)) ck.name.clear();
      nt.checks.push_back(std::move(ck));
    }
    for (const auto& [k, v] : t.options) {
      const bool keep = (d == Dialect::sqlite && (k == "without_rowid" || k == "strict") && v == "1") ||
                        (d == Dialect::postgresql && k == "unlogged" && v == "1");
      if (keep) nt.options[k] = v;
      else note(where + ": table option `" + shown(k) + "` dropped");
    }
    s.tables.push_back(std::move(nt));
  }
  static const std::set<std::string, std::less<>> methods = {"", "btree", "hash", "gin", "gist", "brin", "spgist"};
  for (const auto& ix : in.indexes) {
    const auto* nt = s.find_table(ix.table, ix.schema);
    const std::string what = "index `" + shown(ix.name) + "`";
    if (!nt) continue;
    const bool plain = !ix.parts.empty() && std::all_of(ix.parts.begin(), ix.parts.end(), [&](const schema::IndexPart& p) {
      return p.expr.empty() && nt->find_column(p.column) && (p.opclass.empty() || plain_name(p.opclass)) &&
             (p.collation.empty() || plain_name(p.collation));
    });
    if (!plain) {
      note(what + " not created (expression parts)");
      continue;
    }
    if (!ix.where.empty()) {
      note(what + " not created (predicate `" + shown(ix.where) + "`)");
      continue;
    }
    if (!valid_ident(ix.name, d) || !methods.count(ix.method) ||
        !std::all_of(ix.include.begin(), ix.include.end(), [&](const std::string& c) { return nt->find_column(c) != nullptr; })) {
      note(what + " not created (invalid name, method or columns)");
      continue;
    }
    schema::Index ni = ix;
    ni.concurrently = false;
    ni.loc = {};
    s.indexes.push_back(std::move(ni));
  }
  return s;
}

}  // namespace flash::exporter
