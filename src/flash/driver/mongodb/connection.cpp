// The MongoDB driver over libmongoc (single-threaded client: one per connection object).
#include "flash/driver/mongodb/connection.hpp"

#include <mongoc/mongoc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>

#include "flash/diag/diagnostic.hpp"

namespace flash::driver::mongodb {
namespace {

// An owned bson_t* (not unique_ptr<bson_t>: bson_t's alignment attribute is dropped in template
// arguments, which GCC warns about).
class BsonPtr {
 public:
  explicit BsonPtr(bson_t* p = nullptr) : p_(p) {}
  BsonPtr(BsonPtr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  BsonPtr& operator=(BsonPtr&& o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  BsonPtr(const BsonPtr&) = delete;
  BsonPtr& operator=(const BsonPtr&) = delete;
  ~BsonPtr() {
    if (p_ != nullptr) bson_destroy(p_);
  }
  bson_t* get() const { return p_; }
  bson_t* operator->() const { return p_; }

 private:
  bson_t* p_;
};

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using ClientPtr = std::unique_ptr<mongoc_client_t, Deleter<mongoc_client_t, mongoc_client_destroy>>;
using DatabasePtr = std::unique_ptr<mongoc_database_t, Deleter<mongoc_database_t, mongoc_database_destroy>>;
using CollectionPtr =
    std::unique_ptr<mongoc_collection_t, Deleter<mongoc_collection_t, mongoc_collection_destroy>>;
using CursorPtr = std::unique_ptr<mongoc_cursor_t, Deleter<mongoc_cursor_t, mongoc_cursor_destroy>>;
using UriPtr = std::unique_ptr<mongoc_uri_t, Deleter<mongoc_uri_t, mongoc_uri_destroy>>;

void init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    mongoc_init();
    std::atexit(mongoc_cleanup);
    // libmongoc logs warnings to stderr by itself (e.g. FerretDB answering `endSessions` with
    // "no such command" when a client closes): failures reach the user as errors, so only
    // libmongoc's own errors are shown.
    mongoc_log_set_handler(
        [](mongoc_log_level_t level, const char* domain, const char* message, void*) {
          if (level <= MONGOC_LOG_LEVEL_ERROR) std::fprintf(stderr, "libmongoc %s: %s\n", domain, message);
        },
        nullptr);
  });
}

BsonPtr to_bson_ptr(const Document& doc, std::string_view what) {
  if (!doc.is_object())
    throw diag::Error("mongo.document", std::string(what) + " must be a JSON object, not " + doc.type_name());
  const std::string text = doc.dump();
  bson_error_t err;
  bson_t* b = bson_new_from_json(reinterpret_cast<const std::uint8_t*>(text.data()),
                                 static_cast<ssize_t>(text.size()), &err);
  if (b == nullptr)
    throw diag::Error("mongo.document", std::string(what) + " is not valid Extended JSON: " + err.message);
  return BsonPtr(b);
}

Document from_bson_t(const bson_t* b, JsonMode mode) {
  std::size_t len = 0;
  char* s = mode == JsonMode::canonical ? bson_as_canonical_extended_json(b, &len)
                                        : bson_as_relaxed_extended_json(b, &len);
  if (s == nullptr) throw std::runtime_error("libbson could not print a document as JSON");
  Document d;
  try {
    d = Document::parse(std::string_view(s, len));
  } catch (...) {
    bson_free(s);
    throw;
  }
  bson_free(s);
  return d;
}

// Whether an error leaves the client without a usable server (the command may not have run).
bool is_connection_error(const bson_error_t& e) {
  return e.domain == MONGOC_ERROR_STREAM || e.domain == MONGOC_ERROR_SERVER_SELECTION;
}

// The server's codeName in an error reply ("" when there is none).
std::string code_name_of(const bson_t* reply) {
  bson_iter_t it;
  if (reply != nullptr && bson_iter_init_find(&it, reply, "codeName") && BSON_ITER_HOLDS_UTF8(&it))
    return bson_iter_utf8(&it, nullptr);
  return "";
}

[[noreturn]] void throw_error(const bson_error_t& e, std::string code_name, std::string statement) {
  if (code_name.empty()) code_name = std::to_string(e.code);
  throw DbError(e.message, code_name, static_cast<int>(e.code), std::move(statement), !is_connection_error(e));
}

std::string where(const config::DatabaseUrl& url) { return url.redacted(); }

Document find_options(const FindOptions& opts) {
  Document o = Document::object();
  if (!opts.sort.is_null()) o["sort"] = opts.sort;
  if (!opts.projection.is_null()) o["projection"] = opts.projection;
  if (opts.limit) o["limit"] = *opts.limit;
  if (opts.skip) o["skip"] = *opts.skip;
  return o;
}

class MongoConnection final : public DocumentConnection {
 public:
  MongoConnection(ClientPtr client, std::string database)
      : client_(std::move(client)), database_(std::move(database)),
        db_(mongoc_client_get_database(client_.get(), database_.c_str())) {}

