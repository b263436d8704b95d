// Flash Studio over a document database: collections, keyset-paged documents, exact edits with
// optimistic concurrency, indexes declared vs live (see documents.hpp).
#include "flash/studio/documents.hpp"

#include <httplib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <ctime>
#include <set>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/mongodb/connection.hpp"
#include "flash/studio/security.hpp"

namespace flash::studio {

using driver::Document;
using nlohmann::json;

namespace {

constexpr int kMaxDepth = 32;

ApiError bad(const std::string& code, const std::string& message, json detail = nullptr) {
  return ApiError(400, "studio." + code, message, std::move(detail));
}

// A document as a plain JSON value (for an error's detail: nlohmann::json sorts keys, so the
// document's own text goes beside it).
json plain(const Document& d) { return json::parse(d.dump()); }

// The canonical Extended JSON of a document (through BSON: libbson reads relaxed or canonical
// input and prints canonical), or an ApiError naming what is wrong with it.
Document canonical(const Document& d, const char* what) {
  if (!d.is_object()) throw bad("document", std::string(what) + " must be a JSON object");
  try {
    const std::string b = driver::mongodb::to_bson(d);
    return driver::mongodb::from_bson(reinterpret_cast<const std::uint8_t*>(b.data()), b.size(),
                                      driver::JsonMode::canonical);
  } catch (const diag::Error& e) {
    throw bad("document", std::string(what) + ": " + e.diagnostic().message);
  } catch (const std::runtime_error& e) {
    throw bad("document", std::string(what) + ": " + e.what());
  }
}

// ---- the filter allow-list ------------------------------------------------------------------

const std::set<std::string, std::less<>> kWrappers = {
    "$oid", "$date", "$numberLong", "$numberInt", "$numberDouble", "$numberDecimal", "$binary", "$uuid",
    "$regularExpression", "$timestamp", "$minKey", "$maxKey", "$symbol"};
const std::set<std::string, std::less<>> kTypeAliases = {
    "double", "string", "object", "array", "binData", "objectId", "bool", "date", "null", "regex",
    "int", "timestamp", "long", "decimal", "minKey", "maxKey", "number"};
constexpr const char* kAllowed =
    "$and $or $nor $eq $ne $gt $gte $lt $lte $in $nin $exists $type $regex $options $not $elemMatch $all $size $mod";

[[noreturn]] void refuse(const std::string& op) {
  const bool js = op == "$where" || op == "$function" || op == "$accumulator" || op == "$expr" ||
                  op == "$code" || op == "$codeWithScope";
  throw bad("filter",
            "operator " + op + " is not allowed in a studio filter" +
                (js ? " (it runs JavaScript or expressions)" : "") + "; allowed: " + kAllowed,
            json{{"operator", op}});
}

bool is_wrapper(const Document& v) {
  return v.is_object() && !v.empty() && kWrappers.count(v.begin().key()) != 0;
}

// A value compared as it is: scalars, arrays, embedded documents, Extended JSON wrappers. No key
// of it may start with '$' unless it is a wrapper's (no $code, no operators hidden in a value).
void check_literal(const Document& v, int depth) {
  if (depth > kMaxDepth) throw bad("filter", "the filter nests too deep");
  if (v.is_array()) {
    for (const auto& x : v) check_literal(x, depth + 1);
  } else if (v.is_object()) {
    if (is_wrapper(v)) return;  // libbson checks the wrapper's shape
    for (const auto& [k, x] : v.items()) {
      if (!k.empty() && k[0] == '$') refuse(k);
      check_literal(x, depth + 1);
    }
  }
}

Document check_query(const Document& f, int depth);

void check_type_arg(const Document& t) {
  auto one = [](const Document& x) {
    if (x.is_number_integer()) return;
    if (!x.is_string() || !kTypeAliases.count(x.get<std::string>()))
      throw bad("filter", "$type takes a BSON type name (string, int, long, double, decimal, date, objectId, ...)");
  };
  if (t.is_array()) {
    if (t.empty()) throw bad("filter", "$type takes a type name or a non-empty list of them");
    for (const auto& x : t) one(x);
  } else {
    one(t);
  }
}

// An operator object {"$gt": 1, "$lt": 5} applied to one field.
Document check_ops(const Document& ops, int depth) {
  if (depth > kMaxDepth) throw bad("filter", "the filter nests too deep");
  Document out = Document::object();
  bool has_type = false;
  for (const auto& [k, v] : ops.items()) {
    if (k.empty() || k[0] != '$')
      throw bad("filter", "an operator object mixes operators and the field `" + k + "`");
    if (k == "$eq" || k == "$ne" || k == "$gt" || k == "$gte" || k == "$lt" || k == "$lte") {
      check_literal(v, depth + 1);
    } else if (k == "$in" || k == "$nin" || k == "$all") {
      if (!v.is_array()) throw bad("filter", k + " takes a list");
      for (const auto& x : v) check_literal(x, depth + 1);
    } else if (k == "$exists") {
      if (!v.is_boolean() && !v.is_number()) throw bad("filter", "$exists takes true or false");
    } else if (k == "$type") {
      check_type_arg(v);
      has_type = true;
    } else if (k == "$regex") {
      if (!v.is_string() && !(v.is_object() && v.size() == 1 && v.contains("$regularExpression")))
        throw bad("filter", "$regex takes a string");
    } else if (k == "$options") {
      if (!v.is_string() || v.get<std::string>().find_first_not_of("imxsu") != std::string::npos)
        throw bad("filter", "$options takes the letters i, m, x, s, u");
    } else if (k == "$not") {
      if (v.is_object() && !v.empty() && v.begin().key() == "$regularExpression") check_literal(v, depth + 1);
      else if (v.is_object() && !v.empty()) out[k] = check_ops(v, depth + 1);
      else throw bad("filter", "$not takes an operator object or a regular expression");
      continue;
    } else if (k == "$elemMatch") {
      if (!v.is_object()) throw bad("filter", "$elemMatch takes an object");
      const bool ops_form = !v.empty() && v.begin().key().starts_with("$") && !is_wrapper(v) &&
                            v.begin().key() != "$and" && v.begin().key() != "$or" && v.begin().key() != "$nor";
      out[k] = ops_form ? check_ops(v, depth + 1) : check_query(v, depth + 1);
      continue;
    } else if (k == "$size") {
      if (!v.is_number_integer()) throw bad("filter", "$size takes an integer");
    } else if (k == "$mod") {
      if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
        throw bad("filter", "$mod takes [divisor, remainder]");
    } else {
      refuse(k);
    }
    out[k] = v;
  }
  if (has_type && out.begin().key() == "$type") {
    // libbson 1.23 reads {"$type": ...} first in an object as legacy binary; $exists: true first
    // asks the same (a missing field has no type).
    Document re = Document::object();
    re["$exists"] = out.contains("$exists") ? out["$exists"] : Document(true);
    for (const auto& [k, v] : out.items())
      if (k != "$exists") re[k] = v;
    out = std::move(re);
  }
  return out;
}

void check_field(const std::string& path) {
  if (path.empty()) throw bad("filter", "an empty field name");
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw bad("filter", "field path `" + path + "` has an empty part");
    if (part[0] == '$') refuse(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
}

Document check_query(const Document& f, int depth) {
  if (depth > kMaxDepth) throw bad("filter", "the filter nests too deep");
  if (!f.is_object()) throw bad("filter", "a filter is a JSON object, e.g. {\"name\": \"Ann\", \"age\": {\"$gt\": 30}}");
  Document out = Document::object();
  for (const auto& [k, v] : f.items()) {
    if (!k.empty() && k[0] == '$') {
      if (k != "$and" && k != "$or" && k != "$nor") refuse(k);
      if (!v.is_array() || v.empty()) throw bad("filter", k + " takes a non-empty list of filters");
      Document list = Document::array();
      for (const auto& x : v) list.push_back(check_query(x, depth + 1));
      out[k] = std::move(list);
      continue;
    }
    check_field(k);
    if (v.is_object() && !v.empty() && v.begin().key().starts_with("$") && !is_wrapper(v)) {
      out[k] = check_ops(v, depth + 1);
    } else {
      check_literal(v, depth + 1);
      out[k] = v;
    }
  }
  return out;
}

// ---- keyset on _id across BSON types -----------------------------------------------------------

// MongoDB's sort order of types (numbers together, strings with symbols), with a $type alias per
// group. _id is never an array.
const std::array<const char*, 12> kTypeOrder = {"minKey", "null", "number", "string", "object", "binData",
                                                "objectId", "bool", "date", "timestamp", "regex", "maxKey"};

int type_group(const Document& v) {
  if (v.is_null()) return 1;
  if (v.is_number()) return 2;
  if (v.is_string()) return 3;
  if (v.is_boolean()) return 7;
  if (v.is_object() && !v.empty()) {
    const std::string& k = v.begin().key();
    if (k == "$minKey") return 0;
    if (k == "$maxKey") return 11;
    if (k == "$numberInt" || k == "$numberLong" || k == "$numberDouble" || k == "$numberDecimal") return 2;
    if (k == "$symbol") return 3;
    if (k == "$binary" || k == "$uuid") return 5;
    if (k == "$oid") return 6;
    if (k == "$date") return 8;
    if (k == "$timestamp") return 9;
    if (k == "$regularExpression") return 10;
  }
  return 4;
}

Document type_is(const char* alias) { return Document{{"$exists", true}, {"$type", alias}}; }

// _id after (or before) `cursor` in _id order: greater within its type group, or any later group.
// `min_max`: the server has the MinKey/MaxKey types (FerretDB has not, and refuses their aliases).
Document keyset(const Document& cursor, bool forward, bool min_max) {
  check_literal(cursor, 0);
  const int g = type_group(cursor);
  Document any = Document::array();
  any.push_back(Document{{"_id", Document{{forward ? "$gt" : "$lt", cursor}}}});
  const int last = static_cast<int>(kTypeOrder.size()) - 1;
  for (int i = 0; i <= last; ++i)
    if ((forward ? i > g : i < g) && (min_max || (i != 0 && i != last)))
      any.push_back(Document{{"_id", type_is(kTypeOrder[static_cast<std::size_t>(i)])}});
  return Document{{"$or", any}};
}

// ---- ObjectIds for inserted documents without _id --------------------------------------------

std::string new_object_id() {
  static const std::string process_random = random_secret().substr(0, 10);  // 5 bytes
  static std::atomic<std::uint32_t> counter{static_cast<std::uint32_t>(std::stoul(random_secret().substr(0, 6), nullptr, 16))};
  const auto ts = static_cast<std::uint32_t>(std::time(nullptr));
  const std::uint32_t n = counter++ & 0xFFFFFFu;
  char buf[25];
  std::snprintf(buf, sizeof buf, "%08x%s%06x", ts, process_random.c_str(), n);
  return buf;
}

const std::string& str(const Document& b, const char* name) {
  if (!b.is_object() || !b.contains(name) || !b[name].is_string())
    throw bad("request", std::string("\"") + name + "\" must be a string");
  return b[name].get_ref<const std::string&>();
}

// Top-level field names of a stored document: no '$' start (the driver would read an update).
void check_storable(const Document& d, const char* what) {
  for (const auto& [k, v] : d.items())
    if (k.empty() || k[0] == '$')
      throw bad("document", std::string(what) + ": field name `" + k + "` cannot start with '$' or be empty");
}

// The index's options as compared: a createIndexes entry without its key and name (the row shows
// them) and the server's "v"/"ns".
Document index_spec(const Document& ix) {
  Document s = Document::object();
  for (const auto& [k, v] : ix.items())
    if (k != "v" && k != "ns" && k != "key" && k != "name") s[k] = v;
  if (s.contains("unique") && s["unique"] == false) s.erase("unique");
  if (s.contains("sparse") && s["sparse"] == false) s.erase("sparse");
  return s;
}

}  // namespace

Document check_filter(const Document& filter) {
  if (filter.is_null()) return Document::object();
  return check_query(filter, 0);
}

Document same_document_filter(const Document& old) {
  Document f = Document::object();
  for (const auto& [k, v] : old.items()) f[k] = Document{{"$eq", v}};
  return f;
}

struct DocumentApi::Impl {
  driver::DocumentConnection& c;
  ApiOptions o;
  Document declared;  // {"collections": [...]} or null

