// .env files: parsing (env_file.hpp) and loading into the process environment (config.hpp).
// Loading uses setenv(..., overwrite = 0), so a variable set by the shell, or by a file loaded
// earlier, always wins over a later file: the first definition in load order is the one in effect.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <map>

#include "flash/config/config.hpp"
#include "flash/config/env_file.hpp"
#include "flash/config/sql_files.hpp"
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

  std::vector<EnvEntry> parse() {
    while (pos_ < text_.size()) parse_line();
    if (!diags_.empty()) throw diag::Errors(std::move(diags_));
    return entries_;
  }

 private:
  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0;
  std::vector<EnvEntry> entries_;
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
    const std::size_t value_at = pos_;
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
    entries_.push_back(EnvEntry{key, std::move(value), value_at});
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

// A missing required file is reported with `missing` (located at the setting that named it).
void load_one(const fs::path& p, const std::optional<diag::Diagnostic>& missing,
              std::map<std::string, EnvOrigin>* origins) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    if (!missing) return;
    throw diag::Error(*missing);
  }
  const std::string text = util::read_file(p);
  const std::string shown = display_path(p);
  for (const auto& e : parse_env_entries(text, shown)) {
    if (std::getenv(e.key.c_str())) continue;  // the shell's (or an earlier file's) value wins
    ::setenv(e.key.c_str(), e.value.c_str(), /*overwrite=*/0);
    if (origins) {
      diag::Diagnostic at = diag::at_offset("", "", shown, text, e.value_offset, std::max<std::size_t>(1, e.value.size()));
      (*origins)[e.key] = EnvOrigin{at.location, at.source_line};
    }
  }
}

}  // namespace

std::vector<EnvEntry> parse_env_entries(std::string_view text, const std::string& file) {
  return EnvParser(text, file).parse();
}

std::vector<std::pair<std::string, std::string>> parse_env(std::string_view text,
                                                           const std::string& file) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& e : parse_env_entries(text, file)) out.emplace_back(std::move(e.key), std::move(e.value));
  return out;
}

void load_env_files(const Config& cfg, const std::optional<std::string>& env_name,
                    std::map<std::string, EnvOrigin>* origins) {
  if (env_name) {
    if (env_name->empty() || env_name->find('/') != std::string::npos)
      throw diag::Error("config.env", "invalid environment name `" + *env_name + "`",
                        diag::ExitCode::usage, "--env NAME loads .env.NAME, e.g. --env staging");
    const fs::path p = cfg.root / (".env." + *env_name);
    diag::Diagnostic d;
    d.code = "config.env";
    d.message = "env file `" + display_path(p) + "` not found";
    d.hint = "--env " + *env_name + " reads .env." + *env_name + " from the project root";
    load_one(p, d, origins);
  }
  if (!cfg.env_path.empty()) {
    const fs::path p = cfg.resolve(cfg.env_path);
    diag::Diagnostic d = value_diagnostic(cfg, "env_path", "config.env",
                                          "env file `" + display_path(p) + "` not found");
    d.hint = "env_path in " + cfg.file.filename().string() + " names this file";
    load_one(p, d, origins);
    return;
  }
  load_one(cfg.root / ".env", std::nullopt, origins);
  load_one(cfg.root / ".env.local", std::nullopt, origins);
}

}  // namespace flash::config
