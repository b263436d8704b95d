#include "flash/studio/schema_text.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "flash/diag/position.hpp"
#include "flash/diff/plan.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/studio/api.hpp"
#include "flash/util/text.hpp"

namespace flash::studio {

using nlohmann::json;
using schema::Dialect;

bool valid_new_name(std::string_view n) {
  if (n.empty() || n.size() > 63 || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  });
}

namespace {

constexpr std::size_t npos = std::string::npos;

ApiError bad(const std::string& code, const std::string& message, json detail = nullptr) {
  return ApiError(400, "studio." + code, message, std::move(detail));
}

std::string str(const json& e, const char* key, bool required = true) {
  if (!e.contains(key) || e[key].is_null()) {
    if (required) throw bad("request", std::string("the edit needs \"") + key + "\"");
    return "";
  }
  if (!e[key].is_string()) throw bad("request", std::string("\"") + key + "\" must be a string");
  return e[key].get<std::string>();
}

std::string new_name(const json& e, const char* key) {
  std::string n = str(e, key);
  if (!valid_new_name(n))
    throw bad("name", "`" + n + "` is not a name the editor gives: letters, digits, _ and $, not starting with a digit, "
                      "at most 63 bytes");
  return n;
}

// ---- statements and the items of CREATE TABLE --------------------------------------------------

struct Stmt {
  std::size_t begin = 0, text_end = 0, end = 0;  // end: after the ';' when there is one
  diag::LineCol start, stop;
  std::string keyword;  // leading keyword
};

std::vector<Stmt> statements(const sql::SourceFile& f, Dialect d) {
  diag::Diagnostics dg;
  auto st = sql::split_statements(f, d, dg);
  std::vector<Stmt> out;
  for (const auto& s : st) {
    Stmt x;
    x.begin = s.offset;
    x.text_end = s.offset + s.text.size();
    x.end = x.text_end;
    while (x.end < f.text.size() && (f.text[x.end] == ' ' || f.text[x.end] == '\t')) ++x.end;
    if (x.end < f.text.size() && f.text[x.end] == ';') ++x.end;
    else x.end = x.text_end;
    x.start = diag::line_col(f.text, x.begin);
    x.stop = diag::line_col(f.text, x.text_end);
    x.keyword = sql::leading_keyword(s.text, d);
    out.push_back(x);
  }
  return out;
}

bool not_after(diag::LineCol a, int line, int col) { return a.line < line || (a.line == line && a.column <= col); }

std::optional<std::size_t> stmt_at(const std::vector<Stmt>& st, const diag::Location& loc) {
  for (std::size_t i = 0; i < st.size(); ++i)
    if (not_after(st[i].start, loc.line, loc.column) &&
        (loc.line < st[i].stop.line || (loc.line == st[i].stop.line && loc.column <= st[i].stop.column)))
      return i;
  return std::nullopt;
}

struct Item {
  std::size_t begin = npos, end = 0;
  bool column = true;
  std::size_t constraint_at = npos;  // column items: where inline constraints start (PRIMARY, REFERENCES ...)
  std::vector<std::pair<std::size_t, std::string>> words;  // top-level words after the first: offset, upper case
};
struct Body {
  std::size_t open = 0, close = 0;
  std::vector<Item> items;
};

bool is_word(const sql::Scanned& t, std::string_view text, std::initializer_list<std::string_view> words) {
  if (t.kind != sql::TokenKind::identifier) return false;
  const std::string up = util::to_upper(std::string(text.substr(t.begin, t.end - t.begin)));
  return std::find(words.begin(), words.end(), up) != words.end();
}

std::optional<Body> table_body(std::string_view text, const Stmt& s, Dialect d) {
  Body b;
  int depth = 0;
  Item cur;
  bool first = true;
  std::size_t pos = s.begin;
  while (pos < s.text_end) {
    const auto t = sql::scan_token(text, pos, d);
    if (!t.error.empty()) return std::nullopt;
    pos = t.end;
    if (t.kind == sql::TokenKind::whitespace || t.kind == sql::TokenKind::comment) continue;
    const std::string_view raw = text.substr(t.begin, t.end - t.begin);
    if (t.kind == sql::TokenKind::op && raw == "(") {
      if (++depth == 1) {
        b.open = t.begin;
        continue;
      }
    } else if (t.kind == sql::TokenKind::op && raw == ")") {
      if (depth-- == 1) {
        if (cur.begin != npos) b.items.push_back(cur);
        b.close = t.begin;
        return b;
      }
    } else if (depth == 1 && t.kind == sql::TokenKind::op && raw == ",") {
      if (cur.begin != npos) b.items.push_back(cur);
      cur = Item{};
      first = true;
      continue;
    }
    if (depth < 1) continue;
    if (cur.begin == npos) cur.begin = t.begin;
    cur.end = t.end;
    if (depth == 1) {
      if (first) {
        cur.column = !is_word(t, text, {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "KEY", "INDEX",
                                        "FULLTEXT", "SPATIAL", "EXCLUDE", "LIKE"});
        first = false;
      } else {
        if (cur.column && cur.constraint_at == npos &&
            is_word(t, text, {"CONSTRAINT", "PRIMARY", "REFERENCES", "UNIQUE", "CHECK"}))
          cur.constraint_at = t.begin;
        if (t.kind == sql::TokenKind::identifier)
          cur.words.emplace_back(t.begin, util::to_upper(std::string(text.substr(t.begin, t.end - t.begin))));
      }
    }
  }
  return std::nullopt;
}

// The start of pos's line when only blanks come before pos on it, else pos.
std::size_t line_start(std::string_view t, std::size_t pos) {
  std::size_t i = pos;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t')) --i;
  return (i == 0 || t[i - 1] == '\n') ? i : pos;
}
// Whether only blanks come before pos on its line.
bool own_line(std::string_view t, std::size_t pos) {
  return line_start(t, pos) < pos || pos == 0 || t[pos - 1] == '\n';
}
// The offset of the line break ending pos's line when only blanks and a -- comment follow pos on
// it (the text's end when it has no break), else npos.
std::size_t blank_rest(std::string_view t, std::size_t pos) {
  std::size_t i = pos;
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r')) ++i;
  if (i + 1 < t.size() && t[i] == '-' && t[i + 1] == '-') i = std::min(t.find('\n', i), t.size());
  if (i == t.size() || t[i] == '\n') return i;
  return npos;
}
std::string indent_of(std::string_view t, std::size_t pos) {
  const std::size_t ls = line_start(t, pos);
  return own_line(t, pos) ? std::string(t.substr(ls, pos - ls)) : std::string("  ");
}
// The comma after `from` (blanks and comments skipped), or npos.
std::size_t comma_after(std::string_view t, std::size_t from, Dialect d) {
  std::size_t pos = from;
  while (pos < t.size()) {
    const auto tok = sql::scan_token(t, pos, d);
    if (tok.kind == sql::TokenKind::whitespace || tok.kind == sql::TokenKind::comment) {
      pos = tok.end;
      continue;
    }
    return tok.kind == sql::TokenKind::op && t.substr(tok.begin, tok.end - tok.begin) == "," ? tok.begin : npos;
  }
  return npos;
}

// `def` as a new item after items[i] (its own line when the items are on lines of their own).
void insert_item_after(std::string& t, const Body& b, std::size_t i, const std::string& def, Dialect d) {
  const Item& it = b.items[i];
  const std::string indent = indent_of(t, it.begin);
  const bool own = own_line(t, it.begin);
  if (i + 1 < b.items.size()) {
    const std::size_t c = comma_after(t, it.end, d);
    const std::size_t eol = blank_rest(t, c + 1);
    if (own && eol != npos) t.insert(eol, "\n" + indent + def + ",");
    else t.insert(c + 1, " " + def + ",");
    return;
  }
  const std::size_t eol = blank_rest(t, it.end);
  if (own && eol != npos && eol < b.close) {
    t.insert(eol, "\n" + indent + def);
    t.insert(it.end, ",");
  } else {
    t.insert(it.end, ", " + def);
  }
}

void remove_item(std::string& t, const Body& b, std::size_t i, Dialect d) {
  const Item& it = b.items[i];
  if (b.items.size() == 1) throw bad("edit", "a table keeps at least one column: drop the table instead");
  if (i + 1 < b.items.size()) {
    const bool own = own_line(t, it.begin);
    std::size_t from = line_start(t, it.begin);
    std::size_t to = comma_after(t, it.end, d) + 1;
    const std::size_t eol = blank_rest(t, to);
    if (own && eol != npos && eol < t.size()) to = eol + 1;
    else while (to < t.size() && t[to] == ' ') ++to;
    t.erase(from, to - from);
    return;
  }
  const bool own = own_line(t, it.begin);
  std::size_t to = it.end;
  std::size_t from = line_start(t, it.begin);
  const std::size_t eol = blank_rest(t, to);
  if (own && eol != npos && eol <= b.close) to = eol;
  if (own && from > 0) --from;  // the line break before it
  t.erase(from, to - from);
  const std::size_t c = comma_after(t, b.items[i - 1].end, d);
  t.erase(c, 1);
}

void remove_statement(std::string& t, const Stmt& s) {
  std::size_t from = line_start(t, s.begin), to = s.end;
  const std::size_t eol = blank_rest(t, to);
  if (own_line(t, s.begin) && eol != npos) to = std::min(eol + 1, t.size());
  t.erase(from, to - from);
}

// ---- the model pieces an edit adds, parsed from one statement ----------------------------------

schema::Table probe_table(const std::string& sql, Dialect d, const char* what) {
  diag::Diagnostics dg;
  const sql::SourceFile f{"<edit>", sql};
  const auto st = sql::split_statements(f, d, dg);
  if (diag::has_errors(dg) || st.size() != 1)
    throw bad("edit", std::string("the ") + what + " is not one piece of SQL (a ; or an unterminated quote?)");
  schema::Schema m;
  m.dialect = d;
  sql::apply_ddl(m, f, dg);
  if (diag::has_errors(dg)) {
    const auto& e = *std::find_if(dg.begin(), dg.end(), [](const auto& x) { return x.severity == diag::Severity::error; });
    throw bad("edit", std::string("the ") + what + " does not parse: " + e.message);
  }
  if (m.tables.size() != 1 || !m.raw.empty() || !m.indexes.empty() || !m.views.empty() || !m.enums.empty())
    throw bad("edit", std::string("the ") + what + " must describe exactly one thing");
  return m.tables[0];
}

std::string column_sql(const json& c, Dialect d) {
  if (!c.is_object()) throw bad("request", "a column is {name, type, nullable, default}");
  const std::string name = new_name(c, "name");
  const std::string type = str(c, "type");
  if (type.empty()) throw bad("edit", "column " + name + " needs a type");
  std::string s = schema::quote_ident_always(name, d) + " " + type;
  if (c.contains("nullable") && c["nullable"].is_boolean() && !c["nullable"].get<bool>()) s += " NOT NULL";
  const std::string def = str(c, "default", false);
  if (!def.empty()) s += " DEFAULT " + def;
  return s;
}

schema::Column probe_column(const json& c, Dialect d) {
  const auto t = probe_table("CREATE TABLE flash_studio_probe (" + column_sql(c, d) + ")", d, "column definition");
  if (t.columns.size() != 1 || t.primary_key || !t.uniques.empty() || !t.foreign_keys.empty() || !t.checks.empty())
    throw bad("edit", "a column definition gives a name, a type, NULL or NOT NULL and a default; keys and checks "
                      "are edits of their own");
  auto col = t.columns[0];
  col.loc = {};
  return col;
}

schema::RefAction ref_action(const json& e, const char* key) {
  const std::string a = util::to_upper(str(e, key, false));
  static const std::map<std::string, schema::RefAction> m = {
      {"", schema::RefAction::unspecified},        {"NO ACTION", schema::RefAction::no_action},
      {"RESTRICT", schema::RefAction::restrict},   {"CASCADE", schema::RefAction::cascade},
      {"SET NULL", schema::RefAction::set_null},   {"SET DEFAULT", schema::RefAction::set_default}};
  auto it = m.find(a);
  if (it == m.end()) throw bad("edit", std::string(key) + " is one of NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT");
  return it->second;
}

std::vector<std::string> column_list(const json& e, const char* key, const schema::Table& t) {
  if (!e.contains(key) || !e[key].is_array() || e[key].empty()) throw bad("request", std::string("\"") + key + "\" is a list of columns");
  std::vector<std::string> out;
  for (const auto& c : e[key]) {
    if (!c.is_string() || !t.find_column(c.get<std::string>()))
      throw bad("column", "table " + t.name + " has no column " + (c.is_string() ? c.get<std::string>() : c.dump()));
    out.push_back(c.get<std::string>());
  }
  return out;
}

std::string join_q(const std::vector<std::string>& cols, Dialect d) {
  std::string s;
  for (const auto& c : cols) s += (s.empty() ? "" : ", ") + schema::quote_ident(c, d);
  return s;
}

// ---- the editor --------------------------------------------------------------------------------

struct Editor {
  std::vector<sql::SourceFile> files;
  const schema::Schema& model;
  Dialect d;
  schema::Schema expected;
  std::set<std::size_t> changed;
  std::string new_file_path;

