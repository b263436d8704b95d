#pragma once
// The generator contract (docs/plugins.md; JSON Schemas docs/plugin-request.schema.json and
// docs/plugin-response.schema.json): one versioned request — contract version, Flash version, the
// target's [gen.NAME] settings, the dialect, the schema model with types and the analysed queries
// with parameter/column types and nullability — in; a response — files (name + contents) and
// located diagnostics — out. Built-in generators receive the Request in-process, external ones
// (plugin/) the same Request as JSON on stdin; make_request is the one place deciding what any
// generator sees, and from_json(to_json(r)) == r.
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "flash/codegen/documents.hpp"
#include "flash/config/config.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/query/analyzed.hpp"
#include "flash/schema/model.hpp"

namespace flash::codegen {

// The version written into requests. When it is bumped, the previous version keeps being written
// for plugins that declare only that one (kOldestContractVersion moves only with a major release).
inline constexpr int kContractVersion = 1;
inline constexpr int kOldestContractVersion = 1;

struct Request {
  int contract_version = kContractVersion;
  std::string flash_version;
  std::shared_ptr<const schema::Schema> schema;
  std::shared_ptr<const query::AnalyzedQueries> queries;  // carries the dialect
  config::GenTarget settings;  // [gen.NAME]: NAME in settings.language
  std::string package_name;    // `package`, else the last path element of settings.out
  // MongoDB projects (dialect mongodb): the typed collections from the validators (documents.hpp);
  // null for SQL projects. In JSON: "documents".
  std::shared_ptr<const DocumentSchema> documents;
};

struct File {
  std::string path;  // relative to settings.out ("name" in JSON)
  std::string content;
  friend bool operator==(const File&, const File&) = default;
};

struct Response {
  int contract_version = kContractVersion;
  std::vector<File> files;
  diag::Diagnostics diagnostics;  // e.g. an unsupported setting, located at it
};

// The request every generator of `target` gets for this schema and these queries.
Request make_request(std::shared_ptr<const schema::Schema> schema,
                     std::shared_ptr<const query::AnalyzedQueries> queries, const config::GenTarget& target,
                     std::string flash_version);
// The package name make_request derives: `package`, else the last path element of `out`.
std::string package_for(const config::GenTarget& t);

// JSON of the contract. request_to_json writes `version` of the format (a supported one).
nlohmann::json request_to_json(const Request& r, int version = kContractVersion);
nlohmann::json response_to_json(const Response& r);
// Readers check the message against the contract and throw diag::Error("plugin.request" /
// "plugin.response") naming the JSON path of the first problem ("files[2].name must be a string").
Request request_from_json(const nlohmann::json& j);
Response response_from_json(const nlohmann::json& j);

// One diagnostic as the contract (and `--json` output) writes it.
nlohmann::json diagnostic_to_json(const diag::Diagnostic& d);
diag::Diagnostic diagnostic_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace flash::codegen
