// sql::lex over any bytes in any dialect, with and without comments/whitespace tokens; then
// normalize_expr of the same text (the lexer's other user).
#include "flash/sql/lexer.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto d = flash::fuzz::dialect_of(data[0]);
  const flash::sql::SourceFile src{"fuzz.sql", std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  flash::fuzz::guarded([&] {
    flash::diag::Diagnostics diags;
    flash::sql::lex(src, d, diags, {.keep_comments = (data[0] & 8) != 0, .keep_whitespace = (data[0] & 16) != 0});
    flash::fuzz::render(diags);
    (void)flash::sql::normalize_expr(src.text, d);
  });
  return 0;
}
