#include "flash/codegen/output.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "flash/diag/diagnostic.hpp"
#include "flash/util/text.hpp"

namespace flash::codegen {
namespace fs = std::filesystem;

namespace {

// Length-prefixed fields, so that no two different input sets can produce the same stream.
void field(std::string& s, std::string_view tag, std::string_view value) {
  s += tag;
  s += ':';
  s += std::to_string(value.size());
  s += ':';
  s += value;
  s += '\n';
}

std::optional<std::string> read_if_exists(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  // One read into a string of the file's size (generated files run to megabytes); a stream
  // whose size is unknown falls back to copying the buffer.
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size >= 0) {
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0, std::ios::beg);
    in.read(text.data(), size);
    if (in.gcount() == size) return text;
    in.clear();
    in.seekg(0, std::ios::beg);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json read_cache_json(const fs::path& out_dir) {
  auto text = read_if_exists(out_dir / kCacheFile);
  if (!text) return nlohmann::json::object();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return nlohmann::json::object();
  return j;
}

// A generator path must stay inside out: relative, no "..", no root.
fs::path checked(const fs::path& out_dir, const std::string& rel) {
  fs::path p(rel);
  bool ok = !rel.empty() && p.is_relative() && !p.has_root_name();
  for (const auto& part : p)
    if (part == "..") ok = false;
  if (!ok) {
    throw diag::Error("gen.path", "generator produced the path `" + rel + "`, which is outside the output directory");
  }
  // A symbolic link on the way (a directory or the file itself) must not lead out of out_dir: a
  // generator naming "docs/x.md" where docs -> /etc would otherwise write through it.
  std::error_code ec;
  fs::path walk = out_dir;
  const fs::path root = fs::weakly_canonical(out_dir, ec);
  for (const auto& part : p) {
    walk /= part;
    if (!fs::is_symlink(fs::symlink_status(walk, ec))) continue;
    const fs::path target = fs::weakly_canonical(walk, ec);
    const auto inside = target.lexically_relative(root);
    if (ec || inside.empty() || *inside.begin() == "..")
      throw diag::Error("gen.path", "the generated file `" + rel + "` would be written through the symbolic link " +
                                        walk.string() + ", which leads outside the output directory",
                        diag::ExitCode::error, "remove the link or point `out` elsewhere");
  }
  return out_dir / p;
}

}  // namespace

std::string inputs_hash(const std::vector<sql::SourceFile>& schema_files,
                        const std::vector<sql::SourceFile>& query_files, const config::GenTarget& target,
                        schema::Dialect dialect, std::string_view flash_version) {
  std::string s;
  field(s, "flash", flash_version);
  field(s, "dialect", schema::to_string(dialect));
  for (const auto& f : schema_files) {
    field(s, "schema.path", f.path);
    field(s, "schema.text", f.text);
  }
  for (const auto& f : query_files) {
    field(s, "query.path", f.path);
    field(s, "query.text", f.text);
  }
  field(s, "language", target.language);
  field(s, "out", target.out);
  field(s, "driver", target.driver);
  field(s, "async", target.async ? "true" : "false");
  if (!target.plugin.empty()) field(s, "plugin", target.plugin);
  for (const auto& [k, v] : target.settings) {  // std::map: sorted, so deterministic
    std::string value;
    if (const auto* b = std::get_if<bool>(&v)) value = *b ? "b:true" : "b:false";
    else if (const auto* i = std::get_if<std::int64_t>(&v)) value = "i:" + std::to_string(*i);
    else value = "s:" + std::get<std::string>(v);
    field(s, "setting." + k, value);
  }
  return util::sha256_hex(s);
}

std::optional<CacheEntry> read_cache(const fs::path& out_dir, const std::string& language) {
  auto j = read_cache_json(out_dir);
  auto t = j.find("targets");
  if (t == j.end() || !t->is_object()) return std::nullopt;
  auto e = t->find(language);
  if (e == t->end() || !e->is_object()) return std::nullopt;
  CacheEntry out;
  if (!e->contains("input_hash") || !(*e)["input_hash"].is_string()) return std::nullopt;
  out.input_hash = (*e)["input_hash"].get<std::string>();
  if (e->contains("files") && (*e)["files"].is_object())
    for (auto& [k, v] : (*e)["files"].items())
      if (v.is_string()) out.files[k] = v.get<std::string>();
  return out;
}

bool cache_fresh(const fs::path& out_dir, const std::string& language, const std::string& hash) {
  auto e = read_cache(out_dir, language);
  if (!e || e->input_hash != hash) return false;
  for (const auto& [rel, sha] : e->files) {
    auto text = read_if_exists(out_dir / rel);
    if (!text || util::sha256_hex(*text) != sha) return false;
  }
  return true;
}

OutputReport check_output(const fs::path& out_dir, const std::string& language, const std::vector<File>& files) {
  OutputReport r;
  std::set<std::string> produced;
  for (const auto& f : files) {
    produced.insert(f.path);
    auto text = read_if_exists(checked(out_dir, f.path));
    (text && *text == f.content ? r.unchanged : r.written).push_back(f.path);
  }
  if (auto e = read_cache(out_dir, language)) {
    for (const auto& [rel, sha] : e->files) {
      std::error_code ec;
      if (!produced.count(rel) && fs::exists(out_dir / rel, ec)) r.removed.push_back(rel);
    }
  }
  return r;
}

OutputReport write_output(const fs::path& out_dir, const std::string& language, const std::vector<File>& files,
                          const std::string& hash) {
  OutputReport r = check_output(out_dir, language, files);
  std::set<std::string> to_write(r.written.begin(), r.written.end());
  std::error_code ec;
  // Temporary files of a run that was killed between writing and renaming (util::write_file_atomic
  // writes <file>.flash-tmp beside each file): never left for the user to find.
  for (const auto& f : files) fs::remove(fs::path(checked(out_dir, f.path)) += ".flash-tmp", ec);
  fs::remove(out_dir / (std::string(kCacheFile) + ".flash-tmp"), ec);
  for (const auto& f : files) {
    if (!to_write.count(f.path)) continue;
    const fs::path p = checked(out_dir, f.path);
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw diag::Error("io.write", "cannot create directory " + p.parent_path().string() + ": " + ec.message());
    util::write_file_atomic(p, f.content);
  }
  for (const auto& rel : r.removed) {
    fs::remove(checked(out_dir, rel), ec);
    if (ec) throw diag::Error("io.write", "cannot remove stale generated file " + (out_dir / rel).string() + ": " + ec.message());
  }
  // The cache: other languages' entries are kept (several targets may share an out directory).
  auto j = read_cache_json(out_dir);
  if (!j.contains("targets") || !j["targets"].is_object()) j["targets"] = nlohmann::json::object();
  j["version"] = 1;
  nlohmann::json entry = nlohmann::json::object();
  entry["input_hash"] = hash;
  nlohmann::json fj = nlohmann::json::object();
  for (const auto& f : files) fj[f.path] = util::sha256_hex(f.content);
  entry["files"] = std::move(fj);
  j["targets"][language] = std::move(entry);
  fs::create_directories(out_dir, ec);
  util::write_file_atomic(out_dir / kCacheFile, j.dump(2) + "\n");
  return r;
}

}  // namespace flash::codegen
