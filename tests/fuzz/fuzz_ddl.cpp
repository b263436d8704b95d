// One DDL parser (FLASH_FUZZ_DIALECT: PostgreSQL through libpg_query, MySQL, SQLite) over any
// bytes: schema text → model, then the model printed back as DDL and as JSON (what `flash schema`
// does with it).
#include <nlohmann/json.hpp>

#include "flash/schema/json.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const flash::sql::SourceFile src{"schema.sql", std::string(reinterpret_cast<const char*>(data), size)};
  flash::fuzz::guarded([&] {
    flash::diag::Diagnostics diags;
    const auto model = flash::sql::parse_schema({src}, flash::schema::Dialect::FLASH_FUZZ_DIALECT, diags);
    flash::fuzz::render(diags);
    if (flash::diag::has_errors(diags)) return;
    (void)flash::schema::print_schema(model);
    // As every JSON output of the CLI (src/cli/app.cpp): identifiers may hold any bytes.
    (void)flash::schema::to_json(model).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  });
  return 0;
}