  struct Info {
    std::string name, type;
  };

  std::vector<Info> live() {
    std::vector<Info> v;
    for (const auto& d : c.list_collections()) {
      const std::string name = d.value("name", "");
      if (name.empty() || name.starts_with("system.")) continue;
      v.push_back({name, d.value("type", "collection")});
    }
    return v;
  }

  const Document* declared_collection(std::string_view name) const {
    if (!declared.is_object() || !declared.contains("collections")) return nullptr;
    for (const auto& c2 : declared["collections"])
      if (c2.value("name", "") == name) return &c2;
    return nullptr;
  }

  bool editable(const Info& i) const {
    return !o.read_only && i.type == "collection" && !i.name.starts_with("_flash_");
  }

  bool no_min_max = false;  // learnt once: the server refused the minKey/maxKey type aliases

  // Whether the server knows MinKey/MaxKey (MongoDB does; FerretDB v1 has neither the types nor
  // their $type aliases, so no _id can be one). Asked on the collection itself: a server may not
  // check a filter on a collection that does not exist.
  bool min_max(const std::string& coll) {
    if (no_min_max) return false;
    driver::FindOptions fo;
    fo.limit = 1;
    fo.projection = Document{{"_id", 1}};
    try {
      c.find(coll, Document{{"_id", type_is("maxKey")}}, fo);
      return true;
    } catch (const driver::DbError& e) {
      if (e.sqlstate() != "BadValue" && e.sqlstate() != "NotImplemented") throw;
      no_min_max = true;
      return false;
    }
  }

