// .env files: parsing (env_file.hpp) and loading into the process environment (config.hpp).
// Loading uses setenv(..., overwrite = 0), so a variable set by the shell, or by a file loaded
// earlier, always wins over a later file: the first definition in load order is the one in effect.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "flash/config/config.hpp"
#include "flash/config/env_file.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/util/text.hpp"

namespace flash::config {
namespace fs = std::filesystem;

namespace {

bool key_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

class EnvParser {
 public:
  EnvParser(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  std::vector<std::pair<std::string, std::string>> parse() {
    while (pos_ < text_.size()) parse_line();
    if (!diags_.empty()) throw diag::Errors(std::move(diags_));
    return entries_;
  }

 private:
  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0;
  std::vector<std::pair<std::string, std::string>> entries_;
  std::map<std::string, std::string> known_;
  diag::Diagnostics diags_;

  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void skip_to_next_line() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    if (pos_ < text_.size()) ++pos_;
  }
  void error(std::size_t offset, std::string message, std::string hint, std::size_t length = 1) {
    auto d = diag::at_offset("config.env", std::move(message), file_, text_, offset, length);
    d.hint = std::move(hint);
    diags_.push_back(std::move(d));
  }

  void parse_line() {
    skip_blanks();
    if (pos_ >= text_.size()) return;
    const char c = peek();
    if (c == '\n' || c == '\r' || c == '#') return skip_to_next_line();

    if (text_.substr(pos_).starts_with("export") && (peek(6) == ' ' || peek(6) == '\t')) {
      pos_ += 6;
      skip_blanks();
    }
    const std::size_t key_begin = pos_;
    if (!key_start(peek())) {
      error(pos_, "expected a variable name", "lines look like KEY=value");
      return skip_to_next_line();
    }
    while (pos_ < text_.size() && key_char(text_[pos_])) ++pos_;
    const std::string key(text_.substr(key_begin, pos_ - key_begin));
    skip_blanks();
    if (peek() != '=') {
      error(pos_, "expected `=` after `" + key + "`", "lines look like " + key + "=value");
      return skip_to_next_line();
    }
    ++pos_;
    skip_blanks();

    std::string value;
    bool ok = true;
    if (peek() == '"') {
      ok = double_quoted(value);
    } else if (peek() == '\'') {
      ok = single_quoted(value);
    } else {
      value = unquoted();
    }
    if (!ok) return;
    // After a quoted value only a comment may follow.
    skip_blanks();
    if (pos_ < text_.size() && peek() != '\n' && peek() != '\r' && peek() != '#') {
      error(pos_, "unexpected text after the value of `" + key + "`",
            "quote the whole value, or start a comment with #");
      return skip_to_next_line();
    }
    skip_to_next_line();
    known_[key] = value;
    entries_.emplace_back(key, std::move(value));
  }

  std::string lookup(const std::string& name) const {
    if (auto it = known_.find(name); it != known_.end()) return it->second;
    if (const char* v = std::getenv(name.c_str())) return v;
    return {};
  }

  // Expands $NAME / ${NAME} at text_[pos_] (which is '$'); appends to out.
  void expand(std::string& out) {
    ++pos_;  // '$'
    if (peek() == '{') {
      const std::size_t close = text_.find('}', pos_);
      const std::size_t nl = text_.find('\n', pos_);
      if (close == std::string_view::npos || close > nl) {
        out += "${";
        ++pos_;
        return;
      }
      out += lookup(std::string(text_.substr(pos_ + 1, close - pos_ - 1)));
      pos_ = close + 1;
      return;
    }
    if (!key_start(peek())) {
      out += '$';
      return;
    }
    const std::size_t begin = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    out += lookup(std::string(text_.substr(begin, pos_ - begin)));
  }

  bool double_quoted(std::string& out) {
    const std::size_t open = pos_++;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\' && pos_ + 1 < text_.size()) {
        const char e = text_[pos_ + 1];
        switch (e) {
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case '\\': out += '\\'; break;
          case '"': out += '"'; break;
          case '$': out += '$'; break;
          default: out += '\\'; out += e; break;
        }
        pos_ += 2;
        continue;
      }
      if (c == '$') {
        expand(out);
        continue;
      }
      out += c;
      ++pos_;
    }
    error(open, "unterminated double-quoted value", "add the closing `\"`");
    return false;
  }

  bool single_quoted(std::string& out) {
    const std::size_t open = pos_++;
    const std::size_t close = text_.find('\'', pos_);
    if (close == std::string_view::npos) {
      error(open, "unterminated single-quoted value", "add the closing `'`");
      pos_ = text_.size();
      return false;
    }
    out = std::string(text_.substr(pos_, close - pos_));
    pos_ = close + 1;
    return true;
  }

  std::string unquoted() {
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n' || c == '\r') break;
      // "#" starts a comment only after whitespace, so URLs with fragments survive.
      if (c == '#' && (out.empty() || out.back() == ' ' || out.back() == '\t')) break;
      if (c == '$') {
        expand(out);
        continue;
      }
      out += c;
      ++pos_;
    }
    return std::string(util::trim(out));
  }
};

std::string display_path(const fs::path& p) {
  std::error_code ec;
  const fs::path rel = p.lexically_proximate(fs::current_path(ec));
  return ec ? p.string() : rel.string();
}

void load_one(const fs::path& p, bool required, const std::string& why) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    if (!required) return;
    throw diag::Error("config.env", "env file `" + display_path(p) + "` not found",
                      diag::ExitCode::error, why);
  }
  const std::string text = util::read_file(p);
  for (const auto& [key, value] : parse_env(text, display_path(p)))
    ::setenv(key.c_str(), value.c_str(), /*overwrite=*/0);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_env(std::string_view text,
                                                           const std::string& file) {
  return EnvParser(text, file).parse();
}

void load_env_files(const Config& cfg, const std::optional<std::string>& env_name) {
  if (env_name) {
    if (env_name->empty() || env_name->find('/') != std::string::npos)
      throw diag::Error("config.env", "invalid environment name `" + *env_name + "`",
                        diag::ExitCode::usage, "--env NAME loads .env.NAME, e.g. --env staging");
    load_one(cfg.root / (".env." + *env_name), true,
             "--env " + *env_name + " reads .env." + *env_name + " from the project root");
  }
  if (!cfg.env_path.empty()) {
    load_one(cfg.resolve(cfg.env_path), true,
             "env_path in " + cfg.file.filename().string() + " names this file");
    return;
  }
  load_one(cfg.root / ".env", false, "");
  load_one(cfg.root / ".env.local", false, "");
}

}  // namespace flash::config
