#pragma once
// Flash Studio's request guard: every rule of issue 12's security section that does not depend on
// what a request asks for, as pure functions over the request's method, path and headers, so that
// each is tested by itself and the HTTP server (server.cpp) applies them in one place, in order:
//   1. Host header: only the bound address or a loopback name with the bound port (DNS rebinding:
//      a page of evil.example whose name now resolves to 127.0.0.1 sends Host: evil.example).
//   2. Authentication: the per-run token of the printed URL is exchanged once (GET /?token=…) for
//      a session cookie (HttpOnly, SameSite=Strict); every other request needs that cookie.
//   3. State-changing requests (every method but GET/HEAD): an Origin header equal to the studio's
//      own origin and the X-CSRF-Token header equal to the session's CSRF token.
// Secrets are 256-bit values from OpenSSL's CSPRNG, compared in constant time.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flash::studio {

// 64 hex digits of OpenSSL RAND_bytes; throws std::runtime_error when the CSPRNG fails.
std::string random_secret();
// Constant-time equality for secrets (length leaks only).
bool same_secret(std::string_view a, std::string_view b);

// A refusal: the HTTP status, a stable code and a message safe to show (never a secret).
struct Refusal {
  int status = 0;
  std::string code;
  std::string message;
};

inline constexpr std::string_view kSessionCookie = "flash_studio_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

class Guard {
 public:
  // `host` as bound ("127.0.0.1", "::1", "0.0.0.0", a name), `port` the port actually bound.
  Guard(std::string host, int port);

  const std::string& token() const { return token_; }  // for the printed URL only
  const std::string& csrf() const { return csrf_; }    // handed out by GET /api/session
  int port() const { return port_; }
  // "http://127.0.0.1:5555" — the origin the browser sends for our own pages (the host as bound,
  // or 127.0.0.1 when bound to every address).
  std::string origin() const;
  // The URL to open: origin + "/?token=…".
  std::string url() const;

  // Rule 1. `host_header` as received ("" when absent: refused).
  std::optional<Refusal> check_host(std::string_view host_header) const;
  // Rule 2 for the token exchange: true once for the right token, then never again (the URL was
  // used; a second use, or a wrong token, is refused). On success returns the session cookie's value.
  std::optional<std::string> exchange_token(std::string_view token);
  // Rule 2: the Cookie header carries the current session.
  bool authenticated(std::string_view cookie_header) const;
  // Rule 3 for a method; nullopt when allowed (GET/HEAD always are).
  std::optional<Refusal> check_state_change(std::string_view method, std::string_view origin_header,
                                            std::string_view csrf_header) const;
  // The Set-Cookie value for a session.
  static std::string session_cookie(std::string_view session);

 private:
  std::string host_;
  int port_;
  std::string token_, csrf_;
  mutable std::mutex mu_;
  std::string session_;  // "" until the token was exchanged
  bool token_used_ = false;
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);
// Whether `host` is a loopback address or "localhost".
bool is_loopback(std::string_view host);

}  // namespace flash::studio
