#include "flash/studio/server.hpp"

#include <httplib.h>

#include <concepts>
#include <algorithm>
#include <charconv>
#include <memory>
#include <mutex>

#include "flash/diag/diagnostic.hpp"
#include "flash/studio/assets.hpp"
#include "flash/studio/branches.hpp"
#include "flash/studio/documents.hpp"
#include "flash/studio/tools.hpp"
#include "flash/studio/transfer.hpp"

namespace flash::studio {

using nlohmann::json;

namespace {

constexpr const char* kCsp =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                const json& detail = nullptr) {
  json e = {{"code", code}, {"message", message}};
  if (!detail.is_null()) e["detail"] = detail;
  res.status = status;
  res.set_content(json{{"error", e}}.dump(), "application/json");
}

// Sent as a content provider of known length: httplib would brotli-compress a set_content body at
// quality 11 on every request (1.6 s for 150 kB on the loaded test machine), pointless on loopback.
void send_bytes(httplib::Response& res, std::shared_ptr<const std::string> body, const char* type) {
  res.set_content_provider(body->size(), type, [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    return sink.write(body->data() + offset, std::min(length, body->size() - offset));
  });
}

void send_json(httplib::Response& res, const json& j) {
  res.status = 200;
  send_bytes(res, std::make_shared<const std::string>(j.dump(-1, ' ', false, json::error_handler_t::replace)),
             "application/json");
}

bool accepts(const httplib::Request& req, std::string_view coding) {
  const auto v = req.get_header_value("Accept-Encoding");
  for (std::size_t pos = 0; pos < v.size();) {
    auto end = v.find(',', pos);
    if (end == std::string::npos) end = v.size();
    std::string_view item(v.data() + pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    item = item.substr(0, item.find(';'));
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == coding) return true;
    pos = end + 1;
  }
  return false;
}

void serve_asset(const httplib::Request& req, httplib::Response& res) {
  const std::string path = req.path == "/" ? "/index.html" : req.path;
  const auto ends = [&](std::string_view suf) { return path.size() >= suf.size() && path.compare(path.size() - suf.size(), suf.size(), suf) == 0; };
  const Asset* a = ends(".br") || ends(".gz") ? nullptr : find_asset(path);
  if (!a) return send_error(res, 404, "studio.not_found", "not found");
  // Vite's hashed names never change content: cached for a year; index.html revalidated.
  res.headers.erase("Cache-Control");
  res.set_header("Cache-Control", path.rfind("/assets/", 0) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
  res.set_header("Vary", "Accept-Encoding");
  const Asset* packed = nullptr;
  const char* coding = nullptr;
  if (accepts(req, "br") && (packed = find_asset(path + ".br"))) coding = "br";
  else if (accepts(req, "gzip") && (packed = find_asset(path + ".gz"))) coding = "gzip";
  res.status = 200;
  if (packed) res.set_header("Content-Encoding", coding);
  const std::string_view bytes = (packed ? packed : a)->bytes;
  // Embedded bytes, never copied; a content provider, so httplib does not compress them (again).
  res.set_content_provider(bytes.size(), std::string(a->content_type).c_str(),
                           [bytes](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             return sink.write(bytes.data() + offset, std::min(length, bytes.size() - offset));
                           });
}
template <class D>  // key order kept (documents); a template so that {{...}} still means json
  requires std::same_as<D, driver::Document>
void send_json(httplib::Response& res, const D& j) {
  res.status = 200;
  send_bytes(res, std::make_shared<const std::string>(j.dump(-1, ' ', false, json::error_handler_t::replace)),
             "application/json");
}

}  // namespace

struct Server::Impl {
  driver::Connection& conn;
  driver::SqlConnection* sql_ = nullptr;  // SQL databases (the tools, the schema editor)
  ServeOptions o;
  Api api;
  std::shared_ptr<SchemaEdit> edit_;  // SQL databases only; replaced by a branch switch
  std::mutex db_mu;  // one request at a time on the connection
  httplib::Server http;
  std::unique_ptr<Guard> guard;
  std::mutex edit_mu;  // edit_ itself, for the progress route (which runs without db_mu)
  std::unique_ptr<Branches> branches_;  // the branch switcher (a project's SQL database)
  std::unique_ptr<driver::SqlConnection> owned_;  // the connection of a branch switched to
  std::string label_;  // the database shown

