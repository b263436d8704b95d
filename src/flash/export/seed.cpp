// Fake data generation (seed.hpp).
#include "flash/export/seed.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/export/format.hpp"
#include "flash/export/loader.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/util/text.hpp"

namespace flash::exporter {
using nlohmann::json;
using schema::Dialect;
using schema::TypeCategory;

std::string sql_literal(const driver::Value& v, Dialect d) {
  if (driver::is_null(v)) return "NULL";
  if (auto* b = std::get_if<bool>(&v)) return *b ? "TRUE" : "FALSE";
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto* x = std::get_if<double>(&v)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, *x);
    return std::string(buf, r.ptr);
  }
  if (auto* s = std::get_if<std::string>(&v)) return schema::quote_string(*s, d);
  const auto& bytes = std::get<driver::Blob>(v).bytes;
  std::string h;
  static const char* digits = "0123456789abcdef";
  for (unsigned char c : bytes) {
    h += digits[c >> 4];
    h += digits[c & 15];
  }
  return d == Dialect::postgresql ? "'\\x" + h + "'::bytea" : "X'" + h + "'";
}

namespace {

struct Bounds {
  std::optional<double> lo, hi;  // inclusive
};

std::optional<double> number(std::string_view s) {
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '`') && s.back() == s.front()) return s.substr(1, s.size() - 2);
  return s;
}

// Numeric bounds for `column` from CHECK expressions made of `col OP number` and
// `col BETWEEN a AND b` conjuncts; anything else is ignored.
Bounds check_bounds(const schema::Table& t, const std::string& column, bool integer) {
  Bounds b;
  for (const auto& ck : t.checks) {
    std::string e = ck.expr;
    std::erase_if(e, [](char c) { return c == '(' || c == ')'; });
    std::vector<std::string> tok;
    for (const auto& w : util::split(e, ' '))
      if (!w.empty()) tok.push_back(w);
    for (std::size_t i = 0; i + 2 < tok.size(); ++i) {
      if (unquote(tok[i]) != column) continue;
      const std::string op = tok[i + 1];
      if (util::iequals(op, "BETWEEN") && i + 4 < tok.size() && util::iequals(tok[i + 3], "AND")) {
        auto lo = number(tok[i + 2]), hi = number(tok[i + 4]);
        if (lo && hi) b.lo = std::max(b.lo.value_or(*lo), *lo), b.hi = std::min(b.hi.value_or(*hi), *hi);
        continue;
      }
      auto n = number(tok[i + 2]);
      if (!n) continue;
      const double step = integer ? 1 : 0.01;
      if (op == ">") b.lo = std::max(b.lo.value_or(*n + step), *n + step);
      else if (op == ">=") b.lo = std::max(b.lo.value_or(*n), *n);
      else if (op == "<") b.hi = std::min(b.hi.value_or(*n - step), *n - step);
      else if (op == "<=") b.hi = std::min(b.hi.value_or(*n), *n);
    }
  }
  return b;
}

const char* kWords[] = {"alpha", "bravo", "cedar", "delta", "ember", "fjord", "gamma", "harbor", "iris", "juniper",
                        "kestrel", "lumen", "maple", "nova", "orbit", "pine", "quartz", "river", "sierra", "tango"};

int type_length(const schema::TypeRef& t) {
  if (t.args.empty()) return 0;
  if (t.name != "varchar" && t.name != "char" && t.name != "character varying" && t.name != "character" &&
      t.name != "nvarchar" && t.name != "varbinary" && t.name != "binary")
    return 0;
  int n = 0;
  std::from_chars(t.args[0].data(), t.args[0].data() + t.args[0].size(), n);
  return n;
}

