// MongoDB migration files, replay and the collection differ (see migration.hpp).
#include "flash/mongo/migration.hpp"

#include <algorithm>
#include <map>

#include "flash/config/sql_files.hpp"
#include "flash/util/text.hpp"

namespace flash::mongo {
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kCommands = {"create", "collMod", "createIndexes", "dropIndexes", "renameCollection",
                                           "drop"};

Json create_command(const Collection& c) {
  Json j = Json::object();
  j["create"] = c.name;
  if (c.capped) {
    j["capped"] = true;
    if (c.size) j["size"] = *c.size;
    if (c.max) j["max"] = *c.max;
  }
  if (!c.collation.is_null()) j["collation"] = c.collation;
  if (!c.validator.is_null()) {
    j["validator"] = c.validator;
    j["validationLevel"] = c.validation_level;
    j["validationAction"] = c.validation_action;
  }
  return j;
}

Json create_indexes_command(const std::string& coll, const std::vector<const Index*>& ix) {
  Json list = Json::array();
  for (const Index* i : ix) list.push_back(i->to_command());
  return Json{{"createIndexes", coll}, {"indexes", list}};
}

Json drop_index_command(const std::string& coll, const std::string& name) {
  return Json{{"dropIndexes", coll}, {"index", name}};
}

Json coll_mod_validator(const Collection& c) {
  Json j = Json::object();
  j["collMod"] = c.name;
  if (c.validator.is_null()) {
    // No validator: an empty one, and validation off (MongoDB's state of a plain collection).
    j["validator"] = Json::object();
    j["validationLevel"] = "strict";
    j["validationAction"] = "error";
  } else {
    j["validator"] = c.validator;
    j["validationLevel"] = c.validation_level;
    j["validationAction"] = c.validation_action;
  }
  return j;
}

// The full creation of a collection: create + its indexes.
void create_all(const Collection& c, std::vector<Json>& out) {
  out.push_back(create_command(c));
  std::vector<const Index*> ix;
  for (const auto& i : c.indexes) ix.push_back(&i);
  if (!ix.empty()) out.push_back(create_indexes_command(c.name, ix));
}

Collection* find_mut(std::vector<Collection>& cs, const std::string& name) {
  for (auto& c : cs)
    if (c.name == name) return &c;
  return nullptr;
}

// Applies one Up command to the model; problems located at the command.
void replay_command(std::vector<Collection>& cs, const Migration& m, std::size_t i, diag::Diagnostics& diags) {
  const Json& cmd = m.up[i].body;
  const std::string ptr = child_pointer(std::string("/up"), i);
  auto fail = [&](const std::string& msg, std::optional<std::string> hint = {}) {
    diag::Diagnostic d = m.json.at(ptr, "mongo.replay", msg);
    d.hint = std::move(hint);
    diags.push_back(std::move(d));
  };
  const std::string op = cmd.begin().key();
  if (!cmd.begin().value().is_string()) return fail("the value of `" + op + "` must be the collection name");
  const std::string name = cmd.begin().value().get<std::string>();
  Collection* c = find_mut(cs, name);
  if (op == "create") {
    if (c != nullptr) return fail("collection `" + name + "` already exists at this point of the migrations");
    Collection n;
    n.name = name;
    n.capped = cmd.value("capped", false);
    if (cmd.contains("size") && cmd["size"].is_number_integer()) n.size = cmd["size"].get<std::int64_t>();
    if (cmd.contains("max") && cmd["max"].is_number_integer()) n.max = cmd["max"].get<std::int64_t>();
    if (cmd.contains("collation")) n.collation = cmd["collation"];
    if (cmd.contains("validator") && cmd["validator"].is_object() && !cmd["validator"].empty()) {
      n.validator = cmd["validator"];
      n.validation_level = cmd.value("validationLevel", "strict");
      n.validation_action = cmd.value("validationAction", "error");
    }
    n.location = m.json.at(ptr, "", "").location;
    cs.push_back(std::move(n));
    return;
  }
  if (c == nullptr) return fail("collection `" + name + "` does not exist at this point of the migrations");
  if (op == "renameCollection") {
    if (!cmd.contains("to") || !cmd["to"].is_string())
      return fail("renameCollection needs `to`, the new name", "{\"renameCollection\": \"old\", \"to\": \"new\"}");
    const std::string to = cmd["to"].get<std::string>();
    if (auto why = collection_name_problem(to); !why.empty()) return fail("`" + to + "`: " + why);
    if (find_mut(cs, to) != nullptr) return fail("collection `" + to + "` already exists at this point of the migrations");
    c->name = to;
    return;
  }
  if (op == "drop") {
    cs.erase(std::remove_if(cs.begin(), cs.end(), [&](const Collection& x) { return x.name == name; }), cs.end());
  } else if (op == "collMod") {
    if (cmd.contains("validator")) {
      if (cmd["validator"].is_object() && !cmd["validator"].empty()) c->validator = cmd["validator"];
      else c->validator = nullptr;
    }
    if (!c->validator.is_null()) {
      c->validation_level = cmd.value("validationLevel", c->validation_level.empty() ? "strict" : c->validation_level);
      c->validation_action = cmd.value("validationAction", c->validation_action.empty() ? "error" : c->validation_action);
    } else {
      c->validation_level.clear();
      c->validation_action.clear();
    }
  } else if (op == "createIndexes") {
    if (!cmd.contains("indexes") || !cmd["indexes"].is_array())
      return fail("createIndexes needs an `indexes` list");
    for (std::size_t k = 0; k < cmd["indexes"].size(); ++k) {
      auto ix = parse_index(m.json, cmd["indexes"][k], child_pointer(child_pointer(ptr, "indexes"), k), diags);
      if (!ix) continue;
      for (const auto& e : c->indexes)
        if (e.name == ix->name) return fail("index `" + ix->name + "` already exists on `" + name + "`");
      c->indexes.push_back(std::move(*ix));
    }
  } else if (op == "dropIndexes") {
    if (!cmd.contains("index") || !cmd["index"].is_string())
      return fail("dropIndexes needs the `index` name", "Flash writes one dropIndexes per index, by name");
    const std::string ix = cmd["index"].get<std::string>();
    auto it = std::find_if(c->indexes.begin(), c->indexes.end(), [&](const Index& e) { return e.name == ix; });
    if (it == c->indexes.end()) return fail("index `" + ix + "` does not exist on `" + name + "`");
    c->indexes.erase(it);
  }
}

}  // namespace

