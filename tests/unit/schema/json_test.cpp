#include "flash/schema/json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"

namespace flash::schema {
namespace {

// A model that sets every field of every struct to a non-default value.
Schema rich() {
  Schema s;
  s.dialect = Dialect::mysql;
  s.schemas = {"app", "audit"};
  s.extensions = {{"citext", "app"}};
  EnumType e{"app", "mood", {"sad", "it's"}, {"a.sql", 3, 1, 1}};
  s.enums.push_back(e);
  Domain dom;
  dom.schema = "app";
  dom.name = "year";
  dom.type.name = "integer";
  dom.nullable = false;
  dom.default_expr = "2000";
  dom.checks.push_back({"year_ck", "VALUE > 1900", true});
  s.domains.push_back(dom);
  Sequence seq;
  seq.schema = "app";
  seq.name = "seq";
  seq.type = "integer";
  seq.start = 5;
  seq.increment = -1;
  seq.min_value = -9223372036854775807LL - 1;
  seq.cycle = true;
  seq.owned_by = "app.people.id";
  s.sequences.push_back(seq);

  Table t;
  t.schema = "app";
  t.name = "people";
  Column id;
  id.name = "id";
  id.type = {"bigint", "", {"20"}, 0, true, true, {}, ""};
  id.nullable = false;
  id.identity = Identity::by_default;
  id.identity_options = "START WITH 10";
  id.auto_increment = true;
  id.loc = {"a.sql", 10, 3, 2};
  Column name;
  name.name = "name";
  name.type = {"varchar", "", {"100"}, 0, false, false, {}, "utf8mb4"};
  name.default_expr = "'x'";
  name.collation = "utf8mb4_bin";
  name.on_update = "CURRENT_TIMESTAMP";
  name.comment = "the name";
  Column tags;
  tags.name = "tags";
  tags.type = {"mood", "app", {}, 2, false, false, {}, ""};
  tags.generated = GeneratedKind::virtual_;
  tags.generated_expr = "upper(name)";
  tags.identity = Identity::always;
  Column st;
  st.name = "status";
  st.type = {"enum", "", {}, 0, false, false, {"a", "b"}, ""};
  st.generated = GeneratedKind::stored;
  st.generated_expr = "'a'";
  t.columns = {id, name, tags, st};
  t.primary_key = PrimaryKey{"pk", {"id"}};
  t.uniques.push_back({"uq", {"name", "status"}, true});
  ForeignKey fk;
  fk.name = "fk";
  fk.columns = {"id"};
  fk.ref_schema = "audit";
  fk.ref_table = "log";
  fk.ref_columns = {"person"};
  fk.on_delete = RefAction::set_default;
  fk.on_update = RefAction::restrict;
  fk.match = "FULL";
  fk.deferrable = true;
  fk.initially_deferred = true;
  t.foreign_keys.push_back(fk);
  ForeignKey fk2 = fk;
  fk2.name = "";
  fk2.ref_columns.clear();
  fk2.on_delete = RefAction::cascade;
  fk2.on_update = RefAction::set_null;
  fk2.match.clear();
  fk2.deferrable = fk2.initially_deferred = false;
  t.foreign_keys.push_back(fk2);
  t.checks.push_back({"", "id > 0", false});
  t.comment = "folks";
  t.options = {{"ENGINE", "InnoDB"}, {"AUTO_INCREMENT", "5"}};
  t.if_not_exists = true;
  t.loc = {"a.sql", 9, 1, 6};
  s.tables.push_back(t);
  Table empty;
  empty.name = "nothing";
  s.tables.push_back(empty);

  Index i;
  i.schema = "app";
  i.name = "people_name";
  i.table = "people";
  i.unique = true;
  i.parts.push_back({"name", "", true, "C", "text_pattern_ops", 10});
  i.parts.push_back({"", "lower(name)", false, "", "", std::nullopt});
  i.method = "btree";
  i.where = "id > 5";
  i.include = {"status"};
  i.concurrently = true;
  s.indexes.push_back(i);

  View v;
  v.schema = "app";
  v.name = "names";
  v.columns = {"n"};
  v.query = "SELECT name FROM app.people";
  v.materialized = true;
  s.views.push_back(v);
  s.comments.push_back({"index", "app.people_name", "by name"});
  s.raw.push_back({"function", "f", "CREATE FUNCTION f() ...", {"b.sql", 1, 1, 1}});
  return s;
}

TEST(SchemaJson, RoundTripRichModel) {
  const Schema s = rich();
  const nlohmann::json j = to_json(s);
  const Schema back = schema_from_json(j);
  EXPECT_EQ(back, s);
  // Fields that == ignores survive as well.
  EXPECT_TRUE(back.tables[0].if_not_exists);
  EXPECT_TRUE(back.indexes[0].concurrently);
  EXPECT_EQ(back.tables[0].columns[0].loc, (diag::Location{"a.sql", 10, 3, 1}));
  // And through text.
  EXPECT_EQ(schema_from_json(nlohmann::json::parse(j.dump(2))), s);
  EXPECT_EQ(to_json(back), j);
}

TEST(SchemaJson, RoundTripDefaultModel) {
  Schema s;
  s.dialect = Dialect::sqlite;
  EXPECT_EQ(schema_from_json(to_json(s)), s);
}

TEST(SchemaJson, Shape) {
  const nlohmann::json j = to_json(rich());
  EXPECT_EQ(j["dialect"], "mysql");
  const auto& col = j["tables"][0]["columns"][0];
  EXPECT_EQ(col["name"], "id");
  EXPECT_EQ(col["type"]["name"], "bigint");
  EXPECT_EQ(col["type"]["unsigned"], true);
  EXPECT_EQ(col["nullable"], false);
  EXPECT_EQ(col["identity"], "by_default");
  EXPECT_FALSE(col.contains("default"));
  EXPECT_EQ(j["tables"][0]["foreign_keys"][0]["on_delete"], "SET DEFAULT");
  EXPECT_EQ(j["tables"][0]["options"]["ENGINE"], "InnoDB");
  EXPECT_EQ(j["tables"][1]["columns"], nlohmann::json::array());
  EXPECT_FALSE(j["tables"][1].contains("primary_key"));
  EXPECT_EQ(j["indexes"][0]["parts"][0]["length"], 10);
  EXPECT_EQ(j["views"][0]["materialized"], true);
}

TEST(SchemaJson, MissingKeysTakeDefaults) {
  const auto j = nlohmann::json::parse(
      R"({"dialect":"pg","tables":[{"name":"t","columns":[{"name":"a","type":{"name":"text"}}]}]})");
  const Schema s = schema_from_json(j);
  EXPECT_EQ(s.dialect, Dialect::postgresql);
  ASSERT_EQ(s.tables.size(), 1u);
  EXPECT_TRUE(s.tables[0].columns[0].nullable);
  EXPECT_EQ(s.tables[0].columns[0].type.name, "text");
}

TEST(SchemaJson, RejectsBadInput) {
  EXPECT_THROW(schema_from_json(nlohmann::json::array()), diag::Error);
  EXPECT_THROW(schema_from_json(nlohmann::json::parse(R"({"dialect":"oracle"})")), diag::Error);
  EXPECT_THROW(schema_from_json(nlohmann::json::parse(R"({"tables":[{"name":5}]})")), diag::Error);
  EXPECT_THROW(
      schema_from_json(nlohmann::json::parse(
          R"({"tables":[{"name":"t","foreign_keys":[{"on_delete":"EXPLODE"}]}]})")),
      diag::Error);
  try {
    schema_from_json(nlohmann::json::parse(R"({"tables":[{"name":"t","columns":[{"nullable":"no"}]}]})"));
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "schema.json");
    EXPECT_NE(e.diagnostic().message.find("nullable"), std::string::npos);
  }
}

}  // namespace
}  // namespace flash::schema
