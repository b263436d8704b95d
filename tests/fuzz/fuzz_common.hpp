// Shared by the libFuzzer targets of tests/fuzz (README.md there): the input's first byte picks the
// dialect where a target takes one ('0' PostgreSQL, '1' MySQL, '2' SQLite: byte % 3), and every
// diagnostic a stage returns is rendered as the CLI renders it (human and --json), so a diagnostic
// that cannot be printed is found here and not by a user.
//
// Expected outcomes are a return, or a diag::Error / diag::Errors exception (how stages report bad
// input). Anything else — another exception, a sanitizer report, a timeout — is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/model.hpp"

namespace flash::fuzz {

inline schema::Dialect dialect_of(std::uint8_t b) {
  switch (b % 3) {
    case 0: return schema::Dialect::postgresql;
    case 1: return schema::Dialect::mysql;
    default: return schema::Dialect::sqlite;
  }
}

inline void render(const diag::Diagnostic& d) {
  volatile std::size_t n = diag::render_human(d).size() + diag::render_json(d).size();
  (void)n;
}

inline void render(const diag::Diagnostics& ds) {
  for (const auto& d : ds) render(d);
}

// Runs `body`; diag::Error / diag::Errors are expected outcomes (rendered like any diagnostic).
template <class F>
void guarded(F&& body) {
  try {
    body();
  } catch (const diag::Errors& e) {
    render(e.diagnostics());
  } catch (const diag::Error& e) {
    render(e.diagnostic());
  }
}

}  // namespace flash::fuzz
