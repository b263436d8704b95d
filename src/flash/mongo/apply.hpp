#pragma once
// Applying MongoDB migrations. MongoDB has no transactional DDL (and FerretDB no transactions):
// every command is its own step, recorded as it completes, so an interrupted run resumes at the
// next command.
//   `_flash_migrations`: one document per migration with the SQL table's fields — _id and id (the
//     file id), checksum, finished_at, migration_name, logs, rolled_back_at, started_at (dates or
//     null), applied_steps_count (commands done; during a rollback, Down commands done).
//   `_flash_lock`: the lock document {_id: "migrate", owner, expires_at}. Taken by inserting it (a
//     duplicate _id means held) or by taking over an expired one with one conditional update;
//     renewed after every command; a holder whose lock was taken over stops. Two appliers thus
//     apply each migration once.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "flash/driver/document.hpp"
#include "flash/mongo/migration.hpp"

namespace flash::mongo {

inline constexpr const char* kTrackingCollection = "_flash_migrations";
inline constexpr const char* kLockCollection = "_flash_lock";

struct TrackingDoc {
  std::string id;
  std::string checksum;
  bool finished = false;
  std::string migration_name;
  std::optional<std::string> logs;
  bool rolled_back = false;  // a rollback has started (rolled_back_at set)
  std::int64_t applied_steps_count = 0;
};

std::vector<TrackingDoc> read_tracking(driver::DocumentConnection& c);

class Lock {
 public:
  // Waits up to `timeout` (diag::Error exit 4 "migrate.lock-timeout" after it). `ttl`: how long the
  // lock stays valid without renewal.
  Lock(driver::DocumentConnection& c, std::chrono::milliseconds timeout,
       std::chrono::milliseconds ttl = std::chrono::seconds(60));
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  ~Lock();  // releases; never throws
  // Extends the expiry; throws diag::Error "migrate.lock-lost" when another applier took it over.
  void renew();

 private:
  driver::DocumentConnection& c_;
  std::string owner_;
  std::chrono::milliseconds ttl_;
};

// The existing documents of a collection checked against a validator before a command enforces it
// (the staged rollout): by the server (`count` of {"$nor": [validator]}) where it can, else by
// Flash (validate.hpp) over every document.
struct ValidatorReport {
  std::string collection;
  std::string method;        // "server", "client", or "" when neither could check (`why`)
  std::string why;           // why the check could not run
  std::int64_t checked = 0;  // documents read (client), or the collection's count (server)
  std::int64_t violating = 0;
  std::vector<std::string> samples;  // the first few violating documents: _id and (client) the reason
  bool enforced = false;     // the command rejects violating documents (validationAction "error")
};
ValidatorReport check_validator(driver::DocumentConnection& c, const std::string& collection, const Json& validator,
                                std::size_t max_samples = 5);

struct ApplyOptions {
  std::chrono::milliseconds lock_timeout = std::chrono::seconds(30);
  // A command that enforces a validator over violating documents (or over documents nobody could
  // check) stops the run (mongo.validator-violations, exit 5) unless this is set.
  bool accept_data_loss = false;
  std::function<void(const ValidatorReport&)> on_validator_report;
  std::optional<std::string> to;  // apply up to and including this id
  // Called before each command (migration id, step index, the command).
  std::function<void(const std::string&, std::size_t, const Json&)> on_command;
};

struct ApplyResult {
  std::vector<std::string> applied;  // ids, in order
  std::vector<std::string> resumed;  // ids that continued an interrupted run
  std::size_t commands = 0;
};

// Applies every pending migration in order. A finished migration whose file changed (checksum)
// stops the run before anything executes (diag::Error "migrate.checksum", exit 3); a failed command
// records its error in `logs` and throws (the next run resumes there).
ApplyResult apply(driver::DocumentConnection& c, const std::vector<Migration>& files, const ApplyOptions& o);

// The command as sent to the server: renameCollection goes to admin with "db.name" namespaces.
// Returns true when it is an admin command.
bool server_command(const driver::DocumentConnection& c, const Json& cmd, Json& out);

// Rolls back the last `steps` applied migrations (their Down commands). Returns the ids.
std::vector<std::string> down(driver::DocumentConnection& c, const std::vector<Migration>& files, int steps,
                              const ApplyOptions& o);

struct StatusEntry {
  std::string id;
  std::string state;  // applied, pending, partial (interrupted), modified (checksum differs), missing (no file)
  std::int64_t applied_steps = 0;
};
std::vector<StatusEntry> status(driver::DocumentConnection& c, const std::vector<Migration>& files);

}  // namespace flash::mongo
