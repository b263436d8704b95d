// The request guard by itself: Host names, the one-time token, cookies, Origin and CSRF.
#include <gtest/gtest.h>

#include "flash/studio/security.hpp"

namespace flash::studio {
namespace {

TEST(StudioGuard, LoopbackIsAnAddressNotAPrefix) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.1.2.3"));
  EXPECT_TRUE(is_loopback("localhost"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("127.0.0.1.evil.example"));
  EXPECT_FALSE(is_loopback("127.evil"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("localhost.evil.example"));
}

TEST(StudioGuard, HostHeader) {
  Guard g("127.0.0.1", 5555);
  EXPECT_FALSE(g.check_host("127.0.0.1:5555"));
  EXPECT_FALSE(g.check_host("localhost:5555"));
  EXPECT_FALSE(g.check_host("[::1]:5555"));
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:5556", "evil.example:5555", "127.0.0.1.evil.example:5555",
                          "localhost:5555.evil", "[::1]", "[::2]:5555", "127.0.0.1:5555:5555"})
    EXPECT_TRUE(g.check_host(bad)) << bad;
  Guard lan("192.168.1.10", 80);
  EXPECT_FALSE(lan.check_host("192.168.1.10:80"));
  EXPECT_TRUE(lan.check_host("192.168.1.11:80"));
  Guard any("0.0.0.0", 80);
  EXPECT_TRUE(any.check_host("0.0.0.0:80"));
  EXPECT_FALSE(any.check_host("127.0.0.1:80"));
}

TEST(StudioGuard, TokenWorksOnceForTheSessionCookie) {
  Guard g("127.0.0.1", 5555);
  EXPECT_EQ(g.token().size(), 64u);
  EXPECT_NE(g.token(), g.csrf());
  EXPECT_FALSE(g.authenticated(""));
  EXPECT_FALSE(g.exchange_token(std::string(64, '0')));
  EXPECT_FALSE(g.exchange_token(""));
  auto s = g.exchange_token(g.token());
  ASSERT_TRUE(s);
  EXPECT_FALSE(g.exchange_token(g.token()));  // once
  EXPECT_TRUE(g.authenticated("a=b; flash_studio_session=" + *s + "; c=d"));
  EXPECT_FALSE(g.authenticated("flash_studio_session=" + g.token()));
  EXPECT_FALSE(g.authenticated("flash_studio_session="));
  EXPECT_FALSE(g.authenticated("xflash_studio_session=" + *s));
  const auto cookie = Guard::session_cookie(*s);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
}

TEST(StudioGuard, StateChangesNeedOriginAndCsrf) {
  Guard g("127.0.0.1", 5555);
  EXPECT_EQ(g.origin(), "http://127.0.0.1:5555");
  EXPECT_FALSE(g.check_state_change("GET", "", ""));
  EXPECT_FALSE(g.check_state_change("POST", "http://127.0.0.1:5555", g.csrf()));
  for (const char* m : {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    EXPECT_EQ(g.check_state_change(m, "http://evil.example", g.csrf())->code, "studio.origin") << m;
    EXPECT_EQ(g.check_state_change(m, "", g.csrf())->code, "studio.origin") << m;
    EXPECT_EQ(g.check_state_change(m, "http://127.0.0.1:5555", "")->code, "studio.csrf") << m;
    EXPECT_EQ(g.check_state_change(m, "http://127.0.0.1:5555", g.token())->code, "studio.csrf") << m;
  }
}

}  // namespace
}  // namespace flash::studio

// The command line: a non-loopback --host needs --allow-remote (exit 2, nothing served).
#include "support/flash_run.hpp"

namespace flash::studio {
namespace {

TEST(StudioCommand, NonLoopbackHostNeedsAllowRemote) {
  flash::test::TempDir dir("flash-studio-cli");
  dir.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\n\n[database]\nprovider = \"sqlite\"\n"
                          "url_env = \"DATABASE_URL\"\n");
  const std::string env = "DATABASE_URL=" + flash::test::shell_quote("sqlite://" + (dir.path() / "dev.db").string());
  for (const char* host : {"0.0.0.0", "192.168.1.10", "127.0.0.1.evil.example"}) {
    auto r = flash::test::run_flash(FLASH_BINARY, {"studio", "--host", host, "--no-browser", "--port", "0"}, dir.path(), env);
    EXPECT_EQ(r.code, 2) << host << r.err;
    EXPECT_NE(r.err.find("--allow-remote"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("token="), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace flash::studio