  std::size_t file_of(const diag::Location& loc) const {
    for (std::size_t i = 0; i < files.size(); ++i)
      if (files[i].path == loc.file) return i;
    throw bad("edit", "the statement is not in a schema file the editor can change (" + loc.file + ")");
  }
  schema::Table& table(const json& e) {
    const std::string name = str(e, "table"), sch = str(e, "schema", false);
    auto* t = expected.find_table(name, sch);
    if (!t) throw ApiError(404, "studio.table", "the schema files have no table " + schema::qualified(sch, name));
    return *t;
  }
  const schema::Table& old_table(const schema::Table& t) const { return *model.find_table(t.name, t.schema); }
  struct Located {
    std::size_t file;
    std::vector<Stmt> stmts;
    std::size_t stmt;
  };
  Located locate(const diag::Location& loc, const std::string& what) {
    Located l{file_of(loc), {}, 0};
    l.stmts = statements(files[l.file], d);
    auto s = stmt_at(l.stmts, loc);
    if (!s) throw bad("edit", "cannot find the statement of " + what + " in " + loc.file);
    l.stmt = *s;
    return l;
  }
  Body body(const Located& l, const std::string& table_name) {
    auto b = table_body(files[l.file].text, l.stmts[l.stmt], d);
    if (!b || b->items.empty()) throw bad("edit", "cannot read the column list of table " + table_name);
    return *b;
  }
  std::size_t last_column_item(const Body& b) const {
    std::size_t last = npos;
    for (std::size_t i = 0; i < b.items.size(); ++i)
      if (b.items[i].column) last = i;
    return last == npos ? b.items.size() - 1 : last;
  }