Migration parse_migration(const fs::path& path, std::string content, diag::Diagnostics& diags) {
  Migration m;
  m.path = path;
  m.id = path.stem().string();
  const auto us = m.id.find('_');
  m.name = us == std::string::npos ? m.id : m.id.substr(us + 1);
  m.checksum = util::sha256_hex(content);
  m.content = content;
  try {
    m.json = parse_located_json(config::display_path(path), std::move(content));
  } catch (const diag::Error& e) {
    diags.push_back(e.diagnostic());
    return m;
  }
  const Json& v = m.json.value;
  auto error = [&](const std::string& ptr, std::string code, std::string msg, std::optional<std::string> hint = {}) {
    diag::Diagnostic d = m.json.at(ptr, std::move(code), std::move(msg));
    d.hint = std::move(hint);
    diags.push_back(std::move(d));
  };
  if (!v.is_object() || v.value("flash", "") != "mongodb-migration") {
    error("", "mongo.migration", "not a MongoDB migration file",
          "a migration is {\"flash\": \"mongodb-migration\", \"up\": [...], \"down\": [...]}");
    return m;
  }
  for (const auto& [k, x] : v.items())
    if (k != "flash" && k != "up" && k != "down")
      error(child_pointer(std::string(), k), "mongo.unknown-key", "unknown key `" + k + "` in a migration",
            diag::did_you_mean(k, {"up", "down"}));
  for (const char* section : {"up", "down"}) {
    auto& out = std::string(section) == "up" ? m.up : m.down;
    if (!v.contains(section)) continue;
    const std::string sp = child_pointer(std::string(), section);
    if (!v[section].is_array()) {
      error(sp, "mongo.migration", std::string(section) + " must be a list of commands");
      continue;
    }
    for (std::size_t i = 0; i < v[section].size(); ++i) {
      const Json& cmd = v[section][i];
      const std::string cp = child_pointer(sp, i);
      if (!cmd.is_object() || cmd.empty()) {
        error(cp, "mongo.migration", "a command is a non-empty object, its name first");
        continue;
      }
      const std::string op = cmd.begin().key();
      if (std::find(kCommands.begin(), kCommands.end(), op) == kCommands.end()) {
        diag::Diagnostic d = m.json.at(child_pointer(cp, op), "mongo.command",
                                       "unknown migration command `" + op + "`", /*at_key=*/true);
        d.hint = diag::did_you_mean(op, kCommands).value_or("commands: " + util::join(kCommands, ", "));
        diags.push_back(std::move(d));
        continue;
      }
      out.push_back({cmd, m.json.at(cp, "", "").location.line});
    }
  }
  return m;
}

std::vector<Migration> load_migrations(const fs::path& dir, diag::Diagnostics& diags) {
  std::vector<Migration> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(parse_migration(f, util::read_file(f), diags));
  return out;
}

