#include <gtest/gtest.h>

#include "flash/config/url.hpp"

using flash::config::DatabaseUrl;
using flash::config::parse_database_url;
using flash::schema::Dialect;

namespace {

// The diagnostic of a URL that must fail to parse.
flash::diag::Diagnostic url_error(const std::string& url) {
  try {
    parse_database_url(url);
  } catch (const flash::diag::Error& e) {
    return e.diagnostic();
  }
  ADD_FAILURE() << "expected a config.url error for " << url;
  return {};
}

}  // namespace

TEST(Url, PostgresFull) {
  auto u = parse_database_url("postgres://alice:s3cret@db.example.com:6543/shop?sslmode=require&application_name=flash");
  EXPECT_EQ(u.dialect, Dialect::postgresql);
  EXPECT_EQ(u.scheme, "postgres");
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "s3cret");
  EXPECT_EQ(u.host, "db.example.com");
  ASSERT_TRUE(u.port);
  EXPECT_EQ(*u.port, 6543);
  EXPECT_EQ(u.database, "shop");
  EXPECT_EQ(u.params.at("sslmode"), "require");
  EXPECT_EQ(u.params.at("application_name"), "flash");
}

TEST(Url, PostgresqlSchemeAndDefaults) {
  auto u = parse_database_url("postgresql://localhost/app");
  EXPECT_EQ(u.dialect, Dialect::postgresql);
  EXPECT_EQ(u.scheme, "postgresql");
  EXPECT_EQ(u.host, "localhost");
  EXPECT_FALSE(u.port);
  EXPECT_EQ(u.user, "");
  EXPECT_EQ(u.password, "");
  EXPECT_EQ(u.database, "app");
}

TEST(Url, PostgresSocketWithoutHost) {
  auto u = parse_database_url("postgres:///app?host=/var/run/postgresql");
  EXPECT_EQ(u.host, "");
  EXPECT_EQ(u.database, "app");
  EXPECT_EQ(u.params.at("host"), "/var/run/postgresql");
}

TEST(Url, PercentDecoding) {
  auto u = parse_database_url("postgres://us%40er:p%40ss%2Fw%3Ard@localhost:5432/my%20db?opt=a%26b");
  EXPECT_EQ(u.user, "us@er");
  EXPECT_EQ(u.password, "p@ss/w:rd");
  EXPECT_EQ(u.database, "my db");
  EXPECT_EQ(u.params.at("opt"), "a&b");
}

TEST(Url, UnencodedAtInPassword) {
  auto u = parse_database_url("mysql://root:p@ss@localhost:3306/app");
  EXPECT_EQ(u.user, "root");
  EXPECT_EQ(u.password, "p@ss");
  EXPECT_EQ(u.host, "localhost");
}

TEST(Url, MysqlAndMariadb) {
  auto u = parse_database_url("mysql://root:pw@127.0.0.1:3307/test");
  EXPECT_EQ(u.dialect, Dialect::mysql);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(*u.port, 3307);
  EXPECT_EQ(u.database, "test");
  auto m = parse_database_url("mariadb://root@localhost/test");
  EXPECT_EQ(m.dialect, Dialect::mysql);
  EXPECT_EQ(m.scheme, "mariadb");
  EXPECT_EQ(m.user, "root");
  EXPECT_EQ(m.password, "");
}

TEST(Url, Ipv6Hosts) {
  auto u = parse_database_url("postgres://u:p@[::1]:5432/app");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(*u.port, 5432);
  auto v = parse_database_url("mysql://u@[2001:db8::7]/app");
  EXPECT_EQ(v.host, "2001:db8::7");
  EXPECT_FALSE(v.port);
  EXPECT_EQ(url_error("postgres://u@[::1/app").code, "config.url");
  EXPECT_EQ(url_error("postgres://u@[::1]x/app").code, "config.url");
}

