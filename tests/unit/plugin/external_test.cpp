// External generator plugins through the real binary: `flash gen` with [gen.NAME] plugin = "..."
// (small /bin/sh plugins written per test), every failure one located diagnostic with nothing
// written, the plugin's stderr passed through, the timeout, contract versions; and `flash plugin`.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "support/flash_run.hpp"

namespace fs = std::filesystem;

namespace {

using flash::test::TempDir;

flash::test::FlashRun flash_in(const fs::path& cwd, const std::vector<std::string>& args) {
  return flash::test::run_flash(FLASH_BINARY, args, cwd, "NO_COLOR=1");
}

// A SQLite project whose [gen.doc] runs tools/plugin (the body of a /bin/sh script; the request is
// on stdin) with `extra` appended to the table. [gen.doc] starts on line 6, plugin is on line 7.
void project(const TempDir& t, const std::string& plugin_body, const std::string& extra = "") {
  t.write("flash.toml", "version = \"2\"\n[database]\nprovider = \"sqlite\"\n\n# external\n[gen.doc]\n"
                        "plugin = \"tools/plugin\"\nout = \"gen/doc\"\nenabled = true\nflavour = \"plain\"\n" +
                            extra);
  t.write("db/schema/schema.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, tag TEXT);\n");
  t.write("db/queries/notes.sql", "-- name: GetNote :one\nSELECT * FROM notes WHERE id = ?;\n");
  t.write("tools/plugin", "#!/bin/sh\n" + plugin_body + "\n");
  ::chmod((t.path() / "tools/plugin").c_str(), 0755);
}

const std::string kGood =
    R"(if [ "$1" = --flash-contract ]; then echo '{"contract_versions":[1]}'; exit 0; fi
cat > request.json
echo "plugin log line" >&2
printf '{"contract_version":1,"files":[{"name":"notes.txt","contents":"hello\\n"}]}')";

