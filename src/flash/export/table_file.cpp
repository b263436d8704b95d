// One uploaded table file read into exchange rows and loaded (table_file.hpp).
#include "flash/export/table_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "flash/export/format.hpp"
#include "flash/export/ingest.hpp"
#include "flash/export/loader.hpp"
#include "flash/util/text.hpp"

namespace flash::exporter {

using nlohmann::json;
using schema::TypeCategory;

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kSourceLineMax = 200;  // of a located message's source line

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t after_bom(std::string_view text) { return text.substr(0, kBom.size()) == kBom ? kBom.size() : 0; }

// ---- values --------------------------------------------------------------------------------------

using Problem = std::optional<std::string>;

// [+-]digits[.digits][e[+-]digits] with at least one digit before the exponent.
bool is_number_text(std::string_view s) {
  std::size_t i = 0, digits = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

bool is_special_float(std::string_view s) {
  return s == "NaN" || s == "Infinity" || s == "-Infinity" || s == "inf" || s == "-inf";
}

Problem int_value(std::string_view text, TypeCategory c, json& out) {
  std::string_view s = util::trim(text);
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  const bool whole = !s.empty() && r.ptr == s.data() + s.size();
  if (r.ec == std::errc::result_out_of_range && whole) return "out of range for a 64-bit integer";
  if (r.ec != std::errc() || !whole) return "not a whole number";
  const std::int64_t lo = c == TypeCategory::int16 ? -32768 : c == TypeCategory::int32 ? std::numeric_limits<std::int32_t>::min()
                                                                                     : std::numeric_limits<std::int64_t>::min();
  const std::int64_t hi = c == TypeCategory::int16 ? 32767 : c == TypeCategory::int32 ? std::numeric_limits<std::int32_t>::max()
                                                                                    : std::numeric_limits<std::int64_t>::max();
  if (v < lo || v > hi)
    return std::string("out of range for a ") + (c == TypeCategory::int16 ? "16" : "32") + "-bit integer";
  out = v;
  return std::nullopt;
}

Problem decimal_value(std::string_view text, json& out) {
  const std::string_view s = util::trim(text);
  if (!is_number_text(s) && s != "NaN" && s != "Infinity" && s != "-Infinity") return "not a number";
  out = std::string(s);  // the digits as written: exact
  return std::nullopt;
}

Problem float_value(std::string_view text, json& out) {
  const std::string_view s = util::trim(text);
  if (is_special_float(s)) {
    out = s == "NaN" ? "NaN" : s[0] == '-' ? "-Infinity" : "Infinity";
    return std::nullopt;
  }
  if (!is_number_text(s)) return "not a number";
  double d = 0;
  const std::string_view digits = s[0] == '+' ? s.substr(1) : s;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), d);
  if (r.ec == std::errc::result_out_of_range) return "out of range for a floating-point number";
  if (r.ec != std::errc() || !std::isfinite(d)) return "not a number";
  out = d;
  return std::nullopt;
}

Problem bool_value(std::string_view text, json& out) {
  const std::string s = util::to_lower(util::trim(text));
  if (s == "true" || s == "t" || s == "1" || s == "yes" || s == "y" || s == "on") out = true;
  else if (s == "false" || s == "f" || s == "0" || s == "no" || s == "n" || s == "off") out = false;
  else return "not a boolean (true or false)";
  return std::nullopt;
}

// Bytes in the exchange form (base64) from base64 or \x-hex text.
Problem bytes_value(std::string_view s, json& out) {
  if (s.size() >= 2 && s[0] == '\\' && (s[1] == 'x' || s[1] == 'X')) {
    const auto b = util::from_hex(s.substr(2));
    if (!b) return "\\x is followed by an even number of hex digits";
    out = base64_encode(*b);
    return std::nullopt;
  }
  try {
    base64_decode(s);
  } catch (const std::invalid_argument&) {
    return "not bytes: base64, or \\x followed by hex digits";
  }
  out = std::string(s);
  return std::nullopt;
}

