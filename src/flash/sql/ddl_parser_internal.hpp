#pragma once
// Private to flash/sql: the single-token scanner shared by lex() and split_statements(), and the
// MySQL/SQLite DDL parser entry used by ddl.cpp. Not part of the public interface.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/model.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/sql/splitter.hpp"

namespace flash::sql::detail {

// The single-token scanner (public as sql::scan_token), under the name the parsers use.
using sql::Scanned;
using sql::scan_token;

// True for the characters that may continue an unquoted identifier (letters, digits, _, $ and
// any byte of a UTF-8 multi-byte sequence).
bool is_ident_char(char c);

// ---- MySQL CALL of a procedure the schema files define (mysql_call.cpp) ----------------------
enum class CallGuard { none, if_exists, if_not_exists };
// The DDL a call runs, in order; statements of a guarded block run only while their object
// exists (if_exists) / does not exist yet (if_not_exists).
struct CallEffect {
  struct Block {
    CallGuard guard = CallGuard::none;
    std::vector<std::string> statements;
  };
  std::vector<Block> blocks;
};
// The effect of `CREATE PROCEDURE ...` (its text as the model keeps it) called with literal
// `args`, or why its body is not of an interpretable shape.
std::variant<CallEffect, std::string> interpret_call(const std::string& create_procedure_sql,
                                                     const std::vector<std::string>& args);

// Why one statement did not apply to the model (the parser's diagnostic code and message).
struct ApplyFailure {
  std::string code, message, statement;
};
using ApplyStatementFn = std::function<std::optional<ApplyFailure>(const Statement&)>;
// Applies `call` (a CALL statement of `file`) to `m`: the DDL of the procedure it calls, each
// statement through `apply`, or, when the procedure is not interpretable, the CALL kept as a raw
// statement with a warning ("sql.call-kept"). A statement that fails outside a guard is an error
// located at the CALL.
void apply_mysql_call(schema::Schema& m, const SourceFile& file, const Statement& call, diag::Diagnostics& diags,
                      const ApplyStatementFn& apply);

}  // namespace flash::sql::detail
