#include "flash/studio/branches.hpp"

#include <cstdlib>

#include "flash/branch/branch.hpp"
#include "flash/branch/ops.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/studio/api.hpp"

namespace flash::studio {

using nlohmann::json;

Branches::Branches(const config::Config& cfg, config::DatabaseUrl main_url, std::string current)
    : cfg_(cfg), main_url_(std::move(main_url)), current_(std::move(current)) {}

json Branches::list() const {
  const branch::Store s = branch::load_store(cfg_, main_url_);
  json out = json::array();
  for (const auto& b : s.branches)
    out.push_back({{"name", b.name},
                   {"parent", b.parent},
                   {"database", b.database},
                   {"created_at", b.created_at},
                   {"schema_only", b.schema_only}});
  const char* env = std::getenv("FLASH_BRANCH");
  return {{"current", current_}, {"branches", out}, {"env_override", env != nullptr && *env != '\0'}};
}

Branches::Target Branches::resolve(const json& body) const {
  if (!body.is_object() || !body.contains("name") || !body["name"].is_string())
    throw ApiError(400, "studio.branch", "a switch names the branch: {\"name\": \"…\"}");
  const std::string& name = body["name"].get_ref<const std::string&>();
  try {
    branch::check_name(name);
  } catch (const diag::Error& e) {
    // The message repeats the name: shown only when it is short and printable.
    const bool plain = name.size() <= 40 && name.find_first_of("\r\n\t") == std::string::npos;
    throw ApiError(400, "studio.branch",
                   plain ? e.diagnostic().message + ": " + e.diagnostic().hint.value_or("")
                         : "invalid branch name: " + e.diagnostic().hint.value_or(""));
  }
  const branch::Store s = branch::load_store(cfg_, main_url_);
  const branch::Branch* b = s.find(name);
  if (!b)
    throw ApiError(404, "studio.branch",
                   "no branch named " + name + " in branches.json (`flash branch " + name + "` creates it)");
  return {b->name, branch::url_for(main_url_, *b), b->database};
}

void Branches::checkout(const std::string& name) {
  branch::Env e;
  e.cfg = &cfg_;
  e.main_url = main_url_;
  branch::checkout(e, name);
  current_ = name;
}

}  // namespace flash::studio
