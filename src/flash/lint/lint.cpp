#include "flash/lint/lint.hpp"

#include <algorithm>
#include <cstdio>

#include "flash/diff/online.hpp"
#include "flash/diff/plan.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::lint {
namespace {

using schema::Dialect;

std::string key(const std::string& schema, const std::string& table) { return schema + "." + table; }

std::set<std::string> tables_of(const schema::Schema& s) {
  std::set<std::string> out;
  for (const auto& t : s.tables) out.insert(key(t.schema, t.name));
  return out;
}

bool applies(const Rule& r, Dialect d, const Settings& s) {
  const std::string e = r.engines;
  if (e == "galera") return d == Dialect::mysql && s.cluster == "galera";
  return e == "all" || e == schema::to_string(d);
}

std::vector<std::string> lines_of(const std::string& content) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    std::size_t nl = content.find('\n', pos);
    if (nl == std::string::npos) nl = content.size();
    lines.push_back(content.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

// The rule codes a `-- flash:lint-ignore CODE reason` comment block right above `line` names.
std::set<std::string> suppressed(const std::vector<std::string>& lines, int line) {
  std::set<std::string> out;
  for (int i = line - 2; i >= 0 && i < static_cast<int>(lines.size()); --i) {
    std::string l = lines[static_cast<std::size_t>(i)];
    l.erase(0, l.find_first_not_of(" \t"));
    if (l.rfind("--", 0) != 0) break;
    auto at = l.find("flash:lint-ignore");
    if (at == std::string::npos) continue;
    std::string rest = l.substr(at + 17);
    rest.erase(0, rest.find_first_not_of(" \t"));
    out.insert(rest.substr(0, rest.find_first_of(" \t")));
  }
  return out;
}


const schema::Column* column_of(const schema::Schema& s, const diff::Operation& op) {
  const schema::Table* t = s.find_table(op.table, op.schema);
  if (!t) return nullptr;
  for (const auto& c : t->columns)
    if (c.name == op.object) return &c;
  return nullptr;
}

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string describe_stats(const TableStats& s) {
  std::string out = s.count == TableStats::Count::at_least ? "over " + thousands(s.rows - 1) + " rows"
                    : (s.count == TableStats::Count::estimate ? "~" : "") + thousands(s.rows) +
                          (s.rows == 1 ? " row" : " rows");
  if (s.bytes) {
    const double mb = static_cast<double>(*s.bytes) / (1024.0 * 1024.0);
    char buf[32];
    std::snprintf(buf, sizeof buf, mb >= 10 ? "%.0f MB" : "%.1f MB", mb);
    out += ", " + std::string(buf);
  }
  return "live: " + out;
}

struct FileLinter {
  const migrate::MigrationFile& file;
  Dialect d;
  const Settings& settings;
  std::vector<Finding>& out;
  std::set<std::string> existing;  // tables before this migration
  std::set<std::string> created;   // tables created earlier in this migration
  bool lock_timeout_set = false, lock_timeout_reported = false;
  int ddl_statements = 0;
  std::vector<std::string> lines = lines_of(file.content);  // split once, for the suppression comments

  void emit(const migrate::MigrationStatement& st, const std::string& code, const std::string& message,
            const std::string& schema = "", const std::string& table = "") {
    const Rule* r = find_rule(code);
    if (!r || !applies(*r, d, settings) || settings.ignore.count(code)) return;
    if (suppressed(lines, st.line).count(code)) return;
    for (const auto& f : out)
      if (f.migration == file.id && f.diag.code == code && f.diag.location.line == st.line &&
          f.diag.message.rfind(message, 0) == 0)
        return;
    Finding f{file.id, {}, schema, table, std::nullopt};
    diag::Diagnostic& g = f.diag;
    g.code = code;
    g.message = message;
    g.severity = r->severity;
    g.hint = r->fix;
    if (!table.empty() && settings.stats && r->grade != Rule::Grade::none) grade(*r, f);
    if (settings.error.count(code)) g.severity = diag::Severity::error;
    g.location.file = file.path.string();
    g.location.line = st.line;
    g.location.column = 1;
    g.exit_code = diag::ExitCode::check_failed;
    out.push_back(std::move(f));
  }

  // The table's live size in the message, and the severity it implies: an empty table has nothing
  // to lock or lose (a note); a large one makes a locking rule an error.
  void grade(const Rule& r, Finding& f) const {
    f.stats = settings.stats(f.schema, f.table);
    if (!f.stats) return;
    const TableStats& s = *f.stats;
    f.diag.message += " (" + describe_stats(s) + ")";
    if (s.rows == 0 && s.count == TableStats::Count::exact) {
      f.diag.severity = diag::Severity::note;
      f.diag.hint = "the table is empty now, so this costs nothing today; " + f.diag.hint.value_or("");
    } else if (r.grade == Rule::Grade::locking && s.rows >= settings.large_rows) {
      f.diag.severity = diag::Severity::error;
      f.diag.hint = *f.diag.hint + " (at this size the lock or copy lasts long; a `-- flash:lint-ignore " +
                    r.code + " reason` comment accepts it knowingly)";
    }
  }

  bool old_table(const diff::Operation& op) const {
    const std::string k = key(op.schema, op.table);
    return existing.count(k) && !created.count(k);
  }

  void statement(schema::Schema& model, const migrate::MigrationStatement& st) {
    diag::Diagnostics ignored;
    std::vector<std::string> words;  // upper-cased bare words, in order
    for (const auto& t : sql::lex(sql::SourceFile{file.path.string(), st.sql}, d, ignored))
      if (t.kind == sql::TokenKind::identifier) words.push_back(util::to_upper(t.text));
    auto has = [&](const char* w) { return std::find(words.begin(), words.end(), w) != words.end(); };
    const std::string first = words.empty() ? "" : words[0];
    if (first == "SET" && has("LOCK_TIMEOUT")) lock_timeout_set = true;
    const bool ddl = first == "CREATE" || first == "ALTER" || first == "DROP" || first == "RENAME" || first == "TRUNCATE";
    if (ddl && ++ddl_statements == 2)
      emit(st, "mysql.multi-ddl", "migration " + file.id + " holds more than one DDL statement");
    if (first == "TRUNCATE") emit(st, "destructive.truncate", "TRUNCATE deletes every row of the table");
    if (first == "DROP" && words.size() > 1 && words[1] == "SCHEMA")
      emit(st, "destructive.drop-schema", "DROP SCHEMA drops everything in it");
    if (has("CONCURRENTLY") && file.up_transactional)
      emit(st, "pg.concurrently-in-transaction", "CONCURRENTLY inside a transactional migration");
    if (has("CONVERT") && has("CHARACTER")) emit(st, "mysql.table-copy", "converting the table's character set copies it");
    const bool rename = (first == "ALTER" || first == "RENAME") && has("RENAME") && !has("CONSTRAINT") && !has("INDEX");
    if (rename) emit(st, "compat.rename", "renames a table or column that running clients may still use");
    galera(st, words, first, has);

    schema::Schema before = model;
    // The statement alone, at its own line, so the parser's locations stay true.
    sql::apply_ddl(model, sql::SourceFile{file.path.string(), std::string(static_cast<std::size_t>(std::max(0, st.line - 1)), '\n') + st.sql}, ignored);
    if (rename) return;  // the differ sees a rename as drop + add
    diff::Plan plan = diff::diff_schemas(before, model);
    const bool narrowing = std::any_of(plan.warnings.begin(), plan.warnings.end(),
                                       [](const auto& w) { return w.code == "lint.narrowing"; });
    for (const auto& op : plan.operations) ops(st, op, model, has, narrowing);
    for (const auto& op : plan.operations)
      if (op.kind == diff::OpKind::create_table) created.insert(key(op.schema, op.table));
  }

  // The "galera" rules that the statement's words show (the primary key one is in ops()).
  template <class Has>
  void galera(const migrate::MigrationStatement& st, const std::vector<std::string>& words, const std::string& first,
              Has has) {
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
      if (words[i] == "ENGINE" && words[i + 1] != "INNODB")
        emit(st, "galera.non-innodb", "ENGINE=" + words[i + 1] + " is not replicated by Galera (InnoDB only)");
    if (((first == "LOCK" || first == "UNLOCK") && (has("TABLES") || has("TABLE"))) || has("GET_LOCK"))
      emit(st, "galera.lock-tables", "LOCK TABLES / GET_LOCK does not lock across a Galera cluster");
    const bool dml = first == "INSERT" || first == "UPDATE" || first == "DELETE" || first == "REPLACE";
    if (dml && st.sql.find("/* flash:batch ") == std::string::npos)
      emit(st, "galera.large-transaction", first + " runs as one Galera writeset: keep it small or batch it");
  }

  template <class Has>
  void ops(const migrate::MigrationStatement& st, const diff::Operation& op, const schema::Schema& after, Has has,
           bool narrowing) {
    using K = diff::OpKind;
    const bool old = old_table(op);
    const std::string tname = op.table;
    // A finding about the operation's table (graded by its live size when statistics are at hand).
    const auto at = [&](const std::string& code, const std::string& message) {
      emit(st, code, message, op.schema, op.table);
    };
    if (old && d == Dialect::postgresql && !lock_timeout_set && !lock_timeout_reported && op.kind != K::drop_table) {
      lock_timeout_reported = true;
      at("pg.lock-timeout", "locks existing table " + tname + " without SET lock_timeout earlier in the migration");
    }
    switch (op.kind) {
      case K::drop_table: at("destructive.drop-table", "drops table " + tname); break;
      case K::drop_column: at("destructive.drop-column", "drops column " + tname + "." + op.object); break;
      case K::drop_enum_value: at("data.enum-value-removed", "removes value " + op.object + " from enum " + tname); break;
      case K::rebuild_table:
        if (old) at("sqlite.rebuild", "rebuilds table " + tname + " (copy, drop, rename)");
        break;
      case K::add_column: {
        const schema::Column* c = column_of(after, op);
        if (!c) break;
        if (old && !c->nullable && !c->default_expr && c->identity == schema::Identity::none && !c->auto_increment &&
            c->generated == schema::GeneratedKind::none)
          at("data.not-null-no-default", "adds NOT NULL column " + tname + "." + c->name + " without a default");
        if (old && c->default_expr && diff::volatile_expression(*c->default_expr))
          at("pg.volatile-default", "adds " + tname + "." + c->name + " with volatile default " + *c->default_expr);
        column_rules(st, *c, tname);
        break;
      }
      case K::create_table: {
        const schema::Table* t = after.find_table(op.table, op.schema);
        if (!t) break;
        for (const auto& c : t->columns) column_rules(st, c, tname);
        if (!t->primary_key) at("galera.no-primary-key", "table " + tname + " has no primary key");
        if (t->primary_key && t->primary_key->columns.size() == 1)
          for (const auto& c : t->columns)
            if (c.name == t->primary_key->columns[0] && (c.type.name == "integer" || c.type.name == "smallint"))
              at("pg.int-key", "primary key " + tname + "." + c.name + " is " + c.type.name);
        break;
      }
      case K::set_not_null:
        if (old) {
          at("data.not-null-no-default", "sets NOT NULL on " + tname + "." + op.object + " of an existing table");
          at("pg.set-not-null", "SET NOT NULL on " + tname + "." + op.object + " scans the table under lock");
        }
        break;
      case K::alter_column_type:
        if (!old) break;
        if (narrowing) at("data.narrowing", "changes the type of " + tname + "." + op.object + " to a narrower one");
        if (!(op.old_type && op.new_type && widening_varchar(*op.old_type, *op.new_type)))
          at("pg.type-rewrite", "changes the type of " + tname + "." + op.object + ": the table is rewritten");
        at("mysql.table-copy", "changes the type of " + tname + "." + op.object + ": MySQL copies the table");
        break;
      case K::add_primary_key:
      case K::drop_primary_key:
        if (old) at("mysql.table-copy", "changes the primary key of " + tname + ": MySQL copies the table");
        break;
      case K::add_unique:
        if (old) at("data.unique-existing", "UNIQUE on existing data of " + tname);
        break;
      case K::create_index: {
        if (!old) break;
        bool unique = false;
        for (const auto& i : after.indexes)
          if (i.name == op.object && i.table == op.table) unique = i.unique;
        if (unique) at("data.unique-existing", "unique index " + op.object + " on existing data of " + tname);
        if (!has("CONCURRENTLY"))
          at("pg.index-not-concurrent", "CREATE INDEX " + op.object + " on existing table " + tname + " blocks writes");
        break;
      }
      case K::add_foreign_key:
      case K::add_check:
        if (old && !(has("NOT") && has("VALID")))
          at("pg.constraint-not-valid",
               std::string(op.kind == K::add_check ? "CHECK" : "FOREIGN KEY") + " on existing table " + tname +
                   " without NOT VALID");
        break;
      default: break;
    }
  }

  static bool widening_varchar(const schema::TypeRef& a, const schema::TypeRef& b) {
    const bool a_var = a.name == "varchar" || a.name == "character varying";
    if (!a_var) return false;
    if (b.name == "text") return true;
    if ((b.name == "varchar" || b.name == "character varying") && a.args.size() == 1 && b.args.size() == 1)
      return std::atoll(b.args[0].c_str()) >= std::atoll(a.args[0].c_str());
    return b.args.empty() && (b.name == "varchar" || b.name == "character varying");
  }

  void column_rules(const migrate::MigrationStatement& st, const schema::Column& c, const std::string& table) {
    if (d != Dialect::postgresql) return;
    if (c.auto_increment && c.identity == schema::Identity::none)
      emit(st, "pg.prefer-identity", table + "." + c.name + " is serial");
    if (c.type.name == "timestamp")
      emit(st, "pg.timestamp-without-tz", table + "." + c.name + " is timestamp without time zone");
  }
};

}  // namespace

std::vector<Finding> lint_migrations(const std::vector<migrate::MigrationFile>& files,
                                     const std::vector<std::size_t>& which, Dialect d, const Settings& s) {
  std::vector<Finding> out;
  std::set<std::size_t> wanted(which.begin(), which.end());
  schema::Schema model;
  model.dialect = d;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!wanted.count(i)) {
      diag::Diagnostics ignored;
      migrate::replay_one(model, files[i], ignored);
      continue;
    }
    FileLinter fl{files[i], d, s, out, tables_of(model), {}, false, false, 0};
    for (const auto& st : files[i].up) fl.statement(model, st);
  }
  return out;
}