Problem enum_value(std::string_view s, const TargetColumn& col, json& out) {
  if (!col.enum_values.empty() && std::find(col.enum_values.begin(), col.enum_values.end(), s) == col.enum_values.end())
    return "not one of the enum's values (" + util::join(col.enum_values, ", ") + ")";
  out = std::string(s);
  return std::nullopt;
}

Problem null_value(const TargetColumn& col, json& out) {
  out = nullptr;
  if (col.required) return "NULL in a column that needs a value (NOT NULL without a default)";
  return std::nullopt;
}

// A value given as text (a CSV field, a JSON string): `text` is never NULL here.
Problem text_value(std::string_view text, const TargetColumn& col, json& out) {
  switch (col.category) {
    case TypeCategory::int16:
    case TypeCategory::int32:
    case TypeCategory::int64: return int_value(text, col.category, out);
    case TypeCategory::decimal: return decimal_value(text, out);
    case TypeCategory::float32:
    case TypeCategory::float64: return float_value(text, out);
    case TypeCategory::boolean: return bool_value(text, out);
    case TypeCategory::bytes: return bytes_value(text, out);
    case TypeCategory::json:
      // As written: key order, equal keys and numbers kept (json_text_cell).
      if (auto cell = json_text_cell(text)) {
        out = std::move(*cell);
        return std::nullopt;
      }
      return "not valid JSON";
    case TypeCategory::enum_: return enum_value(text, col, out);
    default:
      out = std::string(text);
      return std::nullopt;
  }
}

Problem csv_value(const std::string& text, bool quoted, const TargetColumn& col, json& out) {
  if (!quoted && text.empty()) return null_value(col, out);
  return text_value(text, col, out);
}

// A JSON value `v` whose text in the file is `raw` (numbers keep their written digits).
Problem json_value(const json& v, std::string_view raw, const TargetColumn& col, json& out) {
  if (v.is_null()) return null_value(col, out);
  if (col.category == TypeCategory::json) {
    out = loader_cell(v, col.category, raw);  // as written (the value was parsed from it)
    return std::nullopt;
  }
  if (v.is_object()) {
    if (col.category == TypeCategory::bytes && v.size() == 1 && v.contains("$hex") && v["$hex"].is_string()) {
      const auto b = util::from_hex(v["$hex"].get_ref<const std::string&>());
      if (!b) return "$hex is an even number of hex digits";
      out = base64_encode(*b);
      return std::nullopt;
    }
    return col.category == TypeCategory::bytes ? "bytes are a string (base64 or \\x-hex) or {\"$hex\": \"…\"}"
                                                : "an object is a value of a JSON column only";
  }
  if (v.is_array()) return "an array is a value of a JSON column only";
  if (v.is_string()) return text_value(v.get_ref<const std::string&>(), col, out);
  if (v.is_boolean()) return text_value(v.get<bool>() ? "true" : "false", col, out);
  if (col.category == TypeCategory::bytes) return "bytes are a string (base64 or \\x-hex) or {\"$hex\": \"…\"}";
  return text_value(raw, col, out);  // a number, as written
}

}  // namespace

// ---- formats and columns -----------------------------------------------------------------------

std::optional<TableFileFormat> table_file_format(std::string_view name) {
  const std::string l = util::to_lower(name);
  if (l == "csv") return TableFileFormat::csv;
  if (l == "json") return TableFileFormat::json;
  return std::nullopt;
}

TableFileFormat detect_table_file_format(std::string_view bytes) {
  std::size_t i = after_bom(bytes);
  while (i < bytes.size() && blank(bytes[i])) ++i;
  return i < bytes.size() && bytes[i] == '[' ? TableFileFormat::json : TableFileFormat::csv;
}

std::vector<TargetColumn> target_columns(const schema::Table& t, const schema::Schema& s) {
  std::vector<TargetColumn> out;
  for (const auto& c : t.columns) {
    TargetColumn x;
    x.name = c.name;
    x.category = c.type.array_dims > 0 ? TypeCategory::text : schema::category(c.type, s.dialect, &s);
    x.generated = c.generated != schema::GeneratedKind::none;
    x.required = !c.nullable && !c.implied_not_null && !c.default_expr && !c.auto_increment &&
                 c.identity == schema::Identity::none && !x.generated;
    if (x.category == TypeCategory::enum_) {
      if (!c.type.values.empty()) x.enum_values = c.type.values;
      else if (const auto* e = s.find_enum(c.type.name, c.type.schema)) x.enum_values = e->values;
    }
    out.push_back(std::move(x));
  }
  return out;
}