struct ColumnPlan {
  const schema::Column* col;
  TypeCategory cat;
  bool unique = false;  // alone in a UNIQUE or PRIMARY KEY
  int fk = -1;          // index into the table's foreign keys
  int fk_part = 0;
  std::vector<std::string> enum_values;
  Bounds bounds;
  int length = 0;
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t next() { return rng_(); }
  std::int64_t range(std::int64_t lo, std::int64_t hi) {  // inclusive
    if (hi <= lo) return lo;
    return lo + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(hi - lo + 1));
  }

  json value(const ColumnPlan& p, std::int64_t seq) {
    const auto& name = p.col->name;
    switch (p.cat) {
      case TypeCategory::boolean: return range(0, 1) == 1;
      case TypeCategory::int16:
      case TypeCategory::int32:
      case TypeCategory::int64: {
        std::int64_t lo = p.bounds.lo ? static_cast<std::int64_t>(std::ceil(*p.bounds.lo)) : 0;
        std::int64_t hi = p.bounds.hi ? static_cast<std::int64_t>(std::floor(*p.bounds.hi))
                                      : lo + (p.cat == TypeCategory::int16 ? 1000 : 100000);
        std::int64_t v = p.unique ? lo + seq : range(lo, hi);
        if (p.cat == TypeCategory::int64) return std::to_string(v);
        return v;
      }
      case TypeCategory::float32:
      case TypeCategory::float64: {
        const double lo = p.bounds.lo.value_or(0), hi = p.bounds.hi.value_or(lo + 1000);
        if (p.unique) return lo + static_cast<double>(seq);
        return std::round((lo + (hi - lo) * static_cast<double>(rng_() % 1000000) / 1000000.0) * 100) / 100;
      }
      case TypeCategory::decimal: {
        int precision = 10, scale = 2;
        const auto& a = p.col->type.args;
        if (!a.empty()) std::from_chars(a[0].data(), a[0].data() + a[0].size(), precision);
        scale = a.size() > 1 ? 0 : (a.empty() ? 2 : 0);
        if (a.size() > 1) std::from_chars(a[1].data(), a[1].data() + a[1].size(), scale);
        const int int_digits = std::clamp(precision - scale, 1, 6);
        std::int64_t max_int = 1;
        for (int i = 0; i < int_digits; ++i) max_int *= 10;
        std::int64_t lo = p.bounds.lo ? static_cast<std::int64_t>(std::ceil(*p.bounds.lo)) : 0;
        std::int64_t hi = p.bounds.hi ? static_cast<std::int64_t>(std::floor(*p.bounds.hi)) : std::max(lo, max_int - 1);
        hi = std::min(hi, max_int - 1);
        std::int64_t whole = p.unique ? lo + seq : range(lo, std::max(lo, hi - 1));
        std::string s = std::to_string(whole);
        if (scale > 0) {
          s += '.';
          for (int i = 0; i < scale; ++i) s += static_cast<char>('0' + (p.unique ? 0 : range(0, 9)));
        }
        return s;
      }
      case TypeCategory::bytes: {
        std::string b;
        const int n = p.length > 0 ? std::min(p.length, 16) : static_cast<int>(range(4, 16));
        for (int i = 0; i < n; ++i) b += static_cast<char>(rng_() & 0xFF);
        if (p.unique) b = std::to_string(seq) + ":" + b;
        if (p.length > 0 && static_cast<int>(b.size()) > p.length) b.resize(p.length);
        return base64_encode(b);
      }
      case TypeCategory::date: return date(p.unique ? seq : range(0, 3650));
      case TypeCategory::time: return two(range(0, 23)) + ":" + two(range(0, 59)) + ":" + two(range(0, 59));
      case TypeCategory::timestamp:
      case TypeCategory::timestamptz:
        if (p.unique)
          return date(seq / 86400) + "T" + two(seq / 3600 % 24) + ":" + two(seq / 60 % 60) + ":" + two(seq % 60) +
                 (p.cat == TypeCategory::timestamptz ? "+00:00" : "");
        return date(range(0, 3650)) + "T" + two(range(0, 23)) + ":" + two(range(0, 59)) + ":" + two(range(0, 59)) +
               (p.cat == TypeCategory::timestamptz ? "+00:00" : "");
      case TypeCategory::uuid: {
        char buf[40];
        const std::uint64_t a = rng_(), b = rng_();
        std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                      static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                      static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                      static_cast<unsigned long long>(p.unique ? static_cast<std::uint64_t>(seq) : b & 0xFFFFFFFFFFFFULL));
        return std::string(buf);
      }
      case TypeCategory::json: return json{{"n", range(0, 1000)}, {"tag", kWords[range(0, 19)]}};
      case TypeCategory::enum_:
        if (!p.enum_values.empty()) return p.enum_values[range(0, static_cast<std::int64_t>(p.enum_values.size()) - 1)];
        return "a";
      case TypeCategory::inet: return "10." + std::to_string(range(0, 255)) + "." + std::to_string(range(0, 255)) + "." + std::to_string(range(1, 254));
      case TypeCategory::interval: return std::to_string(range(1, 30)) + " days";
      default: return text(p, name, seq);
    }
  }

 private:
  static std::string two(std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); }
  static std::string date(std::int64_t day_offset) {
    // Days after 2015-01-01, civil-from-days (Howard Hinnant's algorithm).
    std::int64_t z = 16436 + day_offset + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = yoe + era * 400;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    return std::to_string(y) + "-" + two(m) + "-" + two(d);
  }
  std::string text(const ColumnPlan& p, const std::string& name, std::int64_t seq) {
    std::string s;
    const std::string lname = util::to_lower(name);
    if (lname.find("email") != std::string::npos) {
      s = std::string(kWords[range(0, 19)]) + (p.unique ? std::to_string(seq) : std::to_string(range(1, 999))) + "@example.com";
    } else if (p.unique) {
      s = name + "_" + std::to_string(seq);
    } else {
      s = std::string(kWords[range(0, 19)]) + " " + kWords[range(0, 19)];
    }
    return fit(std::move(s), p, seq);
  }

 public:
  // A unique value of a masking kind (fake_text in seed.hpp): the seed's email values, and names,
  // phone numbers and words in the same style, all ending in `seq`.
  std::string masked(const ColumnPlan& p, std::string_view kind, std::int64_t seq) {
    const auto word = [&] {
      std::string w = kWords[range(0, 19)];
      w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      return w;
    };
    if (kind == "email") return text(p, "email", seq);
    std::string s;
    if (kind == "name") {
      s = word() + " " + word() + " " + std::to_string(seq);
    } else if (kind == "phone") {
      std::string n = std::to_string(seq);
      if (n.size() < 7) n.insert(0, 7 - n.size(), '0');
      s = "+1-555-" + n;
    } else {
      s = util::to_lower(word()) + " " + util::to_lower(word()) + " " + std::to_string(seq);
    }
    return fit(std::move(s), p, seq);
  }

 private:
  // Cut to the column's length; a unique value keeps its distinct suffix.
  static std::string fit(std::string s, const ColumnPlan& p, std::int64_t seq) {
    if (p.length > 0 && static_cast<int>(s.size()) > p.length) {
      if (p.unique) {
        s = std::to_string(seq);  // the suffix alone keeps values distinct
        if (static_cast<int>(s.size()) > p.length) s = s.substr(s.size() - p.length);
      } else {
        s.resize(p.length);
      }
    }
    return s;
  }
  std::mt19937_64 rng_;
};

