// flash branch / flash checkout: database branches (flash::branch).
//   flash branch                              list (current marked, parent, created, size, ahead/behind)
//   flash branch NAME [--from B] [--schema-only]   create from the current branch (or B)
//   flash branch -d NAME [--force]            delete (never main or the current branch; --force: unmerged)
//   flash branch -m OLD NEW                   rename
//   flash branch reset NAME [--force]         re-create from its parent (asks; --force without a terminal)
//   flash branch diff A B                     migration SQL turning A into B + row-count differences
//   flash branch merge NAME [--into T] [--dry-run]   migrations, then [branches] merge_data rows
//                                             (a conflicting cell: exit 5, data_conflicts, nothing applied)
//   flash checkout NAME | flash checkout -b NAME [--from B] [--schema-only]
#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "flash/branch/ops.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace {

struct BranchArgs {
  std::vector<std::string> args;
  std::optional<std::string> del, from, into;
  std::vector<std::string> move;
  bool schema_only = false, dry_run = false, mask = false;
};

branch::Env make_env(Context& ctx) {
  branch::Env e;
  e.cfg = &ctx.config();
  e.main_url = ctx.main_database_url();
  e.project = migrate_project(ctx);
  e.out = migrate_output(ctx);
  return e;
}

std::string human_size(std::optional<std::int64_t> n) {
  if (!n) return "-";
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(*n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

nlohmann::json branch_json(const branch::Branch& b) {
  return {{"name", b.name},         {"parent", b.parent},           {"database", b.database},
          {"created_at", b.created_at}, {"schema_only", b.schema_only}, {"masked", b.masked},
          {"fork_migrations", b.fork_migrations}};
}

void run_list(Context& ctx, const branch::Env& e) {
  const auto items = branch::list(e);
  auto arr = nlohmann::json::array();
  for (const auto& it : items) {
    auto j = branch_json(it.branch);
    j["current"] = it.current;
    j["exists"] = it.exists;
    j["size"] = it.size ? nlohmann::json(*it.size) : nlohmann::json(nullptr);
    j["ahead"] = it.ahead ? nlohmann::json(*it.ahead) : nlohmann::json(nullptr);
    j["behind"] = it.behind ? nlohmann::json(*it.behind) : nlohmann::json(nullptr);
    arr.push_back(std::move(j));
  }
  ctx.result()["branches"] = arr;
  ctx.result()["current"] = branch::current(*e.cfg);
  for (const auto& it : items) {
    std::string line = (it.current ? "* " : "  ") + (it.current ? ctx.green(it.branch.name) : it.branch.name);
    if (!it.branch.parent.empty()) line += "  from " + it.branch.parent;
    if (!it.branch.created_at.empty()) line += "  " + it.branch.created_at;
    line += "  " + (it.exists ? human_size(it.size) : ctx.red("no database here"));
    if (it.ahead) line += "  " + std::to_string(*it.ahead) + " ahead, " + std::to_string(*it.behind) + " behind";
    ctx.say(line);
  }
}

void need_args(const BranchArgs& a, std::size_t n, const std::string& usage) {
  if (a.args.size() != n)
    throw diag::Error("cli.usage", "usage: " + usage, diag::ExitCode::usage, "run `flash branch --help`");
}

nlohmann::json value_json(const std::optional<driver::Value>& v) {
  if (!v || driver::is_null(*v)) return nullptr;
  if (const auto* b = std::get_if<bool>(&*v)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&*v)) return *i;
  if (const auto* d = std::get_if<double>(&*v)) return *d;
  if (const auto* s = std::get_if<std::string>(&*v)) return *s;
  return driver::to_display(*v);
}

std::string value_text(const std::optional<driver::Value>& v) {
  if (!v) return "(no row)";
  if (driver::is_null(*v)) return "NULL";
  return driver::to_display(*v);
}

nlohmann::json key_json(const std::vector<branch::KeyValue>& key) {
  auto j = nlohmann::json::object();
  for (const auto& k : key) j[k.column] = value_json(k.value);
  return j;
}

// [branches] merge_data: the planned (or applied) row changes and the conflicting cells.
void report_data(Context& ctx, const branch::MergeResult& r, bool dry_run) {
  auto& j = ctx.result();
  j["data_tables"] = r.data_tables;
  if (r.data_tables.empty()) return;
  auto changes = nlohmann::json::array();
  std::vector<std::string> lines;
  for (const auto& t : r.data.tables)
    for (const auto& ch : t.changes) {
      const char* action = ch.kind == branch::RowChange::Kind::insert   ? "insert"
                           : ch.kind == branch::RowChange::Kind::update ? "update"
                                                                        : "delete";
      nlohmann::json c = {{"table", t.table}, {"action", action}, {"key", key_json(ch.key)}};
      std::string line = std::string(action) + " " + t.table + " " + branch::describe_key(ch.key);
      if (ch.kind == branch::RowChange::Kind::update) {
        auto cols = nlohmann::json::object();
        std::vector<std::string> parts;
        for (std::size_t i = 0; i < ch.columns.size(); ++i) {
          cols[ch.columns[i]] = {{"from", value_json(ch.before[i])}, {"to", value_json(ch.values[i])}};
          parts.push_back(ch.columns[i] + ": " + value_text(ch.before[i]) + " → " + value_text(ch.values[i]));
        }
        c["columns"] = cols;
        line += " (" + util::join(parts, ", ") + ")";
      } else if (ch.kind == branch::RowChange::Kind::insert) {
        auto vals = nlohmann::json::object();
        for (std::size_t i = 0; i < ch.columns.size(); ++i) vals[ch.columns[i]] = value_json(ch.values[i]);
        c["values"] = vals;
      }
      changes.push_back(std::move(c));
      lines.push_back(std::move(line));
    }
  auto conflicts = nlohmann::json::array();
  for (const auto& c : r.data.conflicts)
    conflicts.push_back({{"table", c.table},
                         {"key", key_json(c.key)},
                         {"column", c.column},
                         {"kind", c.kind},
                         {"base", value_json(c.base)},
                         {"ours", value_json(c.ours)},
                         {"theirs", value_json(c.theirs)},
                         {"base_row", c.base.has_value()},
                         {"ours_row", c.ours.has_value()},
                         {"theirs_row", c.theirs.has_value()}});
  j["data_changes"] = changes;
  j["data_conflicts"] = conflicts;
  j["data_applied"] = r.data_applied;
  if (!r.data.conflicts.empty()) {
    ctx.exit_code = static_cast<int>(diag::ExitCode::conflict);
    const std::string msg =
        std::to_string(r.data.conflicts.size()) + " cell(s) of [branches] merge_data changed differently in '" +
        r.target + "' (ours) and '" + r.source + "' (theirs) since the fork; " +
        (r.data_refused_after_schema ? "the migrations were applied, the rows were not merged"
                                     : "nothing was applied (neither migrations nor rows)");
    j["error"] = {{"code", "branch.merge-data-conflict"}, {"message", msg}, {"exit_code", ctx.exit_code}};
    ctx.say(ctx.red("Refused: ") + msg);
    for (const auto& c : r.data.conflicts)
      ctx.say("  " + c.table + " " + branch::describe_key(c.key) + " column " + c.column + " (" + c.kind +
              "): base " + value_text(c.base) + ", ours " + value_text(c.ours) + ", theirs " + value_text(c.theirs));
    return;
  }
  if (lines.empty()) {
    ctx.say("Rows of " + util::join(r.data_tables, ", ") + ": nothing to merge");
    return;
  }
  ctx.say(std::string(dry_run ? "Would merge" : "Merged") + " " + std::to_string(lines.size()) + " row change(s) of " +
          util::join(r.data_tables, ", ") + ":");
  for (const auto& l : lines) ctx.say("  " + l);
}

void run_merge(Context& ctx, const branch::Env& e, const BranchArgs& a) {
  need_args(a, 2, "flash branch merge NAME [--into TARGET] [--dry-run]");
  branch::MergeOptions o;
  o.name = a.args[1];
  o.into = a.into;
  o.dry_run = a.dry_run;
  const auto r = branch::merge(e, o);
  auto& j = ctx.result();
  j["source"] = r.source;
  j["target"] = r.target;
  j["fork"] = r.fork;
  j["changes"] = r.changes;
  j["target_since_fork"] = r.target_since;
  j["commute_checked"] = r.commute_checked;
  j["lint_warnings"] = r.lint_warnings;
  auto ren = nlohmann::json::array();
  for (const auto& [from, to] : r.renumbered) ren.push_back({{"from", from}, {"to", to}});
  j["renumbered"] = ren;
  j["dry_run"] = a.dry_run;
  j["applied"] = r.apply.applied;
  if (a.dry_run) j["sql"] = r.apply.dry_run_sql;
  if (r.changes.empty()) {
    ctx.say("No migrations to merge: '" + r.source + "' has none that '" + r.target + "' lacks");
    report_data(ctx, r, a.dry_run);
    return;
  }
  if (!r.data.conflicts.empty() && !r.data_refused_after_schema) return report_data(ctx, r, a.dry_run);
  if (r.commute_checked)
    ctx.say("Checked: the " + std::to_string(r.changes.size()) + " migration(s) of '" + r.source + "' commute with the " +
            std::to_string(r.target_since.size()) + " '" + r.target + "' gained since the fork");
  for (const auto& [from, to] : r.renumbered)
    ctx.say((a.dry_run ? "would renumber " : "renumbered ") + from + " → " + to);
  if (a.dry_run) {
    ctx.say("Would apply to '" + r.target + "':");
    ctx.say(r.apply.dry_run_sql);
  } else {
    for (const auto& id : r.apply.applied) ctx.say(ctx.green("applied") + " " + id + " to " + r.target);
  }
  report_data(ctx, r, a.dry_run);
}

void run_branch(Context& ctx, const BranchArgs& a) {
  const branch::Env e = make_env(ctx);
  if (a.del) {
    need_args(a, 0, "flash branch -d NAME [--force]");
    branch::remove(e, *a.del, ctx.options.force);
    ctx.result()["deleted"] = *a.del;
    ctx.say("Deleted branch " + *a.del + " and its database");
    return;
  }
  if (!a.move.empty()) {
    if (a.move.size() != 2 || !a.args.empty())
      throw diag::Error("cli.usage", "usage: flash branch -m OLD NEW", diag::ExitCode::usage);
    branch::rename(e, a.move[0], a.move[1]);
    ctx.result()["renamed"] = {{"from", a.move[0]}, {"to", a.move[1]}};
    ctx.say("Renamed branch " + a.move[0] + " to " + a.move[1]);
    return;
  }
  if (a.args.empty()) return run_list(ctx, e);
  const std::string& verb = a.args[0];
  if (verb == "reset") {
    need_args(a, 2, "flash branch reset NAME [--force]");
    if (!ctx.confirm("Re-create branch '" + a.args[1] + "' from its parent? Its data and migrations are lost.",
                     "--force"))
      throw diag::Error("cli.cancelled", "cancelled", diag::ExitCode::error);
    const auto b = branch::reset(e, a.args[1]);
    ctx.result()["reset"] = branch_json(b);
    ctx.say("Re-created branch " + b.name + " from " + b.parent);
    return;
  }
  if (verb == "diff") {
    need_args(a, 3, "flash branch diff A B");
    const auto r = branch::diff(e, a.args[1], a.args[2]);
    auto& j = ctx.result();
    j["from"] = a.args[1];
    j["to"] = a.args[2];
    j["sql"] = r.sql;
    j["operations"] = r.operations;
    auto rows = nlohmann::json::array();
    for (const auto& t : r.rows)
      rows.push_back({{"table", t.table},
                      {"rows_a", t.a ? nlohmann::json(*t.a) : nlohmann::json(nullptr)},
                      {"rows_b", t.b ? nlohmann::json(*t.b) : nlohmann::json(nullptr)}});
    j["row_counts"] = rows;
    if (r.sql.empty()) ctx.say("No schema difference between " + a.args[1] + " and " + a.args[2]);
    else ctx.say("-- the migration that turns " + a.args[1] + " into " + a.args[2] + "\n" + r.sql);
    for (const auto& t : r.rows)
      ctx.say("rows " + t.table + ": " + (t.a ? std::to_string(*t.a) : "-") + " → " +
              (t.b ? std::to_string(*t.b) : "-"));
    return;
  }
  if (verb == "merge") return run_merge(ctx, e, a);
  need_args(a, 1, "flash branch NAME [--from BRANCH] [--schema-only]");
  branch::CreateOptions o;
  o.name = verb;
  o.from = a.from;
  o.schema_only = a.schema_only;
  o.mask = a.mask;
  const auto b = branch::create(e, o);
  ctx.result()["created"] = branch_json(b);
  ctx.say("Created branch " + b.name + " from " + b.parent + (b.schema_only ? " (schema only)" : "") + " (database " +
          b.database + ")");
}

}  // namespace

