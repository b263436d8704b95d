#pragma once
// Flash Studio's HTTP server (cpp-httplib): the embedded web app, the JSON API (api.hpp) under
// /api/, and the request guard (security.hpp) in front of both. One database connection, used by
// one request at a time.
//
// Routes (all behind the Host check and the session cookie, except the token exchange):
//   GET  /?token=T            exchanges the URL's one-time token for the session cookie → 303 /
//   GET  / and /assets/...    the embedded bundle; anything else 404
//   GET  /api/session         {csrf, read_only, dialect, database}
//   GET  /api/tables          GET /api/rows?q={json}
//   POST /api/rows/update|insert|delete, POST /api/sql   (Origin + X-CSRF-Token; refused with --read-only)
//   /api/schema..., /api/migrations...: the schema editor and migrations pages (schema_edit.hpp)
//   POST /api/import/preview|run: a table from an uploaded file (transfer.hpp; bodies up to
//        max_import, every other request up to max_body)
//   GET /api/branches, POST /api/branches/switch: the branch switcher (branches.hpp)
// Every error is {"error": {"code", "message"}} with no stack trace, statement or connection URL.
// On a MongoDB database the same paths answer with collections and documents (documents.hpp).
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "flash/config/config.hpp"
#include "flash/driver/connection.hpp"
#include "flash/studio/api.hpp"
#include "flash/studio/schema_edit.hpp"
#include "flash/studio/security.hpp"

namespace flash::studio {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 5555;  // 0: any free port
  bool read_only = false;
  std::string database_label;  // shown in the UI: the database's name, never its URL
  std::size_t max_body = 1 << 20;  // bytes; larger requests get 413
  std::size_t max_import = std::size_t{64} << 20;  // bytes of one import upload (transfer.hpp); larger: 413
  int timeout_seconds = 30;        // socket read/write timeouts
  driver::Document declared;       // MongoDB: the project's collections (normalised JSON), or null
  EditOptions edit;                // the schema editor and migrations pages (schema_edit.hpp)
  // The project (flash.toml's folder) and its migrations folder; empty without a project (the
  // diagram's layout is then not saved, the history slider is empty).
  std::filesystem::path project_root, migrations_dir;
  // The branch switcher (branches.hpp, SQL databases): the project's configuration (branches.json,
  // .flash/HEAD; must outlive the server), main's URL and the branch served at start. Without a
  // configuration there is no switcher.
  const config::Config* config = nullptr;
  std::optional<config::DatabaseUrl> main_url;
  std::string branch = "main";
};

class Server {
 public:
  Server(driver::SqlConnection& c, ServeOptions o);
  // A document database (MongoDB): documents.hpp's routes; every other /api/ route is refused
  // with "studio.not_sql".
  Server(driver::DocumentConnection& c, ServeOptions o);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket (throws diag::Error "studio.bind" when it cannot) and creates the guard with
  // the bound port. Returns the port.
  int bind();
  const Guard& guard() const;
  // Serves until stop(); call after bind().
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flash::studio