std::string select_list(const std::vector<std::string>& cols, Dialect d) {
  std::string s;
  for (std::size_t i = 0; i < cols.size(); ++i) s += (i ? ", " : "") + schema::quote_ident(cols[i], d);
  return s;
}

}  // namespace

struct FakeValues::Impl {
  Generator g;
};

FakeValues::FakeValues(std::uint64_t seed) : impl_(std::make_unique<Impl>(Impl{Generator(seed)})) {}
FakeValues::~FakeValues() = default;

json FakeValues::value(const schema::Column& column, TypeCategory c, std::int64_t seq, bool unique,
                       std::optional<double> lo, std::optional<double> hi, const std::vector<std::string>& enum_values) {
  ColumnPlan p{};
  p.col = &column;
  p.cat = c;
  p.unique = unique;
  p.bounds.lo = lo;
  p.bounds.hi = hi;
  p.enum_values = enum_values;
  p.length = type_length(column.type);
  return impl_->g.value(p, seq);
}

std::int64_t FakeValues::range(std::int64_t lo, std::int64_t hi) { return impl_->g.range(lo, hi); }

std::string fake_text(const schema::Column& c, std::string_view kind, std::int64_t seq, std::uint64_t seed) {
  ColumnPlan p{};
  p.col = &c;
  p.cat = TypeCategory::text;
  p.unique = true;
  p.length = type_length(c.type);
  Generator g(seed ^ (static_cast<std::uint64_t>(seq) * 0x9E3779B97F4A7C15ULL));
  return g.masked(p, kind, seq);
}

