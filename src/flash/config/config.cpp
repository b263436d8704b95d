// flash.toml loading. Every key is checked against the known set so typos are reported (with a
// did-you-mean) instead of silently ignored; positions come from toml++'s source regions. All
// problems of the file are collected and thrown together as diag::Errors.
#include "flash/config/config.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <toml++/toml.h>

#include "flash/config/sql_files.hpp"
#include "flash/diag/position.hpp"
#include "flash/util/text.hpp"

namespace flash::config {
namespace fs = std::filesystem;

namespace {

using schema::Dialect;

std::string_view type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

const std::vector<std::string> kTopKeys = {"version",     "schema_dir",      "schema_path",
                                           "queries",     "migrations_path", "export_path",
                                           "env_path",    "database",        "gen",
                                           "databases",   "lint",            "branches"};
const std::vector<std::string> kDatabaseKeys = {"provider", "url_env", "pooler", "cluster", "direct_url_env"};
// The keys of each [gen.X] table and, where the set is closed, their values (lower case; a driver
// lists the databases it works with, none = all). Keep in step with the generators' readers
// (codegen/go, typescript, python) and README "Generator settings".
struct GenValue {
  std::string_view text;
  std::vector<Dialect> dialects;
};
struct GenKey {
  std::string_view name;
  bool boolean = false;            // else a string
  std::vector<GenValue> values;    // empty: any string
};
struct GenLanguage {
  std::string_view name;
  std::vector<GenKey> keys;
};
const std::vector<GenLanguage> kGenLanguages = {
    {"go",
     {{"enabled", true, {}},
      {"out", false, {}},
      {"package", false, {}},
      {"driver", false, {{"pgx/v5", {Dialect::postgresql}}, {"pgx", {Dialect::postgresql}}, {"database/sql", {}}}},
      {"null_style", false, {{"pointer", {}}, {"sql", {}}}},
      {"json_tags", true, {}},
      {"prepare", true, {}},
      {"read_retry", true, {}}}},
    {"js",
     {{"enabled", true, {}},
      {"out", false, {}},
      {"async", true, {}},
      {"driver", false, {{"pg", {Dialect::postgresql}}, {"node-postgres", {Dialect::postgresql}},
                         {"mysql2", {Dialect::mysql}}, {"better-sqlite3", {Dialect::sqlite}}}},
      {"module", false, {{"esm", {}}, {"es", {}}, {"module", {}}, {"commonjs", {}}, {"cjs", {}}}},
      {"bigint", false, {{"string", {}}, {"bigint", {}}, {"number", {}}}},
      {"emit", false, {{"both", {}}, {"ts", {}}, {"js", {}}}},
      {"read_retry", true, {}},
      {"prepared", true, {}}}},
    {"python",
     {{"enabled", true, {}},
      {"out", false, {}},
      {"async", true, {}},
      {"driver", false, {{"asyncpg", {Dialect::postgresql}}, {"psycopg", {Dialect::postgresql}},
                         {"psycopg3", {Dialect::postgresql}}, {"aiomysql", {Dialect::mysql}},
                         {"pymysql", {Dialect::mysql}}, {"aiosqlite", {Dialect::sqlite}},
                         {"sqlite3", {Dialect::sqlite}}}},
      {"read_retry", true, {}},
      // "record" works with driver asyncpg only: check_python_rows, once the driver is known.
      {"rows", false, {{"namedtuple", {}}, {"record", {}}}}}},
    {"cpp",
     {{"enabled", true, {}},
      {"out", false, {}},
      {"package", false, {}},
      {"driver", false, {{"libpq", {Dialect::postgresql}}, {"mariadb", {Dialect::mysql}}, {"libmariadb", {Dialect::mysql}},
                         {"mysql", {Dialect::mysql}}, {"sqlite3", {Dialect::sqlite}}, {"sqlite", {Dialect::sqlite}}}}}},
};
const std::vector<std::string> kDatabasesKeys = {"name",       "provider",    "url_env",
                                                 "default",    "schema_dir",  "schema_path",
                                                 "queries",    "migrations_path", "export_path",
                                                 "pooler",     "cluster",     "direct_url_env"};

class Loader {
 public:
  Loader(std::string display, std::string text) : file_(std::move(display)), text_(std::move(text)) {}

