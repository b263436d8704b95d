#pragma once
// Flash Studio's branch switcher (issue 12, page 6) over flash/branch:
//   GET  /api/branches          the branches of branches.json and the one being viewed
//   POST /api/branches/switch   {name}: what `flash checkout NAME` does — branch::checkout writes the
//                               project's .flash/HEAD — once the branch's database answered and its
//                               model was read; server.cpp then serves that database (its connection,
//                               Api and schema editor rebuilt under the connection lock)
// The name is validated before anything else (branch::check_name, then branches.json must list
// it): a name never becomes part of a URL or a path unless the store holds it. Switching writes
// HEAD, so it is a state-changing request (Origin + CSRF, security.hpp) and refused with
// --read-only.
#include <string>

#include <nlohmann/json.hpp>

#include "flash/config/config.hpp"
#include "flash/config/url.hpp"

namespace flash::studio {

class Branches {
 public:
  // `cfg` (the project: branches.json and .flash/HEAD) must outlive this object; `current` is
  // the branch served at start.
  Branches(const config::Config& cfg, config::DatabaseUrl main_url, std::string current);

  // {"current", "branches": [{name, parent, database, created_at, schema_only}], "env_override"}
  nlohmann::json list() const;

  struct Target {
    std::string name;
    config::DatabaseUrl url;
    std::string database;  // its database name (SQLite: file name): shown, never the URL
  };
  // The branch a switch request {name} names. Throws ApiError 400 studio.branch for a name that
  // is not a branch name, 404 studio.branch for one branches.json does not list.
  Target resolve(const nlohmann::json& body) const;
  // branch::checkout (HEAD names `name` from now on); the branch viewed is then `name`.
  void checkout(const std::string& name);
  const std::string& current() const { return current_; }

 private:
  const config::Config& cfg_;
  config::DatabaseUrl main_url_;
  std::string current_;
};

}  // namespace flash::studio