  Info collection(const Document& b) {
    const std::string& name = str(b, "collection");
    for (auto& i : live())
      if (i.name == name) return i;
    throw ApiError(404, "studio.collection", "no collection named " + name);
  }

  Info writable(const Document& b) {
    Info i = collection(b);
    if (o.read_only) throw ApiError(403, "studio.read_only", "the studio runs with --read-only: writes are disabled");
    if (!editable(i))
      throw ApiError(400, "studio.not_editable",
                     i.name + (i.type != "collection" ? " is a view: read-only" : " is Flash's own collection: read-only"));
    return i;
  }

  // The collection's document count from its metadata: collStats' count (FerretDB answers it from
  // its table statistics: 0.44 s for 100,000 documents where `count` scans them all, 13.7 s), else
  // `count` without a query (MongoDB's estimatedDocumentCount); null when neither answers.
  Document estimate(const std::string& coll) {
    for (const Document& cmd : {Document{{"collStats", coll}}, Document{{"count", coll}}}) {
      try {
        const Document r = c.command(cmd);
        const char* field = cmd.begin().key() == "collStats" ? "count" : "n";
        if (r.contains(field) && r[field].is_number_integer()) return r[field].get<std::int64_t>();
      } catch (const driver::DbError&) {
        // the next way, or null
      }
    }
    return nullptr;
  }