TEST(Url, SqliteForms) {
  auto rel = parse_database_url("sqlite://db/dev.db");
  EXPECT_EQ(rel.dialect, Dialect::sqlite);
  EXPECT_EQ(rel.database, "db/dev.db");
  EXPECT_FALSE(rel.is_memory());

  auto abs = parse_database_url("sqlite:///var/data/app.db");
  EXPECT_EQ(abs.database, "/var/data/app.db");

  auto mem = parse_database_url("sqlite::memory:");
  EXPECT_TRUE(mem.is_memory());
  EXPECT_TRUE(parse_database_url("sqlite://:memory:").is_memory());
  EXPECT_TRUE(parse_database_url("file::memory:").is_memory());

  auto file = parse_database_url("file:data/app.db?mode=ro");
  EXPECT_EQ(file.dialect, Dialect::sqlite);
  EXPECT_EQ(file.database, "data/app.db");
  EXPECT_EQ(file.params.at("mode"), "ro");

  auto file_abs = parse_database_url("file:///tmp/x.db");
  EXPECT_EQ(file_abs.database, "/tmp/x.db");

  auto spaced = parse_database_url("sqlite://my%20dir/app.db");
  EXPECT_EQ(spaced.database, "my dir/app.db");

  EXPECT_EQ(url_error("sqlite://").code, "config.url");
}

TEST(Url, Mongodb) {
  auto u = parse_database_url("mongodb://admin:pw@localhost:27017/app?authSource=admin");
  EXPECT_EQ(u.dialect, Dialect::mongodb);
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(*u.port, 27017);
  EXPECT_EQ(u.database, "app");
  EXPECT_EQ(u.params.at("authSource"), "admin");

  auto srv = parse_database_url("mongodb+srv://u:p@cluster0.example.net/app");
  EXPECT_EQ(srv.dialect, Dialect::mongodb);
  EXPECT_EQ(srv.scheme, "mongodb+srv");
  EXPECT_EQ(srv.host, "cluster0.example.net");

  auto rs = parse_database_url("mongodb://h1:27017,h2:27018/app?replicaSet=rs0");
  EXPECT_EQ(rs.host, "h1:27017,h2:27018");
  EXPECT_EQ(rs.database, "app");

  EXPECT_EQ(url_error("mongodb+srv://u@cluster0.example.net:27017/app").code, "config.url");
  EXPECT_EQ(url_error("mongodb://h1:27017,h2:x/app").code, "config.url");
}

TEST(Url, PortsValidated) {
  EXPECT_EQ(*parse_database_url("postgres://h:1/d").port, 1);
  EXPECT_EQ(*parse_database_url("postgres://h:65535/d").port, 65535);
  for (const char* bad : {"postgres://h:0/d", "postgres://h:65536/d", "postgres://h:abc/d",
                          "postgres://h:/d", "postgres://h:-5/d", "mysql://h:99999999999/d"}) {
    auto d = url_error(bad);
    EXPECT_EQ(d.code, "config.url") << bad;
    EXPECT_NE(d.message.find("port"), std::string::npos) << bad << ": " << d.message;
  }
}

TEST(Url, MalformedHasHintWithExample) {
  auto empty = url_error("");
  EXPECT_EQ(empty.code, "config.url");
  ASSERT_TRUE(empty.hint);
  EXPECT_NE(empty.hint->find("://"), std::string::npos);

  auto noscheme = url_error("localhost");
  EXPECT_NE(noscheme.message.find("scheme"), std::string::npos);

  auto unknown = url_error("postgress://u:p@h/d");
  EXPECT_NE(unknown.message.find("postgress"), std::string::npos);
  ASSERT_TRUE(unknown.hint);
  EXPECT_NE(unknown.hint->find("did you mean `postgres`"), std::string::npos);

  auto noslashes = url_error("postgres:localhost/db");
  ASSERT_TRUE(noslashes.hint);
  EXPECT_NE(noslashes.hint->find("postgres://"), std::string::npos);

  auto nohost = url_error("mysql:///app");
  EXPECT_NE(nohost.message.find("host"), std::string::npos);

  EXPECT_EQ(url_error("postgres://u:p%zz@h/d").code, "config.url");
  EXPECT_EQ(url_error("postgres://u:p%4@h/d").code, "config.url");
}