Collections replay(const std::vector<Migration>& files, std::size_t count, diag::Diagnostics& diags) {
  std::vector<Collection> cs;
  for (std::size_t f = 0; f < count && f < files.size(); ++f)
    for (std::size_t i = 0; i < files[f].up.size(); ++i) replay_command(cs, files[f], i, diags);
  diag::Diagnostics ignored;  // a replayed model has no duplicates (create refuses them)
  return normalise(std::move(cs), ignored);
}

bool enforces_validator(const Json& cmd) {
  if (!cmd.is_object() || cmd.empty()) return false;
  const std::string op = cmd.begin().key();
  if (op != "collMod" && op != "create") return false;
  return cmd.contains("validator") && cmd["validator"].is_object() && !cmd["validator"].empty() &&
         cmd.value("validationAction", "error") == "error" && cmd.value("validationLevel", "strict") != "off";
}

namespace {

// Same shape apart from the name: a rename candidate.
bool same_shape(const Collection& a, const Collection& b) {
  Collection x = a;
  x.name = b.name;
  x.location = b.location;
  return x == b;
}

}  // namespace

Plan diff(const Collections& from_in, const Collections& to, diag::Diagnostics& diags, const DiffOptions& o) {
  Plan p;
  // Renames first: the old collection takes its new name (renameCollection), then the rest of the
  // diff sees it as an existing collection under that name.
  Collections from = from_in;
  std::vector<Rename> renames;
  for (const auto& r : o.renames) {
    const Collection* old = from.find(r.from);
    auto problem = [&](std::string msg) {
      diag::Diagnostic d;
      d.code = "migrate.rename-flag";
      d.message = std::move(msg);
      d.exit_code = diag::ExitCode::usage;
      diags.push_back(std::move(d));
    };
    if (old == nullptr) problem("--rename " + r.from + ":" + r.to + ": no collection `" + r.from + "` in the migrations");
    else if (to.find(r.to) == nullptr) problem("--rename " + r.from + ":" + r.to + ": no collection `" + r.to + "` is declared");
    else if (from.find(r.to) != nullptr) problem("--rename " + r.from + ":" + r.to + ": `" + r.to + "` already exists");
    else if (to.find(r.from) != nullptr) problem("--rename " + r.from + ":" + r.to + ": `" + r.from + "` is still declared");
    else renames.push_back(r);
  }
  if (diag::has_errors(diags)) return p;
  for (const auto& r : renames)
    for (auto& c : from.collections)
      if (c.name == r.from) c.name = r.to;
  if (!o.accept_drops) {
    for (const auto& old : from.collections) {
      if (to.find(old.name) != nullptr) continue;
      for (const auto& c : to.collections)
        if (from.find(c.name) == nullptr && same_shape(old, c)) p.unresolved_renames.push_back({old.name, c.name});
    }
    if (!p.unresolved_renames.empty()) return p;
  }
  // Each step: its Up commands and the Down commands undoing them; the Down section is the steps'
  // Downs in reverse order.
  std::vector<std::vector<Json>> downs;
  auto step = [&](std::vector<Json> up, std::vector<Json> down) {
    for (auto& u : up) p.up.push_back(std::move(u));
    downs.push_back(std::move(down));
  };
  for (const auto& r : renames) {
    step({Json{{"renameCollection", r.from}, {"to", r.to}}}, {Json{{"renameCollection", r.to}, {"to", r.from}}});
    p.findings.push_back({"mongo.rename",
                          "renames collection `" + r.from + "` to `" + r.to +
                              "`: running clients still use the old name",
                          r.to});
  }
  for (const auto& c : to.collections) {
    const Collection* old = from.find(c.name);
    if (old == nullptr) {
      std::vector<Json> up;
      create_all(c, up);
      step(std::move(up), {Json{{"drop", c.name}}});
      continue;
    }
    if (old->capped != c.capped || old->size != c.size || old->max != c.max || old->collation != c.collation) {
      diag::Diagnostic d;
      d.code = "mongo.immutable-option";
      d.message = "the options (capped, size, max, collation) of existing collection `" + c.name +
                  "` cannot change in place";
      d.location = c.location;
      d.hint = "declare a new collection with the new options and copy the documents over";
      diags.push_back(std::move(d));
      continue;
    }
    if (old->validator != c.validator || old->validation_level != c.validation_level ||
        old->validation_action != c.validation_action) {
      const bool tightens = !c.validator.is_null() && c.validation_action == "error" && c.validation_level != "off" &&
                            (old->validator != c.validator || old->validation_action != "error" ||
                             old->validation_level == "off");
      if (tightens && o.stage_validators && old->validator != c.validator) {
        // Stage 1 of the rollout: the new validator only warns; existing documents are reported
        // by `flash apply`, and the next `flash migrate` writes stage 2 (validationAction error).
        Collection warn = c;
        warn.validation_action = "warn";
        step({coll_mod_validator(warn)}, {coll_mod_validator(*old)});
        p.findings.push_back({"mongo.validator-staged",
                              "the validator of `" + c.name +
                                  "` tightens: written with validationAction \"warn\" (stage 1 of 2); once `flash "
                                  "apply` reports no violating documents, run `flash migrate` again for stage 2 "
                                  "(\"error\")",
                              c.name});
      } else {
        step({coll_mod_validator(c)}, {coll_mod_validator(*old)});
        if (tightens)
          p.findings.push_back({"mongo.validator-tightened",
                                "the validator of `" + c.name +
                                    "` now rejects documents it did not: `flash apply` first checks the existing "
                                    "documents and refuses over violating ones (--accept-data-loss enforces anyway)",
                                c.name});
      }
    }
    // Indexes by name: dropped, changed (drop + create), added.
    for (const auto& oi : old->indexes) {
      auto ni = std::find_if(c.indexes.begin(), c.indexes.end(), [&](const Index& i) { return i.name == oi.name; });
      if (ni != c.indexes.end() && *ni == oi) continue;
      step({drop_index_command(c.name, oi.name)}, {create_indexes_command(c.name, {&oi})});
      if (ni == c.indexes.end())
        p.findings.push_back({"mongo.drop-index", "drops index `" + oi.name + "` of `" + c.name + "`", c.name});
    }
    for (const auto& ni : c.indexes) {
      auto oi = std::find_if(old->indexes.begin(), old->indexes.end(), [&](const Index& i) { return i.name == ni.name; });
      if (oi != old->indexes.end() && *oi == ni) continue;
      step({create_indexes_command(c.name, {&ni})}, {drop_index_command(c.name, ni.name)});
      if (ni.unique)
        p.findings.push_back({"mongo.unique-index",
                              "unique index `" + ni.name + "` on existing collection `" + c.name +
                                  "`: creating it fails if documents already share a value",
                              c.name});
    }
  }
  for (const auto& old : from.collections) {
    if (to.find(old.name) != nullptr) continue;
    std::vector<Json> down;
    create_all(old, down);
    step({Json{{"drop", old.name}}}, std::move(down));
    p.findings.push_back({"mongo.drop-collection",
                          "drops collection `" + old.name + "` and every document in it (the Down recreates it empty)",
                          old.name});
  }
  for (auto it = downs.rbegin(); it != downs.rend(); ++it)
    for (auto& d : *it) p.down.push_back(std::move(d));
  return p;
}