  // The edited files parse to `expected`, or the edit is refused.
  void verify() const {
    diag::Diagnostics dg;
    auto got = sql::parse_schema(files, d, dg);
    if (diag::has_errors(dg)) {
      json detail = json::array();
      for (const auto& x : dg)
        if (x.severity == diag::Severity::error)
          detail.push_back({{"file", x.location.file}, {"line", x.location.line}, {"column", x.location.column},
                            {"code", x.code}, {"message", x.message}});
      const auto& e = *std::find_if(dg.begin(), dg.end(), [](const auto& x) { return x.severity == diag::Severity::error; });
      throw bad("edit", "after this edit the schema files do not parse: " + e.location.file + ":" +
                            std::to_string(e.location.line) + ": " + e.message, detail);
    }
    got.dialect = d;
    const auto plan = diff::diff_schemas(expected, got, diff::DiffOptions{.renames = {}, .accept_drops = true});
    if (!plan.empty() || !plan.unresolved_renames.empty()) {
      std::vector<std::string> what;
      for (const auto& op : plan.operations) what.push_back(op.comment);
      for (const auto& r : plan.unresolved_renames) what.push_back(r.flag());
      throw bad("edit", "this edit cannot be made in the file's text as written (" + util::join(what, "; ") +
                            "): make it in the file by hand");
    }
  }

