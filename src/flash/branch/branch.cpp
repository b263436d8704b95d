// Branch metadata: branches.json (shared), .flash/HEAD (local), names and URLs.
#include "flash/branch/branch.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/util/text.hpp"

namespace flash::branch {
namespace fs = std::filesystem;
using schema::Dialect;

namespace {

bool reserved(std::string_view n) {
  return n == "reset" || n == "diff" || n == "merge" || n == "hook" || n == "HEAD";
}

Branch main_branch(const config::DatabaseUrl& main_url) {
  Branch b;
  b.name = kMain;
  b.database = main_url.dialect == Dialect::sqlite ? fs::path(main_url.database).filename().string()
                                                   : main_url.database;
  return b;
}

diag::Error store_error(const fs::path& file, const std::string& what) {
  diag::Diagnostic d;
  d.code = "branch.store";
  d.message = file.string() + ": " + what;
  d.location.file = file.string();
  d.hint = "fix or restore the file (it is shared metadata: see its history in git)";
  return diag::Error(std::move(d));
}

}  // namespace

const Branch* Store::find(std::string_view name) const {
  for (const auto& b : branches)
    if (b.name == name) return &b;
  return nullptr;
}
Branch* Store::find(std::string_view name) {
  for (auto& b : branches)
    if (b.name == name) return &b;
  return nullptr;
}

void check_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 40;
  for (std::size_t i = 0; ok && i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    ok = alnum || (i > 0 && (c == '_' || c == '-'));
  }
  if (!ok)
    throw diag::Error("branch.name", "invalid branch name '" + std::string(name) + "'", diag::ExitCode::usage,
                      "a branch name is 1 to 40 characters of a-z, 0-9, '_' and '-', starting with a letter "
                      "or digit");
  if (reserved(name))
    throw diag::Error("branch.name", "'" + std::string(name) + "' is reserved (a `flash branch` action)",
                      diag::ExitCode::usage, "choose another name");
}

fs::path store_path(const config::Config& cfg) {
  return cfg.resolve(cfg.migrations_path) / ".flash" / "branches.json";
}

fs::path head_path(const config::Config& cfg) { return cfg.root / ".flash" / "HEAD"; }

Store load_store(const config::Config& cfg, const config::DatabaseUrl& main_url) {
  Store s;
  s.file = store_path(cfg);
  if (fs::exists(s.file)) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(util::read_file(s.file));
    } catch (const nlohmann::json::exception& e) {
      throw store_error(s.file, std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object() || !j.contains("branches") || !j["branches"].is_array())
      throw store_error(s.file, "expected an object with a \"branches\" array");
    for (const auto& e : j["branches"]) {
      if (!e.is_object() || !e.contains("name") || !e["name"].is_string())
        throw store_error(s.file, "every branch needs a \"name\" string");
      Branch b;
      b.name = e["name"].get<std::string>();
      try {
        check_name(b.name);
      } catch (const diag::Error&) {
        if (b.name != kMain) throw store_error(s.file, "invalid branch name '" + b.name + "'");
      }
      const auto text = [&](const char* k) {
        return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string();
      };
      b.parent = text("parent");
      b.database = text("database");
      if (b.database.empty()) b.database = text("schema");  // the Go tool's field
      b.created_at = text("created_at");
      b.schema_only = e.value("schema_only", false);
      b.masked = e.value("masked", false);
      if (e.contains("fork_migrations") && e["fork_migrations"].is_array())
        for (const auto& m : e["fork_migrations"])
          if (m.is_string()) b.fork_migrations.push_back(m.get<std::string>());
      if (b.name != kMain && b.database.empty()) throw store_error(s.file, "branch '" + b.name + "' has no database");
      if (s.find(b.name)) throw store_error(s.file, "branch '" + b.name + "' is listed twice");
      s.branches.push_back(std::move(b));
    }
  }
  // main always exists and always uses the configured URL's database.
  if (Branch* m = s.find(kMain)) {
    m->database = main_branch(main_url).database;
  } else {
    s.branches.insert(s.branches.begin(), main_branch(main_url));
  }
  return s;
}

void save_store(const Store& s) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  auto list = nlohmann::ordered_json::array();
  for (const auto& b : s.branches) {
    nlohmann::ordered_json e;
    e["name"] = b.name;
    e["parent"] = b.parent;
    e["database"] = b.database;
    e["created_at"] = b.created_at;
    if (b.schema_only) e["schema_only"] = true;
    if (b.masked) e["masked"] = true;
    e["fork_migrations"] = b.fork_migrations;
    list.push_back(std::move(e));
  }
  j["branches"] = std::move(list);
  fs::create_directories(s.file.parent_path());
  util::write_file_atomic(s.file, j.dump(2) + "\n");
}

std::string current(const config::Config& cfg) {
  if (const char* env = std::getenv("FLASH_BRANCH"); env && *env) return env;
  const fs::path p = head_path(cfg);
  if (!fs::exists(p)) return kMain;
  std::string name(util::trim(util::read_file(p)));
  if (name.empty()) return kMain;
  return name;
}

void set_current(const config::Config& cfg, const std::string& name) {
  const fs::path p = head_path(cfg);
  fs::create_directories(p.parent_path());
  util::write_file_atomic(p, name + "\n");
}

std::string database_for(const config::DatabaseUrl& main_url, std::string_view name) {
  if (main_url.dialect == Dialect::sqlite) {
    if (main_url.is_memory())
      throw diag::Error("branch.memory", "an in-memory SQLite database cannot be branched", diag::ExitCode::usage,
                        "point the database URL at a file");
    const fs::path p(main_url.database);
    return p.stem().string() + "__" + std::string(name) + p.extension().string();
  }
  if (main_url.database.empty())
    throw diag::Error("branch.no-database", "the database URL names no database", diag::ExitCode::usage,
                      "add the database name to the URL (…/app)");
  std::string db = main_url.database + "__" + std::string(name);
  const std::size_t limit = main_url.dialect == Dialect::postgresql ? 63 : 64;
  if (db.size() > limit)
    throw diag::Error("branch.name-too-long",
                      "the branch's database name '" + db + "' is longer than the " + std::to_string(limit) +
                          " characters " + std::string(schema::to_string(main_url.dialect)) + " allows",
                      diag::ExitCode::usage, "choose a shorter branch name");
  return db;
}

config::DatabaseUrl url_for(const config::DatabaseUrl& main_url, const Branch& b) {
  config::DatabaseUrl u = main_url;
  if (b.name == kMain) return u;
  u.original.clear();  // messages then describe the fields (never the password)
  if (u.dialect == Dialect::sqlite)
    u.database = (fs::path(main_url.database).parent_path() / b.database).string();
  else
    u.database = b.database;
  return u;
}

config::DatabaseUrl resolve(const config::Config& cfg, const config::DatabaseUrl& main_url) {
  const std::string name = current(cfg);
  if (name == kMain) return main_url;
  const Store s = load_store(cfg, main_url);
  const Branch* b = s.find(name);
  if (!b)
    throw diag::Error("branch.unknown",
                      "the current branch '" + name + "' is not listed in " + s.file.string(),
                      diag::ExitCode::error,
                      "run `flash checkout main` (or `flash checkout -b " + name + "` to create it)");
  return url_for(main_url, *b);
}

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace flash::branch
