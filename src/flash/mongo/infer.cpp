// Sampling collections and inferring their validators (see infer.hpp).
#include "flash/mongo/infer.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>

#include "flash/mongo/bson.hpp"

namespace flash::mongo {
namespace {

// What was seen at one place of the documents.
struct Node {
  std::int64_t values = 0;
  std::map<std::string, std::int64_t> types;
  std::int64_t objects = 0;  // values that were objects
  std::vector<std::string> order;  // field order of first sight
  std::map<std::string, std::pair<std::int64_t, std::unique_ptr<Node>>> fields;  // present count, node
  std::unique_ptr<Node> items;  // array elements
};

void observe(Node& n, const Json& v) {
  ++n.values;
  const std::string t = bson_type(v);
  ++n.types[t];
  if (t == "object") {
    ++n.objects;
    for (const auto& [k, x] : v.items()) {
      auto& f = n.fields[k];
      if (!f.second) {
        f.second = std::make_unique<Node>();
        n.order.push_back(k);
      }
      ++f.first;
      observe(*f.second, x);
    }
  } else if (t == "array") {
    if (!n.items) n.items = std::make_unique<Node>();
    for (const auto& x : v) observe(*n.items, x);
  }
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return "0%";
  const double p = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  char buf[32];
  std::snprintf(buf, sizeof buf, p == static_cast<int>(p) ? "%.0f%%" : "%.1f%%", p);
  return buf;
}

Json schema_of(const Node& n, const std::string& path, std::int64_t present, std::int64_t parents,
               std::vector<FieldStats>& stats) {
  Json s = Json::object();
  std::vector<std::pair<std::string, std::int64_t>> types(n.types.begin(), n.types.end());
  std::stable_sort(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (types.size() == 1) s["bsonType"] = types[0].first;
  else if (!types.empty()) {
    Json list = Json::array();
    for (const auto& t : types) list.push_back(t.first);
    s["bsonType"] = list;
  }
  if (!path.empty()) {
    std::string d = "seen in " + std::to_string(present) + " of " + std::to_string(parents) + " (" +
                    percent(present, parents) + ")";
    if (types.size() > 1) {
      d += "; types:";
      for (const auto& [t, k] : types) d += " " + t + " " + percent(k, n.values);
    }
    s["description"] = d;
    FieldStats f;
    f.path = path;
    f.present = present;
    f.parents = parents;
    f.types = n.types;
    f.required = present == parents;
    stats.push_back(std::move(f));
  }
  if (n.objects > 0) {
    Json required = Json::array();
    Json props = Json::object();
    for (const auto& k : n.order) {
      const auto& [count, child] = n.fields.at(k);
      props[k] = schema_of(*child, path.empty() ? k : path + "." + k, count, n.objects, stats);
      if (count == n.objects) required.push_back(k);
    }
    if (!required.empty()) s["required"] = required;
    if (!props.empty()) s["properties"] = props;
  }
  if (n.items && n.items->values > 0) s["items"] = schema_of(*n.items, path + ".[]", n.items->values, n.items->values, stats);
  return s;
}

}  // namespace

Sample sample_collection(driver::DocumentConnection& c, const std::string& collection, std::size_t size,
                         std::uint64_t seed) {
  Sample s;
  const Json count = c.command(Json{{"count", collection}});
  s.total = count.value("n", std::int64_t{0});
  if (s.total > static_cast<std::int64_t>(size)) {
    try {
      s.documents = c.aggregate(collection, Json::array({Json{{"$sample", Json{{"size", size}}}}}),
                                driver::JsonMode::canonical);
      s.method = "$sample";
      return s;
    } catch (const driver::DbError& e) {
      if (!e.connection_usable()) throw;
      s.why = std::string("$sample: ") + e.what() + " [" + e.sqlstate() + "]";
    }
  } else {
    s.why = "the collection holds no more documents than the sample size";
  }
  // Every document read; a uniform reservoir sample of `size` kept (algorithm R).
  s.method = "scan";
  std::mt19937_64 rng(seed);
  std::int64_t seen = 0;
  c.find_each(collection, Json::object(), {.mode = driver::JsonMode::canonical}, [&](const Json& d) {
    ++seen;
    if (s.documents.size() < size) {
      s.documents.push_back(d);
    } else {
      const auto j = std::uniform_int_distribution<std::int64_t>(0, seen - 1)(rng);
      if (j < static_cast<std::int64_t>(size)) s.documents[static_cast<std::size_t>(j)] = d;
    }
    return true;
  });
  s.total = std::max(s.total, seen);
  return s;
}

Inferred infer_schema(const std::vector<Json>& documents) {
  Node root;
  for (const auto& d : documents) observe(root, d);
  Inferred r;
  r.json_schema = schema_of(root, "", 0, 0, r.fields);
  if (documents.empty()) r.json_schema = Json{{"bsonType", "object"}};
  std::sort(r.fields.begin(), r.fields.end(), [](const FieldStats& a, const FieldStats& b) { return a.path < b.path; });
  return r;
}

Collection pulled_collection(const Json& entry, const std::vector<Json>& indexes, const Inferred& inferred) {
  // Through the declared form's own reader: the same normalisation and checks as a schema file.
  Json decl = Json::object();
  decl["name"] = entry.value("name", "");
  const Json opts = entry.value("options", Json::object());
  if (opts.contains("validator") && opts["validator"].is_object() && !opts["validator"].empty()) {
    decl["validator"] = opts["validator"];
    decl["validationLevel"] = opts.value("validationLevel", "strict");
    decl["validationAction"] = opts.value("validationAction", "error");
  } else if (inferred.json_schema.contains("properties")) {
    decl["validator"] = Json{{"$jsonSchema", inferred.json_schema}};
    decl["validationLevel"] = "strict";
    decl["validationAction"] = "warn";
  }
  Json o = Json::object();
  if (opts.value("capped", false)) {
    o["capped"] = true;
    if (opts.contains("size")) o["size"] = opts["size"];
    if (opts.contains("max") && opts["max"].is_number() && opts["max"].get<double>() > 0) o["max"] = opts["max"];
  }
  if (opts.contains("collation") && opts["collation"].is_object()) o["collation"] = opts["collation"];
  if (!o.empty()) decl["options"] = o;
  Json ix = Json::array();
  static const std::vector<std::string> kKeep = {"key", "name", "unique", "sparse", "partialFilterExpression",
                                                 "expireAfterSeconds", "collation", "weights", "default_language",
                                                 "language_override", "textIndexVersion", "2dsphereIndexVersion"};
  for (const auto& i : indexes) {
    if (i.value("name", "") == "_id_") continue;
    Json k = Json::object();
    for (const auto& key : kKeep)
      if (i.contains(key)) k[key] = i[key];
    ix.push_back(k);
  }
  if (!ix.empty()) decl["indexes"] = ix;
  std::vector<Collection> out;
  diag::Diagnostics diags;
  parse_collections_file("<pulled " + decl["name"].get<std::string>() + ">", decl.dump(), out, diags);
  if (diag::has_errors(diags) || out.size() != 1) throw diag::Errors(std::move(diags));
  return out[0];
}

}  // namespace flash::mongo
