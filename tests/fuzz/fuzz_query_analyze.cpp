// The query analyser: an annotated query file (any bytes) analysed against a fixed schema of the
// dialect the first byte picks — read_query_file, parameter rewriting, parsing, name resolution,
// type and nullability inference, diagnostics.
#include <array>

#include "flash/query/analyze.hpp"
#include "flash/sql/ddl.hpp"
#include "fuzz_common.hpp"

namespace {

// One small schema per dialect with the shapes queries meet: keys, nullable and not-null columns,
// an enum (PostgreSQL), a join target and a view.
const char* const kSchemas[3] = {
    R"sql(CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE authors (id bigserial PRIMARY KEY, name text NOT NULL, bio text, feeling mood, tags text[] NOT NULL DEFAULT '{}', meta jsonb, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE books (id serial PRIMARY KEY, author_id bigint NOT NULL REFERENCES authors(id), title varchar(200) NOT NULL, price numeric(10,2), published date);
CREATE VIEW author_names AS SELECT id, name FROM authors;)sql",
    R"sql(CREATE TABLE authors (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL, bio text, status enum('active','gone') NOT NULL, meta json, created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE books (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, author_id bigint NOT NULL, title varchar(200) NOT NULL, price decimal(10,2), published date, FOREIGN KEY (author_id) REFERENCES authors (id));
CREATE VIEW author_names AS SELECT id, name FROM authors;)sql",
    R"sql(CREATE TABLE authors (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, bio TEXT, score REAL, data BLOB, created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT NOT NULL, price NUMERIC, published DATE);
CREATE VIEW author_names AS SELECT id, name FROM authors;)sql",
};

const flash::schema::Schema& schema_for(flash::schema::Dialect d) {
  static const std::array<flash::schema::Schema, 3> schemas = [] {
    std::array<flash::schema::Schema, 3> out;
    for (int i = 0; i < 3; ++i) {
      flash::diag::Diagnostics diags;
      const auto d = flash::fuzz::dialect_of(static_cast<std::uint8_t>(i));
      out[i] = flash::sql::parse_schema({{"schema.sql", kSchemas[i]}}, d, diags);
      if (flash::diag::has_errors(diags)) __builtin_trap();  // the fixed schema must parse
    }
    return out;
  }();
  return schemas[static_cast<std::size_t>(d)];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto d = flash::fuzz::dialect_of(data[0]);
  const flash::sql::SourceFile file{"query.sql", std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  flash::fuzz::guarded([&] {
    flash::diag::Diagnostics diags;
    (void)flash::query::analyze_queries(schema_for(d), {file}, diags);
    flash::fuzz::render(diags);
  });
  return 0;
}