std::vector<FileFinding> lint_migration(const std::vector<Migration>& files, std::size_t index, diag::Diagnostics& diags) {
  const Migration& m = files.at(index);
  const Collections before = replay(files, index, diags);
  const Collections after = replay(files, index + 1, diags);
  DiffOptions o;
  o.accept_drops = true;
  o.stage_validators = false;
  for (const auto& c : m.up)
    if (c.body.begin().key() == "renameCollection" && c.body.begin().value().is_string() && c.body.contains("to") &&
        c.body["to"].is_string())
      o.renames.push_back({c.body.begin().value().get<std::string>(), c.body["to"].get<std::string>()});
  std::vector<FileFinding> out;
  if (diag::has_errors(diags)) return out;
  const Plan p = diff(before, after, diags, o);
  for (const auto& f : p.findings) {
    int line = m.up.empty() ? 1 : m.up.front().line;
    for (const auto& c : m.up)
      if ((c.body.begin().value().is_string() && c.body.begin().value().get<std::string>() == f.collection) ||
          c.body.value("to", "") == f.collection) {
        line = c.line;
        break;
      }
    out.push_back({f, m.json.file, line});
  }
  return out;
}

std::string migration_text(const Plan& p) {
  std::string s = "{\n  \"flash\": \"mongodb-migration\",\n";
  for (const char* section : {"up", "down"}) {
    const auto& cmds = std::string(section) == "up" ? p.up : p.down;
    s += std::string("  \"") + section + "\": [";
    for (std::size_t i = 0; i < cmds.size(); ++i) s += (i ? ",\n    " : "\n    ") + cmds[i].dump();
    s += cmds.empty() ? "]" : "\n  ]";
    s += std::string(section) == "up" ? ",\n" : "\n";
  }
  return s + "}\n";
}

}  // namespace flash::mongo
