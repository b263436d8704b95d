// The config loader: any bytes as flash.toml (written to a private temporary directory, since
// load_config reads a file), through load_config's validation, [[databases]] selection and the
// .env search of the project root.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "flash/config/config.hpp"
#include "fuzz_common.hpp"

namespace {
const std::filesystem::path& project_dir() {
  static const std::filesystem::path dir = [] {
    auto p = std::filesystem::temp_directory_path() / ("flash-fuzz-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    return p;
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = project_dir() / "flash.toml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  flash::fuzz::guarded([&] { (void)flash::config::load_config({.config_file = file}); });
  return 0;
}
