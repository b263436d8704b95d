// The dialect → document driver table (one row: MongoDB).
#include "flash/driver/document.hpp"

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/mongodb/connection.hpp"

namespace flash::driver {

std::unique_ptr<DocumentConnection> connect_documents(const config::DatabaseUrl& url) {
  if (url.dialect == schema::Dialect::mongodb) return mongodb::connect(url);
  throw diag::Error("driver.unsupported",
                    "no document driver for " + std::string(schema::to_string(url.dialect)) + " (" +
                        url.redacted() + ")",
                    diag::ExitCode::error, std::string("document commands support mongodb:// databases"));
}

}  // namespace flash::driver