void setup_branch(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<BranchArgs>();
  sub.add_option("args", a->args, "NAME to create; or reset NAME / diff A B / merge NAME");
  sub.add_option("-d,--delete", a->del, "Delete a branch and its database")->type_name("NAME");
  sub.add_option("-m,--move", a->move, "Rename: -m OLD NEW")->expected(2)->type_name("OLD NEW");
  sub.add_option("--from", a->from, "Create from this branch (default: the current one)")->type_name("BRANCH");
  sub.add_flag("--schema-only", a->schema_only, "Copy the schema and migration history, not the rows");
  sub.add_flag("--mask", a->mask, "Rewrite the [branches.mask] columns of the new branch with fake values");
  sub.add_option("--into", a->into, "merge: the target branch (default: the current one)")->type_name("BRANCH");
  sub.add_flag("--dry-run", a->dry_run, "merge: print what would run, change nothing");
  sub.footer("Branch names: 1-40 characters of a-z 0-9 _ -, starting with a letter or digit; reset, diff, merge, "
             "hook are reserved. The list lives in <migrations>/.flash/branches.json (commit it); the current "
             "branch in .flash/HEAD (local; FLASH_BRANCH overrides it).");
  // reset / diff / merge are subcommands of `branch` (so that `branch reset` is not the top-level
  // `reset`); their names land in the same argument list.
  struct Verb {
    CLI::App* app;
    std::shared_ptr<std::vector<std::string>> names;
  };
  auto verbs = std::make_shared<std::vector<Verb>>();
  for (const auto& [verb, help] : std::vector<std::pair<std::string, std::string>>{
           {"reset", "reset NAME: re-create the branch from its parent (--force without a terminal)"},
           {"diff", "diff A B: the migration that turns A's schema into B's, and row-count differences"},
           {"merge", "merge NAME [--into T] [--dry-run]: apply the branch's migrations to T (default: current)"}}) {
    auto names = std::make_shared<std::vector<std::string>>();
    CLI::App* v = sub.add_subcommand(verb, help);
    v->fallthrough();
    v->add_option("names", *names, "Branch names");
    verbs->push_back({v, names});
  }
  sub.callback([a, verbs, &ctx] {
    for (const auto& v : *verbs)
      if (v.app->parsed()) {
        a->args = {v.app->get_name()};
        a->args.insert(a->args.end(), v.names->begin(), v.names->end());
      }
    run_branch(ctx, *a);
  });
}

