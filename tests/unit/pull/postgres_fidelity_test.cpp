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

// Serial columns and sequences as the catalog has them after real migrations: a serial whose
// sequence PostgreSQL had to name _seq1 (authelia renames the old table away first), a table
// renamed with its serial (the sequence keeps the old name), a bigserial whose default was dropped
// (the sequence stays, owned by the column: atuin), a nextval() default on a sequence of another
// name (kanboard's project_daily_summaries_id_seq), sequences AS integer / smallint / bigint with
// options (concourse), a default ''::character varying on a text column (kanboard) and index
// storage parameters (concourse's WITH (fastupdate = false)).
const char* kSequences = R"sql(
CREATE TABLE totp (id serial CONSTRAINT totp_pkey PRIMARY KEY, secret text);
ALTER TABLE totp DROP CONSTRAINT totp_pkey;
ALTER TABLE totp RENAME TO bkp_totp;
CREATE TABLE totp (id serial CONSTRAINT totp_pkey PRIMARY KEY, secret text);
CREATE TABLE renamed (id serial CONSTRAINT renamed_pkey PRIMARY KEY);
ALTER TABLE renamed RENAME TO moved;
CREATE TABLE history (id bigserial PRIMARY KEY, user_id bigserial NOT NULL);
ALTER TABLE history ALTER COLUMN user_id DROP DEFAULT;
CREATE TABLE stats (id integer NOT NULL, reference text DEFAULT ''::character varying,
  label character varying(20) DEFAULT ''::character varying, body jsonb);
CREATE SEQUENCE summaries_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE summaries_id_seq OWNED BY stats.id;
ALTER TABLE ONLY stats ALTER COLUMN id SET DEFAULT nextval('summaries_id_seq'::regclass);
CREATE SEQUENCE versions_id_seq AS integer;
ALTER SEQUENCE versions_id_seq AS bigint;
CREATE SEQUENCE small_seq AS smallint INCREMENT BY 2 MAXVALUE 1000 CACHE 5 CYCLE;
CREATE TABLE widened (id serial PRIMARY KEY);
ALTER TABLE widened ALTER COLUMN id TYPE bigint;
CREATE INDEX stats_body ON stats USING gin (body jsonb_path_ops) WITH (fastupdate = false);
CREATE INDEX stats_label ON stats (label) WITH (fillfactor = 70, deduplicate_items = off);
)sql";

TEST(PostgresFidelity, SequencesKeepTheirNamesTypesAndOwnersOnPull) {
  PG_OR_SKIP();
  const std::string printed = expect_engine_round_trip(Dialect::postgresql, kSequences);
  EXPECT_NE(printed.find("totp_id_seq1"), std::string::npos) << printed;
  EXPECT_NE(printed.find("summaries_id_seq"), std::string::npos) << printed;
  EXPECT_NE(printed.find("DEFAULT ''::character varying"), std::string::npos) << printed;
  EXPECT_NE(printed.find("WITH (fastupdate='false')"), std::string::npos) << printed;
}

// The same statements as schema files: parsed, applied by the differ's plan to an empty database,
// and compared with the database PostgreSQL built from them.
TEST(PostgresFidelity, SequencesKeepTheirNamesTypesAndOwnersFromFiles) {
  PG_OR_SKIP();
  auto n = ScratchDb::create(Dialect::postgresql);
  auto f = ScratchDb::create(Dialect::postgresql);
  n->load(kSequences);
  const schema::Schema files = parse(kSequences, Dialect::postgresql);
  try {
    apply_model(*f, files);
  } catch (const std::exception& e) {
    FAIL() << "applying the files failed: " << e.what() << "\n" << schema::print_schema(files);
  }
  EXPECT_EQ(catalog(*n->conn), catalog(*f->conn)) << schema::print_schema(files);
}

}  // namespace
}  // namespace flash::pull::test