  // The file for a new table: its first referenced table's, else the one with the most tables.
  std::size_t file_for_new_table(const schema::Table& t) {
    for (const auto& fk : t.foreign_keys)
      if (const auto* r = model.find_table(fk.ref_table, fk.ref_schema); r && !r->loc.file.empty()) return file_of(r->loc);
    if (files.empty()) {
      files.push_back({new_file_path, ""});
      return 0;
    }
    std::map<std::string, int> n;
    for (const auto& x : model.tables) ++n[x.loc.file];
    std::size_t best = 0;
    for (std::size_t i = 0; i < files.size(); ++i)
      if (n[files[i].path] > n[files[best].path]) best = i;
    return best;
  }
  void append_statement(std::size_t f, const std::string& sql) {
    auto& t = files[f].text;
    if (!t.empty() && t.back() != '\n') t += "\n";
    if (!t.empty()) t += "\n";
    t += sql + ";\n";
    changed.insert(f);
  }
  // After the table's statement and the CREATE INDEX statements on it.
  void insert_after_table(const schema::Table& t, const std::string& sql) {
    auto l = locate(old_table(t).loc, "table " + t.name);
    std::size_t after = l.stmt;
    for (const auto* ix : model.indexes_of(t.name, t.schema))
      if (ix->loc.file == files[l.file].path)
        if (auto s = stmt_at(l.stmts, ix->loc)) after = std::max(after, *s);
    auto& text = files[l.file].text;
    text.insert(l.stmts[after].end, "\n" + sql + ";");
    changed.insert(l.file);
  }

