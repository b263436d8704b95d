// The generator contract: JSON round trips of real requests and responses, the readers' located
// complaints, version negotiation, and the conformance kit over every built-in generator.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "flash/codegen/contract.hpp"
#include "flash/plugin/kit.hpp"
#include "flash/plugin/plugin.hpp"

namespace flash {
namespace {

using nlohmann::json;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const diag::Error& e) {
    return e.diagnostic().code + ": " + e.diagnostic().message;
  }
  return "";
}

TEST(Contract, GoldenRequestsRoundTripThroughJson) {
  ASSERT_EQ(plugin::fixtures().size(), 3u);
  for (const auto& f : plugin::fixtures()) {
    SCOPED_TRACE(f.engine);
    const codegen::Request req = plugin::golden_request(f, "go");
    ASSERT_FALSE(req.queries->queries.empty());
    const json j = codegen::request_to_json(req);
    EXPECT_EQ(j["contract_version"], codegen::kContractVersion);
    EXPECT_EQ(j["dialect"], f.engine);
    EXPECT_EQ(j["queries"].size(), req.queries->queries.size());
    const codegen::Request back = codegen::request_from_json(j);
    EXPECT_EQ(*back.schema, *req.schema);
    EXPECT_EQ(back.queries->dialect, req.queries->dialect);
    EXPECT_EQ(back.settings.location, req.settings.location);
    EXPECT_EQ(back.package_name, req.package_name);
    EXPECT_EQ(codegen::request_to_json(back), j);  // every field of every query survives
  }
}

TEST(Contract, QueryTypesAndNullabilityAreInTheRequest) {
  const codegen::Request req = plugin::golden_request(plugin::fixtures()[0], "go");
  const json j = codegen::request_to_json(req);
  bool nullable_column = false, typed_param = false;
  for (const auto& q : j["queries"]) {
    for (const auto& c : q["columns"]) nullable_column = nullable_column || c["nullable"] == true;
    for (const auto& p : q["params"]) typed_param = typed_param || !p["type"]["category"].get<std::string>().empty();
  }
  EXPECT_TRUE(nullable_column);
  EXPECT_TRUE(typed_param);
}

TEST(Contract, ResponseRoundTrip) {
  codegen::Response r;
  r.files = {{"a/b.go", "package b\n"}, {"c.md", "é\n"}};
  diag::Diagnostic d;
  d.severity = diag::Severity::warning;
  d.code = "x.y";
  d.message = "m";
  d.location = {"db/queries/a.sql", 3, 5, 1};
  d.hint = "h";
  r.diagnostics.push_back(d);
  const codegen::Response back = codegen::response_from_json(codegen::response_to_json(r));
  EXPECT_EQ(back.files, r.files);
  ASSERT_EQ(back.diagnostics.size(), 1u);
  EXPECT_EQ(back.diagnostics[0].location, d.location);
  EXPECT_EQ(back.diagnostics[0].severity, diag::Severity::warning);
  EXPECT_EQ(back.diagnostics[0].hint, d.hint);
}

TEST(Contract, MalformedMessagesNameThePath) {
  EXPECT_EQ(error_of([] { codegen::response_from_json(json::array()); }),
            "plugin.response: invalid generator response: must be an object");
  EXPECT_EQ(error_of([] { codegen::response_from_json(json{{"diagnostics", json::array()}}); }),
            "plugin.response: invalid generator response: files is missing");
  EXPECT_EQ(error_of([] {
              codegen::response_from_json(json{{"files", json::array({json{{"name", "a"}, {"contents", 3}}})}});
            }),
            "plugin.response: invalid generator response: files[0].contents must be a string");
  EXPECT_EQ(error_of([] {
              codegen::response_from_json(json{
                  {"files", json::array()},
                  {"diagnostics", json::array({json{{"code", "c"}, {"message", "m"}, {"severity", "fatal"}}})}});
            }),
            "plugin.response: invalid generator response: diagnostics[0].severity must be \"error\", \"warning\" or "
            "\"note\"");
  json req = codegen::request_to_json(plugin::golden_request(plugin::fixtures()[0], "go"));
  std::size_t with_params = 0;
  while (with_params < req["queries"].size() && req["queries"][with_params]["params"].empty()) ++with_params;
  ASSERT_LT(with_params, req["queries"].size());
  req["queries"][with_params]["params"][0]["type"]["category"] = "int128";
  EXPECT_EQ(error_of([&] { codegen::request_from_json(req); }),
            "plugin.request: invalid generator request: queries[" + std::to_string(with_params) +
                "].params[0].type.category is not a type category: \"int128\"");
  req["contract_version"] = 99;
  EXPECT_NE(error_of([&] { codegen::request_from_json(req); }).find("contract_version 99 is not one this Flash speaks"),
            std::string::npos);
}

TEST(Contract, VersionNegotiation) {
  plugin::Generator g;
  g.name = "flash-gen-x";
  g.program = "/bin/true";
  EXPECT_EQ(plugin::negotiate(g, std::nullopt), codegen::kContractVersion);
  EXPECT_EQ(plugin::negotiate(g, std::vector<int>{codegen::kOldestContractVersion, codegen::kContractVersion + 1}),
            codegen::kContractVersion);
  EXPECT_EQ(plugin::negotiate(g, std::vector<int>{codegen::kOldestContractVersion}), codegen::kOldestContractVersion);
  EXPECT_NE(error_of([&] { plugin::negotiate(g, std::vector<int>{codegen::kContractVersion + 1}); })
                .find("plugin.contract: the generator plugin `flash-gen-x` speaks contract version 2"),
            std::string::npos);
  EXPECT_THROW(codegen::request_to_json(plugin::golden_request(plugin::fixtures()[0], "go"), codegen::kContractVersion + 1),
               diag::Error);
}

TEST(Contract, PathProblems) {
  codegen::Response r;
  r.files = {{"ok/a.go", ""}, {"../up.go", ""}, {"/etc/passwd", ""}, {"a\\b", ""}, {"ok/a.go", ""}, {"", ""}};
  const auto bad = plugin::path_problems(r, {"flash.toml", 7, 10, 1});
  ASSERT_EQ(bad.size(), 5u);
  EXPECT_NE(bad[0].message.find("../up.go"), std::string::npos);
  EXPECT_NE(bad[1].message.find("is absolute"), std::string::npos);
  EXPECT_NE(bad[2].message.find("backslash"), std::string::npos);
  EXPECT_NE(bad[3].message.find("twice"), std::string::npos);
  EXPECT_NE(bad[4].message.find("is empty"), std::string::npos);
  for (const auto& d : bad) EXPECT_EQ(d.location.line, 7);
}

// Every built-in, exposed as an in-process plugin, passes its own conformance kit, including the
// located error for an unknown driver.
TEST(Kit, EveryBuiltinConforms) {
  for (const auto& spec : codegen::generator_table()) {
    SCOPED_TRACE(spec.language);
    const auto g = plugin::from_command(std::string("builtin:") + spec.language, ".");
    const auto rep = plugin::run_kit(g, spec.language);
    for (const auto& c : rep.checks) EXPECT_TRUE(c.ok) << c.fixture << " " << c.name << ": " << c.detail;
    EXPECT_EQ(rep.checks.size(), 1u + 3u * 4u);
    bool bad_driver_error = false;
    for (const auto& c : rep.checks)
      if (c.fixture.find("bad-driver") != std::string::npos && c.name == "located")
        bad_driver_error = c.detail == "errors located";
    EXPECT_TRUE(bad_driver_error) << "the unknown driver was not reported as a located error";
  }
}

}  // namespace
}  // namespace flash