  schema::Dialect dialect() const override { return schema::Dialect::mongodb; }
  const std::string& database() const override { return database_; }

  std::string server_version() override {
    Document reply = command(Document{{"buildInfo", 1}});
    std::string v = reply.value("version", "");
    if (reply.contains("ferretdbVersion") && reply["ferretdbVersion"].is_string())
      v += " (FerretDB " + reply["ferretdbVersion"].get<std::string>() + ")";
    return v;
  }

  Document command(const Document& cmd) override {
    BsonPtr c = to_bson_ptr(cmd, "a command");
    bson_t reply;
    bson_error_t err;
    const bool ok = mongoc_database_command_simple(db_.get(), c.get(), nullptr, &reply, &err);
    std::string code_name;
    Document out;
    try {
      if (ok) out = from_bson_t(&reply, JsonMode::relaxed);
      else code_name = code_name_of(&reply);
    } catch (...) {
      bson_destroy(&reply);
      throw;
    }
    bson_destroy(&reply);  // libmongoc initialises the reply in every case
    if (!ok) throw_error(err, code_name, cmd.dump());
    return out;
  }

  Document admin_command(const Document& cmd) override {
    BsonPtr c = to_bson_ptr(cmd, "a command");
    bson_t reply;
    bson_error_t err;
    const bool ok = mongoc_client_command_simple(client_.get(), "admin", c.get(), nullptr, &reply, &err);
    std::string code_name;
    Document out;
    try {
      if (ok) out = from_bson_t(&reply, JsonMode::relaxed);
      else code_name = code_name_of(&reply);
    } catch (...) {
      bson_destroy(&reply);
      throw;
    }
    bson_destroy(&reply);
    if (!ok) throw_error(err, code_name, cmd.dump());
    return out;
  }

  std::int64_t find_each(std::string_view collection, const Document& filter, const FindOptions& opts,
                         const std::function<bool(const Document&)>& each) override {
    CollectionPtr coll = get(collection);
    BsonPtr f = to_bson_ptr(filter.is_null() ? Document::object() : filter, "a filter");
    BsonPtr ob = to_bson_ptr(find_options(opts), "find options");
    CursorPtr cur(mongoc_collection_find_with_opts(coll.get(), f.get(), ob.get(), nullptr));
    const bson_t* doc = nullptr;
    std::int64_t n = 0;
    while (mongoc_cursor_next(cur.get(), &doc)) {
      ++n;
      if (!each(from_bson_t(doc, opts.mode))) return n;
    }
    bson_error_t err;
    const bson_t* reply = nullptr;
    if (mongoc_cursor_error_document(cur.get(), &err, &reply))
      throw_error(err, code_name_of(reply), "find in " + std::string(collection));
    return n;
  }

  std::vector<Document> aggregate(std::string_view collection, const Document& pipeline, JsonMode mode) override {
    CollectionPtr coll = get(collection);
    BsonPtr p = to_bson_ptr(Document{{"pipeline", pipeline}}, "a pipeline");
    CursorPtr cur(mongoc_collection_aggregate(coll.get(), MONGOC_QUERY_NONE, p.get(), nullptr, nullptr));
    return drain(cur.get(), mode, "aggregate on " + std::string(collection));
  }

