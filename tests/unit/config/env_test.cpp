#include <gtest/gtest.h>

#include "flash/config/config.hpp"
#include "flash/config/env_file.hpp"
#include "temp_project.hpp"

using flash::config::Config;
using flash::config::load_env_files;
using flash::config::parse_env;
using flash::test::ScopedEnv;
using flash::test::TempProject;

namespace {

std::map<std::string, std::string> parsed(std::string_view text) {
  std::map<std::string, std::string> m;
  for (auto& [k, v] : parse_env(text, ".env")) m[k] = v;
  return m;
}

Config config_at(const TempProject& p) {
  Config c;
  c.file = p.root() / "flash.toml";
  c.root = p.root();
  return c;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "<unset>";
}

}  // namespace

TEST(EnvParse, BasicForms) {
  auto m = parsed(
      "# a comment\n"
      "\n"
      "PLAIN=value\n"
      "  SPACED  =   padded value   \n"
      "export EXPORTED=yes\n"
      "DQ=\"double \\\"quoted\\\" \\n line\"\n"
      "SQ='single $NOT_EXPANDED \\n'\n"
      "COMMENTED=abc # trailing comment\n"
      "HASH=postgres://h/d#frag\n"
      "EMPTY=\n"
      "QUOTED_EMPTY=\"\"\n"
      "WITH_EQ=a=b=c\n"
      "CRLF=win\r\n");
  EXPECT_EQ(m["PLAIN"], "value");
  EXPECT_EQ(m["SPACED"], "padded value");
  EXPECT_EQ(m["EXPORTED"], "yes");
  EXPECT_EQ(m["DQ"], "double \"quoted\" \n line");
  EXPECT_EQ(m["SQ"], "single $NOT_EXPANDED \\n");
  EXPECT_EQ(m["COMMENTED"], "abc");
  EXPECT_EQ(m["HASH"], "postgres://h/d#frag");
  EXPECT_EQ(m["EMPTY"], "");
  EXPECT_EQ(m["QUOTED_EMPTY"], "");
  EXPECT_EQ(m["WITH_EQ"], "a=b=c");
  EXPECT_EQ(m["CRLF"], "win");
  EXPECT_EQ(m.size(), 11u);
}

TEST(EnvParse, MultilineQuotedAndExpansion) {
  ScopedEnv host("FLASH_ENV_TEST_HOST", "db.internal");
  auto m = parsed(
      "KEY=\"line1\nline2\"\n"
      "USER=app\n"
      "URL=postgres://${USER}@$FLASH_ENV_TEST_HOST/app\n"
      "LIT='${USER}'\n"
      "ESC=\"\\${USER}\"\n");
  EXPECT_EQ(m["KEY"], "line1\nline2");
  EXPECT_EQ(m["URL"], "postgres://app@db.internal/app");
  EXPECT_EQ(m["LIT"], "${USER}");
  EXPECT_EQ(m["ESC"], "${USER}");
}

TEST(EnvParse, ErrorsAreLocated) {
  try {
    parse_env("GOOD=1\nthis line is wrong\nX=\"unterminated\n", ".env.test");
    FAIL() << "expected errors";
  } catch (const flash::diag::Errors& e) {
    const auto& ds = e.diagnostics();
    ASSERT_EQ(ds.size(), 2u);
    EXPECT_EQ(ds[0].code, "config.env");
    EXPECT_EQ(ds[0].location.file, ".env.test");
    EXPECT_EQ(ds[0].location.line, 2);
    EXPECT_EQ(ds[0].location.column, 6);
    EXPECT_EQ(ds[1].location.line, 3);
    EXPECT_EQ(ds[1].location.column, 3);
    EXPECT_NE(ds[1].message.find("unterminated"), std::string::npos);
  }
}

TEST(EnvLoad, OrderAndNoOverride) {
  TempProject p;
  p.write(".env.staging", "FLASH_ENV_A=staging\n");
  p.write(".env", "FLASH_ENV_A=dotenv\nFLASH_ENV_B=dotenv\nFLASH_ENV_SHELL=dotenv\n");
  p.write(".env.local", "FLASH_ENV_A=local\nFLASH_ENV_B=local\nFLASH_ENV_C=local\n");
  ScopedEnv a("FLASH_ENV_A", nullptr), b("FLASH_ENV_B", nullptr), c("FLASH_ENV_C", nullptr);
  ScopedEnv shell("FLASH_ENV_SHELL", "from-shell");

  load_env_files(config_at(p), std::string("staging"));
  // .env.NAME first, then .env, then .env.local; the first definition wins and the shell's
  // variables are never replaced.
  EXPECT_EQ(env("FLASH_ENV_A"), "staging");
  EXPECT_EQ(env("FLASH_ENV_B"), "dotenv");
  EXPECT_EQ(env("FLASH_ENV_C"), "local");
  EXPECT_EQ(env("FLASH_ENV_SHELL"), "from-shell");
}

TEST(EnvLoad, WithoutEnvName) {
  TempProject p;
  p.write(".env.staging", "FLASH_ENV_D=staging\n");
  p.write(".env", "FLASH_ENV_D=dotenv\n");
  ScopedEnv d("FLASH_ENV_D", nullptr);
  load_env_files(config_at(p), std::nullopt);
  EXPECT_EQ(env("FLASH_ENV_D"), "dotenv");
}

TEST(EnvLoad, NoFilesIsFine) {
  TempProject p;
  EXPECT_NO_THROW(load_env_files(config_at(p), std::nullopt));
}

TEST(EnvLoad, MissingNamedEnvIsAnError) {
  TempProject p;
  try {
    load_env_files(config_at(p), std::string("prod"));
    FAIL();
  } catch (const flash::diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "config.env");
    EXPECT_NE(e.diagnostic().message.find(".env.prod"), std::string::npos);
  }
}

TEST(EnvLoad, EnvPathReplacesDefaultSearch) {
  TempProject p;
  p.write(".env", "FLASH_ENV_E=dotenv\nFLASH_ENV_F=dotenv\n");
  p.write("config/custom.env", "FLASH_ENV_E=custom\n");
  ScopedEnv e("FLASH_ENV_E", nullptr), f("FLASH_ENV_F", nullptr);
  auto c = config_at(p);
  c.env_path = "config/custom.env";
  load_env_files(c, std::nullopt);
  EXPECT_EQ(env("FLASH_ENV_E"), "custom");
  EXPECT_EQ(env("FLASH_ENV_F"), "<unset>");

  c.env_path = "config/missing.env";
  EXPECT_THROW(load_env_files(c, std::nullopt), flash::diag::Error);
}

TEST(EnvLoad, MalformedFileFails) {
  TempProject p;
  p.write(".env", "NOT VALID\n");
  EXPECT_THROW(load_env_files(config_at(p), std::nullopt), flash::diag::Errors);
}