  diag::Diagnostics diags;

  diag::Diagnostic located(std::string code, std::string message, const toml::source_region& r,
                           int length = 1) const {
    diag::Diagnostic d;
    d.code = std::move(code);
    d.message = std::move(message);
    d.location.file = file_;
    d.location.line = static_cast<int>(r.begin.line);
    d.location.column = static_cast<int>(r.begin.column);
    d.location.length = std::max(1, length);
    if (d.location.line > 0) d.source_line = std::string(diag::line_at(text_, d.location.line));
    return d;
  }

  static int value_length(const toml::node& n) {
    const auto& r = n.source();
    if (r.end.line == r.begin.line && r.end.column > r.begin.column)
      return static_cast<int>(r.end.column - r.begin.column);
    return 1;
  }

  void unknown_key(const toml::key& k, const std::vector<std::string>& valid, const std::string& where) {
    auto d = located("config.unknown-key",
                     "unknown key `" + std::string(k.str()) + "`" + (where.empty() ? "" : " in " + where),
                     k.source(), static_cast<int>(k.str().size()));
    d.hint = diag::did_you_mean(k.str(), valid);
    if (!d.hint) d.hint = "valid keys here: " + util::join(valid, ", ");
    diags.push_back(std::move(d));
  }

  void wrong_type(const std::string& what, const toml::node& v, std::string_view expected) {
    auto d = located("config.type",
                     "`" + what + "` must be " + std::string(expected) + ", found " +
                         std::string(type_name(v.type())),
                     v.source(), value_length(v));
    if (expected == "a string") d.hint = what.substr(what.rfind('.') + 1) + " = \"...\"";
    else if (expected == "a boolean") d.hint = "use true or false";
    diags.push_back(std::move(d));
  }

  std::optional<std::string> string_value(const std::string& what, const toml::node& v) {
    if (const auto* s = v.as_string()) return s->get();
    wrong_type(what, v, "a string");
    return std::nullopt;
  }
  std::optional<bool> bool_value(const std::string& what, const toml::node& v) {
    if (const auto* b = v.as_boolean()) return b->get();
    wrong_type(what, v, "a boolean");
    return std::nullopt;
  }
  std::optional<Dialect> provider_value(const std::string& what, const toml::node& v) {
    auto s = string_value(what, v);
    if (!s) return std::nullopt;
    if (auto d = schema::dialect_from_string(*s)) return d;
    auto d = located("config.provider", "invalid provider `" + *s + "`", v.source(), value_length(v));
    d.hint = diag::did_you_mean(util::to_lower(*s), {"postgresql", "postgres", "mysql", "mariadb",
                                                     "sqlite", "mongodb"});
    if (d.hint) *d.hint += " (valid providers: postgresql, mysql, sqlite, mongodb)";
    else d.hint = "valid providers: postgresql, mysql, sqlite, mongodb";
    diags.push_back(std::move(d));
    return std::nullopt;
  }

  // A string that must be one of `valid`; anything else is a located config.value error ("" then).
  std::string choice_value(const std::string& what, const toml::node& v, const std::vector<std::string>& valid) {
    auto s = string_value(what, v);
    if (!s) return "";
    if (std::find(valid.begin(), valid.end(), *s) != valid.end()) return *s;
    auto d = located("config.value", "invalid `" + what + "` value `" + *s + "`", v.source(), value_length(v));
    d.hint = diag::did_you_mean(util::to_lower(*s), valid);
    if (d.hint) *d.hint += " (valid: " + util::join(valid, ", ") + ")";
    else d.hint = "valid values: " + util::join(valid, ", ");
    diags.push_back(std::move(d));
    return "";
  }

  // Remembers where a path value was written (Config::value_locations).
  static void remember(std::map<std::string, diag::Location>& into, const std::string& key,
                       const diag::Diagnostic& where) {
    into[key] = where.location;
  }

