// Migration files: sections, statements through the splitter, lossy markers, rename comments,
// ids and names.
#include <gtest/gtest.h>

#include <chrono>

#include "flash/migrate/files.hpp"
#include "flash/util/text.hpp"

namespace flash::migrate {
namespace {

using schema::Dialect;

TEST(MigrationFile, SectionsStatementsAndLossyMarkers) {
  std::string text =
      "-- +migrate Up\n"
      "-- flash: rename users.name -> full_name (confirmed)\n"
      "CREATE TABLE a (id int, note text DEFAULT 'x;y');\n"
      "INSERT INTO a VALUES (1, '-- +migrate Down');\n"
      "-- +migrate Down\n"
      "-- flash:lossy\n"
      "DROP TABLE a;\n"
      "SELECT 1;\n";
  diag::Diagnostics diags;
  auto f = parse_migration("db/migrations/20240101120000_create_a.sql", text, Dialect::postgresql, diags);
  EXPECT_FALSE(diag::has_errors(diags));
  EXPECT_EQ(f.id, "20240101120000_create_a");
  EXPECT_EQ(f.name, "create_a");
  EXPECT_EQ(f.checksum, util::sha256_hex(text));
  ASSERT_EQ(f.up.size(), 2u);  // the ';' inside the string and the marker inside a string do not count
  EXPECT_EQ(f.up[0].sql, "CREATE TABLE a (id int, note text DEFAULT 'x;y')");
  EXPECT_EQ(f.up[0].line, 3);
  EXPECT_FALSE(f.up[0].lossy);
  ASSERT_EQ(f.down.size(), 2u);
  EXPECT_EQ(f.down[0].sql, "DROP TABLE a");
  EXPECT_TRUE(f.down[0].lossy);
  EXPECT_FALSE(f.down[1].lossy);
  ASSERT_EQ(f.renames.size(), 1u);
  EXPECT_EQ(f.renames[0].table, "users");
  EXPECT_EQ(f.renames[0].from, "name");
  EXPECT_EQ(f.renames[0].to, "full_name");
  // The Up text keeps positions and loses the Down section.
  EXPECT_EQ(f.up_text.size(), text.size());
  EXPECT_EQ(f.up_text.find("DROP TABLE"), std::string::npos);
  EXPECT_NE(f.up_text.find("CREATE TABLE a"), std::string::npos);
}

TEST(MigrationFile, WithoutMarkersEverythingIsUp) {
  diag::Diagnostics diags;
  auto f = parse_migration("x/0001_plain.sql", "CREATE TABLE t (id integer);\nCREATE INDEX i ON t (id);\n",
                           Dialect::sqlite, diags);
  EXPECT_FALSE(f.has_markers);
  EXPECT_EQ(f.up.size(), 2u);
  EXPECT_TRUE(f.down.empty());
  EXPECT_EQ(f.name, "plain");
}

TEST(MigrationFile, TriggerBodiesAreOneStatement) {
  std::string text =
      "-- +migrate Up\n"
      "CREATE TABLE t (id integer, n integer);\n"
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET n = 1; UPDATE t SET n = 2; END;\n"
      "-- +migrate Down\n"
      "DROP TRIGGER tr;\nDROP TABLE t;\n";
  diag::Diagnostics diags;
  auto f = parse_migration("m/20240101000000_t.sql", text, Dialect::sqlite, diags);
  ASSERT_EQ(f.up.size(), 2u);
  EXPECT_NE(f.up[1].sql.find("END"), std::string::npos);
  EXPECT_EQ(f.down.size(), 2u);
}

TEST(MigrationFile, SanitizeAndIds) {
  EXPECT_EQ(sanitize_name("Add Users!"), "add_users");
  EXPECT_EQ(sanitize_name("  --x--Y__z "), "x_y_z");
  EXPECT_EQ(sanitize_name("!!!"), "migration");
  std::chrono::sys_days day = std::chrono::year{2024} / 3 / 5;
  auto t = std::chrono::system_clock::time_point(day) + std::chrono::hours(7) + std::chrono::minutes(8) +
           std::chrono::seconds(9);
  EXPECT_EQ(timestamp_id(t), "20240305070809");
  std::vector<MigrationFile> existing(1);
  existing[0].id = "20240305070809_first";
  // Same second as an existing file: the next free second keeps the order.
  EXPECT_EQ(next_migration_id(t, "Second One", existing), "20240305070810_second_one");
  existing[0].id = "20990101000000_future";
  EXPECT_GT(next_migration_id(t, "x", existing), existing[0].id);
}

}  // namespace
}  // namespace flash::migrate

namespace flash::migrate {
namespace {

TEST(MigrationFile, TransactionControlIsALocatedError) {
  for (auto d : {Dialect::postgresql, Dialect::mysql, Dialect::sqlite}) {
    diag::Diagnostics diags;
    parse_migration("m/20240101000001_x.sql", "-- +migrate Up\nCREATE TABLE a (id int);\n  commit;\n", d, diags);
    ASSERT_TRUE(diag::has_errors(diags)) << static_cast<int>(d);
    EXPECT_EQ(diags[0].code, "migrate.transaction-control");
    EXPECT_EQ(diags[0].location.file, "m/20240101000001_x.sql");
    EXPECT_EQ(diags[0].location.line, 3);
    EXPECT_EQ(diags[0].location.column, 3);
    EXPECT_EQ(diags[0].location.length, 6);
  }
}

}  // namespace
}  // namespace flash::migrate