std::vector<TableCount> seed_data(driver::SqlConnection& conn, const schema::Schema& model, const SeedOptions& opts) {
  const Dialect d = conn.dialect();
  std::map<std::string, std::int64_t> wanted;
  for (const auto& [name, n] : opts.tables) {
    if (!model.find_table(name))
      throw diag::Error("seed.unknown-table", "table `" + name + "` is not in the schema", diag::ExitCode::usage);
    wanted[name] = n < 0 ? opts.count : n;
  }
  std::vector<const schema::Table*> order;
  for (const auto* t : fk_order(model))
    if (wanted.empty() || wanted.count(t->name)) order.push_back(t);

  if (opts.truncate) {
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      const std::string sql = "DELETE FROM " + schema::quote_qualified((*it)->schema, (*it)->name, d);
      if (opts.dry_run) {
        if (opts.print) opts.print(sql + ";");
      } else {
        conn.execute(sql);
      }
    }
  }
  prepare_session(conn);

  Generator gen(opts.seed);
  // Dry run: keys the run would have inserted, per table and column, as exchange values.
  std::map<std::string, std::map<std::string, std::vector<json>>> planned;
  std::vector<TableCount> counts;
  for (const schema::Table* t : order) {
    const std::int64_t n = wanted.empty() ? opts.count : wanted[t->name];
    // Existing rows (none after --truncate, which a dry run only printed) offset the sequences.
    std::int64_t existing = 0;
    if (!(opts.truncate && opts.dry_run)) {
      auto rs = conn.query("SELECT COUNT(*) FROM " + schema::quote_qualified(t->schema, t->name, d));
      existing = std::get<std::int64_t>(rs.rows.at(0).at(0));
    }

    std::vector<ColumnPlan> plans;
    std::vector<const schema::Column*> auto_cols;
    for (const auto* c : data_columns(*t)) {
      if (c->auto_increment || c->identity != schema::Identity::none) {
        auto_cols.push_back(c);
        continue;
      }
      ColumnPlan p{c, schema::category(c->type, model.dialect, &model)};
      auto alone = [&](const std::vector<std::string>& cols) { return cols.size() == 1 && cols[0] == c->name; };
      p.unique = (t->primary_key && alone(t->primary_key->columns)) ||
                 std::any_of(t->uniques.begin(), t->uniques.end(), [&](const auto& u) { return alone(u.columns); });
      for (const auto* ix : model.indexes_of(t->name, t->schema))
        if (ix->unique && ix->parts.size() == 1 && ix->parts[0].column == c->name) p.unique = true;
      for (std::size_t f = 0; f < t->foreign_keys.size(); ++f) {
        const auto& cols = t->foreign_keys[f].columns;
        auto it = std::find(cols.begin(), cols.end(), c->name);
        if (it != cols.end()) {
          p.fk = static_cast<int>(f);
          p.fk_part = static_cast<int>(it - cols.begin());
        }
      }
      if (p.cat == TypeCategory::enum_) {
        if (!c->type.values.empty()) p.enum_values = c->type.values;
        else if (const auto* e = model.find_enum(c->type.name, c->type.schema)) p.enum_values = e->values;
      }
      const bool integer = p.cat == TypeCategory::int16 || p.cat == TypeCategory::int32 || p.cat == TypeCategory::int64;
      p.bounds = check_bounds(*t, c->name, integer);
      p.length = type_length(c->type);
      plans.push_back(std::move(p));
    }

    // Parent keys for each foreign key, in key order (deterministic).
    std::vector<std::vector<std::vector<json>>> parent_keys(t->foreign_keys.size());
    for (std::size_t f = 0; f < t->foreign_keys.size(); ++f) {
      const auto& fk = t->foreign_keys[f];
      const schema::Table* parent = model.find_table(fk.ref_table, fk.ref_schema);
      if (!parent) continue;
      std::vector<std::string> ref = fk.ref_columns;
      if (ref.empty() && parent->primary_key) ref = parent->primary_key->columns;
      if (ref.size() != fk.columns.size()) continue;
      std::vector<TypeCategory> cats;
      for (const auto& r : ref) {
        const auto* pc = parent->find_column(r);
        cats.push_back(pc ? schema::category(pc->type, model.dialect, &model) : TypeCategory::text);
      }
      if (!(opts.truncate && opts.dry_run)) {
        const std::string sql = "SELECT " + select_list(ref, d) + " FROM " + schema::quote_qualified(parent->schema, parent->name, d) +
                                " ORDER BY " + select_list(ref, d);
        auto cur = conn.stream(sql);
        std::vector<driver::Value> row;
        while (cur->next(row) && parent_keys[f].size() < 100000) {
          std::vector<json> key;
          bool has_null = false;
          for (std::size_t i = 0; i < row.size(); ++i) {
            has_null |= driver::is_null(row[i]);
            key.push_back(to_exchange(row[i], cats[i]));
          }
          if (!has_null) parent_keys[f].push_back(std::move(key));
        }
      }
      if (opts.dry_run) {
        auto& cols = planned[parent->name];
        if (!cols.empty() && cols.count(ref[0])) {
          const std::size_t rows = cols[ref[0]].size();
          for (std::size_t r = 0; r < rows; ++r) {
            std::vector<json> key;
            for (const auto& rc : ref) key.push_back(cols.count(rc) ? cols[rc][r] : json(nullptr));
            parent_keys[f].push_back(std::move(key));
          }
        }
      }
      if (parent_keys[f].empty()) {
        const bool optional = std::all_of(fk.columns.begin(), fk.columns.end(), [&](const std::string& cn) {
          const auto* c = t->find_column(cn);
          return c && c->nullable;
        });
        if (!optional && n > 0)
          throw diag::Error("seed.no-parent",
                            "table `" + t->name + "` references `" + parent->name + "`, which has no rows",
                            diag::ExitCode::usage, "seed `" + parent->name + "` too: flash seed " + parent->name + " " + t->name);
      }
    }

    std::vector<std::string> cols;
    std::vector<TypeCategory> cats;
    for (const auto& p : plans) {
      cols.push_back(p.col->name);
      cats.push_back(p.cat);
    }
    // Dry run: predicted auto-increment keys (after the current maximum) stand in for parents.
    std::vector<std::int64_t> auto_next;
    if (opts.dry_run)
      for (const auto* c : auto_cols) {
        std::int64_t max = 0;
        if (!(opts.truncate && opts.dry_run)) {
          auto rs = conn.query("SELECT MAX(" + schema::quote_ident(c->name, d) + ") FROM " + schema::quote_qualified(t->schema, t->name, d));
          if (auto* v = std::get_if<std::int64_t>(&rs.rows.at(0).at(0))) max = *v;
        }
        auto_next.push_back(max + 1);
      }

    std::unique_ptr<TableLoader> loader;
    if (!opts.dry_run && !cols.empty()) loader = std::make_unique<TableLoader>(conn, t->schema, t->name, cols, cats);
    std::set<std::string> used_combos;  // multi-column keys made of foreign keys (join tables)
    // Composite keys already in the table must not be produced again.
    std::vector<std::vector<std::string>> composite;
    if (t->primary_key && t->primary_key->columns.size() > 1) composite.push_back(t->primary_key->columns);
    for (const auto& u : t->uniques)
      if (u.columns.size() > 1) composite.push_back(u.columns);
    auto plan_of = [&](const std::string& col) -> const ColumnPlan* {
      for (const auto& p : plans)
        if (p.col->name == col) return &p;
      return nullptr;
    };
    if (!(opts.truncate && opts.dry_run) && existing > 0) {
      for (const auto& kc : composite) {
        if (!std::all_of(kc.begin(), kc.end(), [&](const std::string& c) { return plan_of(c) != nullptr; })) continue;
        auto cur = conn.stream("SELECT " + select_list(kc, d) + " FROM " + schema::quote_qualified(t->schema, t->name, d));
        std::vector<driver::Value> r;
        while (cur->next(r)) {
          std::string combo = "|";
          for (std::size_t k = 0; k < kc.size(); ++k) combo += to_exchange(r[k], plan_of(kc[k])->cat).dump() + ",";
          used_combos.insert(combo);
        }
      }
    }
    std::int64_t written = 0;
    std::vector<json> row(plans.size());
    for (std::int64_t i = 0; i < n; ++i) {
      bool ok = false;
      for (int attempt = 0; attempt < 50 && !ok; ++attempt) {
        std::vector<int> pick(t->foreign_keys.size(), -1);
        for (std::size_t f = 0; f < pick.size(); ++f)
          if (!parent_keys[f].empty()) pick[f] = static_cast<int>(gen.range(0, static_cast<std::int64_t>(parent_keys[f].size()) - 1));
        for (std::size_t c = 0; c < plans.size(); ++c) {
          const auto& p = plans[c];
          if (p.fk >= 0) {
            row[c] = pick[p.fk] >= 0 ? parent_keys[p.fk][pick[p.fk]][p.fk_part] : json(nullptr);
          } else if (p.col->nullable && !p.unique && gen.range(0, 9) == 0) {
            row[c] = nullptr;
          } else {
            row[c] = gen.value(p, existing + i + 1);
          }
        }
        // Composite primary keys / uniques: the combination must be new.
        std::vector<std::string> combos;
        for (const auto& kc : composite) {
          std::string combo = "|";
          for (const auto& k : kc)
            for (std::size_t c = 0; c < plans.size(); ++c)
              if (plans[c].col->name == k) combo += row[c].dump() + ",";
          combos.push_back(std::move(combo));
        }
        ok = std::none_of(combos.begin(), combos.end(), [&](const std::string& c) { return used_combos.count(c) > 0; });
        if (ok) used_combos.insert(combos.begin(), combos.end());
      }
      if (!ok) break;  // every combination of parent keys is used
      if (opts.dry_run) {
        std::string sql = "INSERT INTO " + schema::quote_qualified(t->schema, t->name, d);
        if (cols.empty()) {
          sql += d == Dialect::mysql ? " () VALUES ()" : " DEFAULT VALUES";
        } else {
          sql += " (" + select_list(cols, d) + ") VALUES (";
          for (std::size_t c = 0; c < row.size(); ++c) sql += (c ? ", " : "") + sql_literal(from_exchange(row[c], cats[c], d), d);
          sql += ")";
        }
        if (opts.print) opts.print(sql + ";");
        auto& pl = planned[t->name];
        for (std::size_t c = 0; c < plans.size(); ++c) pl[cols[c]].push_back(row[c]);
        for (std::size_t a = 0; a < auto_cols.size(); ++a) {
          const auto* ac = auto_cols[a];
          const auto cat = schema::category(ac->type, model.dialect, &model);
          const std::int64_t v = auto_next[a]++;
          pl[ac->name].push_back(cat == TypeCategory::int64 ? json(std::to_string(v)) : json(v));
        }
      } else if (loader) {
        loader->add(row);
      } else {
        conn.execute("INSERT INTO " + schema::quote_qualified(t->schema, t->name, d) +
                     (d == Dialect::mysql ? " () VALUES ()" : " DEFAULT VALUES"));
      }
      ++written;
    }
    if (loader) loader->commit();
    counts.push_back({t->name, written, false});
  }
  return counts;
}

}  // namespace flash::exporter
