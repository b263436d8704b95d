// `flash completion bash|zsh|fish`: the scripts come from the CLI's own command table. The bash
// script is sourced by a real bash and asked to complete: every command `flash --help` lists, each
// command's options as its --help lists them, nested subcommands; fish gets a line per command.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "support/flash_run.hpp"

namespace {

using flash::test::TempDir;

flash::test::FlashRun flash_in(const std::filesystem::path& cwd, const std::vector<std::string>& args) {
  return flash::test::run_flash(FLASH_BINARY, args, cwd, "NO_COLOR=1");
}

// The names in a --help section ("Subcommands:" lines, or option names "--x" of "Options:").
std::set<std::string> help_commands(const std::string& help) {
  std::set<std::string> out;
  std::istringstream in(help.substr(help.find("Subcommands:")));
  std::string line;
  std::getline(in, line);
  std::regex entry(R"(^  ([a-z]+)\s)");
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_search(line, m, entry)) out.insert(m[1]);
  return out;
}

// What bash completes for `words` (the last one being completed) with the generated script.
std::set<std::string> complete(const TempDir& t, const std::string& words) {
  const std::string script = "source ./flash.bash; COMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); "
                             "_flash; printf '%s\\n' \"${COMPREPLY[@]}\" > out.txt";
  const int rc = std::system(("cd " + flash::test::shell_quote(t.path().string()) + " && bash -c " +
                              flash::test::shell_quote(script))
                                 .c_str());
  EXPECT_EQ(rc, 0);
  std::set<std::string> out;
  std::istringstream in(t.read("out.txt"));
  for (std::string w; std::getline(in, w);)
    if (!w.empty()) out.insert(w);
  return out;
}

TEST(Completion, BashCompletesEveryCommandAndOption) {
  TempDir t("flash-completion");
  auto r = flash_in(t.path(), {"completion", "bash"});
  ASSERT_EQ(r.code, 0) << r.err;
  t.write("flash.bash", r.out);
  const auto commands = help_commands(flash_in(t.path(), {"--help"}).out);
  ASSERT_GE(commands.size(), 18u);
  const auto top = complete(t, "flash ''");
  for (const auto& c : commands) EXPECT_TRUE(top.count(c)) << c << " is not completed";
  EXPECT_EQ(complete(t, "flash ge"), (std::set<std::string>{"gen"}));
  EXPECT_EQ(complete(t, "flash gen --ch"), (std::set<std::string>{"--check"}));
  EXPECT_EQ(complete(t, "flash gen --js"), (std::set<std::string>{"--json"}));  // global options everywhere
  EXPECT_EQ(complete(t, "flash plugin t"), (std::set<std::string>{"test"}));
  EXPECT_EQ(complete(t, "flash plugin run --eng"), (std::set<std::string>{"--engine"}));
  EXPECT_TRUE(complete(t, "flash gen --lang ''").empty()) << "an option's value is not a flag";
  // Each command's own options, as its --help lists them.
  for (const auto& c : commands) {
    const std::string help = flash_in(t.path(), {c, "--help"}).out;
    const auto offered = complete(t, "flash " + c + " --");
    std::regex opt(R"((?:^|[ ,])(--[a-z][a-z-]*))");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), opt); it != std::sregex_iterator(); ++it) {
      const std::string name = (*it)[1];
      if (help.find("  " + name) == std::string::npos && help.find("," + name) == std::string::npos) continue;
      EXPECT_TRUE(offered.count(name)) << "flash " << c << " " << name << " is not completed";
    }
  }
}

TEST(Completion, ZshFishJsonAndUnknownShell) {
  TempDir t("flash-completion");
  auto zsh = flash_in(t.path(), {"completion", "zsh"});
  ASSERT_EQ(zsh.code, 0);
  EXPECT_EQ(zsh.out.rfind("#compdef flash\n", 0), 0u);
  EXPECT_NE(zsh.out.find("bashcompinit"), std::string::npos);
  auto fish = flash_in(t.path(), {"completion", "fish"});
  ASSERT_EQ(fish.code, 0);
  for (const auto& c : help_commands(flash_in(t.path(), {"--help"}).out))
    EXPECT_NE(fish.out.find("-n '__fish_use_subcommand' -a '" + c + "'"), std::string::npos) << c;
  EXPECT_NE(fish.out.find("-n '__fish_seen_subcommand_from gen' -l lang -r -F"), std::string::npos);
  auto j = flash_in(t.path(), {"completion", "bash", "--json"});
  ASSERT_EQ(j.code, 0);
  const auto parsed = nlohmann::json::parse(j.out);
  EXPECT_TRUE(parsed["ok"].get<bool>());
  EXPECT_GE(parsed["commands"].size(), 20u);
  auto bad = flash_in(t.path(), {"completion", "tcsh"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("no completion for the shell `tcsh`"), std::string::npos) << bad.err;
}

// Every part links the base's `completion` and asks the parts it lacks for their trees. Before,
// flash-core asked flash-studio and flash-studio asked flash-core in turn, without end (a process
// storm at build time, when the man page is generated). A part asked by another answers with its
// own commands only (--own-commands); asked directly, it still merges the others'.
TEST(Completion, PartsAskEachOtherOnlyOnce) {
  const std::filesystem::path bin = std::filesystem::path(FLASH_BINARY).parent_path();
  if (!std::filesystem::exists(bin / "flash-core") || !std::filesystem::exists(bin / "flash-studio"))
    GTEST_SKIP() << "the all-in-one build has no parts";
  TempDir t("flash-completion-parts");
  for (const char* part : {"flash-core", "flash-studio"}) {
    auto r = flash::test::run_flash("/usr/bin/timeout", {"-s", "KILL", "60", (bin / part).string(), "completion",
                                                         "bash", "--json"},
                                    t.path(), "NO_COLOR=1");
    ASSERT_EQ(r.code, 0) << part << ": " << r.err;
    std::set<std::string> commands;
    const auto parsed = nlohmann::json::parse(r.out);
    for (const auto& c : parsed["commands"]) commands.insert(c["command"].get<std::string>());
    // Its own commands and the other part's, with their options.
    EXPECT_TRUE(commands.count("studio")) << part;
    EXPECT_TRUE(commands.count("apply")) << part;
  }
}

}  // namespace