nlohmann::json to_json(const std::vector<Finding>& f) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& x : f) {
    nlohmann::json e = nlohmann::json::parse(diag::render_json(x.diag));
    e["migration"] = x.migration;
    if (!x.table.empty()) e["table"] = x.schema.empty() ? x.table : x.schema + "." + x.table;
    if (x.stats)
      e["stats"] = {{"rows", x.stats->rows},
                    {"rows_count", to_string(x.stats->count)},
                    {"bytes", x.stats->bytes ? nlohmann::json(*x.stats->bytes) : nlohmann::json(nullptr)}};
    arr.push_back(std::move(e));
  }
  return arr;
}

nlohmann::json to_sarif(const std::vector<Finding>& f) {
  nlohmann::json rules_j = nlohmann::json::array();
  for (const auto& r : rules())
    rules_j.push_back({{"id", r.code},
                       {"shortDescription", {{"text", r.catches}}},
                       {"help", {{"text", r.fix}}},
                       {"properties", {{"engines", r.engines}}}});
  nlohmann::json results = nlohmann::json::array();
  for (const auto& x : f) {
    results.push_back(
        {{"ruleId", x.diag.code},
         {"level", x.diag.severity == diag::Severity::error     ? "error"
                   : x.diag.severity == diag::Severity::warning ? "warning"
                                                                : "note"},
         {"message", {{"text", x.diag.message}}},
         {"locations",
          {{{"physicalLocation",
             {{"artifactLocation", {{"uri", x.diag.location.file}}},
              {"region", {{"startLine", x.diag.location.line}, {"startColumn", x.diag.location.column}}}}}}}}});
  }
  return {{"version", "2.1.0"},
          {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"runs", {{{"tool", {{"driver", {{"name", "flash"}, {"informationUri", "https://github.com/"}, {"rules", rules_j}}}}},
                     {"results", results}}}}};
}

}  // namespace flash::lint