  void add_column(const json& e) {
    auto& t = table(e);
    auto col = probe_column(e.value("column", json()), d);
    if (t.find_column(col.name)) throw bad("column", "table " + t.name + " already has a column " + col.name);
    auto l = locate(old_table(t).loc, "table " + t.name);
    const Body b = body(l, t.name);
    insert_item_after(files[l.file].text, b, last_column_item(b), schema::print_column_definition(col, d), d);
    changed.insert(l.file);
    t.columns.push_back(col);
  }

  std::size_t column_item(const Body& b, const schema::Column& c, const std::string& text) const {
    for (std::size_t i = 0; i < b.items.size(); ++i) {
      if (!b.items[i].column) continue;
      const auto tok = sql::scan_token(text, b.items[i].begin, d);
      if (tok.text == c.name || (d != Dialect::postgresql && util::to_lower(tok.text) == util::to_lower(c.name)) ||
          (d == Dialect::postgresql && tok.kind == sql::TokenKind::identifier && util::to_lower(tok.text) == c.name))
        return i;
    }
    throw bad("edit", "cannot find column " + c.name + " in the text of its table");
  }

  void drop_column(const json& e) {
    auto& t = table(e);
    const std::string name = str(e, "column_name");
    const auto* c = old_table(t).find_column(name);
    if (!c) throw bad("column", "table " + t.name + " has no column " + name);
    if (t.primary_key && std::count(t.primary_key->columns.begin(), t.primary_key->columns.end(), name))
      throw bad("edit", "column " + name + " is in the primary key of " + t.name + ": change the key first");
    auto l = locate(old_table(t).loc, "table " + t.name);
    const Body b = body(l, t.name);
    remove_item(files[l.file].text, b, column_item(b, *c, files[l.file].text), d);
    changed.insert(l.file);
    auto has = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), name) != v.end(); };
    std::erase_if(t.columns, [&](const auto& x) { return x.name == name; });
    std::erase_if(t.foreign_keys, [&](const auto& x) { return has(x.columns); });
    std::erase_if(t.uniques, [&](const auto& x) { return has(x.columns); });
  }

  void alter_column(const json& e) {
    auto& t = table(e);
    const std::string name = str(e, "column_name");
    const auto* old = old_table(t).find_column(name);
    if (!old) throw bad("column", "table " + t.name + " has no column " + name);
    const auto parsed = probe_column(e.value("column", json()), d);
    if (parsed.name != name && t.find_column(parsed.name))
      throw bad("column", "table " + t.name + " already has a column " + parsed.name);
    schema::Column col = *old;
    col.loc = {};
    col.name = parsed.name;
    col.type = parsed.type;
    col.nullable = parsed.nullable;
    col.default_expr = parsed.default_expr;
    auto l = locate(old_table(t).loc, "table " + t.name);
    const Body b = body(l, t.name);
    auto& text = files[l.file].text;
    const Item& it = b.items[column_item(b, *old, text)];
    const std::size_t end = it.constraint_at == npos ? it.end : it.constraint_at;
    std::string def = schema::print_column_definition(col, d);
    text.replace(it.begin, end - it.begin, it.constraint_at == npos ? def : def + " ");
    changed.insert(l.file);
    for (auto& x : t.columns)
      if (x.name == name) x = col;
    if (parsed.name != name) {
      auto rename = [&](std::vector<std::string>& v) { std::replace(v.begin(), v.end(), name, parsed.name); };
      if (t.primary_key) rename(t.primary_key->columns);
      for (auto& u : t.uniques) rename(u.columns);
      for (auto& fk : t.foreign_keys) rename(fk.columns);
    }
  }

  void create_table(const json& e) {
    const std::string name = new_name(e, "table");
    const std::string sch = str(e, "schema", false);
    if (model.find_table(name, sch) || model.find_view(name, sch)) throw bad("name", "there already is a table or view " + name);
    const json& cols = e.value("columns", json());
    if (!cols.is_array() || cols.empty()) throw bad("request", "a new table has a list of columns");
    std::string body;
    for (const auto& c : cols) body += (body.empty() ? "" : ", ") + column_sql(c, d);
    std::vector<std::string> pk;
    if (e.contains("primary_key") && e["primary_key"].is_array())
      for (const auto& p : e["primary_key"]) {
        if (!p.is_string()) throw bad("request", "primary_key is a list of column names");
        pk.push_back(p.get<std::string>());
      }
    if (!pk.empty()) {
      std::string list;
      for (const auto& p : pk) list += (list.empty() ? "" : ", ") + schema::quote_ident_always(p, d);
      body += ", PRIMARY KEY (" + list + ")";
    }
    auto t = probe_table("CREATE TABLE " + schema::quote_ident_always(name, d) + " (" + body + ")", d, "table");
    if (t.columns.size() != cols.size() || !t.uniques.empty() || !t.foreign_keys.empty() || !t.checks.empty() ||
        (t.primary_key ? t.primary_key->columns : std::vector<std::string>{}) != pk)
      throw bad("edit", "a new table has columns and a primary key; keys and checks are edits of their own");
    t.schema = sch;
    t.loc = {};
    for (auto& c : t.columns) c.loc = {};
    const std::size_t f = file_for_new_table(t);
    append_statement(f, schema::print_create_table(t, d, &model));
    expected.tables.push_back(t);
  }

  void drop_table(const json& e) {
    auto& t = table(e);
    const auto& old = old_table(t);
    // Its table statement and the CREATE INDEX statements on it, file by file from the end.
    std::map<std::size_t, std::vector<std::size_t>> stmts_by_file;
    auto l = locate(old.loc, "table " + t.name);
    stmts_by_file[l.file].push_back(l.stmt);
    for (const auto* ix : model.indexes_of(t.name, t.schema)) {
      auto li = locate(ix->loc, "index " + ix->name);
      if (!(li.file == l.file && li.stmt == l.stmt)) stmts_by_file[li.file].push_back(li.stmt);
    }
    for (auto& [f, idx] : stmts_by_file) {
      const auto st = statements(files[f], d);
      std::sort(idx.rbegin(), idx.rend());
      for (auto i : idx) remove_statement(files[f].text, st[i]);
      changed.insert(f);
    }
    std::erase_if(expected.indexes, [&](const auto& ix) { return ix.table == t.name && ix.schema == t.schema; });
    const std::string name = t.name, sch = t.schema;
    std::erase_if(expected.tables, [&](const auto& x) { return x.name == name && x.schema == sch; });
  }

  void add_index(const json& e) {
    auto& t = table(e);
    schema::Index ix;
    ix.schema = t.schema;
    ix.table = t.name;
    ix.name = new_name(e, "name");
    for (const auto& x : model.indexes)
      if (x.name == ix.name && (d != Dialect::mysql || x.table == t.name)) throw bad("name", "there already is an index " + ix.name);
    ix.unique = e.value("unique", false);
    for (const auto& c : column_list(e, "columns", t)) ix.parts.push_back(schema::IndexPart{.column = c});
    insert_after_table(t, schema::print_create_index(ix, d));
    expected.indexes.push_back(ix);
  }

  void drop_index(const json& e) {
    const std::string name = str(e, "name"), tname = str(e, "table", false);
    const schema::Index* ix = nullptr;
    for (const auto& x : model.indexes)
      if (x.name == name && (tname.empty() || x.table == tname)) ix = &x;
    if (!ix) throw bad("name", "the schema files have no index " + name);
    auto l = locate(ix->loc, "index " + name);
    const auto* t = model.find_table(ix->table, ix->schema);
    const bool inline_ix = t && t->loc.file == files[l.file].path && stmt_at(l.stmts, t->loc) == l.stmt;
    const std::string table = ix->table, sch = ix->schema;
    std::erase_if(expected.indexes, [&](const auto& x) { return x.name == name && x.table == table && x.schema == sch; });
    if (!inline_ix) {
      remove_statement(files[l.file].text, l.stmts[l.stmt]);
      changed.insert(l.file);
      return;
    }
    remove_constraint_item(l, table);
  }

  // The table-level item whose removal leaves exactly `expected` (tried one by one), else an inline
  // clause of a column (REFERENCES ..., CHECK (...), UNIQUE, with its CONSTRAINT name) whose removal does.
  void remove_constraint_item(const Located& l, const std::string& table_name) {
    const Body b = body(l, table_name);
    std::string& text = files[l.file].text;
    const std::string original = text;
    auto works = [&] {
      try {
        verify();
        changed.insert(l.file);
        return true;
      } catch (const ApiError&) {
        text = original;
        return false;
      }
    };
    for (std::size_t i = 0; i < b.items.size(); ++i) {
      if (b.items[i].column) continue;
      remove_item(text, b, i, d);
      if (works()) return;
    }
    static const std::set<std::string> starts = {"CONSTRAINT", "REFERENCES", "CHECK", "UNIQUE"};
    for (const auto& it : b.items) {
      if (!it.column) continue;
      const auto& w = it.words;
      for (std::size_t a = 0; a < w.size(); ++a) {
        if (!starts.count(w[a].second)) continue;
        for (std::size_t z = a + 1; z <= w.size(); ++z) {
          std::size_t from = w[a].first, to = z < w.size() ? w[z].first : it.end;
          while (from > it.begin && (text[from - 1] == ' ' || text[from - 1] == '\t')) --from;
          if (z < w.size()) to = w[z].first, from = w[a].first;
          text.erase(from, to - from);
          if (works()) return;
        }
      }
    }
    throw bad("edit", "cannot find this constraint's text in its table: remove it in the file by hand");
  }

  void add_constraint(const json& e, const std::string& op) {
    auto& t = table(e);
    const json& c = e.value("constraint", json::object());
    std::string name = c.contains("name") && c["name"].is_string() && !c["name"].get<std::string>().empty()
                           ? new_name(c, "name") : std::string();
    std::string def;
    if (op == "add_foreign_key") {
      schema::ForeignKey fk;
      fk.columns = column_list(c, "columns", t);
      fk.ref_table = str(c, "ref_table");
      fk.ref_schema = str(c, "ref_schema", false);
      const auto* rt = expected.find_table(fk.ref_table, fk.ref_schema);
      if (!rt) throw ApiError(404, "studio.table", "the schema files have no table " + fk.ref_table);
      fk.ref_columns = c.contains("ref_columns") ? column_list(c, "ref_columns", *rt) : std::vector<std::string>{};
      fk.on_delete = ref_action(c, "on_delete");
      fk.on_update = ref_action(c, "on_update");
      fk.name = name.empty() ? t.name + "_" + util::join(fk.columns, "_") + "_fkey" : name;
      def = schema::print_foreign_key(fk, d);
      t.foreign_keys.push_back(fk);
    } else if (op == "add_unique") {
      schema::UniqueConstraint u;
      u.columns = column_list(c, "columns", t);
      u.name = name.empty() ? t.name + "_" + util::join(u.columns, "_") + "_key" : name;
      def = "CONSTRAINT " + schema::quote_ident(u.name, d) + " UNIQUE (" + join_q(u.columns, d) + ")";
      t.uniques.push_back(u);
    } else {
      const std::string expr = str(c, "expr");
      std::string cols;
      for (const auto& col : t.columns) cols += schema::print_column_definition(col, d) + ", ";
      const std::string n = name.empty() ? t.name + "_check" + std::to_string(t.checks.size() + 1) : name;
      auto probe = probe_table("CREATE TABLE flash_studio_probe (" + cols + "CONSTRAINT " +
                                   schema::quote_ident_always(n, d) + " CHECK (" + expr + "))", d, "check");
      if (probe.checks.size() != 1 || probe.columns.size() != t.columns.size()) throw bad("edit", "the check must be one expression");
      def = schema::print_check(probe.checks[0], d);
      t.checks.push_back(probe.checks[0]);
    }
    auto l = locate(old_table(t).loc, "table " + t.name);
    const Body b = body(l, t.name);
    insert_item_after(files[l.file].text, b, b.items.size() - 1, def, d);
    changed.insert(l.file);
  }

  void drop_constraint(const json& e) {
    auto& t = table(e);
    const std::string kind = str(e, "kind"), name = str(e, "name", false);
    const int index = e.value("index", -1);
    auto pick = [&](auto& v) {
      for (std::size_t i = 0; i < v.size(); ++i)
        if ((!name.empty() && v[i].name == name) || (name.empty() && static_cast<int>(i) == index)) {
          v.erase(v.begin() + static_cast<long>(i));
          return;
        }
      throw bad("name", "table " + t.name + " has no such " + kind + " constraint");
    };
    if (kind == "foreign_key") pick(t.foreign_keys);
    else if (kind == "unique") pick(t.uniques);
    else if (kind == "check") pick(t.checks);
    else throw bad("request", "kind is foreign_key, unique or check");
    remove_constraint_item(locate(old_table(t).loc, "table " + t.name), t.name);
  }

  void enum_edit(const json& e, const std::string& op) {
    if (d != Dialect::postgresql) throw bad("edit", "enum types are PostgreSQL's; MySQL enums are column types");
    auto values = [&] {
      std::vector<std::string> v;
      if (!e.contains("values") || !e["values"].is_array() || e["values"].empty()) throw bad("request", "an enum has a list of values");
      for (const auto& x : e["values"]) {
        if (!x.is_string() || x.get<std::string>().empty()) throw bad("request", "enum values are non-empty strings");
        v.push_back(x.get<std::string>());
      }
      return v;
    };
    if (op == "create_enum") {
      schema::EnumType en;
      en.name = new_name(e, "name");
      en.schema = str(e, "schema", false);
      if (model.find_enum(en.name, en.schema)) throw bad("name", "there already is a type " + en.name);
      en.values = values();
      // Before the first statement of the file with the most tables: types come before their use.
      schema::Table none;
      const std::size_t f = file_for_new_table(none);
      auto st = statements(files[f], d);
      auto& text = files[f].text;
      const std::string sql = schema::print_create_enum(en) + ";\n";
      if (st.empty()) append_statement(f, schema::print_create_enum(en));
      else text.insert(line_start(text, st[0].begin), sql + "\n");
      changed.insert(f);
      expected.enums.push_back(en);
      return;
    }
    const std::string name = str(e, "name"), sch = str(e, "schema", false);
    const auto* old = model.find_enum(name, sch);
    if (!old) throw bad("name", "the schema files have no enum type " + name);
    auto l = locate(old->loc, "type " + name);
    auto& text = files[l.file].text;
    changed.insert(l.file);
    if (op == "drop_enum") {
      remove_statement(text, l.stmts[l.stmt]);
      std::erase_if(expected.enums, [&](const auto& x) { return x.name == name && x.schema == sch; });
      return;
    }
    schema::EnumType en = *old;
    en.values = values();
    en.loc = {};
    text.replace(l.stmts[l.stmt].begin, l.stmts[l.stmt].text_end - l.stmts[l.stmt].begin, schema::print_create_enum(en));
    for (auto& x : expected.enums)
      if (x.name == name && x.schema == sch) x.values = en.values;
  }
};

}  // namespace

