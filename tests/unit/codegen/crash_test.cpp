// kill -9 of the real `flash gen` at random points (issue 11: crash safety), for each dialect's
// project (gen reads files only: no server needed). A project with 50 tables and 200 queries is
// generated once (the "old" output); its schema and queries then change so that every generated
// file changes, the new output is generated once in a copy (the reference), and `flash gen` is
// started on the project and killed with SIGKILL at a random point of a full run. Afterwards:
//  - every generated file is byte for byte the old or the new version, never a torn one
//    (a file is written to <file>.flash-tmp and renamed over the old one), and unless the output is
//    the complete new one, `flash gen --check` fails on it;
//  - the rerun completes: the output equals the reference exactly, no .flash-tmp file is left,
//    and `flash gen --check` then passes (the input-hash cache is written last, so an interrupted
//    run is never taken for a complete one).
// 10 runs per dialect; FLASH_RELIABILITY_LONG=1 makes it 50. Prints
//   RELIABILITY crash gen <engine> runs=N killed=N torn_files=0 mixed_runs=N tmp_left=N taken_complete=0 rerun_ok=N
// (mixed_runs: runs that left some files old and some new — each whole, and `gen --check` fails on
// them; tmp_left: .flash-tmp files a SIGKILL left behind, which the next run removes).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "flash/util/text.hpp"
#include "support/flash_run.hpp"

namespace {

namespace fs = std::filesystem;
using flash::test::FlashProcess;
using flash::test::TempDir;
using Clock = std::chrono::steady_clock;

int runs() {
  const char* l = std::getenv("FLASH_RELIABILITY_LONG");
  return l && *l && std::string(l) != "0" ? 50 : 10;
}

constexpr int kTables = 50;

std::string toml(const std::string& provider) {
  return "version = \"2\"\nschema_dir = \"db/schema\"\nqueries = \"db/queries\"\nmigrations_path = \"db/migrations\"\n\n"
         "[database]\nprovider = \"" +
         provider +
         "\"\nurl_env = \"DATABASE_URL\"\n\n"
         "[gen.go]\nenabled = true\nout = \"gen/go\"\npackage = \"db\"\n\n"
         "[gen.js]\nenabled = true\nout = \"gen/js\"\n\n"
         "[gen.python]\nenabled = true\nout = \"gen/py\"\n";
}

// Version 1 or 2 of the project's schema and queries: version 2 adds a column to every table and
// selects it, so every generated file differs.
void write_project(const fs::path& root, const std::string& provider, int version) {
  fs::create_directories(root / "db" / "schema");
  fs::create_directories(root / "db" / "queries");
  fs::create_directories(root / "db" / "migrations");
  flash::util::write_file_atomic(root / "flash.toml", toml(provider));
  const std::string ph1 = provider == "postgresql" ? "$1" : "?";
  const std::string ph2 = provider == "postgresql" ? "$2" : "?";
  std::string schema;
  for (int t = 0; t < kTables; ++t) {
    const std::string n = "item" + std::to_string(t);
    schema += "CREATE TABLE " + n + " (\n  id BIGINT PRIMARY KEY,\n  name VARCHAR(100) NOT NULL,\n  qty INTEGER,\n" +
              "  note TEXT" + (version == 2 ? ",\n  extra VARCHAR(20)" : "") + "\n);\n\n";
    std::string cols = std::string("id, name, qty, note") + (version == 2 ? ", extra" : "");
    std::string q;
    q += "-- name: Get" + n + " :one\nSELECT " + cols + " FROM " + n + " WHERE id = " + ph1 + ";\n\n";
    q += "-- name: List" + n + " :many\nSELECT " + cols + " FROM " + n + " ORDER BY id;\n\n";
    q += "-- name: Rename" + n + " :exec\nUPDATE " + n + " SET name = " + ph1 + " WHERE id = " + ph2 + ";\n\n";
    q += "-- name: Delete" + n + " :execrows\nDELETE FROM " + n + " WHERE id = " + ph1 + ";\n";
    flash::util::write_file_atomic(root / "db" / "queries" / (n + ".sql"), q);
  }
  flash::util::write_file_atomic(root / "db" / "schema" / "schema.sql", schema);
}

// Every regular file under root/gen: relative path → content.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root / "gen")) return out;
  for (const auto& e : fs::recursive_directory_iterator(root / "gen"))
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = flash::util::read_file(e.path());
  return out;
}

bool is_tmp(const std::string& rel) { return rel.find(".flash-tmp") != std::string::npos; }

class GenCrash : public ::testing::TestWithParam<std::string> {};