  void top(const toml::table& t, Config& cfg) {
    std::optional<std::string> schema_dir, schema_path;
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      if (key == "schema_dir" || key == "schema_path" || key == "queries" || key == "migrations_path" ||
          key == "export_path" || key == "env_path") {
        const std::string as = key == "schema_path" ? "schema_dir" : key;
        if (key == "schema_dir" || !cfg.value_locations.count(as))
          remember(cfg.value_locations, as, located("", "", v.source(), value_length(v)));
      }
      if (key == "version") {
        if (const auto* s = v.as_string()) cfg.version = s->get();
        else if (const auto* i = v.as_integer()) cfg.version = std::to_string(i->get());
        else wrong_type(key, v, "a string");
      } else if (key == "schema_dir") {
        schema_dir = string_value(key, v);
      } else if (key == "schema_path") {
        schema_path = string_value(key, v);
      } else if (key == "queries") {
        if (auto s = string_value(key, v)) cfg.queries = *s;
      } else if (key == "migrations_path") {
        if (auto s = string_value(key, v)) cfg.migrations_path = *s;
      } else if (key == "export_path") {
        if (auto s = string_value(key, v)) cfg.export_path = *s;
      } else if (key == "env_path") {
        if (auto s = string_value(key, v)) cfg.env_path = *s;
      } else if (key == "database") {
        if (const auto* tbl = v.as_table()) database(*tbl, cfg);
        else wrong_type(key, v, "a table ([database])");
      } else if (key == "gen") {
        if (const auto* tbl = v.as_table()) gen(*tbl, cfg);
        else wrong_type(key, v, "a table ([gen.go], [gen.js], [gen.python])");
      } else if (key == "lint") {
        if (const auto* tbl = v.as_table()) lint(*tbl, cfg);
        else wrong_type(key, v, "a table ([lint])");
      } else if (key == "branches") {
        if (const auto* tbl = v.as_table()) branches(*tbl, cfg);
        else wrong_type(key, v, "a table ([branches])");
      } else if (key == "databases") {
        if (const auto* arr = v.as_array()) databases(*arr, cfg);
        else wrong_type(key, v, "an array of tables ([[databases]])");
      } else {
        unknown_key(k, kTopKeys, "");
      }
    }
    // schema_path is the original tool's name; schema_dir wins when both are present.
    if (schema_dir) cfg.schema_dir = *schema_dir;
    else if (schema_path) cfg.schema_dir = *schema_path;
  }

  // [lint] error = [codes], ignore = [codes]: strings here; the lint stage knows the codes and
  // reports an unknown one at its line (Config::value_locations "lint.error" / "lint.ignore").
  // large_rows = N: the row count from which a locking finding is an error (default 1,000,000).
  void lint(const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      if (key == "large_rows") {
        const auto* n = v.as_integer();
        if (!n || n->get() < 1) wrong_type("lint.large_rows", v, "a positive integer (rows)");
        else cfg.lint_large_rows = n->get();
        continue;
      }
      if (key != "error" && key != "ignore") {
        unknown_key(k, {"error", "ignore", "large_rows"}, "[lint]");
        continue;
      }
      remember(cfg.value_locations, "lint." + key, located("", "", v.source(), value_length(v)));
      const auto* arr = v.as_array();
      if (!arr) {
        wrong_type("lint." + key, v, "an array of rule codes");
        continue;
      }
      for (const auto& el : *arr) {
        if (const auto* str = el.as_string()) (key == "error" ? cfg.lint_error : cfg.lint_ignore).push_back(str->get());
        else wrong_type("lint." + key, el, "a string (a rule code)");
      }
    }
  }

