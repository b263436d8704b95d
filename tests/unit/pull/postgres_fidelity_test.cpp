// PostgreSQL pull, proven through the engine (issue 10): loaded by the server, pulled, applied to
// an empty database, compared through pg_catalog; a second pull prints the same schema.
#include "pull_test_util.hpp"

namespace flash::pull::test {
namespace {

#define PG_OR_SKIP()                                                               \
  if (!std::getenv("FLASH_TEST_PG_URL") || !*std::getenv("FLASH_TEST_PG_URL"))      \
  GTEST_SKIP() << "FLASH_TEST_PG_URL is not set"

// Class 9: rules were dropped and INHERITS children became stand-alone tables (their inherited
// columns declared again, the link to the parent lost).
TEST(PostgresFidelity, RulesAndInheritanceArePulled) {
  PG_OR_SKIP();
  const std::string printed = expect_engine_round_trip(Dialect::postgresql, R"sql(
CREATE TABLE cities (name text NOT NULL, population real DEFAULT 0, CHECK (population >= 0));
CREATE TABLE capitals (state char(2), population real NOT NULL) INHERITS (cities);
CREATE TABLE log (msg text);
CREATE TABLE audit (at timestamptz DEFAULT now()) INHERITS (log, cities);
CREATE RULE cities_no_delete AS ON DELETE TO cities DO INSTEAD NOTHING;
CREATE RULE log_copy AS ON INSERT TO log DO ALSO INSERT INTO cities (name) VALUES (NEW.msg);
)sql");
  EXPECT_NE(printed.find("INHERITS (log, cities)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("cities_no_delete"), std::string::npos) << printed;
}

}  // namespace
}  // namespace flash::pull::test