  Impl(driver::SqlConnection& c, ServeOptions opts)
      : conn(c), sql_(&c), o(std::move(opts)), api(c, ApiOptions{.read_only = o.read_only}),
        edit_(std::make_shared<SchemaEdit>(c, edit_options(o), [this] { api.refresh(); })), label_(o.database_label) {
    if (o.config && o.main_url) branches_ = std::make_unique<Branches>(*o.config, *o.main_url, o.branch);
  }
  Impl(driver::DocumentConnection& c, ServeOptions opts)
      : conn(c), o(std::move(opts)), api(c, ApiOptions{.read_only = o.read_only}, o.declared), label_(o.database_label) {}

  static EditOptions edit_options(const ServeOptions& so) {
    EditOptions e = so.edit;
    e.read_only = e.read_only || so.read_only;
    return e;
  }
  // The schema editor and migrations pages exist for SQL databases only.
  SchemaEdit& edit() {
    if (!edit_) throw ApiError(400, "studio.not_sql", "this is a MongoDB project: this page applies to SQL databases");
    return *edit_;
  }

  // Runs `f` on the API under the connection lock, mapping every failure to a safe error body.
  template <class F>
  void call(httplib::Response& res, F&& f) {
    try {
      std::lock_guard lock(db_mu);
      send_json(res, f());
    } catch (const ApiError& e) {
      send_error(res, e.status(), e.code(), e.what(), e.detail());
    } catch (const json::exception&) {
      send_error(res, 400, "studio.json", "the request body is not the JSON this endpoint takes");
    } catch (const driver::DbError& e) {
      // The database's own message (which names no credentials); the connection stays usable or
      // the next request says it is not.
      send_error(res, 400, "studio.database", e.what(), json{{"sqlstate", e.sqlstate()}});
    } catch (const diag::Error& e) {
      send_error(res, 400, e.diagnostic().code, e.diagnostic().message);
    }
  }

  static json body_json(const httplib::Request& req) {
    if (req.body.empty()) return json::object();
    return json::parse(req.body);  // json::exception → 400 through call()
  }

  // Switches to another branch (branches.hpp): its database answers and its model is read before
  // HEAD is written; then its connection, Api and schema editor replace the current ones. Runs
  // under db_mu (through call()).
  json switch_branch(const json& b) {
    if (o.read_only)
      throw ApiError(403, "studio.read_only",
                     "the studio runs with --read-only: switching writes the project's .flash/HEAD "
                     "(run flash checkout, then start the studio again)");
    if (!branches_ || !sql_)
      throw ApiError(400, "studio.no_branches", "branches need a Flash project (flash.toml) on a SQL database");
    const Branches::Target t = branches_->resolve(b);
    std::unique_ptr<driver::SqlConnection> fresh;
    try {
      fresh = driver::connect_sql(t.url);
    } catch (const driver::ConnectError&) {
      throw ApiError(409, "studio.branch",
                     "the database of branch " + t.name + " (" + t.database + ") does not answer: does it exist here? "
                     "(`flash branch reset " + t.name + "` re-creates it)");
    }
    EditOptions eo = edit_options(o);
    eo.server = t.url;
    auto edit = std::make_shared<SchemaEdit>(*fresh, eo, [this] { api.refresh(); });
    api.reconnect(*fresh);  // the branch's model; on failure nothing changed
    try {
      branches_->checkout(t.name);
    } catch (...) {
      api.reconnect(*sql_);
      throw;
    }
    {
      std::lock_guard l(edit_mu);
      edit_ = std::move(edit);
    }
    sql_ = fresh.get();
    owned_ = std::move(fresh);  // the previous branch's connection, if the server opened it, closes
    label_ = t.database;
    return {{"branch", t.name}, {"database", label_}};
  }