TableFileError::TableFileError(diag::Diagnostic d, std::string column, std::int64_t row)
    : diag::Error(std::move(d)), column_(std::move(column)), row_(row) {}

// ---- the reader --------------------------------------------------------------------------------

struct TableFile::Impl {
  std::string name;
  std::string_view text;
  TableFileFormat format;
  std::vector<TargetColumn> table;
  std::size_t pos = 0;
  std::int64_t line = 1;

  std::vector<std::string> columns, unknown, ignored, missing;
  std::vector<TypeCategory> cats;
  std::vector<FileProblem> header_problems;
  // Per name of the file (CSV header field, key of the first JSON object): the table column it
  // names and its place in a row's values, or -1 (unknown, generated, named twice).
  std::vector<std::string> names;
  std::vector<int> name_col, name_out;
  std::unordered_map<std::string, std::size_t> name_index;

  struct Member {
    std::string key;
    std::size_t start, end;
    std::int64_t line;
  };
  std::vector<Member> members;  // the JSON object being read
  bool json_done = false;
  bool have_first = false;  // the first JSON object was read to find the columns; next() returns it
  FileRow first;

  [[noreturn]] void fail(std::size_t offset, const std::string& message, std::string hint) const {
    auto d = diag::at_offset("import.format", message, name, text, std::min(offset, text.size()));
    if (d.source_line.size() > kSourceLineMax) d.source_line.resize(kSourceLineMax);
    d.hint = std::move(hint);
    d.exit_code = diag::ExitCode::usage;
    throw TableFileError(std::move(d), "", 0);
  }