  std::vector<Document> list_collections() override {
    CursorPtr cur(mongoc_database_find_collections_with_opts(db_.get(), nullptr));
    std::vector<Document> out = drain(cur.get(), JsonMode::relaxed, "listCollections");
    std::sort(out.begin(), out.end(), [](const Document& a, const Document& b) {
      return a.value("name", "") < b.value("name", "");
    });
    return out;
  }

  std::vector<Document> list_indexes(std::string_view collection) override {
    CollectionPtr coll = get(collection);
    CursorPtr cur(mongoc_collection_find_indexes_with_opts(coll.get(), nullptr));
    const bson_t* doc = nullptr;
    std::vector<Document> out;
    while (mongoc_cursor_next(cur.get(), &doc)) out.push_back(from_bson_t(doc, JsonMode::relaxed));
    bson_error_t err;
    const bson_t* reply = nullptr;
    if (mongoc_cursor_error_document(cur.get(), &err, &reply)) {
      // NamespaceNotFound (26): no such collection — no indexes.
      if (err.code == 26) return {};
      throw_error(err, code_name_of(reply), "listIndexes " + std::string(collection));
    }
    return out;
  }

  void insert(std::string_view collection, std::span<const Document> docs) override {
    if (docs.empty()) return;
    CollectionPtr coll = get(collection);
    std::vector<BsonPtr> owned;
    std::vector<const void*> ptrs;  // const bson_t* each (see BsonPtr for why not vector<const bson_t*>)
    owned.reserve(docs.size());
    for (const Document& d : docs) {
      owned.push_back(to_bson_ptr(d, "a document"));
      ptrs.push_back(owned.back().get());
    }
    bson_t reply;
    bson_error_t err;
    const bool ok = mongoc_collection_insert_many(coll.get(), const_cast<const bson_t**>(reinterpret_cast<const bson_t* const*>(ptrs.data())), ptrs.size(), nullptr, &reply, &err);
    finish_write(ok, err, &reply, "insert into " + std::string(collection));
  }

  std::vector<Document> find(std::string_view collection, const Document& filter,
                             const FindOptions& opts) override {
    CollectionPtr coll = get(collection);
    BsonPtr f = to_bson_ptr(filter.is_null() ? Document::object() : filter, "a filter");
    BsonPtr ob = to_bson_ptr(find_options(opts), "find options");
    CursorPtr cur(mongoc_collection_find_with_opts(coll.get(), f.get(), ob.get(), nullptr));
    return drain(cur.get(), opts.mode, "find in " + std::string(collection));
  }

  WriteResult update(std::string_view collection, const Document& filter, const Document& update,
                     bool many, bool upsert) override {
    CollectionPtr coll = get(collection);
    BsonPtr f = to_bson_ptr(filter, "a filter");
    BsonPtr u = to_bson_ptr(update, "an update");
    BsonPtr o = to_bson_ptr(Document{{"upsert", upsert}}, "update options");
    const bool replacement = !update.empty() && !update.begin().key().starts_with("$");
    bson_t reply;
    bson_error_t err;
    bool ok;
    if (replacement)
      ok = mongoc_collection_replace_one(coll.get(), f.get(), u.get(), o.get(), &reply, &err);
    else if (many)
      ok = mongoc_collection_update_many(coll.get(), f.get(), u.get(), o.get(), &reply, &err);
    else
      ok = mongoc_collection_update_one(coll.get(), f.get(), u.get(), o.get(), &reply, &err);
    return finish_write(ok, err, &reply, "update in " + std::string(collection));
  }

  WriteResult remove(std::string_view collection, const Document& filter, bool many) override {
    CollectionPtr coll = get(collection);
    BsonPtr f = to_bson_ptr(filter, "a filter");
    bson_t reply;
    bson_error_t err;
    const bool ok = many ? mongoc_collection_delete_many(coll.get(), f.get(), nullptr, &reply, &err)
                         : mongoc_collection_delete_one(coll.get(), f.get(), nullptr, &reply, &err);
    return finish_write(ok, err, &reply, "delete in " + std::string(collection));
  }

 private:
  CollectionPtr get(std::string_view collection) {
    const std::string name(collection);
    return CollectionPtr(mongoc_client_get_collection(client_.get(), database_.c_str(), name.c_str()));
  }

