// The located JSON parser: a DOM built by SAX events, each event's start found from the bytes the
// lexer has consumed. nlohmann's lexer reads a token and at most one byte past it (a number's end):
// when an event fires, everything up to the token's end (or one byte more) has been read; the
// token itself starts at the first byte after the previous event's position that is neither
// whitespace nor a ',' or ':' separator.
#include "flash/mongo/json.hpp"

#include "flash/diag/position.hpp"

#include <iterator>
#include <optional>
#include <vector>

namespace flash::mongo {
namespace {

// A forward iterator over the text that records how far it has been advanced.
struct CountingIterator {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* p = nullptr;
  const char* base = nullptr;
  std::size_t* consumed = nullptr;

  reference operator*() const { return *p; }
  CountingIterator& operator++() {
    ++p;
    if (consumed != nullptr) *consumed = static_cast<std::size_t>(p - base);
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const CountingIterator& a, const CountingIterator& b) { return a.p == b.p; }
  friend bool operator!=(const CountingIterator& a, const CountingIterator& b) { return a.p != b.p; }
};

class Builder : public nlohmann::json_sax<Json> {
 public:
  Builder(LocatedJson& out, const std::size_t& consumed) : out_(out), consumed_(consumed) {}

  bool null() override { return add(Json(nullptr)); }
  bool boolean(bool v) override { return add(Json(v)); }
  bool number_integer(number_integer_t v) override { return add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(Json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return add(Json(v)); }
  bool string(string_t& v) override { return add(Json(v)); }
  bool binary(binary_t&) override { return false; }  // not produced by the JSON lexer

  bool start_object(std::size_t) override { return open(Json::object()); }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    const std::size_t start = token_start();
    Frame& f = stack_.back();
    const std::string ptr = child_pointer(f.pointer, k);
    if (f.value->contains(k)) {
      error_ = diag::at_offset("json.duplicate-key", "duplicate key `" + k + "`", out_.file, out_.text,
                               start, k.size() + 2);
      error_->hint = "a key may appear once in an object; the first is at line " +
                     std::to_string(diag::line_col(out_.text, out_.key_at[ptr]).line);
      return false;
    }
    out_.key_at[ptr] = start;
    f.key = k;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    if (error_) return false;  // ours (duplicate key) came first
    // `position` is the count of bytes read, the offending one included.
    std::size_t at = position > 0 ? position - 1 : 0;
    if (at > out_.text.size()) at = out_.text.size();
    std::string msg = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing
    // value - invalid literal; last read: 'tru'" → the part after "syntax error while ".
    if (auto p = msg.find("syntax error while "); p != std::string::npos) msg = msg.substr(p + 19);
    error_ = diag::at_offset("json.syntax", "invalid JSON: " + msg, out_.file, out_.text, at);
    error_->hint = "the file must be strict JSON (no comments, no trailing commas)";
    return false;
  }

  std::optional<diag::Diagnostic> error_;

 private:
  struct Frame {
    Json* value;
    std::string pointer;
    std::string key;  // pending member name (objects)
  };

  std::size_t token_start() {
    std::size_t i = last_;
    const std::string& t = out_.text;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == ',' ||
                            t[i] == ':'))
      ++i;
    last_ = consumed_;
    return i;
  }

  // Places `v` in the current container; returns its address and pointer.
  std::pair<Json*, std::string> place(Json v) {
    const std::size_t start = token_start();
    if (stack_.empty()) {
      out_.value = std::move(v);
      out_.value_at[""] = start;
      return {&out_.value, ""};
    }
    Frame& f = stack_.back();
    if (f.value->is_array()) {
      const std::string ptr = child_pointer(f.pointer, f.value->size());
      f.value->push_back(std::move(v));
      out_.value_at[ptr] = start;
      return {&f.value->back(), ptr};
    }
    const std::string ptr = child_pointer(f.pointer, f.key);
    Json& slot = (*f.value)[f.key];
    slot = std::move(v);
    out_.value_at[ptr] = start;
    return {&slot, ptr};
  }

  bool add(Json v) {
    place(std::move(v));
    return true;
  }
  bool open(Json v) {
    auto [p, ptr] = place(std::move(v));
    stack_.push_back({p, ptr, ""});
    return true;
  }
  bool close() {
    stack_.pop_back();
    last_ = consumed_;
    return true;
  }

  LocatedJson& out_;
  const std::size_t& consumed_;
  std::size_t last_ = 0;
  std::vector<Frame> stack_;
};

std::string escape_token(std::string_view key) {
  std::string s;
  for (char c : key) {
    if (c == '~') s += "~0";
    else if (c == '/') s += "~1";
    else s += c;
  }
  return s;
}

}  // namespace

std::string child_pointer(const std::string& parent, std::string_view key) {
  return parent + "/" + escape_token(key);
}
std::string child_pointer(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

diag::Diagnostic LocatedJson::at(const std::string& pointer, std::string code, std::string message,
                                 bool at_key) const {
  std::string p = pointer;
  for (;;) {
    const auto& m = at_key ? key_at : value_at;
    if (auto it = m.find(p); it != m.end()) {
      std::size_t len = 1;
      // Underline a whole string or key token.
      if (it->second < text.size() && text[it->second] == '"') {
        std::size_t e = it->second + 1;
        while (e < text.size() && text[e] != '"' && text[e] != '\n') e += text[e] == '\\' ? 2 : 1;
        if (e < text.size() && text[e] == '"') len = e - it->second + 1;
      }
      return diag::at_offset(std::move(code), std::move(message), file, text, it->second, len);
    }
    if (p.empty()) break;
    at_key = false;
    p = p.substr(0, p.rfind('/'));
  }
  diag::Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.location.file = file;
  return d;
}

LocatedJson parse_located_json(std::string file, std::string text) {
  LocatedJson out;
  out.file = std::move(file);
  out.text = std::move(text);
  std::size_t consumed = 0;
  Builder b(out, consumed);
  const char* base = out.text.data();
  CountingIterator first{base, base, &consumed};
  CountingIterator last{base + out.text.size(), base, nullptr};
  const bool ok = Json::sax_parse(first, last, &b, nlohmann::json::input_format_t::json, true);
  if (!ok) {
    if (b.error_) throw diag::Error(std::move(*b.error_));
    throw diag::Error(diag::at_offset("json.syntax", "invalid JSON", out.file, out.text, consumed));
  }
  return out;
}

}  // namespace flash::mongo