  // Bodies beyond max_body are refused before they are read, except uploads (up to max_import,
  // counted as they arrive: transfer.cpp); a body of unknown length only for uploads.
  std::optional<Refusal> check_body_size(const httplib::Request& req) const {
    if (is_upload_path(req.path)) return std::nullopt;
    if (req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos)
      return Refusal{411, "studio.length", "a request body needs a Content-Length"};
    const std::string len = req.get_header_value("Content-Length");
    std::size_t n = 0;
    const auto r = std::from_chars(len.data(), len.data() + len.size(), n);
    if (!len.empty() && (r.ec != std::errc() || n > o.max_body))
      return Refusal{413, "studio.too_large", "request body too large"};
    return std::nullopt;
  }

  void routes() {
    // Uploads may be larger than other requests: check_body_size refuses the others.
    http.set_payload_max_length(std::max(o.max_body, o.max_import));
    http.set_read_timeout(o.timeout_seconds, 0);
    http.set_write_timeout(o.timeout_seconds, 0);
    http.set_keep_alive_timeout(5);
    http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"Referrer-Policy", "no-referrer"},
                              {"X-Frame-Options", "DENY"},
                              {"Content-Security-Policy", kCsp},
                              {"Cache-Control", "no-store"}});
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      send_error(res, 500, "studio.internal", "internal error");  // never what() or a trace
    });
    http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return;
      const int s = res.status;
      send_error(res, s, s == 413 ? "studio.too_large" : s == 404 ? "studio.not_found" : "studio.http",
                 s == 413 ? "request body too large" : s == 404 ? "not found" : "request refused");
    });
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (auto r = guard->check_host(req.get_header_value("Host"))) {
        send_error(res, r->status, r->code, r->message);
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.method == "GET" && req.path == "/" && req.has_param("token")) {
        if (auto session = guard->exchange_token(req.get_param_value("token"))) {
          res.status = 303;
          res.set_header("Location", "/");
          res.set_header("Set-Cookie", Guard::session_cookie(*session));
          return httplib::Server::HandlerResponse::Handled;
        }
        send_error(res, 401, "studio.token", "this studio URL was already used or is wrong: start flash studio again");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!guard->authenticated(req.get_header_value("Cookie"))) {
        send_error(res, 401, "studio.auth", "not signed in: open the URL flash studio printed");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (auto r = guard->check_state_change(req.method, req.get_header_value("Origin"),
                                             req.get_header_value(std::string(kCsrfHeader).c_str()))) {
        send_error(res, r->status, r->code, r->message);
        return httplib::Server::HandlerResponse::Handled;
      }
      if (auto r = check_body_size(req)) {
        send_error(res, r->status, r->code, r->message);
        return httplib::Server::HandlerResponse::Handled;
      }
      if (api.documents() && req.path.starts_with("/api/") && !is_document_route(req.path)) {
        send_error(res, 400, "studio.not_sql", "this is a MongoDB project: this page applies to SQL databases");
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    if (api.documents())  // registered first: they take the shared paths
      document_routes(http, *api.documents(), [this](httplib::Response& res, const std::function<driver::Document()>& f) {
        call(res, f);
      });

    http.Get("/api/session", [this](const httplib::Request&, httplib::Response& res) {
      send_json(res, {{"csrf", guard->csrf()},
                      {"read_only", o.read_only},
                      {"dialect", std::string(schema::to_string(conn.dialect()))},
                      {"model", api.documents() ? "document" : "relational"},
                      {"database", label_},
                      {"branch", branches_ ? json(branches_->current()) : json()}});
    });
    http.Get("/api/tables", [this](const httplib::Request&, httplib::Response& res) {
      call(res, [&] { return api.tables(); });
    });
    http.Get("/api/rows", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return api.rows(json::parse(req.get_param_value("q"))); });
    });
    http.Post("/api/rows/update", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return api.update(body_json(req)); });
    });
    http.Post("/api/rows/insert", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return api.insert(body_json(req)); });
    });
    http.Post("/api/rows/delete", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return api.remove(body_json(req)); });
    });
    // The SQL runner, cancel, EXPLAIN, view export, layout and history (tools.hpp): SQL databases.
    if (sql_) {
      const ToolsHost host{http, api, [this]() -> driver::SqlConnection& { return *sql_; }, db_mu, o,
                           [this](httplib::Response& res, const std::function<json()>& f) { call(res, f); }};
      add_tool_routes(host);
      add_transfer_routes(host);  // import from a file (page 6)
    }
    http.Get("/api/branches", [this](const httplib::Request&, httplib::Response& res) {
      call(res, [&] {
        if (!branches_ || !sql_) return json{{"current", nullptr}, {"branches", json::array()}, {"env_override", false}};
        return branches_->list();
      });
    });
    http.Post("/api/branches/switch", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return switch_branch(body_json(req)); });
    });
    edit_routes();
    // Static files: exact paths of the embedded bundle only (its .br/.gz copies are served in
    // their stead, never by their own names).
    http.Get(R"(/.*)", [](const httplib::Request& req, httplib::Response& res) { serve_asset(req, res); });
  }

  // The schema editor and migrations pages (schema_edit.hpp); the progress of a run is read
  // without the connection lock, while the run holds it.
  void edit_routes() {
    http.Get("/api/schema", [this](const httplib::Request&, httplib::Response& res) {
      call(res, [&] { return edit().schema(); });
    });
    http.Post("/api/schema/preview", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return edit().preview(body_json(req)); });
    });
    http.Post("/api/schema/write", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return edit().write(body_json(req)); });
    });
    http.Get("/api/migrations", [this](const httplib::Request&, httplib::Response& res) {
      call(res, [&] { return edit().migrations(); });
    });
    http.Post("/api/migrations/preview", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return edit().plan(body_json(req)); });
    });
    http.Post("/api/migrations/run", [this](const httplib::Request& req, httplib::Response& res) {
      call(res, [&] { return edit().run(body_json(req)); });
    });
    http.Get("/api/migrations/progress", [this](const httplib::Request&, httplib::Response& res) {
      std::shared_ptr<SchemaEdit> e;
      {
        std::lock_guard l(edit_mu);
        e = edit_;
      }
      if (!e) return send_error(res, 400, "studio.not_sql", "this is a MongoDB project: this page applies to SQL databases");
      send_json(res, e->progress());
    });
  }
};

Server::Server(driver::SqlConnection& c, ServeOptions o) : impl_(std::make_unique<Impl>(c, std::move(o))) {}
Server::Server(driver::DocumentConnection& c, ServeOptions o) : impl_(std::make_unique<Impl>(c, std::move(o))) {}
Server::~Server() { stop(); }

int Server::bind() {
  auto& i = *impl_;
  int port = i.o.port;
  bool ok = false;
  if (port == 0) {
    port = i.http.bind_to_any_port(i.o.host);
    ok = port > 0;
  } else {
    ok = i.http.bind_to_port(i.o.host, port);
  }
  if (!ok)
    throw diag::Error("studio.bind", "cannot listen on " + i.o.host + ":" + std::to_string(i.o.port),
                      diag::ExitCode::error, "is the port in use? choose another with --port");
  i.guard = std::make_unique<Guard>(i.o.host, port);
  i.routes();
  return port;
}

const Guard& Server::guard() const { return *impl_->guard; }
void Server::run() { impl_->http.listen_after_bind(); }
void Server::stop() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

}  // namespace flash::studio
