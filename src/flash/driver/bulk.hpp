#pragma once
// Which path a connection's bulk loads took, for reports (flash import --json: each table's
// "method"). Kept apart from driver::BulkLoader (connection.hpp), whose interface the loaders use.
#include <string_view>

#include "flash/driver/connection.hpp"

namespace flash::driver {

// Implemented by the connections that implement BulkLoader.
class BulkLoadMethod {
 public:
  virtual ~BulkLoadMethod() = default;
  // The path of the last bulk_load(): "copy" (PostgreSQL COPY FROM STDIN), "load_data"
  // (MySQL/MariaDB LOAD DATA LOCAL INFILE), "prepared_insert" (SQLite: one prepared INSERT bound
  // per row), "insert" (multi-row INSERTs: the MySQL/MariaDB server does not allow LOAD DATA
  // LOCAL, local_infile=OFF); MySQL: "" before the first load.
  virtual std::string_view last_bulk_method() const = 0;
};

// What the connection's loads use: the bulk loader's last method, "insert" for a connection
// without a bulk path (TableLoader's multi-row INSERTs).
inline std::string_view bulk_method(SqlConnection& c) {
  if (const auto* m = dynamic_cast<const BulkLoadMethod*>(&c)) return m->last_bulk_method();
  return bulk_loader(c) ? std::string_view() : std::string_view("insert");
}

}  // namespace flash::driver
