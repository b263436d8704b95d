#include "flash/studio/assets.hpp"

namespace flash::studio {

const Asset* find_asset(std::string_view path) {
  for (const auto& a : bundle())
    if (a.path == path) return &a;
  return nullptr;
}

}  // namespace flash::studio