TEST_P(GenCrash, KillDashNineDuringGen) {
  const std::string bin = FLASH_BINARY;
  ASSERT_TRUE(fs::exists(bin)) << bin;
  const std::string provider = GetParam();
  const std::vector<std::pair<std::string, std::string>> env = {{"NO_COLOR", "1"}};

  // The reference outputs: old (version 1) and new (version 2), each from a complete run.
  TempDir ref_old("flash-gencrash-old"), ref_new("flash-gencrash-new");
  write_project(ref_old.path(), provider, 1);
  write_project(ref_new.path(), provider, 2);
  auto r = flash::test::run_flash(bin, {"gen"}, ref_old.path(), "NO_COLOR=1");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto t0 = Clock::now();
  r = flash::test::run_flash(bin, {"gen"}, ref_new.path(), "NO_COLOR=1");
  const double full_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto old_files = snapshot(ref_old.path()), new_files = snapshot(ref_new.path());
  ASSERT_GT(new_files.size(), 6u);
  std::size_t changed = 0;
  for (const auto& [rel, content] : new_files) changed += !old_files.count(rel) || old_files.at(rel) != content;
  ASSERT_GT(changed, new_files.size() / 2) << "version 2 must change most generated files";

  std::mt19937 rng(20261206u + static_cast<unsigned>(provider.size()));
  int killed = 0, torn = 0, mixed = 0, tmp_left = 0, rerun_ok = 0, taken_complete = 0;
  const int n = runs();
  for (int run = 0; run < n; ++run) {
    TempDir p("flash-gencrash");
    write_project(p.path(), provider, 1);
    const auto v1 = Clock::now();
    r = flash::test::run_flash(bin, {"gen"}, p.path(), "NO_COLOR=1");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    // Kill points cover the run as long as it takes now (the machine's load varies).
    const double span = std::min(full_ms, std::chrono::duration<double, std::milli>(Clock::now() - v1).count());
    std::uniform_real_distribution<double> at(0.0, span);
    write_project(p.path(), provider, 2);

    {
      FlashProcess proc(bin, {"gen"}, p.path(), env, p.path() / "gen.log");
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(at(rng) * 1000)));
      proc.kill9();
      killed += proc.wait() < 0;
    }
    int olds = 0, news = 0;
    for (const auto& [rel, content] : snapshot(p.path())) {
      if (is_tmp(rel)) {
        ++tmp_left;
        continue;
      }
      const bool is_old = old_files.count(rel) && old_files.at(rel) == content;
      const bool is_new = new_files.count(rel) && new_files.at(rel) == content;
      if (is_old && is_new) continue;
      if (is_old) ++olds;
      else if (is_new) ++news;
      else {
        ++torn;
        ADD_FAILURE() << provider << " run " << run << ": " << rel << " is neither the old nor the new version";
      }
    }
    mixed += olds > 0 && news > 0;
    // Anything short of the complete new output is reported stale, never taken for complete. The
    // generated files alone decide: a run killed after its last file but before the cache entry
    // (.flash-gen.json) left the complete output, which --check rightly accepts.
    auto output_only = [](std::map<std::string, std::string> files) {
      std::erase_if(files, [](const auto& kv) {
        return is_tmp(kv.first) || fs::path(kv.first).filename() == ".flash-gen.json";
      });
      return files;
    };
    if (output_only(snapshot(p.path())) != output_only(new_files)) {
      auto stale = flash::test::run_flash(bin, {"gen", "--check"}, p.path(), "NO_COLOR=1");
      EXPECT_NE(stale.code, 0) << provider << " run " << run << ": gen --check passed on an interrupted output";
      taken_complete += stale.code == 0;
    }

    r = flash::test::run_flash(bin, {"gen"}, p.path(), "NO_COLOR=1");
    auto after = snapshot(p.path());
    bool ok = r.code == 0 && after == new_files;
    auto check = flash::test::run_flash(bin, {"gen", "--check"}, p.path(), "NO_COLOR=1");
    ok = ok && check.code == 0;
    EXPECT_TRUE(ok) << provider << " run " << run << ": rerun exit " << r.code << ", --check exit " << check.code
                    << ", files " << after.size() << " vs " << new_files.size() << "\n"
                    << r.err << check.out << check.err;
    rerun_ok += ok;
  }
  std::cout << "RELIABILITY crash gen " << provider << " runs=" << n << " killed=" << killed
            << " torn_files=" << torn << " mixed_runs=" << mixed << " tmp_left=" << tmp_left
            << " taken_complete=" << taken_complete << " rerun_ok=" << rerun_ok << " full_run_ms=" << static_cast<long>(full_ms) << "\n";
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(taken_complete, 0);
  EXPECT_EQ(rerun_ok, n);
  EXPECT_GT(killed, 0) << "no run was killed mid-way: the kill points do not cover the run";
}

INSTANTIATE_TEST_SUITE_P(Dialects, GenCrash, ::testing::Values("postgresql", "mysql", "sqlite"),
                         [](const auto& info) { return info.param; });

}  // namespace