  Document collections() {
    Document list = Document::array();
    std::set<std::string> seen;
    for (const auto& i : live()) {
      seen.insert(i.name);
      Document e = {{"name", i.name}, {"kind", i.type == "view" ? "view" : "collection"}, {"count", "estimate"},
                {"editable", editable(i)}, {"live", true}, {"declared", declared_collection(i.name) != nullptr}};
      e["rows"] = estimate(i.name);
      if (i.name.starts_with("_flash_")) e["note"] = "Flash's own collection: read-only";
      list.push_back(std::move(e));
    }
    if (declared.is_object() && declared.contains("collections"))
      for (const auto& d : declared["collections"]) {
        const std::string name = d.value("name", "");
        if (seen.count(name)) continue;
        list.push_back({{"name", name}, {"kind", "collection"}, {"rows", nullptr}, {"editable", false}, {"live", false},
                        {"declared", true}, {"note", "declared in the schema files, not in the database (flash apply)"}});
      }
    std::sort(list.begin(), list.end(), [](const Document& a, const Document& b) { return a["name"] < b["name"]; });
    return {{"model", "document"}, {"collections", list}};
  }

  Document documents(const Document& q) {
    if (!q.is_object()) throw bad("request", "the query is a JSON object");
    const Info i = collection(q);
    const int limit = q.contains("limit") && q["limit"].is_number_integer() ? q["limit"].get<int>() : 50;
    if (limit < 1 || limit > o.max_page) throw bad("limit", "limit is 1 to " + std::to_string(o.max_page));
    Document conds = Document::array();
    const Document user = check_filter(q.contains("filter") ? q["filter"] : Document());
    if (!user.empty()) conds.push_back(user);
    const bool has_after = q.contains("after") && !q["after"].is_null();
    const bool has_before = q.contains("before") && !q["before"].is_null();
    const bool backward = has_before || (q.contains("last") && q["last"] == true);
    if (has_after) conds.push_back(keyset(q["after"], true, min_max(i.name)));
    else if (has_before) conds.push_back(keyset(q["before"], false, min_max(i.name)));
    Document filter = conds.empty() ? Document::object() : conds.size() == 1 ? conds[0] : Document{{"$and", conds}};
    driver::FindOptions fo;
    fo.sort = Document{{"_id", backward ? -1 : 1}};
    fo.limit = limit + 1;
    fo.mode = driver::JsonMode::canonical;
    const auto t0 = std::chrono::steady_clock::now();
    auto docs = c.find(i.name, filter, fo);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const bool more = docs.size() > static_cast<std::size_t>(limit);
    if (more) docs.pop_back();
    if (backward) std::reverse(docs.begin(), docs.end());
    const bool has_next = !docs.empty() && (backward ? has_before : more);
    const bool has_prev = !docs.empty() && (backward ? more : has_after);
    Document r = {{"collection", i.name}, {"model", "document"}, {"paging", "keyset"}, {"key", Document::array({"_id"})},
                  {"editable", editable(i)}, {"server_ms", ms}};
    r["documents"] = Document(docs);
    r["next"] = has_next ? docs.back()["_id"] : Document();
    r["prev"] = has_prev ? docs.front()["_id"] : Document();
    return r;
  }

