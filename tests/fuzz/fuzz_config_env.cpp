// The .env reader: any bytes as a .env file (quotes, escapes, ${VAR} expansion, export prefix).
#include "flash/config/env_file.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  flash::fuzz::guarded([&] { (void)flash::config::parse_env(text, ".env"); });
  return 0;
}
