#pragma once
// Flash Studio's import of a table from a file (issue 12, page 6); server.cpp registers the routes
// with one call. The request body is the file itself (CSV or JSON, exporter::TableFile), up to
// ServeOptions::max_import bytes (larger: 413 studio.too_large), read before the connection lock
// is taken; the table is named in the query string:
//   POST /api/import/preview?schema=S&table=T&format=csv|json|auto&name=FILE
//        → the mapping of the file's names to the table's columns (unknown, missing, generated),
//          the first 20 rows as they would be written, the row count and every problem located at
//          its line and column (the first 100 listed); nothing written
//   POST /api/import/run?…   the same file loaded in one transaction through exporter::TableLoader
//        (load_table_file): {imported, ms}; a problem → 400 studio.import {line, column, row} and
//        the table unchanged
// Both are behind the guard's Origin + CSRF checks and refused with --read-only. Exporting a whole
// table is GET /api/export (tools.hpp) without filters: every row in key order, streamed.
#include "flash/studio/tools.hpp"

namespace flash::studio {

void add_transfer_routes(const ToolsHost& h);

// The paths whose bodies may reach ServeOptions::max_import (every other path: max_body).
bool is_upload_path(std::string_view path);

}  // namespace flash::studio