  // The stored document with `id` in canonical form, or null.
  Document current(const std::string& coll, const Document& id) {
    driver::FindOptions fo;
    fo.limit = 2;
    fo.mode = driver::JsonMode::canonical;
    auto docs = c.find(coll, Document{{"_id", Document{{"$eq", id}}}}, fo);
    return docs.empty() ? Document() : docs.front();
  }

  // Throws the 409 when the stored document is not exactly `old` (canonical).
  void same_or_conflict(const std::string& coll, const Document& old) {
    const Document now = current(coll, old["_id"]);
    if (now.is_null())
      throw ApiError(409, "studio.conflict",
                     "the document was deleted since it was read: nothing was written", json{{"current", nullptr}});
    if (now.dump() != old.dump())
      throw ApiError(409, "studio.conflict",
                     "the document changed since it was read: nothing was written; reload it and edit again",
                     json{{"current", plain(now)}, {"current_json", now.dump()}});
  }

  Document update(const Document& b) {
    const Info i = writable(b);
    if (!b.contains("old") || !b.contains("new")) throw bad("request", "an edit is {collection, old, new}: it carries the document as read");
    const Document old = canonical(b["old"], "the old document");
    if (!old.contains("_id")) throw bad("request", "the old document has no _id");
    Document next = canonical(b["new"], "the new document");
    check_storable(next, "the new document");
    if (!next.contains("_id")) {
      Document with = Document{{"_id", old["_id"]}};
      for (const auto& [k, v] : next.items()) with[k] = v;
      next = std::move(with);
    } else if (next["_id"].dump() != old["_id"].dump()) {
      throw bad("id", "_id cannot change (MongoDB keeps it for the document's life): insert a new document and delete this one");
    } else if (next.begin().key() != "_id") {
      Document with = Document{{"_id", next["_id"]}};
      for (const auto& [k, v] : next.items())
        if (k != "_id") with[k] = v;
      next = std::move(with);
    }
    same_or_conflict(i.name, old);
    const auto w = c.update(i.name, same_document_filter(old), next);
    if (w.matched != 1)
      throw ApiError(409, "studio.conflict", "the document changed since it was read: nothing was written; reload it and edit again");
    const Document stored = current(i.name, old["_id"]);
    return {{"updated", 1}, {"document", stored}};
  }

  Document insert(const Document& b) {
    const Info i = writable(b);
    if (!b.contains("document")) throw bad("request", "an insert is {collection, document}");
    Document d = canonical(b["document"], "the document");
    check_storable(d, "the document");
    if (!d.contains("_id")) {
      Document with = Document{{"_id", Document{{"$oid", new_object_id()}}}};
      for (const auto& [k, v] : d.items()) with[k] = v;
      d = std::move(with);
    }
    c.insert(i.name, std::span<const Document>(&d, 1));
    return {{"inserted", 1}, {"_id", d["_id"]}};
  }

  Document remove(const Document& b) {
    const Info i = writable(b);
    const Document& list = b.contains("documents") ? b["documents"] : Document();
    if (!list.is_array() || list.empty() || list.size() > 1000)
      throw bad("request", "\"documents\" is a list of 1 to 1000 documents as read");
    std::vector<Document> olds;
    for (const auto& d : list) {
      olds.push_back(canonical(d, "a document to delete"));
      if (!olds.back().contains("_id")) throw bad("request", "a document to delete has no _id");
    }
    for (const auto& d : olds) same_or_conflict(i.name, d);  // all checked before any is deleted
    std::int64_t n = 0;
    for (const auto& d : olds) {
      const auto w = c.remove(i.name, same_document_filter(d));
      if (w.modified != 1)
        throw ApiError(409, "studio.conflict",
                       std::to_string(n) + " deleted; then a document changed meanwhile and was kept: reload",
                       json{{"deleted", n}});
      ++n;
    }
    return {{"deleted", n}};
  }