TEST(Url, PasswordNeverInErrors) {
  for (const char* bad : {"postgres://u:hunter2@h:99999/d", "postgres://u:hunter2@h:x/d",
                          "mysql://u:hunter2@[::1/d", "postgres://u:hunter2@h/d/e"}) {
    try {
      parse_database_url(bad);
      ADD_FAILURE() << bad;
    } catch (const flash::diag::Error& e) {
      EXPECT_EQ(e.diagnostic().message.find("hunter2"), std::string::npos) << e.diagnostic().message;
      EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
    }
  }
}

TEST(Url, Redacted) {
  auto u = parse_database_url("postgres://alice:s3cret@localhost:5432/app?sslmode=disable");
  EXPECT_EQ(u.redacted(), "postgres://alice:****@localhost:5432/app?sslmode=disable");
  auto at = parse_database_url("mysql://root:p@ss@localhost/app");
  EXPECT_EQ(at.redacted(), "mysql://root:****@localhost/app");
  auto nopw = parse_database_url("postgres://alice@localhost/app");
  EXPECT_EQ(nopw.redacted(), "postgres://alice@localhost/app");
  auto param = parse_database_url("postgres://localhost/app?user=a&password=topsecret&x=1");
  EXPECT_EQ(param.redacted(), "postgres://localhost/app?user=a&password=****&x=1");
  EXPECT_EQ(parse_database_url("sqlite://db/dev.db").redacted(), "sqlite://db/dev.db");
}

TEST(Url, TrimsSurroundingWhitespace) {
  auto u = parse_database_url("  postgres://h/d \n");
  EXPECT_EQ(u.host, "h");
  EXPECT_EQ(u.database, "d");
}

// libpq's multi-host URL (failover: Patroni and the like): the host list and the port list go to
// libpq as they are, each entry checked.
TEST(Url, PostgresHostList) {
  auto u = parse_database_url(
      "postgresql://flash:pw@10.0.0.1:5432,db2.example.com:6543/app?target_session_attrs=read-write");
  EXPECT_EQ(u.host, "10.0.0.1,db2.example.com");
  EXPECT_EQ(u.params.at("port"), "5432,6543");  // libpq's port list
  EXPECT_FALSE(u.port);
  EXPECT_EQ(u.user, "flash");
  EXPECT_EQ(u.password, "pw");
  EXPECT_EQ(u.database, "app");
  EXPECT_EQ(u.params.at("target_session_attrs"), "read-write");
  EXPECT_EQ(u.redacted(),
            "postgresql://flash:****@10.0.0.1:5432,db2.example.com:6543/app?target_session_attrs=read-write");

  auto v = parse_database_url("postgres://[::1]:5432,h2,[fe80::1]/app");
  EXPECT_EQ(v.host, "::1,h2,fe80::1");
  EXPECT_EQ(v.params.at("port"), "5432,,");  // an empty entry: libpq's default port
  auto w = parse_database_url("postgres://h1,h2/app");
  EXPECT_EQ(w.host, "h1,h2");
  EXPECT_EQ(w.params.count("port"), 0u);
}

TEST(Url, PostgresHostListErrors) {
  EXPECT_EQ(url_error("postgres://h1,,h2/app").code, "config.url");
  EXPECT_NE(url_error("postgres://h1:5432,h2:99999/app").message.find("out of range"), std::string::npos);
  EXPECT_NE(url_error("postgres://h1:,h2/app").message.find("missing port"), std::string::npos);
  EXPECT_NE(url_error("postgres://h1,[::1/app").message.find("IPv6"), std::string::npos);
  EXPECT_NE(url_error("postgres://h1:x,h2/app").message.find("invalid port"), std::string::npos);
}
