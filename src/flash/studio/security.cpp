#include "flash/util/text.hpp"
#include "flash/studio/security.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <arpa/inet.h>

#include <stdexcept>

namespace flash::studio {

std::string random_secret() {
  unsigned char buf[32];
  if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("the system's random number generator failed");
  return util::to_hex(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf));
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_loopback(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // An IPv4 literal in 127.0.0.0/8 — not a name that merely starts with "127." (127.0.0.1.evil.example).
  in_addr a{};
  const std::string h(host);
  return inet_pton(AF_INET, h.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

Guard::Guard(std::string host, int port)
    : host_(std::move(host)), port_(port), token_(random_secret()), csrf_(random_secret()) {}

std::string Guard::origin() const {
  std::string h = host_;
  if (h == "0.0.0.0" || h.empty()) h = "127.0.0.1";
  if (h == "::") h = "::1";
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  return "http://" + h + ":" + std::to_string(port_);
}

std::string Guard::url() const { return origin() + "/?token=" + token_; }

std::optional<Refusal> Guard::check_host(std::string_view header) const {
  // Host: name[:port] or [v6]:port. The port must be ours; the name ours or a loopback name.
  std::string_view name = header, port;
  if (!header.empty() && header.front() == '[') {
    const auto close = header.find(']');
    if (close != std::string_view::npos) {
      name = header.substr(0, close + 1);
      if (close + 1 < header.size() && header[close + 1] == ':') port = header.substr(close + 2);
    }
  } else if (const auto colon = header.rfind(':'); colon != std::string_view::npos) {
    name = header.substr(0, colon);
    port = header.substr(colon + 1);
  }
  const bool port_ok = port == std::to_string(port_);
  std::string bare(name);
  if (bare.size() > 2 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
  const bool name_ok = is_loopback(bare) || (bare == host_ && host_ != "0.0.0.0" && host_ != "::");
  if (port_ok && name_ok) return std::nullopt;
  return Refusal{421, "studio.host",
                 "this request's Host header does not name the studio's address (DNS rebinding protection)"};
}

std::optional<std::string> Guard::exchange_token(std::string_view token) {
  std::lock_guard lock(mu_);
  if (token_used_ || !same_secret(token, token_)) return std::nullopt;
  token_used_ = true;
  session_ = random_secret();
  return session_;
}

bool Guard::authenticated(std::string_view cookie_header) const {
  const auto v = cookie_value(cookie_header, kSessionCookie);
  std::lock_guard lock(mu_);
  return v && !session_.empty() && same_secret(*v, session_);
}

std::optional<Refusal> Guard::check_state_change(std::string_view method, std::string_view origin_header,
                                                 std::string_view csrf_header) const {
  if (method == "GET" || method == "HEAD") return std::nullopt;
  if (origin_header != origin())
    return Refusal{403, "studio.origin", "a state-changing request must come from the studio's own page (Origin)"};
  if (!same_secret(csrf_header, csrf_))
    return Refusal{403, "studio.csrf", "missing or wrong CSRF token (X-CSRF-Token)"};
  return std::nullopt;
}

std::string Guard::session_cookie(std::string_view session) {
  return std::string(kSessionCookie) + "=" + std::string(session) + "; Path=/; HttpOnly; SameSite=Strict";
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace flash::studio