  // Matches the file's names with the table's columns.
  void match(std::vector<std::string> file_names, std::int64_t at) {
    names = std::move(file_names);
    std::vector<std::string> all;
    for (const auto& c : table) all.push_back(c.name);
    std::vector<bool> seen(table.size(), false);
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& n = names[i];
      int col = -1, out = -1;
      const auto it = std::find_if(table.begin(), table.end(), [&](const TargetColumn& c) { return c.name == n; });
      if (n.empty()) {
        header_problems.push_back({at, "", "name number " + std::to_string(i + 1) + " of the file is empty"});
      } else if (it == table.end()) {
        unknown.push_back(n);
        const auto guess = diag::did_you_mean(n, all);
        header_problems.push_back({at, n, "the table has no column " + n + (guess ? " (" + *guess + ")" : "")});
      } else if (seen[static_cast<std::size_t>(it - table.begin())]) {
        header_problems.push_back({at, n, "column " + n + " is named twice"});
      } else {
        col = static_cast<int>(it - table.begin());
        seen[static_cast<std::size_t>(col)] = true;
        if (it->generated) {
          ignored.push_back(n);
          col = -1;
        } else {
          out = static_cast<int>(columns.size());
          columns.push_back(n);
          cats.push_back(it->category);
        }
      }
      name_col.push_back(col);
      name_out.push_back(out);
      name_index.emplace(n, i);
    }
    for (std::size_t j = 0; j < table.size(); ++j) {
      if (seen[j] || table[j].generated) continue;
      missing.push_back(table[j].name);
      if (table[j].required)
        header_problems.push_back({at, table[j].name,
                                   "the file has no column " + table[j].name +
                                       ", which needs a value (NOT NULL without a default)"});
    }
  }

  // ---- CSV: the import's own RFC 4180 reader (ingest.hpp) over the uploaded text ----
  std::unique_ptr<CsvRecordReader> csv;  // over text after the byte-order mark (pos when it starts)
  std::size_t csv_base = 0;               // the reader's offset 0 in text

  bool read_record() {
    try {
      return csv->next();
    } catch (const diag::Error&) {
      fail(csv_base + csv->quote_offset(), "a quoted field is not closed",
           "a field that starts with \" ends with \"; a quote inside it is written \"\"");
    }
  }

  void csv_header() {
    csv_base = pos;
    csv = std::make_unique<CsvRecordReader>(text.substr(pos));
    if (!read_record()) fail(0, "the file is empty", "a CSV file starts with a header row of column names");
    std::vector<std::string> header;
    for (const auto& f : csv->fields()) header.emplace_back(f.text);
    match(std::move(header), csv->line());
  }

  bool csv_next(FileRow& row) {
    for (;;) {
      if (!read_record()) return false;
      const auto& fields = csv->fields();
      const std::int64_t at = csv->line();
      if (fields.size() == 1 && fields[0].text.empty() && !fields[0].quoted && names.size() != 1) continue;  // blank line
      if (fields.size() != names.size())
        fail(csv_base + csv->offset(), "this record has " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(names.size()),
             "every row has one field per header name (a field with a comma or a line break is quoted)");
      row.line = at;
      row.values.assign(columns.size(), nullptr);
      row.problems.clear();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (name_out[i] < 0) continue;
        const auto& col = table[static_cast<std::size_t>(name_col[i])];
        if (auto p = csv_value(std::string(fields[i].text), fields[i].quoted, col, row.values[static_cast<std::size_t>(name_out[i])])) {
          row.problems.push_back({at, col.name, *p});
          row.values[static_cast<std::size_t>(name_out[i])] = nullptr;
        }
      }
      return true;
    }
  }

  // ---- JSON ----

  void ws() {
    while (pos < text.size() && blank(text[pos])) {
      if (text[pos] == '\n') ++line;
      ++pos;
    }
  }
  void skip_string() {  // at the opening quote
    const std::size_t open = pos++;
    while (pos < text.size()) {
      const char d = text[pos++];
      if (d == '\\') {
        if (pos < text.size()) ++pos;
      } else if (d == '"') {
        return;
      } else if (d == '\n') {
        ++line;  // not valid JSON: the parser says so
      }
    }
    fail(open, "a string is not closed", "the file is not valid JSON");
  }
  // Skips one value from `pos` (brackets balanced, strings skipped; json::parse validates the
  // text later); returns where it starts.
  std::size_t skip_value() {
    const std::size_t start = pos;
    if (pos >= text.size()) fail(pos, "the file ends where a value was expected", "the file is not valid JSON");
    const char c = text[pos];
    if (c == '"') {
      skip_string();
      return start;
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      while (pos < text.size()) {
        const char d = text[pos];
        if (d == '"') {
          skip_string();
          continue;
        }
        ++pos;
        if (d == '\n') ++line;
        else if (d == '{' || d == '[') ++depth;
        else if ((d == '}' || d == ']') && --depth == 0) return start;
      }
      fail(start, "this value is not closed", "the file is not valid JSON");
    }
    while (pos < text.size() && !blank(text[pos]) && text[pos] != ',' && text[pos] != ']' && text[pos] != '}') ++pos;
    if (pos == start) fail(start, "a value was expected here", "the file is not valid JSON");
    return start;
  }
  json parse_at(std::size_t start, std::size_t end) const {
    try {
      return json::parse(text.substr(start, end - start));
    } catch (const json::parse_error& e) {
      fail(start + (e.byte > 0 ? e.byte - 1 : 0), "not valid JSON: " + json_message(e), "the file is not valid JSON");
    } catch (const json::exception& e) {
      fail(start, "not valid JSON: " + json_message(e), "the file is not valid JSON");
    }
  }
  void expect(char c, const std::string& what) {
    ws();
    if (pos >= text.size() || text[pos] != c)
      fail(pos, "expected " + what, "an import file in JSON is an array of objects: [{\"column\": value}, ...]");
    ++pos;
  }
  // One object {"key": value, ...} from `pos`: its members' keys and value spans.
  void read_object() {
    members.clear();
    expect('{', "an object {\"column\": value, ...}");
    ws();
    if (pos < text.size() && text[pos] == '}') {
      ++pos;
      return;
    }
    for (;;) {
      ws();
      if (pos >= text.size() || text[pos] != '"') fail(pos, "expected a key (a column name in quotes)", "the file is not valid JSON");
      const std::size_t ks = pos;
      skip_string();
      const json key = parse_at(ks, pos);
      expect(':', "':' after the key");
      ws();
      const std::int64_t at = line;
      const std::size_t start = skip_value();
      members.push_back({key.get<std::string>(), start, pos, at});
      ws();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      expect('}', "',' or '}'");
      return;
    }
  }
  void json_row(FileRow& row) {
    ws();
    const std::int64_t at = line;
    read_object();
    row.line = at;
    row.values.assign(columns.size(), nullptr);
    row.problems.clear();
    std::vector<bool> got(names.size(), false);
    for (const auto& m : members) {
      const auto it = name_index.find(m.key);
      if (it == name_index.end()) {
        row.problems.push_back({m.line, m.key, "key " + m.key + " is not one of the first object's keys (the file's columns)"});
        continue;
      }
      if (got[it->second]) {
        row.problems.push_back({m.line, m.key, "key " + m.key + " is given twice"});
        continue;
      }
      got[it->second] = true;
      const int out = name_out[it->second];
      if (out < 0) continue;
      const auto& col = table[static_cast<std::size_t>(name_col[it->second])];
      const json v = parse_at(m.start, m.end);
      auto& slot = row.values[static_cast<std::size_t>(out)];
      if (auto p = json_value(v, text.substr(m.start, m.end - m.start), col, slot)) {
        row.problems.push_back({m.line, col.name, *p});
        slot = nullptr;
      }
    }
    for (std::size_t i = 0; i < names.size(); ++i)
      if (!got[i])
        row.problems.push_back({at, names[i], "this object lacks key " + names[i] +
                                                  " (every object has the first object's keys; null for NULL)"});
  }
  void json_start() {
    ws();
    expect('[', "'[': an import file in JSON is an array of objects");
    ws();
    if (pos < text.size() && text[pos] == ']') {
      ++pos;
      json_end();
      return;
    }
    // The first object names the columns.
    const std::size_t save_pos = pos;
    const std::int64_t save_line = line;
    ws();
    const std::int64_t at = line;
    read_object();
    std::vector<std::string> keys;
    for (const auto& m : members) {
      if (std::find(keys.begin(), keys.end(), m.key) != keys.end()) continue;  // reported as "given twice" below
      keys.push_back(m.key);
    }
    match(std::move(keys), at);
    pos = save_pos;
    line = save_line;
    json_row(first);
    have_first = true;
  }
  void json_end() {
    ws();
    if (pos < text.size()) fail(pos, "text after the array's closing ]", "an import file in JSON is one array");
    json_done = true;
  }
  bool json_next(FileRow& row) {
    if (have_first) {
      have_first = false;
      row = std::move(first);
      return true;
    }
    if (json_done) return false;
    ws();
    if (pos < text.size() && text[pos] == ']') {
      ++pos;
      json_end();
      return false;
    }
    expect(',', "',' or ']' after an object of the array");
    json_row(row);
    return true;
  }
};