EditedFiles edit_schema_files(const std::vector<sql::SourceFile>& files, const schema::Schema& model, const json& e,
                              const std::string& new_file_path) {
  if (!e.is_object()) throw bad("request", "an edit is a JSON object with \"op\"");
  Editor ed{files, model, model.dialect, model, {}, new_file_path};
  const std::string op = str(e, "op");
  std::string what;
  if (op == "add_column") ed.add_column(e), what = "add column " + str(e, "table") + "." + e["column"].value("name", "");
  else if (op == "alter_column") ed.alter_column(e), what = "alter column " + str(e, "table") + "." + str(e, "column_name");
  else if (op == "drop_column") ed.drop_column(e), what = "drop column " + str(e, "table") + "." + str(e, "column_name");
  else if (op == "create_table") ed.create_table(e), what = "create table " + str(e, "table");
  else if (op == "drop_table") ed.drop_table(e), what = "drop table " + str(e, "table");
  else if (op == "add_index") ed.add_index(e), what = "create index " + str(e, "name");
  else if (op == "drop_index") ed.drop_index(e), what = "drop index " + str(e, "name");
  else if (op == "add_foreign_key" || op == "add_unique" || op == "add_check")
    ed.add_constraint(e, op), what = op.substr(4) + " on " + str(e, "table");
  else if (op == "drop_constraint") ed.drop_constraint(e), what = "drop " + str(e, "kind") + " on " + str(e, "table");
  else if (op == "create_enum" || op == "alter_enum" || op == "drop_enum")
    ed.enum_edit(e, op), what = op.substr(0, op.find('_')) + " enum " + str(e, "name");
  else
    throw bad("request", "unknown edit `" + op + "`; one of add_column, alter_column, drop_column, create_table, "
                         "drop_table, add_index, drop_index, add_foreign_key, add_unique, add_check, drop_constraint, "
                         "create_enum, alter_enum, drop_enum");
  ed.verify();
  EditedFiles out;
  out.files = std::move(ed.files);
  out.changed.assign(ed.changed.begin(), ed.changed.end());
  out.expected = std::move(ed.expected);
  out.summary = what;
  return out;
}

}  // namespace flash::studio
