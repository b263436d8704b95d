// Issue 10: pull's output order is the dependency order with ties broken by name, never the
// catalog's creation order, so a database rebuilt from pulled files (whose migration creates the
// objects in another order) pulls to the same files.
#include "pull_test_util.hpp"

namespace flash::pull::test {
namespace {

// The same schema created in two orders pulls to the same text, tables in name order where no
// foreign key decides.
void expect_creation_order_hidden(Dialect d) {
  auto a = ScratchDb::create(d);
  auto b = ScratchDb::create(d);
  if (!a || !b) GTEST_SKIP() << "no server URL for " << schema::to_string(d);
  const std::string alpha = "CREATE TABLE alpha (id INT PRIMARY KEY, n INT);\n";
  const std::string mid = "CREATE TABLE mid (id INT PRIMARY KEY, n INT);\nCREATE INDEX mid_n ON mid (n);\n";
  const std::string zeta =
      "CREATE TABLE zeta (id INT PRIMARY KEY, alpha_id INT, CONSTRAINT zeta_alpha FOREIGN KEY (alpha_id) REFERENCES alpha (id));\n"
      "CREATE INDEX zeta_b ON zeta (id, alpha_id);\nCREATE INDEX zeta_a ON zeta (alpha_id, id);\n";
  const std::string views = "CREATE VIEW v_mid AS SELECT id FROM mid;\nCREATE VIEW v_alpha AS SELECT id FROM alpha;\n";
  a->load(alpha + zeta + mid + views);
  b->load(mid + alpha + zeta + "CREATE VIEW v_alpha AS SELECT id FROM alpha;\nCREATE VIEW v_mid AS SELECT id FROM mid;\n");
  const std::string first = schema::print_schema(inspect(*a->conn));
  EXPECT_EQ(first, schema::print_schema(inspect(*b->conn)));
  const auto at = [&](const std::string& s) { return first.find(s); };
  EXPECT_LT(at("CREATE TABLE alpha"), at("CREATE TABLE mid")) << first;
  EXPECT_LT(at("CREATE TABLE mid"), at("CREATE TABLE zeta")) << first;
  EXPECT_LT(at("v_alpha"), at("v_mid")) << first;
}

TEST(PullOrder, SqliteCreationOrderDoesNotShow) { expect_creation_order_hidden(Dialect::sqlite); }
TEST(PullOrder, PostgresCreationOrderDoesNotShow) { expect_creation_order_hidden(Dialect::postgresql); }
TEST(PullOrder, MysqlCreationOrderDoesNotShow) { expect_creation_order_hidden(Dialect::mysql); }

}  // namespace
}  // namespace flash::pull::test