TEST(ExternalPlugin, GeneratesThroughTheWriterWithCheckAndCache) {
  TempDir t("flash-plugin");
  project(t, kGood);
  auto r = flash_in(t.path(), {"gen"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(t.read("gen/doc/notes.txt"), "hello\n");
  EXPECT_NE(r.err.find("plugin log line"), std::string::npos) << "stderr is passed through";
  // The request the plugin got: the contract, with the plugin's own setting and the typed query.
  const auto req = nlohmann::json::parse(t.read("request.json"));
  EXPECT_EQ(req["contract_version"], 1);
  EXPECT_EQ(req["target"], "doc");
  EXPECT_EQ(req["dialect"], "sqlite");
  EXPECT_EQ(req["settings"]["flavour"], "plain");
  EXPECT_FALSE(req["settings"].contains("plugin"));
  EXPECT_EQ(req["settings_location"]["line"], 6);
  ASSERT_EQ(req["queries"].size(), 1u);
  EXPECT_EQ(req["queries"][0]["name"], "GetNote");
  EXPECT_EQ(req["queries"][0]["params"][0]["type"]["category"], "int64");
  bool tag_nullable = false;
  for (const auto& c : req["queries"][0]["columns"])
    if (c["name"] == "tag") tag_nullable = c["nullable"];
  EXPECT_TRUE(tag_nullable);

  r = flash_in(t.path(), {"gen", "--check"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  fs::remove(t.path() / "request.json");
  r = flash_in(t.path(), {"gen", "--json"});  // inputs unchanged: the plugin does not run again
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["targets"][0]["cached"].get<bool>());
  EXPECT_FALSE(t.exists("request.json"));
  t.write("gen/doc/notes.txt", "edited\n");
  r = flash_in(t.path(), {"gen", "--check"});
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_EQ(t.read("gen/doc/notes.txt"), "edited\n");
}

struct Failure {
  const char* name;
  std::string body;
  std::string extra;
  const char* code;
  const char* message;
};

TEST(ExternalPlugin, EveryFailureIsLocatedAndWritesNothing) {
  const std::vector<Failure> cases = {
      {"non-zero exit", "echo 'boom: cannot work' >&2; exit 4", "", "plugin.failed", "boom: cannot work\nflash.toml:7:10: error[plugin.failed]: the generator plugin "
       "`tools/plugin` exited with status 4"},
      {"not JSON", "cat >/dev/null; echo 'hello'", "", "plugin.response", "did not answer with JSON: hello"},
      {"not the contract", "cat >/dev/null; echo '{\"files\":[{\"name\":1}]}'", "", "plugin.response",
       "files[0].name must be a string"},
      {"parent path", "cat >/dev/null; echo '{\"files\":[{\"name\":\"../../evil.txt\",\"contents\":\"x\"}]}'", "",
       "plugin.path", "leaves the output directory"},
      {"absolute path", "cat >/dev/null; echo '{\"files\":[{\"name\":\"/tmp/evil.txt\",\"contents\":\"x\"}]}'", "",
       "plugin.path", "is absolute"},
      {"contract", "if [ \"$1\" = --flash-contract ]; then echo '{\"contract_versions\":[7,8]}'; exit 0; fi; exit 9",
       "", "plugin.contract", "speaks contract version 7, 8"},
      {"answers another version", "cat >/dev/null; echo '{\"contract_version\":2,\"files\":[]}'", "", "plugin.contract",
       "answered in contract version 2"},
      {"timeout", "sleep 30", "timeout = 1\n", "plugin.timeout", "did not finish within 1 s"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir t("flash-plugin");
    project(t, c.body, c.extra);
    const auto start = std::chrono::steady_clock::now();
    auto r = flash_in(t.path(), {"gen"});
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("flash.toml:7:10: error[" + std::string(c.code) + "]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(t.exists("gen")) << "something was written";
    EXPECT_FALSE(t.exists("evil.txt"));
    EXPECT_LT(secs.count(), 20);
    auto j = flash_in(t.path(), {"gen", "--json"});
    EXPECT_EQ(nlohmann::json::parse(j.out)["error"]["code"], c.code);
  }
}

TEST(ExternalPlugin, NotFoundAndErrorDiagnostics) {
  TempDir t("flash-plugin");
  project(t, kGood);
  t.write("flash.toml", t.read("flash.toml") + "\n[gen.other]\nplugin = \"flash-gen-surely-not-installed\"\nout = \"x\"\n"
                                               "enabled = true\n");
  auto r = flash_in(t.path(), {"gen"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("flash.toml:13:10: error[plugin.not-found]: the generator plugin "
                       "`flash-gen-surely-not-installed` is not on PATH"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(t.exists("gen"));

  // An error diagnostic of the plugin, at a query: shown located, and nothing written.
  TempDir u("flash-plugin");
  project(u, "cat >/dev/null; echo '{\"files\":[{\"name\":\"a.txt\",\"contents\":\"x\"}],\"diagnostics\":[{\"code\":"
             "\"doc.unsupported\",\"message\":\"cannot document this\",\"file\":\"db/queries/notes.sql\",\"line\":2,"
             "\"column\":8}]}'");
  r = flash_in(u.path(), {"gen"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("db/queries/notes.sql:2:8: error[doc.unsupported]: cannot document this"), std::string::npos)
      << r.err;
  EXPECT_FALSE(u.exists("gen"));
}

TEST(ExternalPlugin, SymlinkOutOfTheOutputDirectory) {
  TempDir t("flash-plugin"), outside("flash-outside");
  project(t, "cat >/dev/null; echo '{\"files\":[{\"name\":\"link/x.txt\",\"contents\":\"x\"}]}'");
  fs::create_directories(t.path() / "gen/doc");
  fs::create_directory_symlink(outside.path(), t.path() / "gen/doc/link");
  auto r = flash_in(t.path(), {"gen"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[gen.path]"), std::string::npos) << r.err;
  EXPECT_FALSE(outside.exists("x.txt"));
  r = flash_in(t.path(), {"gen", "--check"});
  EXPECT_EQ(r.code, 1) << r.err;
}

TEST(ExternalPlugin, ConfigValues) {
  TempDir t("flash-plugin");
  project(t, kGood, "timeout = 0\nlist = [1]\n");
  auto r = flash_in(t.path(), {"gen"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("flash.toml:11:11: error[config.value]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("flash.toml:12:8: error[config.type]"), std::string::npos) << r.err;
}

TEST(PluginCommand, KitRequestRunJson) {
  TempDir t("flash-plugin");
  project(t, kGood);
  auto r = flash_in(t.path(), {"plugin", "test", "tools/plugin", "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["conforms"].get<bool>());
  EXPECT_EQ(j["checks"].size(), 13u);

  // Not deterministic: the kit fails it (exit 3) and says which check.
  project(t, "cat >/dev/null; printf '{\"files\":[{\"name\":\"a\",\"contents\":\"%s\"}]}' \"$(date +%N)\"");
  r = flash_in(t.path(), {"plugin", "test", "tools/plugin", "--json"});
  EXPECT_EQ(r.code, 3) << r.out;
  j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["conforms"].get<bool>());
  bool saw = false;
  for (const auto& c : j["checks"]) saw = saw || (c["check"] == "deterministic" && c["ok"] == false);
  EXPECT_TRUE(saw) << r.out;

  // An unlocated error: the kit fails "located".
  project(t, "cat >/dev/null; echo '{\"files\":[],\"diagnostics\":[{\"code\":\"x\",\"message\":\"no\"}]}'");
  r = flash_in(t.path(), {"plugin", "test", "tools/plugin"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("FAIL  postgresql located: error `x` (no) has no location"), std::string::npos) << r.out;

  r = flash_in(t.path(), {"plugin", "request", "--engine", "mysql"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["dialect"], "mysql");
  r = flash_in(t.path(), {"plugin", "request", "--engine", "oracle"});
  EXPECT_EQ(r.code, 2);
  r = flash_in(t.path(), {"plugin", "run", "builtin:go", "--engine", "sqlite", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out)["response"]["files"].empty());
  r = flash_in(t.path(), {"plugin", "test", "builtin:rust"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("plugin.not-found"), std::string::npos) << r.err;
}

}  // namespace

namespace {

TEST(PluginsCommand, ListsBuiltinsConfiguredAndPathPlugins) {
  TempDir t("flash-plugin"), bin("flash-bin");
  project(t, kGood);
  bin.write("flash-gen-elsewhere", "#!/bin/sh\n[ \"$1\" = --flash-contract ] && echo '{\"contract_versions\":[1]}'\n");
  ::chmod((bin.path() / "flash-gen-elsewhere").c_str(), 0755);
  auto r = flash::test::run_flash(FLASH_BINARY, {"plugins", "--json"}, t.path(),
                                  "NO_COLOR=1 PATH=" + flash::test::shell_quote(bin.path().string()) + ":/usr/bin:/bin");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& p : j["plugins"]) by_name[p["name"]] = p;
  for (const char* b : {"builtin:go", "builtin:js", "builtin:python"}) {
    ASSERT_TRUE(by_name.count(b)) << r.out;
    EXPECT_EQ(by_name[b]["contract_versions"], nlohmann::json::array({1}));
  }
  ASSERT_TRUE(by_name.count("plugin")) << r.out;  // tools/plugin of [gen.doc]
  EXPECT_EQ(by_name["plugin"]["source"], "[gen.doc] of flash.toml");
  EXPECT_EQ(by_name["plugin"]["contract_versions"], nlohmann::json::array({1}));
  ASSERT_TRUE(by_name.count("flash-gen-elsewhere")) << r.out;
  EXPECT_EQ(by_name["flash-gen-elsewhere"]["source"], "PATH");
  EXPECT_GT(by_name["flash-gen-elsewhere"]["size"].get<int>(), 0);
}

}  // namespace
