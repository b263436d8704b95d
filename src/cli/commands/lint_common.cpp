#include "cli/commands/lint_common.hpp"

#include <iostream>

#include "flash/lint/settings.hpp"

namespace flash::cli {

lint::Settings lint_settings(const config::Config& cfg, driver::SqlConnection* live) {
  return lint::settings_from_config(cfg, live);
}

void report_lint(Context& ctx, const std::vector<lint::Finding>& findings) {
  ctx.result()["lint"] = lint::to_json(findings);
  if (ctx.options.json) return;
  for (const auto& f : findings) std::cerr << diag::render_human(f.diag, {ctx.color()}) << "\n";
}

void enforce_lint(Context& ctx, const std::vector<migrate::MigrationFile>& files, const std::vector<std::size_t>& which,
                  driver::SqlConnection& live, const std::string& go_on) {
  if (which.empty()) return;
  const auto settings = lint_settings(ctx.config(), &live);
  const auto findings = lint::lint_migrations(files, which, live.dialect(), settings);
  diag::Diagnostics errors;
  for (const auto& f : findings)
    if (f.diag.severity == diag::Severity::error) errors.push_back(f.diag);
  if (errors.empty()) return report_lint(ctx, findings);
  errors.front().hint = errors.front().hint.value_or("") + "; " + go_on;
  throw diag::Errors(errors);
}

void lint_new_migration(Context& ctx, const std::filesystem::path& migrations_dir, schema::Dialect d,
                        const std::filesystem::path& path, const std::string& content, bool written) {
  diag::Diagnostics diags;
  auto files = migrate::load_migrations(migrations_dir, d, diags);
  if (!written) files.push_back(migrate::parse_migration(path, content, d, diags));
  if (diag::has_errors(diags)) return;  // the migration commands report broken files themselves
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (files[i].path == path) which.push_back(i);
  report_lint(ctx, lint::lint_migrations(files, which, d, lint_settings(ctx.config())));
}

}  // namespace flash::cli
