#include "flash/query/params.hpp"

#include <map>
#include <set>

#include "flash/query/scan.hpp"
#include "flash/util/text.hpp"

namespace flash::query {

std::size_t Rewritten::to_input(std::size_t off) const {
  std::size_t out_base = 0, in_base = 0;
  for (const Edit& e : edits) {
    if (off < e.out_begin) break;
    if (off < e.out_end) return e.in_begin;
    out_base = e.out_end;
    in_base = e.in_end;
  }
  return in_base + (off - out_base);
}

namespace {

// The number of a $n / ?n placeholder; 0 when absent or absurdly large.
int placeholder_number(const std::string& v) {
  if (v.size() < 2 || v.size() > 6) return 0;
  return std::stoi(v.substr(1));
}

bool trivia(const QToken& t) {
  return t.kind == QTok::space || t.kind == QTok::line_comment || t.kind == QTok::block_comment;
}

class Rewriter {
 public:
  Rewriter(std::string_view in, schema::Dialect d) : in_(in), d_(d), toks_(scan(in, d)) {}

  Rewritten run() {
    std::size_t a = 0;
    while (a < toks_.size()) {
      std::size_t b = a;
      while (b < toks_.size() && !(toks_[b].kind == QTok::op && toks_[b].value == ";")) ++b;
      if (b < toks_.size()) ++b;  // the ';' belongs to the statement
      statement(a, b);
      a = b;
    }
    return std::move(out_);
  }

 private:
  std::string_view in_;
  schema::Dialect d_;
  std::vector<QToken> toks_;
  Rewritten out_;

  // Per-statement state.
  std::set<int> used_;
  std::map<std::string, int> by_name_;
  int position_ = 0;  // MySQL: ? count; SQLite: highest number so far
  std::string buf_;
  std::vector<Rewritten::Edit> edits_;
  RewrittenStatement st_;

  std::size_t out_pos() const { return out_.sql.size() + buf_.size(); }

  std::string_view raw(std::size_t i) const { return in_.substr(toks_[i].begin, toks_[i].end - toks_[i].begin); }

  std::size_t skip_trivia(std::size_t i, std::size_t end) const {
    while (i < end && trivia(toks_[i])) ++i;
    return i;
  }

  bool is_op(std::size_t i, std::string_view v) const {
    return i < toks_.size() && toks_[i].kind == QTok::op && toks_[i].value == v;
  }

  int allocate(const std::string& name, bool dedupe) {
    if (d_ == schema::Dialect::mysql) return ++position_;
    if (dedupe) {
      auto it = by_name_.find(name);
      if (it != by_name_.end()) return it->second;
    }
    int n = 1;
    while (used_.count(n)) ++n;
    used_.insert(n);
    if (d_ == schema::Dialect::sqlite && n > position_) position_ = n;
    by_name_[name] = n;
    return n;
  }

  std::string placeholder(int n) const {
    switch (d_) {
      case schema::Dialect::postgresql: return "$" + std::to_string(n);
      case schema::Dialect::sqlite: return "?" + std::to_string(n);
      default: return "?";
    }
  }

  void replace(std::size_t in_begin, std::size_t in_end, const std::string& text) {
    Rewritten::Edit e;
    e.out_begin = out_pos();
    e.in_begin = in_begin;
    e.in_end = in_end;
    buf_ += text;
    e.out_end = out_pos();
    edits_.push_back(e);
  }

  void named_param(std::size_t in_begin, std::size_t in_end, const std::string& name, bool nullable, bool slice) {
    ParamSite p;
    p.named = true;
    p.name = name;
    p.nullable = nullable;
    p.slice = slice;
    p.origin = in_begin;
    // A slice is expanded at run time for ?-engines, so it never shares a number.
    p.number = allocate(name, !slice);
    std::string text;
    if (slice && d_ != schema::Dialect::postgresql) {
      text = "/*SLICE:" + name + "*/";
      p.location = out_pos() + text.size();
      text += "?";
    } else {
      p.location = out_pos();
      text = placeholder(p.number);
    }
    replace(in_begin, in_end, text);
    st_.params.push_back(p);
  }