TableFile::TableFile(std::string name, std::string_view bytes, TableFileFormat format, std::vector<TargetColumn> table)
    : impl_(std::make_unique<Impl>()) {
  impl_->name = std::move(name);
  impl_->text = bytes;
  impl_->format = format;
  impl_->table = std::move(table);
  impl_->pos = after_bom(bytes);
  if (format == TableFileFormat::csv) impl_->csv_header();
  else impl_->json_start();
}
TableFile::~TableFile() = default;

TableFileFormat TableFile::format() const { return impl_->format; }
const std::string& TableFile::name() const { return impl_->name; }
const std::vector<std::string>& TableFile::columns() const { return impl_->columns; }
const std::vector<TypeCategory>& TableFile::categories() const { return impl_->cats; }
const std::vector<std::string>& TableFile::unknown() const { return impl_->unknown; }
const std::vector<std::string>& TableFile::ignored() const { return impl_->ignored; }
const std::vector<std::string>& TableFile::missing() const { return impl_->missing; }
const std::vector<FileProblem>& TableFile::header_problems() const { return impl_->header_problems; }

bool TableFile::next(FileRow& row) {
  return impl_->format == TableFileFormat::csv ? impl_->csv_next(row) : impl_->json_next(row);
}

// ---- loading ---------------------------------------------------------------------------------------

