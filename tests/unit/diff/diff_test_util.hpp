#pragma once
// Helpers the differ's test files share: a plan's Up statements in order, and its Down statements
// in the order a rollback runs them (operations reversed).
#include <string>
#include <vector>

#include "flash/diff/plan.hpp"

namespace flash::diff::testing {

using Lines = std::vector<std::string>;

inline Lines ups(const Plan& p) {
  Lines out;
  for (const auto& op : p.operations) out.insert(out.end(), op.up.begin(), op.up.end());
  return out;
}

inline Lines downs(const Plan& p) {
  Lines out;
  for (auto it = p.operations.rbegin(); it != p.operations.rend(); ++it)
    out.insert(out.end(), it->down.begin(), it->down.end());
  return out;
}

}  // namespace flash::diff::testing
