// The bad-input corpus (tests/badinput/README.md): every input of manifest.json is put into a fresh
// project and run through the real flash binary (tests/support/flash_run), once per listed command
// with --json and once without. Each run must exit with the documented code and report the expected
// diagnostic code at the expected file:line:col, must not crash (signal) or hang (timeout), and must
// leave every file of the project as it was. Prints one summary line:
//   RELIABILITY badinput corpus - inputs=N located=N crashes=0 hangs=0 wrote_files=0
// and exits 1 when any input did not behave as listed.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "flash/util/text.hpp"
#include "support/flash_run.hpp"
#include "support/sqlc_corpus.hpp"  // slurp

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kDir = FLASH_BADINPUT_DIR;

std::string go_driver(const std::string& dialect) { return dialect == "postgresql" ? "pgx/v5" : "database/sql"; }

std::string default_toml(const std::string& dialect) {
  return "[database]\nprovider = \"" + dialect + "\"\n\n[gen.go]\nenabled = true\nout = \"gen/db\"\ndriver = \"" +
         go_driver(dialect) + "\"\n";
}

// Generated inputs: prefix + open*depth + middle + close*depth + suffix, or prefix + item (sep
// item)*count + suffix; sizes chosen so that a quadratic or exponential parser would hang.
std::string generate(const json& g) {
  std::string out = g.value("prefix", "");
  if (g.contains("depth")) {
    const int n = g["depth"].get<int>();
    const std::string open = g.value("open", "("), close = g.value("close", ")");
    for (int i = 0; i < n; ++i) out += open;
    out += g.value("middle", "1");
    for (int i = 0; i < n; ++i) out += close;
  } else {
    const long n = g["count"].get<long>();
    const std::string item = g.value("item", "1"), sep = g.value("sep", ", ");
    out.reserve(out.size() + static_cast<std::size_t>(n) * (item.size() + sep.size()));
    for (long i = 0; i < n; ++i) {
      if (i) out += sep;
      out += item;
    }
  }
  return out + g.value("suffix", "");
}

// Every file of the project (path → content), except the stderr capture of flash_run.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string rel = e.path().lexically_relative(root).generic_string();
    if (rel == ".flash-test-stderr") continue;
    files[rel] = e.is_regular_file() ? flash::util::sha256_hex(flash::test::slurp(e.path())) : "<dir>";
  }
  return files;
}

struct Totals {
  int inputs = 0, located = 0, crashes = 0, hangs = 0, wrote_files = 0, failures = 0;
};

// Builds the project for one case; returns the path the input went to (as flash shows it).
std::string build_project(const flash::test::TempDir& dir, const json& c, const std::string& content) {
  const std::string dialect = c.value("dialect", "sqlite");
  const std::string as = c["as"].get<std::string>();
  const std::string name = c.value("name", fs::path(c.value("input", "input.sql")).filename().string());
  const fs::path fixtures = kDir / "fixtures";
  dir.write("db/migrations/.keep", "");
  std::string placed;
  if (as == "toml") {
    dir.write("flash.toml", content);
    dir.write("db/schema/schema.sql", "");
    placed = "flash.toml";
  } else {
    dir.write("flash.toml", default_toml(dialect));
  }
  if (as == "schema") {
    placed = "db/schema/" + name;
    dir.write(placed, content);
  } else if (as != "toml") {
    dir.write("db/schema/schema.sql", flash::test::slurp(fixtures / (dialect + ".sql")));
  }
  if (as == "query") {
    placed = "db/queries/" + name;
    dir.write(placed, content);
  } else if (as != "toml") {
    dir.write("db/queries/queries.sql", flash::test::slurp(fixtures / (dialect + "_queries.sql")));
  }
  if (as == "env") {
    placed = ".env";
    dir.write(".env", content);
  }
  if (as == "url") {
    placed = ".env";
    dir.write(".env", "DATABASE_URL=" + content + "\n");
  }
  if (as == "migration") {
    placed = "db/migrations/" + name;
    dir.write(placed, content);
  }
  return placed;
}

