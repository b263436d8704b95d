// flash init [DIR] [--sqlite|--postgresql|--mysql|--mongodb]
// Writes a working starter project: flash.toml, a users table, two sample queries, the migrations
// folder and (only when absent) a .env with DATABASE_URL. Existing files are never overwritten
// without --force, and the refusal names them all before anything is written.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands/commands.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace fs = std::filesystem;
using schema::Dialect;

namespace {

struct InitOptions {
  std::string dir = ".";
  bool sqlite = false, postgresql = false, mysql = false, mongodb = false;
};

enum class Language { go, js, python };

Language detect_language(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "package.json", ec)) return Language::js;
  if (fs::exists(dir / "pyproject.toml", ec) || fs::exists(dir / "requirements.txt", ec))
    return Language::python;
  return Language::go;
}

std::string gen_block(Language lang, Dialect d) {
  switch (lang) {
    case Language::js:
      return std::string("[gen.js]\nenabled = true\nout = \"db/gen/js\"\ndriver = \"") +
             (d == Dialect::postgresql ? "pg" : d == Dialect::mysql ? "mysql2" : "better-sqlite3") +
             "\"\n";
    case Language::python:
      return std::string("[gen.python]\nenabled = true\nout = \"db/gen/python\"\ndriver = \"") +
             (d == Dialect::postgresql ? "asyncpg" : d == Dialect::mysql ? "aiomysql" : "sqlite3") +
             "\"\nasync = " + (d == Dialect::sqlite ? "false" : "true") + "\n";
    case Language::go:
      return std::string("[gen.go]\nenabled = true\nout = \"db/gen/go\"\npackage = \"db\"\ndriver = \"") +
             (d == Dialect::postgresql ? "pgx/v5" : "database/sql") + "\"\n";
  }
  return {};
}

std::string language_name(Language l) {
  return l == Language::js ? "js" : l == Language::python ? "python" : "go";
}

std::string flash_toml(Dialect d, Language lang) {
  std::string s =
      "# Flash ORM configuration. Paths are relative to this file.\n"
      "version = \"2\"\n"
      "schema_dir = \"db/schema\"\n"
      "queries = \"db/queries\"\n"
      "migrations_path = \"db/migrations\"\n"
      "export_path = \"db/export\"\n"
      "\n"
      "[database]\n"
      "provider = \"" + std::string(schema::to_string(d)) + "\"\n"
      "# The connection URL is read from this environment variable (.env is loaded first).\n"
      "url_env = \"DATABASE_URL\"\n";
  if (d != Dialect::mongodb) s += "\n" + gen_block(lang, d);
  return s;
}

std::string schema_sql(Dialect d) {
  switch (d) {
    case Dialect::postgresql:
      return "CREATE TABLE users (\n"
             "  id BIGSERIAL PRIMARY KEY,\n"
             "  name TEXT NOT NULL,\n"
             "  email TEXT NOT NULL UNIQUE,\n"
             "  created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n"
             ");\n";
    case Dialect::mysql:
      return "CREATE TABLE users (\n"
             "  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
             "  name VARCHAR(255) NOT NULL,\n"
             "  email VARCHAR(255) NOT NULL UNIQUE,\n"
             "  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
             ");\n";
    default:
      return "CREATE TABLE users (\n"
             "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
             "  name TEXT NOT NULL,\n"
             "  email TEXT NOT NULL UNIQUE,\n"
             "  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
             ");\n";
  }
}

std::string queries_sql(Dialect d) {
  const bool pg = d == Dialect::postgresql;
  const std::string p1 = pg ? "$1" : "?", p2 = pg ? "$2" : "?";
  std::string s =
      "-- name: GetUser :one\n"
      "SELECT id, name, email, created_at FROM users WHERE id = " + p1 + ";\n"
      "\n"
      "-- name: ListUsers :many\n"
      "SELECT id, name, email, created_at FROM users ORDER BY id;\n"
      "\n";
  if (d == Dialect::mysql) {
    // MySQL has no RETURNING: the insert is :exec and the id comes from LAST_INSERT_ID().
    s += "-- name: CreateUser :exec\n"
         "INSERT INTO users (name, email) VALUES (?, ?);\n";
  } else {
    s += "-- name: CreateUser :one\n"
         "INSERT INTO users (name, email) VALUES (" + p1 + ", " + p2 +
         ") RETURNING id, name, email, created_at;\n";
  }
  return s;
}

std::string env_file(Dialect d) {
  switch (d) {
    case Dialect::postgresql:
      return "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app?sslmode=disable\n";
    case Dialect::mysql: return "DATABASE_URL=mysql://root:password@localhost:3306/app\n";
    case Dialect::mongodb: return "DATABASE_URL=mongodb://localhost:27017/app\n";
    default: return "DATABASE_URL=sqlite://db/dev.db\n";
  }
}

