// sql::split_statements over any bytes in any dialect.
#include "flash/sql/splitter.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto d = flash::fuzz::dialect_of(data[0]);
  const flash::sql::SourceFile src{"fuzz.sql", std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  flash::fuzz::guarded([&] {
    flash::diag::Diagnostics diags;
    for (const auto& st : flash::sql::split_statements(src, d, diags))
      if (st.offset > src.text.size()) __builtin_trap();  // a statement outside its source
    flash::fuzz::render(diags);
  });
  return 0;
}