void run_case(const std::string& binary, const json& c, Totals& t) {
  const std::string id = c["id"].get<std::string>();
  const std::string content =
      c.contains("generate") ? generate(c["generate"]) : flash::test::slurp(kDir / "inputs" / c["input"].get<std::string>());
  flash::test::TempDir dir("flash-badinput");
  const std::string placed = build_project(dir, c, content);
  const auto before = snapshot(dir.path());
  const std::string want_code = c["code"].get<std::string>();
  const int want_exit = c.value("exit", 1);
  const int want_line = c.value("line", 0), want_col = c.value("column", 0);
  const std::string want_file = c.value("file", placed);
  // DATABASE_URL comes from the project's .env for `url` inputs and is a SQLite file otherwise.
  const std::string env = "-u NO_COLOR -u DATABASE_URL " +
                          std::string(c["as"] == "url" ? "" : "DATABASE_URL=sqlite://db/dev.db ") + "timeout 60";
  bool located_all = true, ok = true;
  std::vector<std::string> problems;
  for (const auto& cmd : c["commands"]) {
    std::vector<std::string> args;
    for (const auto& a : cmd) args.push_back(a.get<std::string>());
    for (const bool as_json : {true, false}) {
      std::vector<std::string> full = args;
      if (as_json) full.push_back("--json");
      const auto r = flash::test::run_flash(binary, full, dir.path(), env);
      const std::string what = flash::util::join(args, " ") + (as_json ? " --json" : "");
      if (r.code == 124) {
        ++t.hangs;
        ok = false;
        problems.push_back(what + ": hung (killed after 60 s)");
        continue;
      }
      if (r.code < 0 || r.code >= 128) {
        ++t.crashes;
        ok = false;
        problems.push_back(what + ": crashed (status " + std::to_string(r.code) + ")");
        continue;
      }
      if (r.code != want_exit) {
        ok = false;
        problems.push_back(what + ": exit " + std::to_string(r.code) + ", expected " + std::to_string(want_exit));
      }
      if (!as_json) {
        // The human form: "file:line:col: error[code]: ..." on stderr.
        std::string head = want_file;
        if (want_line > 0) head += ":" + std::to_string(want_line) + ":" + std::to_string(want_col);
        head += ": error[" + want_code + "]";
        if (r.err.find(head) == std::string::npos) {
          ok = false;
          problems.push_back(what + ": stderr lacks `" + head + "`: " + r.err.substr(0, 300));
        }
        continue;
      }
      const json out = json::parse(r.out, nullptr, false);
      if (out.is_discarded() || !out.contains("error") || !out["error"].is_object()) {
        ok = false;
        problems.push_back(what + ": stdout is not a JSON error object: " + r.out.substr(0, 300));
        located_all = false;
        continue;
      }
      const json& e = out["error"];
      const std::string code = e.value("code", "");
      const std::string file = e["file"].is_string() ? e["file"].get<std::string>() : "";
      const int line = e.value("line", 0), col = e.value("column", 0);
      if (code != want_code) {
        ok = false;
        problems.push_back(what + ": code " + code + ", expected " + want_code + " (" + e.value("message", "") + ")");
      }
      // `migrate` names schema files by absolute path, `schema` relative to the project.
      const bool same_file = file == want_file || file.ends_with("/" + want_file);
      if (!same_file || line != want_line || col != want_col) {
        ok = false;
        problems.push_back(what + ": at " + file + ":" + std::to_string(line) + ":" + std::to_string(col) +
                           ", expected " + want_file + ":" + std::to_string(want_line) + ":" + std::to_string(want_col));
      }
      if (file.empty() || line <= 0 || col <= 0) located_all = false;
    }
  }
  const auto after = snapshot(dir.path());
  if (after != before) {
    ++t.wrote_files;
    ok = false;
    std::string changed;
    for (const auto& [p, h] : after)
      if (!before.count(p) || before.at(p) != h) changed += " " + p;
    for (const auto& [p, h] : before)
      if (!after.count(p)) changed += " -" + p;
    problems.push_back("files written or changed:" + changed);
  }
  ++t.inputs;
  if (located_all) ++t.located;
  if (!ok) {
    ++t.failures;
    std::cout << "FAIL " << id << "\n";
    for (const auto& p : problems) std::cout << "  " << p << "\n";
  } else if (std::getenv("FLASH_BADINPUT_VERBOSE")) {
    std::cout << "ok   " << id << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string binary = argc > 1 ? argv[1] : FLASH_BINARY;
  const std::string only = argc > 2 ? argv[2] : "";
  const json manifest = json::parse(flash::test::slurp(kDir / "manifest.json"));
  Totals t;
  for (const auto& c : manifest["inputs"]) {
    if (!only.empty() && c["id"].get<std::string>().find(only) == std::string::npos) continue;
    run_case(binary, c, t);
  }
  std::cout << "RELIABILITY badinput corpus - inputs=" << t.inputs << " located=" << t.located << " crashes=" << t.crashes
            << " hangs=" << t.hangs << " wrote_files=" << t.wrote_files << " failures=" << t.failures << std::endl;
  return t.failures == 0 && t.inputs > 0 ? 0 : 1;
}