  void fail(std::string msg, std::size_t at) {
    if (st_.error.empty()) {
      st_.error = std::move(msg);
      st_.error_at = at;
    }
  }

  // sqlc.<fn>(...) starting at token i; returns the index after it, or i when it is not a call.
  std::size_t sqlc_call(std::size_t i, std::size_t end) {
    std::size_t dot = skip_trivia(i + 1, end);
    if (!is_op(dot, ".")) return i;
    std::size_t fn = skip_trivia(dot + 1, end);
    if (fn >= end || toks_[fn].kind != QTok::word) return i;
    std::string fname = util::to_lower(toks_[fn].value);
    std::size_t open = skip_trivia(fn + 1, end);
    bool known = fname == "arg" || fname == "narg" || fname == "slice" || fname == "embed";
    if (!known) {
      fail("function \"sqlc." + fname + "\" does not exist", toks_[i].begin);
      return fn + 1;
    }
    if (!is_op(open, "(")) return i;
    // Arguments up to the matching ')', split at top-level commas.
    std::vector<std::pair<std::size_t, std::size_t>> args;
    std::size_t k = open + 1, arg_begin = k;
    int depth = 0;
    for (; k < end; ++k) {
      if (is_op(k, "(")) ++depth;
      else if (is_op(k, ")")) {
        if (depth == 0) break;
        --depth;
      } else if (is_op(k, ",") && depth == 0) {
        args.emplace_back(arg_begin, k);
        arg_begin = k + 1;
      }
    }
    if (k >= end) return i;  // unbalanced: leave it to the SQL parser to complain
    args.emplace_back(arg_begin, k);
    std::size_t close = k;
    if (args.size() == 1 && skip_trivia(args[0].first, args[0].second) == args[0].second) args.clear();
    std::string call = "sqlc." + fname;
    if (args.size() != 1) {
      fail("expected 1 parameter to " + call + "; got " + std::to_string(args.size()), toks_[i].begin);
      return close + 1;
    }
    std::size_t a = skip_trivia(args[0].first, args[0].second);
    std::size_t z = args[0].second;
    while (z > a && trivia(toks_[z - 1])) --z;
    const QToken& t = toks_[a];
    bool ok = z == a + 1 && (t.kind == QTok::word || t.kind == QTok::quoted_ident || t.kind == QTok::string);
    if (!ok) {
      std::string got(in_.substr(toks_[a].begin, toks_[z - 1].end - toks_[a].begin));
      fail("expected parameter to " + call + " to be string or reference; got \"" + got + "\"", toks_[i].begin);
      return close + 1;
    }
    std::string name = t.kind == QTok::word ? util::to_lower(t.value) : t.value;
    std::size_t in_begin = toks_[i].begin, in_end = toks_[close].end;
    if (fname == "embed") {
      EmbedSite e;
      e.table = t.kind == QTok::string ? t.value : std::string(raw(a));
      e.table_name = name;
      e.origin = in_begin;
      e.location = out_pos();
      e.orig = "sqlc.embed(" + e.table + ")";  // normalised, as sqlc records it
      replace(in_begin, in_end, e.table + ".*");
      st_.embeds.push_back(e);
    } else {
      if (fname == "slice" && d_ == schema::Dialect::postgresql)
        if (std::size_t next = pg_in_slice(i, close, end, name)) return next;
      named_param(in_begin, in_end, name, fname == "narg", fname == "slice");
    }
    return close + 1;
  }