  Document indexes(const Document& q) {
    const std::string& name = str(q, "collection");
    const Document* decl = declared_collection(name);
    bool is_live = false;
    for (const auto& i : live()) is_live = is_live || i.name == name;
    if (!is_live && !decl) throw ApiError(404, "studio.collection", "no collection named " + name);
    std::map<std::string, Document> rows;  // by name; each {name, key, live, declared}
    if (is_live)
      for (const auto& ix : c.list_indexes(name)) {
        const std::string n = ix.value("name", "");
        rows[n] = {{"name", n}, {"key", ix.contains("key") ? ix["key"] : Document()}, {"live", index_spec(ix)},
                   {"declared", nullptr}};
      }
    std::map<std::string, Document> declared_keys;
    if (decl && decl->contains("indexes"))
      for (const auto& ix : (*decl)["indexes"]) {
        const std::string n = ix.value("name", "");
        auto& r = rows[n];
        if (r.is_null()) r = {{"name", n}, {"key", ix["key"]}, {"live", nullptr}};
        r["declared"] = index_spec(ix);
        declared_keys[n] = ix["key"];
      }
    Document list = Document::array();
    for (auto& [n, r] : rows) {
      const bool l = !r["live"].is_null(), d = !r["declared"].is_null();
      std::string status;
      if (n == "_id_" && l && !d) status = "implicit";
      else if (l && !d) status = "live only";
      else if (!l && d) status = "declared only";
      // Options compare as values (numbers by value: 1 == 1.0), key fields in their order.
      else status = plain(r["live"]) == plain(r["declared"]) && r["key"] == declared_keys[n] ? "same" : "differs";
      r["status"] = status;
      list.push_back(r);
    }
    return {{"collection", name}, {"declared_known", declared.is_object()}, {"indexes", list}};
  }
};

DocumentApi::DocumentApi(driver::DocumentConnection& c, ApiOptions o, Document declared)
    : impl_(std::make_unique<Impl>(Impl{c, o, std::move(declared)})) {}
DocumentApi::~DocumentApi() = default;
Document DocumentApi::collections() { return impl_->collections(); }
Document DocumentApi::documents(const Document& q) { return impl_->documents(q); }
Document DocumentApi::update(const Document& b) { return impl_->update(b); }
Document DocumentApi::insert(const Document& b) { return impl_->insert(b); }
Document DocumentApi::remove(const Document& b) { return impl_->remove(b); }
Document DocumentApi::indexes(const Document& q) { return impl_->indexes(q); }

bool is_document_route(std::string_view path) {
  return path == "/api/session" || path == "/api/tables" || path == "/api/rows" || path == "/api/rows/update" ||
         path == "/api/rows/insert" || path == "/api/rows/delete" || path == "/api/indexes";
}

void document_routes(httplib::Server& http, DocumentApi& api, const DocumentCall& call) {
  // Bodies and ?q= are read as ordered JSON: a document's field order is part of it.
  auto body = [](const httplib::Request& req) {
    return req.body.empty() ? Document::object() : Document::parse(req.body);
  };
  auto query = [](const httplib::Request& req) { return Document::parse(req.get_param_value("q")); };
  http.Get("/api/tables", [&api, call](const httplib::Request&, httplib::Response& res) {
    call(res, [&] { return api.collections(); });
  });
  http.Get("/api/rows", [&api, call, query](const httplib::Request& req, httplib::Response& res) {
    call(res, [&] { return api.documents(query(req)); });
  });
  http.Get("/api/indexes", [&api, call, query](const httplib::Request& req, httplib::Response& res) {
    call(res, [&] { return api.indexes(query(req)); });
  });
  http.Post("/api/rows/update", [&api, call, body](const httplib::Request& req, httplib::Response& res) {
    call(res, [&] { return api.update(body(req)); });
  });
  http.Post("/api/rows/insert", [&api, call, body](const httplib::Request& req, httplib::Response& res) {
    call(res, [&] { return api.insert(body(req)); });
  });
  http.Post("/api/rows/delete", [&api, call, body](const httplib::Request& req, httplib::Response& res) {
    call(res, [&] { return api.remove(body(req)); });
  });
}

}  // namespace flash::studio
