#pragma once
// Shared pieces of export, import and seed: the schema model of a project, tables in foreign-key
// order, the model translated to another dialect, and the exchange form of values.
//
// The exchange form is what the export files hold for one value, independent of the engine it came
// from: a JSON scalar chosen by the column's schema::TypeCategory —
//   NULL → null; boolean → true/false; int16/int32 → number; int64 and decimal → string (exact);
//   float → number ("NaN"/"Infinity"/"-Infinity" as strings); bytes → base64 string;
//   json → the JSON value itself; timestamp/timestamptz → ISO-8601 "2024-01-02T03:04:05.5+00:00"
//   (sessions run in UTC, so zones are +00:00); everything else → the database's text form.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/config/config.hpp"
#include "flash/driver/connection.hpp"
#include "flash/schema/model.hpp"
#include "flash/schema/types.hpp"

namespace flash::exporter {

inline constexpr int kFormatVersion = 1;

// Parses the configured schema files (schema_dir: a directory of *.sql in name order, or one file)
// with the configured provider's parser. Throws diag::Errors on parse errors.
schema::Schema load_project_schema(const config::Config& cfg);

// Tables of the model, referenced tables before the tables that reference them (self references
// ignored; tables of a cycle keep declaration order after the rest).
std::vector<const schema::Table*> fk_order(const schema::Schema& s);

// The columns that hold data to copy: every column except generated ones.
std::vector<const schema::Column*> data_columns(const schema::Table& t);

// The model for `target`: the same schema when the dialect is the same, else tables only, with
// every column type mapped through its TypeCategory (exact storage: SQLite keeps decimals as TEXT,
// MySQL gets DATETIME(6), keyed text columns become VARCHAR(255)), NOT NULL, primary keys, unique
// constraints, foreign keys and auto-increment kept; defaults, checks and dialect options dropped.
schema::Schema convert_schema(const schema::Schema& s, schema::Dialect target);
// The type convert_schema gives column `c` of table `t` of `s` in `target`.
schema::TypeRef convert_column_type(const schema::Column& c, const schema::Table& t, const schema::Schema& s,
                                    schema::Dialect target);

// Value ↔ exchange form (see above). from_exchange gives a parameter the target engine accepts
// for a column of that category.
nlohmann::json to_exchange(const driver::Value& v, schema::TypeCategory c);
driver::Value from_exchange(const nlohmann::json& j, schema::TypeCategory c, schema::Dialect target);

// The exchange form written straight from a driver value, without a JSON object per value (the
// export writers' fast path). Each gives the same value as the composition in its comment:
//  * append_json_value: to_exchange(v, c) serialised (strings escaped, invalid UTF-8 replaced by
//    U+FFFD, doubles in shortest round-trip form). JSON columns are copied as the database wrote
//    them when the text is valid JSON (so whitespace, key order and big numbers are kept exactly),
//    and written as a string otherwise.
//  * append_csv_value: csv_field(to_exchange(v, c), c).
//  * to_target: from_exchange(to_exchange(v, c), c, target).
void append_json_value(std::string& out, const driver::Value& v, schema::TypeCategory c);
void append_csv_value(std::string& out, const driver::Value& v, schema::TypeCategory c);
driver::Value to_target(const driver::Value& v, schema::TypeCategory c, schema::Dialect target);
// A JSON string literal (quotes included), escaped as above.
void append_json_string(std::string& out, std::string_view s);
// Whether `text` is one valid JSON value (numbers of any size, as RFC 8259 allows); if so appends
// it as written, without the whitespace around it.
bool append_json_text(std::string& out, std::string_view text);
// A JSON column's value from its text in an exchange (a JSON export's element, a CSV field, a
// SQLite export's cell): that text (append_json_text) when it is one JSON value — whitespace, key
// order, duplicate keys and numbers as written, where a parse would sort the keys, keep one of two
// equal keys and round numbers to doubles — or SQL NULL for `null` when `null_is_sql` (a JSON
// export, where both are `null`; CSV and SQLite exports write SQL NULL apart); false when not JSON.
bool json_text_to_target(driver::Value& out, std::string_view text, bool null_is_sql = true);
// The same for a reference path's exchange row: a binary cell of subtype kJsonTextSubtype holding
// that text, which from_exchange gives the database as it stands; for `null` a JSON null (SQL NULL)
// when `null_is_sql`, else a cell of that text; nullopt when not JSON. Only import readers make
// such cells, for the loader (TableLoader::add).
inline constexpr std::uint8_t kJsonTextSubtype = 0x4A;
std::optional<nlohmann::json> json_text_cell(std::string_view text, bool null_is_sql = true);
// A reference path's cell for the loader: `exchange` (the cell as parsed from the file), or for a
// JSON column whose text in the file (`written`) is JSON, json_text_cell(written, null_is_sql).
nlohmann::json loader_cell(nlohmann::json exchange, schema::TypeCategory c, std::string_view written,
                           bool null_is_sql = true);

// CSV cells: NULL is an empty unquoted field, an empty string is "".
std::string csv_field(const nlohmann::json& exchange, schema::TypeCategory c);
nlohmann::json csv_to_exchange(const std::string& text, bool quoted, schema::TypeCategory c);

// A JSON library error as a sentence for users: without its "[json.exception.x.n]" tag and its own
// position (the caller locates the error in the file). Defined in export.cpp.
std::string json_message(const nlohmann::json::exception& e);

// The import fast path: exchange text straight to the value from_exchange gives, without a JSON
// value per cell. Each writes into `out`, reusing the string storage `out` already holds (a
// loader's row slots), and gives the same value as the composition in its comment:
//  * csv_to_target: from_exchange(csv_to_exchange(text, quoted, c), c, target). Throws what that
//    composition throws (std::invalid_argument for bad base64, json::exception for a JSON cell
//    with invalid UTF-8).
//  * token_to_target: from_exchange(j, c, target) for the JSON scalar j that one token of a JSON
//    document stands for: kind `string` with `text` the string's contents (already unescaped),
//    `number` with `text` the number as written, `literal` with "true", "false" or "null". Returns
//    false, leaving the work to the reference path, for what it does not take: numbers that are
//    not integers within int64 ("-0" included) outside float columns, and JSON columns.
enum class TokenKind { string, number, literal };
void csv_to_target(driver::Value& out, std::string_view text, bool quoted, schema::TypeCategory c,
                   schema::Dialect target);
bool token_to_target(driver::Value& out, TokenKind kind, std::string_view text, schema::TypeCategory c,
                     schema::Dialect target);
// Storage-reusing assignments for row slots.
void assign_text(driver::Value& out, std::string_view text);
// Whether `s` is valid UTF-8 (RFC 3629, as the JSON parser requires).
bool valid_utf8(std::string_view s);

// A value's text in a form equal across engines (booleans 0/1, decimals without trailing zeros,
// timestamps without zone and trailing fractional zeros, JSON re-serialised with sorted keys,
// bytes as hex); "\N" for NULL. For checksums and comparisons across engines.
std::string normalized_text(const driver::Value& v, schema::TypeCategory c);

std::string base64_encode(std::string_view bytes);
std::string base64_decode(std::string_view text);  // throws std::invalid_argument
void base64_decode_to(std::string& out, std::string_view text);  // the same into `out` (replaced)

// Session settings so that timestamps come out in UTC (PostgreSQL TimeZone, MySQL time_zone).
void prepare_session(driver::SqlConnection& conn);

// SELECT list / INSERT helpers in the connection's dialect.
std::string placeholder(schema::Dialect d, int index);  // $1 or ?

}  // namespace flash::exporter
