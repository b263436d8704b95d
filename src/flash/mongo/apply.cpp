// The MongoDB migration applier (see apply.hpp).
#include "flash/mongo/apply.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <thread>
#include <unistd.h>

#include "flash/diag/position.hpp"
#include "flash/mongo/validate.hpp"

namespace flash::mongo {
namespace {

using Clock = std::chrono::system_clock;
using driver::Document;

Json date(Clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return Json{{"$date", Json{{"$numberLong", std::to_string(ms)}}}};
}

Json id_filter(const std::string& id) { return Json{{"_id", id}}; }

void set_fields(driver::DocumentConnection& c, const std::string& id, Json fields) {
  c.update(kTrackingCollection, id_filter(id), Json{{"$set", std::move(fields)}});
}

std::string random_owner() {
  std::random_device rd;
  std::mt19937_64 g(rd());
  char host[128] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(g());
}

// The Migration of each id, for checks.
std::map<std::string, const Migration*> by_id(const std::vector<Migration>& files) {
  std::map<std::string, const Migration*> m;
  for (const auto& f : files) m[f.id] = &f;
  return m;
}

diag::Diagnostic at_command(const Migration& m, const Command& cmd, std::string code, std::string message) {
  diag::Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.location = diag::Location{m.json.file, cmd.line, 1, 1};
  d.source_line = std::string(diag::line_at(m.json.text, cmd.line));
  return d;
}

// The staged rollout's guard: a collMod that sets a validator is preceded by a check of the
// existing documents; one that enforces it (validationAction "error") over violating documents, or
// over documents nobody could check, stops unless --accept-data-loss.
void guard_validator(driver::DocumentConnection& c, const Migration& m, const Command& cmd, const ApplyOptions& o) {
  const Json& body = cmd.body;
  if (body.begin().key() != "collMod" || !body.contains("validator") || !body["validator"].is_object() ||
      body["validator"].empty() || body.value("validationLevel", "strict") == "off")
    return;
  ValidatorReport r = check_validator(c, body.begin().value().get<std::string>(), body["validator"]);
  r.enforced = enforces_validator(body);
  if (o.on_validator_report) o.on_validator_report(r);
  if (!r.enforced || o.accept_data_loss) return;
  if (r.method.empty()) {
    diag::Diagnostic d = at_command(m, cmd, "mongo.validator-unchecked",
                                    "cannot check the documents of `" + r.collection +
                                        "` against the validator this command enforces: " + r.why);
    d.exit_code = diag::ExitCode::conflict;
    d.hint = std::string("write it with validationAction \"warn\" first, or pass --accept-data-loss to enforce it "
                         "unchecked");
    throw diag::Error(std::move(d));
  }
  if (r.violating == 0) return;
  std::string list;
  for (const auto& s : r.samples) list += "\n  " + s;
  diag::Diagnostic d = at_command(m, cmd, "mongo.validator-violations",
                                  std::to_string(r.violating) + " document(s) of `" + r.collection +
                                      "` violate the validator this command enforces (checked by the " + r.method +
                                      "):" + list);
  d.exit_code = diag::ExitCode::conflict;
  d.hint = std::string("fix the documents (the validator stays at validationAction \"warn\" until then), or pass "
                       "--accept-data-loss to enforce it anyway: those documents then cannot be updated");
  throw diag::Error(std::move(d));
}

bool has_collection(driver::DocumentConnection& c, const std::string& name) {
  for (const auto& e : c.list_collections())
    if (e.value("name", "") == name) return true;
  return false;
}

// Whether the effect of `cmd` is already in the database: a run killed after the server carried
// out a command but before it was recorded left it done. Only the first command of a resumed run
// can be in that state (every earlier one was recorded).
bool effect_present(driver::DocumentConnection& c, const Json& cmd) {
  const std::string op = cmd.begin().key();
  const std::string coll = cmd.begin().value().is_string() ? cmd.begin().value().get<std::string>() : "";
  auto index_named = [&](const std::string& name) {
    for (const auto& ix : c.list_indexes(coll))
      if (ix.value("name", "") == name) return true;
    return false;
  };
  if (op == "create") return has_collection(c, coll);
  if (op == "drop") return !has_collection(c, coll);
  if (op == "renameCollection") return !has_collection(c, coll) && has_collection(c, cmd.value("to", ""));
  if (op == "dropIndexes") return cmd.contains("index") && cmd["index"].is_string() && !index_named(cmd["index"]);
  if (op == "createIndexes" && cmd.contains("indexes") && cmd["indexes"].is_array()) {
    for (const auto& ix : cmd["indexes"])
      if (!index_named(ix.value("name", ""))) return false;
    return true;
  }
  return false;  // collMod: running it again changes nothing
}

void run_commands(driver::DocumentConnection& c, Lock& lock, const Migration& m, const std::vector<Command>& cmds,
                  std::int64_t from, bool resumed, const ApplyOptions& o, std::size_t& count) {
  for (std::size_t i = static_cast<std::size_t>(from); i < cmds.size(); ++i) {
    if (o.on_command) o.on_command(m.id, i, cmds[i].body);
    if (resumed && i == static_cast<std::size_t>(from) && effect_present(c, cmds[i].body)) {
      set_fields(c, m.id, Json{{"applied_steps_count", static_cast<std::int64_t>(i + 1)}});
      lock.renew();
      continue;
    }
    guard_validator(c, m, cmds[i], o);
    try {
      Json sent;
      if (server_command(c, cmds[i].body, sent)) c.admin_command(sent);
      else c.command(sent);
    } catch (const driver::DbError& e) {
      if (!e.connection_usable()) throw;  // exit 6: the next run resumes at this command
      const std::string where = m.json.file + ":" + std::to_string(cmds[i].line);
      try {
        set_fields(c, m.id, Json{{"logs", std::string(e.what()) + " [" + e.sqlstate() + "] (" + where + ")"}});
      } catch (...) {
      }
      // Located at the command in its file; the run stops after the commands already recorded.
      diag::Diagnostic d = at_command(m, cmds[i], "mongo.command-failed",
                                      "the server refused `" + cmds[i].body.begin().key() + "` of migration " + m.id +
                                          ": " + e.what() + " [" + e.sqlstate() + "]");
      d.hint = e.sqlstate() == "NotImplemented"
                   ? "the server does not implement this command (FerretDB v1 lacks validators, collMod and "
                     "partial/TTL/text/2dsphere/hashed indexes: README \"FerretDB gaps\"); fix the file, "
                     "then apply again: the run resumes at this command"
                   : "fix the cause, then apply again: the run resumes at this command";
      throw diag::Error(std::move(d));
    }
    ++count;
    set_fields(c, m.id, Json{{"applied_steps_count", static_cast<std::int64_t>(i + 1)}});
    lock.renew();
  }
}

}  // namespace

bool server_command(const driver::DocumentConnection& c, const Json& cmd, Json& out) {
  out = cmd;
  if (cmd.begin().key() != "renameCollection") return false;
  const std::string ns = c.database() + ".";
  out = Json::object();
  out["renameCollection"] = ns + cmd.begin().value().get<std::string>();
  out["to"] = ns + cmd.value("to", "");
  out["dropTarget"] = false;
  return true;
}

ValidatorReport check_validator(driver::DocumentConnection& c, const std::string& collection, const Json& validator,
                                std::size_t max_samples) {
  ValidatorReport r;
  r.collection = collection;
  const Json violating = Json{{"$nor", Json::array({validator})}};
  // The server first: MongoDB evaluates $jsonSchema (and any query-operator validator) itself.
  std::string server_error;
  try {
    const Json reply = c.command(Json{{"count", collection}, {"query", violating}});
    const Json all = c.command(Json{{"count", collection}});
    r.violating = reply.value("n", std::int64_t{0});
    r.checked = all.value("n", std::int64_t{0});
    for (const auto& d : c.find(collection, violating,
                                {.projection = Json{{"_id", 1}}, .limit = static_cast<std::int64_t>(max_samples),
                                 .mode = driver::JsonMode::canonical}))
      r.samples.push_back("_id " + (d.contains("_id") ? d["_id"].dump() : std::string("(none)")));
    r.method = "server";
    return r;
  } catch (const driver::DbError& e) {
    if (!e.connection_usable()) throw;
    server_error = std::string(e.what()) + " [" + e.sqlstate() + "]";
  }
  // Client-side: every document through Flash's $jsonSchema validator.
  if (std::string why = unsupported_validator(validator); !why.empty()) {
    r.why = "the server cannot (" + server_error + ") and Flash cannot either (" + why + ")";
    return r;
  }
  r.method = "client";
  c.find_each(collection, Json::object(), {.mode = driver::JsonMode::canonical}, [&](const Json& doc) {
    ++r.checked;
    const auto v = violations(validator, doc);
    if (v.empty()) return true;
    ++r.violating;
    if (r.samples.size() < max_samples)
      r.samples.push_back("_id " + (doc.contains("_id") ? doc["_id"].dump() : std::string("(none)")) + ": " + v.front());
    return true;
  });
  return r;
}

std::vector<TrackingDoc> read_tracking(driver::DocumentConnection& c) {
  std::vector<TrackingDoc> out;
  for (const auto& d : c.find(kTrackingCollection, Json::object(), {.sort = Json{{"_id", 1}}})) {
    TrackingDoc t;
    t.id = d.value("id", d.value("_id", ""));
    t.checksum = d.value("checksum", "");
    t.finished = d.contains("finished_at") && !d["finished_at"].is_null();
    t.migration_name = d.value("migration_name", "");
    if (d.contains("logs") && d["logs"].is_string()) t.logs = d["logs"].get<std::string>();
    t.rolled_back = d.contains("rolled_back_at") && !d["rolled_back_at"].is_null();
    if (d.contains("applied_steps_count") && d["applied_steps_count"].is_number_integer())
      t.applied_steps_count = d["applied_steps_count"].get<std::int64_t>();
    out.push_back(std::move(t));
  }
  return out;
}

Lock::Lock(driver::DocumentConnection& c, std::chrono::milliseconds timeout, std::chrono::milliseconds ttl)
    : c_(c), owner_(random_owner()), ttl_(ttl) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto now = Clock::now();
    try {
      c_.insert(kLockCollection,
                std::vector<Document>{Json{{"_id", "migrate"}, {"owner", owner_}, {"expires_at", date(now + ttl_)}}});
      return;
    } catch (const driver::DbError& e) {
      if (e.native_code() != 11000) throw;  // anything but "held by someone" is a real error
    }
    // Held: take it over when it has expired (one conditional update: only one taker matches).
    const auto r = c_.update(kLockCollection, Json{{"_id", "migrate"}, {"expires_at", Json{{"$lt", date(now)}}}},
                             Json{{"$set", Json{{"owner", owner_}, {"expires_at", date(now + ttl_)}}}});
    if (r.matched == 1) return;
    if (std::chrono::steady_clock::now() >= deadline)
      throw diag::Error("migrate.lock-timeout",
                        "another flash run holds the migration lock (" + std::string(kLockCollection) +
                            " document `migrate`)",
                        diag::ExitCode::lock_timeout,
                        std::string("wait for it to finish, or raise --lock-timeout; a lock whose holder died "
                                    "expires by itself after 60 s"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void Lock::renew() {
  const auto r = c_.update(kLockCollection, Json{{"_id", "migrate"}, {"owner", owner_}},
                           Json{{"$set", Json{{"expires_at", date(Clock::now() + ttl_)}}}});
  if (r.matched != 1)
    throw diag::Error("migrate.lock-lost", "the migration lock expired and another flash run took it over",
                      diag::ExitCode::lock_timeout,
                      std::string("this run stopped after its last recorded command; run it again"));
}

Lock::~Lock() {
  try {
    c_.remove(kLockCollection, Json{{"_id", "migrate"}, {"owner", owner_}});
  } catch (...) {
  }
}

ApplyResult apply(driver::DocumentConnection& c, const std::vector<Migration>& files, const ApplyOptions& o) {
  Lock lock(c, o.lock_timeout);
  // Read under the lock: another applier may have just finished.
  std::map<std::string, TrackingDoc> rows;
  for (auto& t : read_tracking(c)) rows[t.id] = std::move(t);
  for (const auto& f : files) {
    auto it = rows.find(f.id);
    if (it != rows.end() && it->second.finished && it->second.checksum != f.checksum)
      throw diag::Error(diag::Diagnostic{
          diag::Severity::error, "migrate.checksum",
          "applied migration " + f.id + " was edited after it was applied (checksum differs)",
          diag::Location{f.json.file, 1, 1}, std::string("restore the file as it was applied"),
          "", diag::ExitCode::check_failed});
  }
  ApplyResult res;
  for (const auto& f : files) {
    if (o.to && f.id > *o.to) break;
    auto it = rows.find(f.id);
    std::int64_t from = 0;
    if (it != rows.end()) {
      if (it->second.finished) continue;
      if (it->second.rolled_back)
        throw diag::Error("migrate.interrupted-down",
                          "the rollback of " + f.id + " was interrupted; finish it with `flash down` first",
                          diag::ExitCode::check_failed);
      from = it->second.applied_steps_count;
      res.resumed.push_back(f.id);
      set_fields(c, f.id, Json{{"checksum", f.checksum}, {"logs", nullptr}});
    } else {
      Json row = Json::object();
      row["_id"] = f.id;
      row["id"] = f.id;
      row["checksum"] = f.checksum;
      row["finished_at"] = nullptr;
      row["migration_name"] = f.name;
      row["logs"] = nullptr;
      row["rolled_back_at"] = nullptr;
      row["started_at"] = date(Clock::now());
      row["applied_steps_count"] = 0;
      c.insert(kTrackingCollection, std::vector<Document>{row});
    }
    run_commands(c, lock, f, f.up, from, it != rows.end(), o, res.commands);
    set_fields(c, f.id, Json{{"finished_at", date(Clock::now())}, {"logs", nullptr}});
    res.applied.push_back(f.id);
  }
  return res;
}

std::vector<std::string> down(driver::DocumentConnection& c, const std::vector<Migration>& files, int steps,
                              const ApplyOptions& o) {
  Lock lock(c, o.lock_timeout);
  const auto files_by_id = by_id(files);
  std::vector<TrackingDoc> rows = read_tracking(c);
  std::vector<std::string> done;
  std::size_t count = 0;
  for (auto it = rows.rbegin(); it != rows.rend() && static_cast<int>(done.size()) < steps; ++it) {
    auto f = files_by_id.find(it->id);
    if (f == files_by_id.end())
      throw diag::Error("migrate.missing-file", "applied migration " + it->id + " has no file to roll back with",
                        diag::ExitCode::error, std::string("restore the file from version control"));
    if (it->checksum != f->second->checksum)
      throw diag::Error("migrate.checksum", "migration " + it->id + " was edited after it was applied",
                        diag::ExitCode::check_failed, std::string("restore the file as it was applied"));
    std::int64_t from = 0;
    if (it->rolled_back) from = it->applied_steps_count;  // an interrupted rollback resumes
    else set_fields(c, it->id, Json{{"rolled_back_at", date(Clock::now())}, {"applied_steps_count", 0}, {"logs", nullptr}});
    run_commands(c, lock, *f->second, f->second->down, from, it->rolled_back, o, count);
    c.remove(kTrackingCollection, id_filter(it->id));
    done.push_back(it->id);
  }
  return done;
}

std::vector<StatusEntry> status(driver::DocumentConnection& c, const std::vector<Migration>& files) {
  std::map<std::string, TrackingDoc> rows;
  for (auto& t : read_tracking(c)) rows[t.id] = std::move(t);
  std::vector<StatusEntry> out;
  for (const auto& f : files) {
    StatusEntry e{f.id, "pending", 0};
    if (auto it = rows.find(f.id); it != rows.end()) {
      e.applied_steps = it->second.applied_steps_count;
      e.state = !it->second.finished || it->second.rolled_back ? "partial"
                : it->second.checksum != f.checksum        ? "modified"
                                                           : "applied";
      rows.erase(it);
    }
    out.push_back(std::move(e));
  }
  for (const auto& [id, t] : rows) out.push_back({id, "missing", t.applied_steps_count});
  std::sort(out.begin(), out.end(), [](const StatusEntry& a, const StatusEntry& b) { return a.id < b.id; });
  return out;
}

}  // namespace flash::mongo