  // [branches] merge_data = ["table", ...]; [branches.mask] table.column = "email" | "name" |
  // "phone" | "text" | "null".
  void branches(const toml::table& t, Config& cfg) {
    static const std::vector<std::string> kinds = {"email", "name", "phone", "text", "null"};
    for (auto&& [k, v] : t) {
      if (k.str() == "merge_data") {
        const auto* arr = v.as_array();
        if (!arr) {
          wrong_type("branches.merge_data", v, "an array of table names ([\"plans\", \"countries\"])");
          continue;
        }
        for (const auto& el : *arr) {
          auto s = string_value("branches.merge_data", el);
          if (!s) continue;
          cfg.branch_merge_data.push_back(
              MergeDataTable{*s, located("", "", el.source(), value_length(el)).location});
        }
        continue;
      }
      if (k.str() != "mask") {
        unknown_key(k, {"mask", "merge_data"}, "[branches]");
        continue;
      }
      const auto* mask = v.as_table();
      if (!mask) {
        wrong_type("branches.mask", v, "a table ([branches.mask] with table.column = \"kind\")");
        continue;
      }
      for (auto&& [table, cols] : *mask) {
        const auto* ct = cols.as_table();
        if (!ct) {
          wrong_type("branches.mask." + std::string(table.str()), cols, "a table of column = \"kind\" (users.email = \"email\")");
          continue;
        }
        for (auto&& [col, kind] : *ct) {
          const std::string what = "branches.mask." + std::string(table.str()) + "." + std::string(col.str());
          auto s = string_value(what, kind);
          if (!s) continue;
          auto loc = located("config.mask", "", kind.source(), value_length(kind));
          if (std::find(kinds.begin(), kinds.end(), *s) == kinds.end()) {
            loc.message = "unknown mask kind `" + *s + "` for " + std::string(table.str()) + "." + std::string(col.str());
            loc.hint = "one of: " + util::join(kinds, ", ");
            diags.push_back(std::move(loc));
            continue;
          }
          cfg.branch_mask.push_back(MaskRule{std::string(table.str()), std::string(col.str()), *s, loc.location});
        }
      }
    }
  }