void run_init(const InitOptions& io, Context& ctx) {
  Dialect d = Dialect::sqlite;
  if (io.postgresql) d = Dialect::postgresql;
  if (io.mysql) d = Dialect::mysql;
  if (io.mongodb) d = Dialect::mongodb;

  const fs::path dir = io.dir;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw diag::Error("init.not-a-directory", "`" + io.dir + "` exists and is not a directory");
  const Language lang = detect_language(dir);

  struct File {
    std::string rel;
    std::string content;
  };
  std::vector<File> files = {{"flash.toml", flash_toml(d, lang)}};
  // MongoDB has no SQL: its schema is collections declared as JSON (README "MongoDB").
  if (d != Dialect::mongodb) {
    files.push_back({"db/schema/schema.sql", schema_sql(d)});
    files.push_back({"db/queries/users.sql", queries_sql(d)});
  } else {
    files.push_back({"db/schema/users.json", R"({
  "name": "users",
  "validator": {"$jsonSchema": {
    "bsonType": "object",
    "required": ["email", "created_at"],
    "properties": {
      "email": {"bsonType": "string"},
      "name": {"bsonType": "string"},
      "created_at": {"bsonType": "date"}
    }
  }},
  "indexes": [
    {"key": {"email": 1}, "unique": true}
  ]
}
)"});
  }
  files.push_back({"db/migrations/.gitkeep", ""});

  // Check everything first so a refusal leaves the directory untouched.
  std::vector<std::string> existing;
  for (const auto& f : files)
    if (f.rel != "db/migrations/.gitkeep" && fs::exists(dir / f.rel, ec)) existing.push_back(f.rel);
  if (!existing.empty() && !ctx.options.force) {
    throw diag::Error("init.exists",
                      "refusing to overwrite existing " +
                          std::string(existing.size() == 1 ? "file" : "files") + ": " +
                          util::join(existing, ", "),
                      diag::ExitCode::error, "pass --force to overwrite them");
  }

  std::vector<std::string> written, kept;
  fs::create_directories(dir);
  for (const auto& f : files) {
    const fs::path p = dir / f.rel;
    fs::create_directories(p.parent_path());
    if (f.rel == "db/migrations/.gitkeep" && fs::exists(p, ec)) continue;
    util::write_file_atomic(p, f.content);
    written.push_back(f.rel);
  }
  // .env holds real credentials once edited: never replaced, not even with --force.
  if (!fs::exists(dir / ".env", ec)) {
    util::write_file_atomic(dir / ".env", env_file(d));
    written.push_back(".env");
  } else {
    kept.push_back(".env");
  }

  // The current database branch (.flash/HEAD) is one checkout's local state, like git's HEAD.
  {
    const fs::path gi = dir / ".gitignore";
    std::string text = fs::exists(gi, ec) ? util::read_file(gi) : "";
    if (text.find("/.flash/") == std::string::npos) {
      if (!text.empty() && text.back() != '\n') text += '\n';
      util::write_file_atomic(gi, text + "/.flash/\n");
      written.push_back(".gitignore");
    }
  }

  const std::string provider(schema::to_string(d));
  auto& r = ctx.result();
  r["dir"] = fs::absolute(dir).lexically_normal().string();
  r["provider"] = provider;
  r["language"] = language_name(lang);
  r["files"] = written;
  r["kept"] = kept;

  for (const auto& f : written) ctx.say(ctx.green("created") + " " + f);
  for (const auto& f : kept) ctx.say(ctx.yellow("kept") + "    " + f + " (already exists)");
  ctx.say("");
  ctx.say("Initialised a " + ctx.bold(provider) + " project (generator: " + language_name(lang) + ").");
  ctx.say(std::string("Next: edit ") + (d == Dialect::mongodb ? "db/schema/users.json" : "db/schema/schema.sql") +
          ", then run `flash schema` to check it.");
}

}  // namespace

void setup_init(CLI::App& sub, Context& ctx) {
  auto io = std::make_shared<InitOptions>();
  sub.add_option("dir", io->dir, "Project directory (default: the current directory)");
  auto* s = sub.add_flag("--sqlite", io->sqlite, "SQLite project (the default)");
  auto* p = sub.add_flag("--postgresql,--postgres", io->postgresql, "PostgreSQL project");
  auto* m = sub.add_flag("--mysql,--mariadb", io->mysql, "MySQL/MariaDB project");
  auto* g = sub.add_flag("--mongodb", io->mongodb, "MongoDB project");
  s->excludes(p)->excludes(m)->excludes(g);
  p->excludes(m)->excludes(g);
  m->excludes(g);
  sub.callback([io, &ctx] { run_init(*io, ctx); });
}

}  // namespace flash::cli