  // PostgreSQL has no run-time IN-list expansion: `x IN (sqlc.slice(ids))` becomes `x = ANY($n)`
  // (`NOT IN` → `<> ALL($n)`), the slice bound as one array. Returns the token index after the
  // list's `)`, or 0 when the slice is not the whole of an IN list (then it stays `$n`).
  std::size_t pg_in_slice(std::size_t i, std::size_t close, std::size_t end, const std::string& name) {
    auto prev = [&](std::size_t j) -> std::size_t {  // previous code token, or npos
      while (j > 0)
        if (!trivia(toks_[--j])) return j;
      return std::string::npos;
    };
    const std::size_t open = prev(i);
    if (open == std::string::npos || !is_op(open, "(")) return 0;
    const std::size_t in = prev(open);
    if (in == std::string::npos || toks_[in].kind != QTok::word || !util::iequals(toks_[in].value, "in")) return 0;
    const std::size_t after = skip_trivia(close + 1, end);
    if (!is_op(after, ")")) return 0;
    std::size_t from = in;
    bool negated = false;
    if (std::size_t n = prev(in);
        n != std::string::npos && toks_[n].kind == QTok::word && util::iequals(toks_[n].value, "not")) {
      from = n;
      negated = true;
    }
    // `[NOT] IN (` was copied verbatim into this statement's buffer: take it back.
    const std::size_t copied = toks_[i].begin - toks_[from].begin;
    if (copied > buf_.size() || buf_.compare(buf_.size() - copied, copied, in_.substr(toks_[from].begin, copied)) != 0)
      return 0;
    buf_.resize(buf_.size() - copied);
    ParamSite p;
    p.named = true;
    p.name = name;
    p.slice = true;
    p.origin = toks_[i].begin;
    p.number = allocate(name, false);
    const std::string head = negated ? "<> ALL(" : "= ANY(";
    p.location = out_pos() + head.size();
    replace(toks_[from].begin, toks_[after].end, head + placeholder(p.number) + ")");
    st_.params.push_back(p);
    return after + 1;
  }

  void statement(std::size_t a, std::size_t b) {
    used_.clear();
    by_name_.clear();
    position_ = 0;
    buf_.clear();
    edits_.clear();
    st_ = RewrittenStatement{};
    // Numbers written explicitly are taken before names are numbered.
    for (std::size_t i = a; i < b; ++i) {
      if (toks_[i].kind == QTok::param && placeholder_number(toks_[i].value) > 0)
        used_.insert(placeholder_number(toks_[i].value));
    }
    bool named_at = d_ != schema::Dialect::mysql;
    for (std::size_t i = a; i < b;) {
      const QToken& t = toks_[i];
      if (t.kind == QTok::word && util::iequals(t.value, "sqlc")) {
        std::size_t next = sqlc_call(i, b);
        if (next != i) {
          i = next;
          continue;
        }
      } else if (named_at && t.kind == QTok::op && t.value == "@" && i + 1 < b &&
                 toks_[i + 1].kind == QTok::word && toks_[i + 1].begin == t.end) {
        named_param(t.begin, toks_[i + 1].end, toks_[i + 1].value, false, false);
        i += 2;
        continue;
      } else if (t.kind == QTok::param) {
        ParamSite p;
        p.origin = t.begin;
        p.location = out_pos();
        if (placeholder_number(t.value) > 0) {
          p.number = placeholder_number(t.value);
          if (p.number > position_) position_ = p.number;
        } else if (d_ == schema::Dialect::sqlite) {
          p.number = ++position_;
          used_.insert(p.number);
        } else {
          p.number = ++position_;
        }
        st_.params.push_back(p);
      }
      buf_ += raw(i);
      ++i;
    }
    st_.start = out_.sql.size();
    if (!st_.error.empty()) {
      // Leave the statement exactly as written.
      st_.params.clear();
      st_.embeds.clear();
      out_.sql += in_.substr(toks_[a].begin, toks_[b - 1].end - toks_[a].begin);
    } else {
      out_.edits.insert(out_.edits.end(), edits_.begin(), edits_.end());
      out_.sql += buf_;
    }
    st_.end = out_.sql.size();
    out_.statements.push_back(std::move(st_));
  }
};

}  // namespace

Rewritten rewrite_params(std::string_view input, schema::Dialect d) { return Rewriter(input, d).run(); }

}  // namespace flash::query