  void database(const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      if (key == "provider") {
        if (auto d = provider_value("database.provider", v)) cfg.provider = *d;
      } else if (key == "url_env") {
        if (auto s = string_value("database.url_env", v)) cfg.url_env = *s;
      } else if (key == "pooler") {
        cfg.pooler = choice_value("database.pooler", v, {"none", "pgbouncer"});
        if (cfg.pooler == "none") cfg.pooler.clear();
      } else if (key == "cluster") {
        cfg.cluster = choice_value("database.cluster", v, {"none", "galera"});
        if (cfg.cluster == "none") cfg.cluster.clear();
      } else if (key == "direct_url_env") {
        if (auto s = string_value("database.direct_url_env", v)) cfg.direct_url_env = *s;
      } else {
        unknown_key(k, kDatabaseKeys, "[database]");
      }
    }
  }

  void gen(const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
      const std::string lang(k.str());
      if (const auto* tbl = v.as_table(); tbl && tbl->contains("plugin")) {
        plugin_gen(lang, k, *tbl, cfg);
        continue;
      }
      const GenLanguage* spec = nullptr;
      for (const auto& g : kGenLanguages)
        if (g.name == lang) spec = &g;
      if (!spec) {
        std::vector<std::string> names;
        for (const auto& g : kGenLanguages) names.emplace_back(g.name);
        auto d = located("config.unknown-key", "unknown generator `gen." + lang + "`", k.source(),
                         static_cast<int>(lang.size()));
        d.hint = diag::did_you_mean(lang, names);
        if (!d.hint) d.hint = "generators: gen.go, gen.js, gen.python, gen.cpp, or an external one with plugin = \"flash-gen-" + lang + "\"";
        diags.push_back(std::move(d));
        continue;
      }
      const auto* tbl = v.as_table();
      if (!tbl) {
        wrong_type("gen." + lang, v, "a table");
        continue;
      }
      GenTarget g;
      g.language = lang;
      g.location = located("", "", k.source()).location;
      for (auto&& [gk, gv] : *tbl) gen_key(*spec, g, gk, gv);
      cfg.gen.push_back(std::move(g));
    }
  }

  // [gen.NAME] with `plugin = "..."`: an external generator (docs/plugins.md). Flash reads
  // enabled, out, plugin and timeout; every other key is the plugin's, passed on in the request
  // as a string, integer or boolean.
  void plugin_gen(const std::string& lang, const toml::key& k, const toml::table& tbl, Config& cfg) {
    GenTarget g;
    g.language = lang;
    g.location = located("", "", k.source()).location;
    for (auto&& [gk, gv] : tbl) {
      const std::string key(gk.str());
      const std::string what = "gen." + lang + "." + key;
      if (key == "enabled") {
        if (auto b = bool_value(what, gv)) g.enabled = *b;
      } else if (key == "async") {
        if (auto b = bool_value(what, gv)) g.async = *b;
      } else if (key == "out" || key == "driver" || key == "plugin") {
        auto s = string_value(what, gv);
        if (!s) continue;
        if (key == "plugin" && s->empty()) {
          diags.push_back(located("config.value", "`" + what + "` is empty", gv.source(), value_length(gv)));
          continue;
        }
        (key == "out" ? g.out : key == "driver" ? g.driver : g.plugin) = *s;
        if (key == "plugin") g.plugin_location = located("", "", gv.source(), value_length(gv)).location;
      } else if (key == "timeout") {
        const auto* i = gv.as_integer();
        if (!i || i->get() < 1 || i->get() > 86400) {
          auto d = located("config.value", "`" + what + "` must be a whole number of seconds from 1 to 86400",
                           gv.source(), value_length(gv));
          d.hint = "timeout = 30";
          diags.push_back(std::move(d));
          continue;
        }
        g.timeout_seconds = static_cast<int>(i->get());
      } else if (const auto* b = gv.as_boolean()) {
        g.settings[key] = b->get();
      } else if (const auto* i = gv.as_integer()) {
        g.settings[key] = i->get();
      } else if (const auto* s = gv.as_string()) {
        g.settings[key] = s->get();
      } else {
        wrong_type(what, gv, "a string, an integer or a boolean");
      }
    }
    cfg.gen.push_back(std::move(g));
  }

  // One key of a [gen.X] table: known to that generator, of the right type, one of its values.
  void gen_key(const GenLanguage& spec, GenTarget& g, const toml::key& k, const toml::node& v) {
    const std::string key(k.str());
    const std::string what = "gen." + g.language + "." + key;
    const GenKey* known = nullptr;
    for (const auto& gk : spec.keys)
      if (gk.name == key) known = &gk;
    if (!known) {
      std::vector<std::string> valid;
      for (const auto& gk : spec.keys) valid.emplace_back(gk.name);
      return unknown_key(k, valid, "[gen." + g.language + "]");
    }
    if (known->boolean) {
      const auto b = bool_value(what, v);
      if (!b) return;
      if (key == "enabled") g.enabled = *b;
      else if (key == "async") g.async = *b;
      else g.settings[key] = *b;
      return;
    }
    const auto s = string_value(what, v);
    if (!s) return;
    if (!known->values.empty()) {
      const std::string& folded = *s;  // values are case-sensitive, as the generators read them
      std::vector<std::string> valid;
      bool ok = false;
      for (const auto& val : known->values) {
        valid.emplace_back(val.text);
        ok = ok || val.text == folded;
      }
      if (!ok) {
        auto d = located("config.value", "invalid " + what + " `" + *s + "`", v.source(), value_length(v));
        d.hint = diag::did_you_mean(folded, valid);
        if (d.hint) *d.hint += " (valid values: " + util::join(valid, ", ") + ")";
        else d.hint = "valid values: " + util::join(valid, ", ");
        diags.push_back(std::move(d));
        return;
      }
      if (key == "driver") driver_at_.emplace_back(g.language, folded, located("", "", v.source(), value_length(v)));
      if (key == "rows" && g.language == "python") rows_at_ = located("", "", v.source(), value_length(v));
    }
    if (key == "out") g.out = *s;
    else if (key == "driver") g.driver = *s;
    else g.settings[key] = *s;
  }

  // A driver works with some databases only: checked once the database in effect is known.
  void check_drivers(const Config& cfg) {
    for (const auto& [lang, driver, where] : driver_at_) {
      const GenValue* val = nullptr;
      for (const auto& gl : kGenLanguages)
        if (gl.name == lang)
          for (const auto& gk : gl.keys)
            if (gk.name == "driver")
              for (const auto& x : gk.values)
                if (x.text == driver) val = &x;
      if (!val || val->dialects.empty()) continue;
      if (std::find(val->dialects.begin(), val->dialects.end(), cfg.provider) != val->dialects.end()) continue;
      std::vector<std::string> fitting;
      for (const auto& gl : kGenLanguages)
        if (gl.name == lang)
          for (const auto& gk : gl.keys)
            if (gk.name == "driver")
              for (const auto& x : gk.values)
                if (x.dialects.empty() || std::find(x.dialects.begin(), x.dialects.end(), cfg.provider) !=
                                              x.dialects.end())
                  fitting.emplace_back(x.text);
      diag::Diagnostic d = where;
      d.code = "config.value";
      d.message = "gen." + lang + ".driver `" + driver + "` does not work with " +
                  std::string(schema::to_string(cfg.provider));
      d.hint = fitting.empty() ? "no " + lang + " driver supports " + std::string(schema::to_string(cfg.provider))
                               : "drivers for " + std::string(schema::to_string(cfg.provider)) + ": " +
                                     util::join(fitting, ", ");
      diags.push_back(std::move(d));
    }
  }

  // [gen.python] rows = "record" needs the asyncpg driver: the one named, or the default
  // (PostgreSQL with async = true).
  void check_python_rows(const Config& cfg) {
    if (!rows_at_) return;
    for (const auto& g : cfg.gen) {
      if (g.language != "python" || !g.plugin.empty()) continue;
      const auto it = g.settings.find("rows");
      const auto* v = it == g.settings.end() ? nullptr : std::get_if<std::string>(&it->second);
      if (!v || *v != "record") continue;
      const std::string driver = !g.driver.empty()                                     ? g.driver
                                 : cfg.provider != Dialect::postgresql                ? "a " + std::string(schema::to_string(cfg.provider)) + " driver"
                                 : g.async                                            ? "asyncpg"
                                                                                      : "psycopg";
      if (driver == "asyncpg") continue;
      diag::Diagnostic d = *rows_at_;
      d.code = "config.value";
      d.message = "gen.python.rows `record` needs driver = \"asyncpg\" (the driver in effect is " + driver + ")";
      d.hint = cfg.provider == Dialect::postgresql
                   ? "set driver = \"asyncpg\" (or async = true), or rows = \"namedtuple\""
                   : "record rows are asyncpg.Record subclasses, for PostgreSQL; use rows = \"namedtuple\"";
      diags.push_back(std::move(d));
    }
  }

  void databases(const toml::array& arr, Config& cfg) {
    const toml::node* default_seen = nullptr;
    for (const auto& el : arr) {
      const auto* t = el.as_table();
      if (!t) {
        wrong_type("databases", el, "a table ([[databases]])");
        continue;
      }
      DatabaseEntry e;
      bool has_name = false;
      std::optional<std::string> schema_dir, schema_path;
      for (auto&& [k, v] : *t) {
        const std::string key(k.str());
        const std::string what = "databases." + key;
        if (key == "schema_dir" || key == "schema_path" || key == "queries" || key == "migrations_path" ||
            key == "export_path") {
          const std::string as = key == "schema_path" ? "schema_dir" : key;
          if (key == "schema_dir" || !e.value_locations.count(as))
            remember(e.value_locations, as, located("", "", v.source(), value_length(v)));
        }
        if (key == "name") {
          if (auto s = string_value(what, v)) {
            has_name = true;
            e.name = *s;
            const bool dup = std::any_of(cfg.databases.begin(), cfg.databases.end(),
                                         [&](const DatabaseEntry& o) { return o.name == e.name; });
            if (dup || e.name.empty()) {
              auto d = located("config.duplicate",
                               e.name.empty() ? std::string("database name is empty")
                                              : "duplicate database name `" + e.name + "`",
                               v.source(), value_length(v));
              d.hint = "every [[databases]] entry needs its own name";
              diags.push_back(std::move(d));
            }
          }
        } else if (key == "provider") {
          if (auto d = provider_value(what, v)) e.provider = *d;
          provider_given_.insert(cfg.databases.size());
        } else if (key == "url_env") {
          if (auto s = string_value(what, v)) e.url_env = *s;
          url_env_given_.insert(cfg.databases.size());
        } else if (key == "default") {
          if (auto b = bool_value(what, v)) {
            e.is_default = *b;
            if (*b && default_seen) {
              auto d = located("config.duplicate", "more than one database has `default = true`",
                               v.source(), value_length(v));
              d.hint = "mark a single [[databases]] entry as the default";
              diags.push_back(std::move(d));
            }
            if (*b) default_seen = &v;
          }
        } else if (key == "schema_dir") {
          schema_dir = string_value(what, v);
        } else if (key == "schema_path") {
          schema_path = string_value(what, v);
        } else if (key == "queries") {
          if (auto s = string_value(what, v)) e.queries = *s;
        } else if (key == "migrations_path") {
          if (auto s = string_value(what, v)) e.migrations_path = *s;
        } else if (key == "export_path") {
          if (auto s = string_value(what, v)) e.export_path = *s;
        } else if (key == "pooler") {
          e.pooler = choice_value(what, v, {"none", "pgbouncer"});
        } else if (key == "cluster") {
          e.cluster = choice_value(what, v, {"none", "galera"});
        } else if (key == "direct_url_env") {
          if (auto s = string_value(what, v)) e.direct_url_env = *s;
        } else {
          unknown_key(k, kDatabasesKeys, "[[databases]]");
        }
      }
      if (schema_dir) e.schema_dir = *schema_dir;
      else if (schema_path) e.schema_dir = *schema_path;
      if (!has_name) {
        auto d = located("config.missing-key", "[[databases]] entry has no `name`", t->source());
        d.hint = "add name = \"primary\" (the name --db selects)";
        diags.push_back(std::move(d));
      }
      cfg.databases.push_back(std::move(e));
    }
  }

  // Entries without their own provider/url_env inherit the top-level [database] values.
  void inherit(Config& cfg) const {
    for (std::size_t i = 0; i < cfg.databases.size(); ++i) {
      if (!provider_given_.count(i)) cfg.databases[i].provider = cfg.provider;
      if (!url_env_given_.count(i)) cfg.databases[i].url_env = cfg.url_env;
    }
  }

  const std::string& file() const { return file_; }
  const std::string& text() const { return text_; }

 private:
  std::string file_;
  std::string text_;
  std::set<std::size_t> provider_given_, url_env_given_;
  std::vector<std::tuple<std::string, std::string, diag::Diagnostic>> driver_at_;  // language, driver, where
  std::optional<diag::Diagnostic> rows_at_;  // [gen.python] rows, where
};

