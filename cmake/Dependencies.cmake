# Every third-party dependency comes from a Debian -dev package; nothing is downloaded at build time.
find_package(PkgConfig REQUIRED)
find_package(fmt REQUIRED)                      # formatting
find_package(nlohmann_json 3.10 REQUIRED)       # --json output, model as JSON, libpg_query parse trees
find_package(CLI11 REQUIRED)                    # command line
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)   # flash.toml
find_package(SQLite3 REQUIRED)                  # SQLite driver, in-memory verification
find_package(PostgreSQL REQUIRED)               # libpq: PostgreSQL driver
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)    # MariaDB Connector/C: MySQL driver
pkg_check_modules(MONGOC REQUIRED IMPORTED_TARGET libmongoc-1.0)  # libmongoc/libbson: MongoDB driver
find_library(PG_QUERY_LIB pg_query REQUIRED)    # libpg_query: PostgreSQL's own parser
find_path(PG_QUERY_INCLUDE pg_query.h REQUIRED)
add_library(pg_query::pg_query STATIC IMPORTED)
set_target_properties(pg_query::pg_query PROPERTIES IMPORTED_LOCATION ${PG_QUERY_LIB}
  INTERFACE_INCLUDE_DIRECTORIES ${PG_QUERY_INCLUDE})
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)                  # SHA-256 migration checksums, Flash Studio's secrets
find_package(LibArchive REQUIRED)               # flash plugins add: reading a part's .tar.gz / .zip
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # Flash Studio's HTTP server
if(FLASH_BUILD_TESTS)
  find_package(GTest REQUIRED)                  # unit and integration tests
endif()
