#pragma once
// JSON with positions: nlohmann's SAX parser over an input that counts the bytes read, so that
// every value and every object key is located (byte offset → file:line:col) for diagnostics about
// the JSON files of a MongoDB project (collections, migrations). Strict JSON (RFC 8259): no
// comments, no trailing commas; a duplicate key is an error at its second occurrence.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"

namespace flash::mongo {

using Json = nlohmann::ordered_json;

struct LocatedJson {
  Json value;
  std::string file;  // as given, for diagnostics
  std::string text;  // the file's bytes
  // JSON pointer ("" = the root, "/indexes/0/key") → byte offset of the value's first character.
  std::unordered_map<std::string, std::size_t> value_at;
  // JSON pointer of an object member → byte offset of its key's opening quote.
  std::unordered_map<std::string, std::size_t> key_at;

  // A diagnostic at the value (or, with `at_key`, the member's key) that `pointer` names; at the
  // nearest located ancestor when the pointer itself was not recorded.
  diag::Diagnostic at(const std::string& pointer, std::string code, std::string message,
                      bool at_key = false) const;
};

// Parses `text`. A syntax error throws diag::Error "json.syntax" located at the offending byte.
LocatedJson parse_located_json(std::string file, std::string text);

// "/a/b~1c" from a parent pointer and a key or index (RFC 6901 escaping).
std::string child_pointer(const std::string& parent, std::string_view key);
std::string child_pointer(const std::string& parent, std::size_t index);

}  // namespace flash::mongo