void select_database(Config& cfg, const std::optional<std::string>& wanted, const std::string& file) {
  if (cfg.databases.empty()) {
    if (wanted) {
      diag::Diagnostic d;
      d.code = "config.unknown-database";
      d.message = "--db " + *wanted + " given but " + file + " has no [[databases]] entries";
      d.location.file = file;
      d.hint = "add a [[databases]] table with name = \"" + *wanted + "\"";
      throw diag::Error(std::move(d));
    }
    return;
  }
  const DatabaseEntry* chosen = nullptr;
  if (wanted) {
    for (const auto& e : cfg.databases)
      if (e.name == *wanted) chosen = &e;
    if (!chosen) {
      std::vector<std::string> names;
      for (const auto& e : cfg.databases) names.push_back(e.name);
      diag::Diagnostic d;
      d.code = "config.unknown-database";
      d.message = "no [[databases]] entry named `" + *wanted + "` in " + file;
      d.location.file = file;
      d.hint = diag::did_you_mean(*wanted, names);
      if (!d.hint) d.hint = "defined databases: " + util::join(names, ", ");
      throw diag::Error(std::move(d));
    }
  } else {
    for (const auto& e : cfg.databases)
      if (e.is_default) chosen = &e;
    if (!chosen) chosen = &cfg.databases.front();
  }
  cfg.selected_database = chosen->name;
  cfg.provider = chosen->provider;
  cfg.url_env = chosen->url_env;
  if (!chosen->schema_dir.empty()) cfg.schema_dir = chosen->schema_dir;
  if (!chosen->queries.empty()) cfg.queries = chosen->queries;
  if (!chosen->migrations_path.empty()) cfg.migrations_path = chosen->migrations_path;
  if (!chosen->export_path.empty()) cfg.export_path = chosen->export_path;
  if (chosen->pooler) cfg.pooler = *chosen->pooler == "none" ? "" : *chosen->pooler;
  if (chosen->cluster) cfg.cluster = *chosen->cluster == "none" ? "" : *chosen->cluster;
  if (chosen->direct_url_env) cfg.direct_url_env = *chosen->direct_url_env;
  for (const auto& [key, where] : chosen->value_locations) cfg.value_locations[key] = where;
}

}  // namespace

