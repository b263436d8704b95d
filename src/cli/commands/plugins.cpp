// flash plugins [add PATH_OR_ARCHIVE --sha256 HEX | remove NAME]  (base part; docs/plugins.md)
//   flash plugins          the parts (version, size, commands, contract version, installed or not),
//                          the generators (built-in, [gen.*] plugins, flash-gen-* on PATH) and what
//                          `plugins add` installed, with its pin checked
//   flash plugins add      installs a part or plugin (one executable named flash-*, or a .tar.gz /
//                          .tar.xz / .zip holding them, e.g. a part's CPack archive) into
//                          ~/.flash/plugins, only when the file's SHA-256 equals the pin given
//                          with --sha256; the pin and the installed files' hashes go into the lock
//                          file ~/.flash/plugins/flash-plugins.lock. Nothing is downloaded.
//   flash plugins remove   removes what `plugins add` installed under that name (nothing else)
// Bad input (no such file, a wrong hash, an archive member that is absolute, has `..`, is a link or
// a device) is one located diagnostic with nothing written.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <memory>

#include "cli/commands/commands.hpp"
#include "cli/parts.hpp"
#include "flash/codegen/contract.hpp"  // the constants only
#include "flash/util/text.hpp"

namespace flash::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLockName = "flash-plugins.lock";

struct AddOptions {
  std::string file;
  std::string sha256;
  std::string name;  // remove
};

diag::Error located(std::string code, const std::string& file, std::string message, std::string hint,
                    diag::ExitCode exit = diag::ExitCode::error) {
  diag::Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.hint = std::move(hint);
  d.exit_code = exit;
  d.location.file = file;
  return diag::Error(std::move(d));
}

fs::path install_dir() {
  auto d = plugin_dir();
  if (!d)
    throw diag::Error("plugins.no-home", "HOME is not set, so there is no ~/.flash/plugins", diag::ExitCode::error,
                      "set HOME to the user's home directory");
  return *d;
}

// The lock file: {"version": 1, "installed": {NAME: {"sha256", "source", "source_sha256"}}}.
nlohmann::json read_lock(const fs::path& dir) {
  const fs::path p = dir / kLockName;
  std::error_code ec;
  if (!fs::exists(p, ec)) return {{"version", 1}, {"installed", nlohmann::json::object()}};
  auto j = nlohmann::json::parse(util::read_file(p), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("installed") || !j["installed"].is_object())
    throw located("plugins.lock", p.string(), "the lock file is not a lock file of flash plugins",
                  "move it away; `flash plugins add` writes a new one");
  return j;
}

void write_lock(const fs::path& dir, const nlohmann::json& lock) {
  util::write_file_atomic(dir / kLockName, lock.dump(2) + "\n");
}

// A safe archive member name: relative, no `..`, no empty or backslash component.
bool safe_member(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos ||
      name.find('\0') != std::string::npos)
    return false;
  for (const auto& part : util::split(name, '/'))
    if (part == "..") return false;
  return true;
}

struct Member {
  std::string name;  // the installed name: the member's file name
  std::string contents;
};

// The executables flash-* of an archive (at its top level or in a bin/ folder), after checking
// every member's name and type. Throws located diagnostics (file = the archive).
std::vector<Member> read_archive(const std::string& file, const std::string& bytes) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    throw located("plugins.archive", file, std::string("not a readable archive: ") + archive_error_string(a.get()),
                  "give a .tar.gz, .tar.xz or .zip, or a single flash-* executable");
  std::vector<Member> out;
  archive_entry* e = nullptr;
  int index = 0;
  for (int r; (r = archive_read_next_header(a.get(), &e)) != ARCHIVE_EOF; ++index) {
    if (r < ARCHIVE_WARN)
      throw located("plugins.archive", file, std::string("a damaged archive: ") + archive_error_string(a.get()),
                    "get the file again from its publisher");
    const char* raw = archive_entry_pathname(e);
    const std::string name = raw ? raw : "";
    const std::string where = "member " + std::to_string(index + 1) + " `" + name + "`";
    if (!safe_member(name))
      throw located("plugins.archive-path", file, where + " would be written outside the installation directory",
                    "an archive of a part or plugin holds only relative names without `..`; nothing was installed");
    const auto type = archive_entry_filetype(e);
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG || archive_entry_hardlink(e))
      throw located("plugins.archive-type", file, where + " is not a regular file (a link or a device)",
                    "parts and plugins are installed as plain files; nothing was installed");
    const std::string base = fs::path(name).filename().string();
    const std::string dir = fs::path(name).parent_path().filename().string();
    const bool wanted = base.rfind("flash-", 0) == 0 && (archive_entry_perm(e) & 0111) &&
                        (fs::path(name).parent_path().empty() || dir == "bin");
    if (!wanted) {
      archive_read_data_skip(a.get());
      continue;
    }
    Member m{base, {}};
    char buf[65536];
    for (la_ssize_t n; (n = archive_read_data(a.get(), buf, sizeof buf)) != 0;) {
      if (n < 0)
        throw located("plugins.archive", file, where + ": " + archive_error_string(a.get()), "get the file again");
      m.contents.append(buf, static_cast<size_t>(n));
    }
    for (const auto& o : out)
      if (o.name == m.name)
        throw located("plugins.archive", file, where + " repeats the executable " + m.name, "one file per name");
    out.push_back(std::move(m));
  }
  if (out.empty())
    throw located("plugins.empty", file, "the archive holds no executable flash-* (at its top or in a bin/ folder)",
                  "a part's archive is flash-NAME-VERSION-Linux.tar.gz from `cpack`");
  return out;
}

