#pragma once
// Flash Studio's schema editor, the file side: one edit of the schema model (add a column, a
// foreign key, a table, ...) made as a change of the schema files' text that keeps every other
// statement, comment and blank line as the user wrote them. Only the text of the statement the
// edit is about changes (found through the SQL front end's source positions: the object's
// location, the splitter's statement offsets and the lexer's tokens), or a new statement is added
// beside the statements of its table.
//
// What is written comes from the model, never from request text: a column's type and default, and
// a CHECK expression, are parsed as a one-table statement first (one statement, one table, nothing
// else, or the edit is refused) and printed back by the schema printer; names are validated as
// plain identifiers and quoted by the dialect's one quoting function.
//
// Every edit is verified before it is offered: the edited files are parsed again and must give
// exactly the expected model (the old model with the edit applied, compared with the differ),
// otherwise the edit is refused (studio.edit) and no file changes.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/schema/model.hpp"
#include "flash/sql/source.hpp"

namespace flash::studio {

struct EditedFiles {
  std::vector<sql::SourceFile> files;  // every schema file, edited or not, in the given order
  std::vector<std::size_t> changed;    // indexes of the files whose text changed
  schema::Schema expected;             // the model they parse to
  std::string summary;                 // "add column users.email"
};

// Applies the edit `e` (the JSON of POST /api/schema/preview: {"op": "add_column", "table": ...},
// README "Flash Studio") to `files`, whose model is `model`. New tables go to the file of the first
// table they reference, else to the file with the most tables (the first file on a tie); a new
// file "schema.sql" when there is none. Throws ApiError (400 studio.edit / studio.table /
// studio.column / studio.name) when the edit names what is not there or cannot be made as text.
EditedFiles edit_schema_files(const std::vector<sql::SourceFile>& files, const schema::Schema& model,
                              const nlohmann::json& e, const std::string& new_file_path);

// A name a user gives a new object: letters, digits, _ and $, not starting with a digit, 1..63 bytes.
bool valid_new_name(std::string_view name);

}  // namespace flash::studio