Config load_config(const LoadOptions& opts) {
  const std::string display = opts.config_file.string();
  std::error_code ec;
  if (!fs::is_regular_file(opts.config_file, ec)) {
    diag::Diagnostic d;
    d.code = "config.not-found";
    d.message = fs::exists(opts.config_file, ec) ? "`" + display + "` is not a file"
                                                 : "config file `" + display + "` not found";
    d.hint = "run `flash init` to create one, or pass --config FILE";
    throw diag::Error(std::move(d));
  }

  Loader loader(display, util::read_file(opts.config_file));
  Config cfg;
  cfg.file = fs::absolute(opts.config_file).lexically_normal();
  cfg.root = cfg.file.parent_path();

  toml::table table;
  try {
    table = toml::parse(loader.text(), display);
  } catch (const toml::parse_error& e) {
    auto d = loader.located("config.syntax", std::string(e.description()), e.source());
    d.hint = "see https://toml.io for the TOML syntax";
    throw diag::Errors({std::move(d)});
  }

  loader.top(table, cfg);
  loader.inherit(cfg);
  if (diag::has_errors(loader.diags)) {
    // toml++ tables iterate in key order; report in document order instead.
    std::stable_sort(loader.diags.begin(), loader.diags.end(),
                     [](const diag::Diagnostic& a, const diag::Diagnostic& b) {
                       return std::pair(a.location.line, a.location.column) <
                              std::pair(b.location.line, b.location.column);
                     });
    throw diag::Errors(std::move(loader.diags));
  }

  select_database(cfg, opts.database, display);
  // Through a transaction-pooling PgBouncer (the selected database's) the TypeScript pg client
  // uses unnamed statements unless [gen.js] says `prepared` itself.
  if (cfg.pooler == "pgbouncer")
    for (auto& g : cfg.gen)
      if (g.language == "js" && !g.settings.count("prepared")) g.settings["prepared"] = false;
  loader.check_drivers(cfg);
  loader.check_python_rows(cfg);
  if (diag::has_errors(loader.diags)) throw diag::Errors(std::move(loader.diags));
  load_env_files(cfg, opts.env_name, &cfg.env_origins);
  return cfg;
}

diag::Diagnostic value_diagnostic(const Config& cfg, std::string_view key, std::string code,
                                  std::string message) {
  diag::Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  const auto it = cfg.value_locations.find(std::string(key));
  if (it == cfg.value_locations.end()) {
    d.location.file = cfg.file.empty() ? std::string() : display_path(cfg.file);
    return d;
  }
  d.location = it->second;
  std::error_code ec;
  if (d.location.line > 0 && fs::is_regular_file(cfg.file, ec))
    d.source_line = std::string(diag::line_at(util::read_file(cfg.file), d.location.line));
  return d;
}

}  // namespace flash::config