bool is_archive(const std::string& bytes) {
  const auto starts = [&](std::string_view magic) { return bytes.compare(0, magic.size(), magic) == 0; };
  return starts("\x1f\x8b") || starts("\xfd" "7zXZ") || starts("PK\x03\x04") || starts("BZh") ||
         starts("\x28\xb5\x2f\xfd") || (bytes.size() > 262 && bytes.compare(257, 5, "ustar") == 0);
}

void run_add(const AddOptions& o, Context& ctx) {
  std::string pin = util::to_lower(o.sha256);
  if (pin.rfind("sha256:", 0) == 0) pin = pin.substr(7);
  if (pin.size() != 64 || pin.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw diag::Error("cli.usage", "--sha256 must be 64 hexadecimal digits (the file's SHA-256 as its publisher states it)",
                      diag::ExitCode::usage, "sha256sum FILE prints it; compare it with the publisher's before pinning");
  std::error_code ec;
  if (!fs::is_regular_file(o.file, ec))
    throw located("plugins.not-found", o.file, fs::exists(o.file, ec) ? "not a regular file" : "no such file",
                  "give the path of a flash-* executable or of a part's archive; nothing is downloaded");
  const std::string bytes = util::read_file(o.file);
  const std::string actual = util::sha256_hex(bytes);
  if (actual != pin)
    throw located("plugins.pin-mismatch", o.file, "the file's SHA-256 is " + actual + ", not the pinned " + pin,
                  "nothing was installed: get the file again from its publisher, or check the pin",
                  diag::ExitCode::check_failed);
  std::vector<Member> members;
  if (is_archive(bytes)) {
    members = read_archive(o.file, bytes);
  } else {
    const std::string name = fs::path(o.file).filename().string();
    if (name.rfind("flash-", 0) != 0 || name.size() <= 6)
      throw located("plugins.name", o.file, "a part or plugin is an executable named flash-NAME, not `" + name + "`",
                    "rename it (flash-core, flash-gen-markdown, ...); `flash` dispatches to flash-PART and `gen` "
                    "finds flash-gen-NAME");
    members.push_back({name, bytes});
  }
  const fs::path dir = install_dir();
  nlohmann::json lock = read_lock(dir);
  for (const auto& m : members)
    if (fs::exists(dir / m.name, ec) && !lock["installed"].contains(m.name) && !ctx.options.force)
      throw located("plugins.exists", (dir / m.name).string(), "a file of that name is there and not from `flash plugins add`",
                    "remove it, or pass --force to replace it");
  // Everything is checked: now write (each file atomically, then the lock).
  fs::create_directories(dir);
  nlohmann::json added = nlohmann::json::array();
  for (const auto& m : members) {
    util::write_file_atomic(dir / m.name, m.contents);
    fs::permissions(dir / m.name, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec);
    lock["installed"][m.name] = {{"sha256", util::sha256_hex(m.contents)},
                                 {"source", fs::absolute(o.file).lexically_normal().string()},
                                 {"source_sha256", pin}};
    added.push_back({{"name", m.name}, {"path", (dir / m.name).string()}, {"size", m.contents.size()}});
    ctx.say("installed " + m.name + " in " + dir.string() + " (" + std::to_string(m.contents.size()) + " bytes)");
  }
  write_lock(dir, lock);
  ctx.say("pinned in " + (dir / kLockName).string());
  ctx.result()["installed"] = std::move(added);
  ctx.result()["lock"] = (dir / kLockName).string();
}

void run_remove(const AddOptions& o, Context& ctx) {
  const fs::path dir = install_dir();
  nlohmann::json lock = read_lock(dir);
  if (!lock["installed"].contains(o.name)) {
    std::vector<std::string> names;
    for (auto& [k, v] : lock["installed"].items()) names.push_back(k);
    throw located("plugins.not-installed", (dir / kLockName).string(),
                  "`" + o.name + "` was not installed by `flash plugins add`",
                  diag::did_you_mean(o.name, names)
                      .value_or(names.empty() ? "nothing is installed" : "installed: " + util::join(names, ", ")));
  }
  std::error_code ec;
  fs::remove(dir / o.name, ec);
  if (ec) throw located("io.error", (dir / o.name).string(), "could not remove it: " + ec.message(), "check its permissions");
  lock["installed"].erase(o.name);
  write_lock(dir, lock);
  ctx.say("removed " + o.name);
  ctx.result()["removed"] = o.name;
}

// The pin check of a file in ~/.flash/plugins: "ok", "modified" (hash differs), or "unpinned".
std::string pin_state(const fs::path& program, const nlohmann::json& lock) {
  const std::string name = program.filename().string();
  if (!lock["installed"].contains(name)) return "unpinned";
  return util::sha256_hex(util::read_file(program)) == lock["installed"][name].value("sha256", "") ? "ok" : "modified";
}

void run_list(Context& ctx) {
  // The generators live in the part that provides `gen`: hand the whole listing over to it when
  // this executable was built without them (the listing is then made there, in one process).
  if (!generator_listing) {
    const CommandSpec* gen = find_command("gen");
    const PartSpec* part = gen ? find_part(gen->part) : nullptr;
    if (part && ctx.argc > 0)
      if (const auto program = locate_part(*part)) exec_part(*program, ctx.argc, ctx.argv);
  }
  std::optional<fs::path> dir = plugin_dir();
  nlohmann::json lock = {{"installed", nlohmann::json::object()}};
  if (dir) lock = read_lock(*dir);
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : part_table()) {
    nlohmann::json commands = nlohmann::json::array();
    for (const auto& c : command_table())
      if (std::string_view(c.part) == p.name) commands.push_back(c.name);
    nlohmann::json j = {{"name", p.name}, {"package", p.package}, {"executable", part_executable(p)},
                        {"commands", commands}, {"installed", false}};
    const auto program = locate_part(p);
    std::string line = std::string(p.name) + "  " + p.package;
    if (program) {
      std::error_code ec;
      j["installed"] = true;
      j["path"] = program->string();
      j["size"] = fs::file_size(*program, ec);
      const auto desc = fs::equivalent(*program, self_path(), ec) ? std::optional(self_description("self"))
                                                                  : probe_part(*program);
      j["version"] = desc ? (*desc)["version"] : nlohmann::json(nullptr);
      j["contract_version"] = desc ? desc->value("contract_version", nlohmann::json(nullptr)) : nlohmann::json(nullptr);
      if (dir && program->parent_path() == *dir) j["pin"] = pin_state(*program, lock);
      line += "  " + (desc ? (*desc)["version"].get<std::string>() : std::string("?")) + "  " + program->string() +
              " (" + std::to_string(j["size"].get<std::uintmax_t>() / 1024) + " KiB)";
    } else {
      line += "  not installed";
    }
    parts.push_back(std::move(j));
    ctx.say(line + "\n    " + util::join(commands.get<std::vector<std::string>>(), " "));
  }
  ctx.result()["parts"] = std::move(parts);
  if (generator_listing) {
    ctx.result()["contract_version"] = codegen::kContractVersion;
    ctx.result()["plugins"] = generator_listing(ctx);
  } else {
    ctx.warn("the generators are listed by the part that provides `gen`, which is not installed");
    ctx.result()["plugins"] = nlohmann::json::array();
  }
  nlohmann::json installed = nlohmann::json::array();
  if (dir)
    for (auto& [name, entry] : lock["installed"].items()) {
      std::error_code ec;
      const bool present = fs::exists(*dir / name, ec);
      installed.push_back({{"name", name},
                           {"path", (*dir / name).string()},
                           {"sha256", entry.value("sha256", "")},
                           {"source", entry.value("source", "")},
                           {"pin", present ? pin_state(*dir / name, lock) : "missing"}});
    }
  ctx.result()["installed"] = std::move(installed);
}

}  // namespace

void setup_plugins(CLI::App& sub, Context& ctx) {
  auto opts = std::make_shared<AddOptions>();
  sub.callback([&ctx, self = &sub] {
    if (self->get_subcommands().empty()) run_list(ctx);
  });
  CLI::App* add = sub.add_subcommand("add", "Install a part or plugin (file or archive) after checking its SHA-256 pin");
  add->add_option("PATH_OR_ARCHIVE", opts->file, "A flash-* executable, or a .tar.gz/.tar.xz/.zip holding them")
      ->required();
  add->add_option("--sha256", opts->sha256, "The file's SHA-256 as its publisher states it (required)")
      ->type_name("HEX")
      ->required();
  add->callback([opts, &ctx] { run_add(*opts, ctx); });
  CLI::App* remove = sub.add_subcommand("remove", "Remove a part or plugin that `flash plugins add` installed");
  remove->add_option("NAME", opts->name, "Its executable's name, e.g. flash-gen-markdown")->required();
  remove->callback([opts, &ctx] { run_remove(*opts, ctx); });
  for (CLI::App* c : {add, remove}) c->fallthrough();
}

}  // namespace flash::cli
