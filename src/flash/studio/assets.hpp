#pragma once
// The web app's built files (studio/web, `vite build`), embedded into the binary at build time by
// cmake/EmbedStudio.cmake: the only files the studio serves (no file system access, so no path
// traversal). The build fails when the web app was not built.
#include <cstddef>
#include <span>
#include <string_view>

namespace flash::studio {

struct Asset {
  std::string_view path;          // "/index.html", "/assets/index-1a2b3c.js"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view bytes;
};

std::span<const Asset> bundle();
// The asset at exactly `path`, or nullptr.
const Asset* find_asset(std::string_view path);

}  // namespace flash::studio