  std::vector<Document> drain(mongoc_cursor_t* cur, JsonMode mode, const std::string& what) {
    std::vector<Document> out;
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cur, &doc)) out.push_back(from_bson_t(doc, mode));
    bson_error_t err;
    const bson_t* reply = nullptr;
    if (mongoc_cursor_error_document(cur, &err, &reply)) throw_error(err, code_name_of(reply), what);
    return out;
  }

  // Reads the counts of a write reply ({insertedCount, matchedCount, modifiedCount,
  // deletedCount, upsertedCount}) and destroys it; throws on failure.
  WriteResult finish_write(bool ok, const bson_error_t& err, bson_t* reply, std::string what) {
    Document r = from_bson_t(reply, JsonMode::relaxed);
    bson_destroy(reply);
    if (!ok) {
      std::string code_name;
      if (r.contains("writeErrors") && r["writeErrors"].is_array() && !r["writeErrors"].empty())
        code_name = r["writeErrors"][0].value("codeName", "");
      if (code_name.empty()) code_name = std::to_string(err.code);
      throw DbError(err.message, code_name, static_cast<int>(err.code), std::move(what), !is_connection_error(err));
    }
    auto count = [&](const char* k) -> std::int64_t {
      return r.contains(k) && r[k].is_number_integer() ? r[k].get<std::int64_t>() : 0;
    };
    WriteResult w;
    w.matched = count("matchedCount");
    w.modified = count("modifiedCount") + count("deletedCount") + count("insertedCount");
    w.upserted = count("upsertedCount");
    return w;
  }

  ClientPtr client_;
  std::string database_;
  DatabasePtr db_;
};

}  // namespace

std::string to_bson(const Document& doc) {
  init_once();
  BsonPtr b = to_bson_ptr(doc, "a document");
  return std::string(reinterpret_cast<const char*>(bson_get_data(b.get())), b->len);
}

Document from_bson(const std::uint8_t* data, std::size_t len, JsonMode mode) {
  bson_t b;
  if (!bson_init_static(&b, data, len)) throw std::runtime_error("invalid BSON document");
  return from_bson_t(&b, mode);
}

std::unique_ptr<DocumentConnection> connect(const config::DatabaseUrl& url) {
  init_once();
  bson_error_t err;
  UriPtr uri(mongoc_uri_new_with_error(url.original.c_str(), &err));
  if (!uri) {
    std::string msg = err.message;
    if (!url.password.empty())
      for (auto p = msg.find(url.password); p != std::string::npos; p = msg.find(url.password))
        msg.replace(p, url.password.size(), "****");
    throw diag::Error("config.url", "invalid MongoDB URL " + where(url) + ": " + msg, diag::ExitCode::error,
                      std::string("the form is mongodb://user:password@host:27017/database"));
  }
  const char* db = mongoc_uri_get_database(uri.get());
  if (db == nullptr || *db == '\0')
    throw diag::Error("config.url", "the MongoDB URL " + where(url) + " names no database",
                      diag::ExitCode::error,
                      std::string("add the database after the host: mongodb://host:27017/app"));
  // Fail fast on an unreachable server (libmongoc's default waits 30 s).
  if (!mongoc_uri_has_option(uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS))
    mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 5000);
  if (!mongoc_uri_has_option(uri.get(), MONGOC_URI_CONNECTTIMEOUTMS))
    mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, 5000);
  ClientPtr client(mongoc_client_new_from_uri_with_error(uri.get(), &err));
  if (!client) throw ConnectError("cannot connect to " + where(url) + ": " + err.message);
  mongoc_client_set_appname(client.get(), "flash");
  bson_t reply;
  BsonPtr ping = to_bson_ptr(Document{{"ping", 1}}, "ping");
  const bool ok = mongoc_client_command_simple(client.get(), "admin", ping.get(), nullptr, &reply, &err);
  bson_destroy(&reply);
  if (!ok) throw ConnectError("cannot connect to " + where(url) + ": " + err.message);
  return std::make_unique<MongoConnection>(std::move(client), db);
}

}  // namespace flash::driver::mongodb