namespace {

[[noreturn]] void row_error(const std::string& file, std::int64_t line, const std::string& column, std::int64_t row,
                            const std::string& message, std::string hint) {
  diag::Diagnostic d;
  d.code = "import.row";
  d.message = (column.empty() ? "" : "column " + column + ": ") + message;
  d.location.file = file;
  d.location.line = static_cast<int>(line);
  d.hint = std::move(hint);
  throw TableFileError(std::move(d), column, row);
}

// TableLoader's "import.row" message: "table `t` row N: …" or "table `t` row N, column `c`: …".
// Returns N (0 when the message has no row), the column and the rest.
std::int64_t loader_row(const std::string& m, std::string& column, std::string& rest) {
  const auto at = m.find("` row ");
  if (at == std::string::npos) return 0;
  std::size_t i = at + 6;
  std::int64_t n = 0;
  const auto r = std::from_chars(m.data() + i, m.data() + m.size(), n);
  if (r.ec != std::errc()) return 0;
  i = static_cast<std::size_t>(r.ptr - m.data());
  if (m.compare(i, 10, ", column `") == 0) {
    const auto close = m.find('`', i + 10);
    if (close == std::string::npos) return 0;
    column = m.substr(i + 10, close - i - 10);
    i = close + 1;
  }
  if (m.compare(i, 2, ": ") != 0) return 0;
  rest = m.substr(i + 2);
  return n;
}

// The one column of `cols` the database's message names in quotes ("c", 'c', `c`), or "".
std::string named_column(std::string_view msg, const std::vector<std::string>& cols) {
  std::string found;
  int n = 0;
  for (const auto& c : cols)
    for (const char q : {'"', '\'', '`'})
      if (msg.find(q + c + q) != std::string_view::npos) {
        found = c;
        ++n;
        break;
      }
  return n == 1 ? found : "";
}

}  // namespace

std::int64_t load_table_file(driver::SqlConnection& conn, const std::string& schema_name, const std::string& table,
                             TableFile& file) {
  const std::string hint = "nothing was imported: fix the file and import it again";
  if (!file.header_problems().empty()) {
    const auto& p = file.header_problems().front();
    const std::size_t more = file.header_problems().size() - 1;
    row_error(file.name(), p.line, p.column, 0,
              p.message + (more ? " (and " + std::to_string(more) + " more problem" + (more > 1 ? "s" : "") + ")" : ""), hint);
  }
  FileRow row;
  if (file.columns().empty()) {
    if (file.next(row)) row_error(file.name(), row.line, "", 1, "the file gives no column of table " + table, hint);
    return 0;
  }
  std::vector<std::int64_t> lines;  // of each row given to the loader
  TableLoader loader(conn, schema_name, table, file.columns(), file.categories());
  try {
    while (file.next(row)) {
      lines.push_back(row.line);
      if (!row.problems.empty()) {
        const auto& p = row.problems.front();
        row_error(file.name(), p.line, p.column, static_cast<std::int64_t>(lines.size()), p.message, hint);
      }
      loader.add(row.values);
    }
    return loader.commit();
  } catch (const TableFileError&) {
    throw;
  } catch (const diag::Error& e) {
    // The loader names the row by its number: located here at its line of the file.
    if (e.diagnostic().code != "import.row") throw;
    std::string column, rest;
    const std::int64_t n = loader_row(e.diagnostic().message, column, rest);
    if (n < 1 || n > static_cast<std::int64_t>(lines.size())) throw;
    if (column.empty()) column = named_column(rest, file.columns());
    row_error(file.name(), lines[static_cast<std::size_t>(n - 1)], column, n, rest, hint);
  }
}

}  // namespace flash::exporter
