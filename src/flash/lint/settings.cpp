#include "flash/lint/settings.hpp"

#include <tuple>

namespace flash::lint {

Settings settings_from_config(const config::Config& cfg, driver::SqlConnection* live) {
  Settings s;
  s.cluster = cfg.cluster;
  for (const auto& [key, codes, into] : {std::tuple{"lint.error", &cfg.lint_error, &s.error},
                                         std::tuple{"lint.ignore", &cfg.lint_ignore, &s.ignore}}) {
    for (const auto& c : *codes) {
      if (!find_rule(c)) {
        std::vector<std::string> names;
        for (const auto& r : rules()) names.emplace_back(r.code);
        auto d = config::value_diagnostic(cfg, key, "config.lint-rule", "unknown lint rule `" + c + "`");
        d.hint = diag::did_you_mean(c, names);
        if (!d.hint) d.hint = "the rules are listed by `flash lint --rules` and in the README";
        throw diag::Error(d);
      }
      into->insert(c);
    }
  }
  s.large_rows = cfg.lint_large_rows;
  if (live) s.stats = live_stats(*live, s.large_rows);
  return s;
}

}  // namespace flash::lint
