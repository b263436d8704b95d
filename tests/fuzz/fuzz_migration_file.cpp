// The migration-file reader: any bytes as db/migrations/<id>.sql in any dialect — Up/Down markers,
// `-- flash:lossy` and rename comments, statement splitting — then the Up section replayed into a
// model as `flash migrate` does.
#include "flash/migrate/files.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto d = flash::fuzz::dialect_of(data[0]);
  std::string content(reinterpret_cast<const char*>(data) + 1, size - 1);
  flash::fuzz::guarded([&] {
    flash::diag::Diagnostics diags;
    auto f = flash::migrate::parse_migration("db/migrations/20240101000000_fuzz.sql", std::move(content), d, diags);
    flash::fuzz::render(diags);
    if (flash::diag::has_errors(diags)) return;
    flash::diag::Diagnostics replay_diags;
    (void)flash::migrate::replay({f}, 1, d, replay_diags);
    flash::fuzz::render(replay_diags);
  });
  return 0;
}
