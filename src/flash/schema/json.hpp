#pragma once
// The model as JSON (flash schema --json, export files, studio API). The format is documented in
// README "Schema JSON"; from_json(to_json(m)) == m.
#include <nlohmann/json_fwd.hpp>

#include "flash/schema/model.hpp"

namespace flash::schema {
nlohmann::json to_json(const Schema& s);
Schema schema_from_json(const nlohmann::json& j);
// One TYPE object of the format above (also used by the generator contract, codegen/contract.hpp).
nlohmann::json type_to_json(const TypeRef& t);
TypeRef type_from_json(const nlohmann::json& j);
}  // namespace flash::schema
