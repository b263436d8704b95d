#pragma once
// Drift: the live database compared with the schema its applied migrations produce (`flash status`
// and Flash Studio's schema editor and migrations page).
//
// The database is pulled (every schema; tables, columns with types, nullability and defaults,
// constraints, indexes, views, enums), constraint names the database cannot tell apart are aligned
// with the migrations' (pull::align_names, as `migrate --baseline` does), and the differ lists each
// operation that would turn the migrations' schema into the live one. Where that leaves only
// objects whose text the server prints its own way (MySQL views and routines), the applied
// migrations are replayed on a scratch database beside `server` and the two pulled schemas compared
// instead (engine_schema); if that cannot run, the textual result stands, with a note.
#include <optional>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"
#include "flash/migrate/engine.hpp"

namespace flash::prove {

// Fills r.drift (and r.drift_checked, r.drift_note) from the live database behind `conn`; does
// nothing when the applied migrations did not replay (r.applied_schema empty: r.drift_note says why).
// `server`: the database's URL, for the scratch comparison (nullopt: the textual result stands).
void compute_drift(const migrate::Project& project, driver::SqlConnection& conn, migrate::StatusReport& r,
                   const std::optional<config::DatabaseUrl>& server);

}  // namespace flash::prove