void setup_checkout(CLI::App& sub, Context& ctx) {
  auto name = std::make_shared<std::string>();
  auto create = std::make_shared<bool>(false);
  auto from = std::make_shared<std::optional<std::string>>();
  auto schema_only = std::make_shared<bool>(false);
  auto mask = std::make_shared<bool>(false);
  sub.add_option("name", *name, "The branch")->required();
  sub.add_flag("-b", *create, "Create the branch first (from the current one, or --from)");
  sub.add_option("--from", *from, "With -b: create from this branch")->type_name("BRANCH");
  sub.add_flag("--schema-only", *schema_only, "With -b: copy the schema and migration history, not the rows");
  sub.add_flag("--mask", *mask, "With -b: rewrite the [branches.mask] columns with fake values");
  sub.callback([=, &ctx] {
    const branch::Env e = make_env(ctx);
    if (*create) {
      branch::CreateOptions o;
      o.name = *name;
      o.from = *from;
      o.schema_only = *schema_only;
      o.mask = *mask;
      o.checkout = true;
      const auto b = branch::create(e, o);
      ctx.result()["created"] = branch_json(b);
      ctx.say("Created branch " + b.name + " from " + b.parent);
    } else {
      branch::checkout(e, *name);
    }
    ctx.result()["branch"] = *name;
    ctx.say("Switched to branch " + *name);
  });
}

}  // namespace flash::cli
