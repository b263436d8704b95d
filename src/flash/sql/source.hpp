#pragma once
#include <string>

namespace flash::sql {
// A piece of SQL text and where it came from, for located diagnostics.
struct SourceFile {
  std::string path;  // as shown to the user
  std::string text;
};
}  // namespace flash::sql
