// MySQL: `CALL p(...)` of a procedure the schema files define. Migration scripts that must work on
// databases in several states wrap DDL in a helper procedure (authelia's PROC_DROP_INDEX,
// dolphinscheduler's upgrade procedures):
//
//   CREATE PROCEDURE PROC_DROP_INDEX(IN tableName VARCHAR(64), IN indexName VARCHAR(64))
//   BEGIN
//     IF EXISTS (SELECT * FROM information_schema.STATISTICS WHERE ... INDEX_NAME = indexName) THEN
//       SET @query = CONCAT('ALTER TABLE ', tableName, ' DROP INDEX ', indexName, ';');
//       PREPARE stmt FROM @query; EXECUTE stmt; DEALLOCATE PREPARE stmt;
//     END IF;
//   END;
//   CALL PROC_DROP_INDEX('user_preferences', 'username');
//
// A body made only of such steps is interpreted: the DDL statements it would run, with the call's
// literal arguments substituted, are applied to the model in place of the CALL; an IF [NOT] EXISTS
// guard on an information_schema query means "only if the object exists" ("does not exist"), so a
// guarded statement that finds its object missing (already there) changes nothing. Data statements
// in the body are skipped, as they are at the top level of a schema file. Any other body — loops,
// DECLARE, cursors, conditions on user tables, non-literal arguments, a procedure the files do not
// define — is not guessed at: the CALL is kept verbatim and a warning says why.
#include <map>
#include <variant>

#include "flash/sql/ddl_parser_internal.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/util/text.hpp"

namespace flash::sql::detail {

namespace {

using schema::Dialect;

std::vector<Token> tokens_of(const SourceFile& f) {
  diag::Diagnostics ds;
  auto toks = lex(f, Dialect::mysql, ds);
  if (!ds.empty()) return {};
  return toks;
}

bool is_name(const Token& t) { return t.kind == TokenKind::identifier || t.kind == TokenKind::quoted_ident; }

// Token k, or the end token past the last one (every vector from lex() ends with it).
const Token& tok(const std::vector<Token>& t, std::size_t k) { return t[std::min(k, t.size() - 1)]; }

struct Guarded {
  CallGuard guard = CallGuard::none;
  std::vector<std::string> statements;
};

// The interpretation of one procedure body for one call: the blocks of DDL it runs, or why it
// cannot be interpreted.
class BodyInterpreter {
 public:
  BodyInterpreter(const std::vector<Token>& toks, std::string_view text, std::map<std::string, std::string> params)
      : t_(toks), text_(text), params_(std::move(params)) {}

  // Tokens [b, e) are the statements between BEGIN and END (or the one statement of the body).
  std::variant<std::vector<Guarded>, std::string> run(std::size_t b, std::size_t e) {
    std::vector<Guarded> out;
    Guarded cur;
    bool in_if = false;
    auto flush = [&] {
      if (!cur.statements.empty() || cur.guard != CallGuard::none) out.push_back(std::move(cur));
      cur = Guarded{};
    };
    for (std::size_t i = b; i < e;) {
      if (at(i).is(";")) {
        ++i;
        continue;
      }
      if (at(i).is("IF")) {
        if (in_if) return "it nests IF statements";
        std::size_t k = i + 1;
        CallGuard g = CallGuard::if_exists;
        if (at(k).is("NOT")) {
          g = CallGuard::if_not_exists;
          ++k;
        }
        if (!at(k).is("EXISTS") || !at(k + 1).is("(")) return "its IF condition is not [NOT] EXISTS (SELECT ... FROM information_schema ...)";
        const std::size_t close = matching(k + 1, e);
        if (close >= e || !at(close + 1).is("THEN") || !on_information_schema(k + 2, close))
          return "its IF condition is not [NOT] EXISTS (SELECT ... FROM information_schema ...)";
        flush();
        cur.guard = g;
        in_if = true;
        i = close + 2;
        continue;
      }
      if (at(i).is("END") && at(i + 1).is("IF")) {
        if (!in_if) return "it has END IF without IF";
        flush();
        in_if = false;
        i += 2;
        continue;
      }
      if (at(i).is("ELSE") || at(i).is("ELSEIF")) return "its IF has an ELSE branch";
      std::size_t end = i;
      for (int depth = 0; end < e && !(depth == 0 && at(end).is(";")); ++end) {
        if (at(end).is("(")) ++depth;
        else if (at(end).is(")")) --depth;
      }
      if (auto why = statement(i, end, cur)) return *why;
      i = end;
    }
    if (in_if) return "its IF has no END IF";
    flush();
    return out;
  }

 private:
  const Token& at(std::size_t k) const { return tok(t_, k); }
  std::size_t matching(std::size_t open, std::size_t e) const {
    int depth = 0;
    for (std::size_t k = open; k < e; ++k) {
      if (at(k).is("(")) ++depth;
      else if (at(k).is(")") && --depth == 0) return k;
    }
    return e;
  }
  bool on_information_schema(std::size_t b, std::size_t e) const {
    if (!at(b).is("SELECT")) return false;
    for (std::size_t k = b; k + 1 < e; ++k)
      if (is_name(at(k)) && util::iequals(at(k).text, "information_schema") && at(k + 1).is(".")) return true;
    return false;
  }
  std::string slice(std::size_t b, std::size_t e) const {
    const std::size_t from = at(b).offset, to = at(e - 1).offset + at(e - 1).raw.size();
    return std::string(text_.substr(from, to - from));
  }

  // A literal or a parameter as text, for CONCAT; nullopt for anything else.
  std::optional<std::string> piece(const Token& t) const {
    if (t.kind == TokenKind::string) return t.text;
    if (t.kind == TokenKind::number) return std::string(t.raw);
    if (t.kind == TokenKind::identifier)
      if (auto it = params_.find(util::to_lower(t.text)); it != params_.end()) return it->second;
    return std::nullopt;
  }

  // One statement of the body, tokens [b, e).
  std::optional<std::string> statement(std::size_t b, std::size_t e, Guarded& cur) {
    const Token& w = at(b);
    const std::string word = w.kind == TokenKind::identifier ? util::to_upper(w.raw) : std::string(w.raw);
    if (word == "SET") {
      // SET @v = 'literal' | CONCAT(literal or parameter, ...)
      if (b + 2 >= e || at(b + 1).kind != TokenKind::param || at(b + 1).raw.size() < 2 || at(b + 1).raw[0] != '@' ||
          !(at(b + 2).is("=") || at(b + 2).is(":=")))
        return "it sets something other than a user variable (@name)";
      const std::string var = util::to_lower(at(b + 1).raw);
      std::size_t k = b + 3;
      std::string value;
      if (k + 1 == e) {
        auto p = piece(at(k));
        if (!p) return "it sets " + std::string(at(b + 1).raw) + " to something other than CONCAT of literals and parameters";
        value = *p;
      } else {
        if (!at(k).is("CONCAT") || !at(k + 1).is("(") || !at(e - 1).is(")"))
          return "it sets " + std::string(at(b + 1).raw) + " to something other than CONCAT of literals and parameters";
        for (k += 2; k < e - 1; k += 2) {
          auto p = piece(at(k));
          if (!p || !(at(k + 1).is(",") || k + 1 == e - 1))
            return "it sets " + std::string(at(b + 1).raw) + " to something other than CONCAT of literals and parameters";
          value += *p;
        }
      }
      vars_[var] = std::move(value);
      return std::nullopt;
    }
    if (word == "PREPARE") {
      // PREPARE s FROM @v | 'literal'
      if (b + 4 != e || !is_name(at(b + 1)) || !at(b + 2).is("FROM")) return "its PREPARE is not PREPARE name FROM @variable";
      const Token& src = at(b + 3);
      if (src.kind == TokenKind::string) prepared_[util::to_lower(at(b + 1).text)] = src.text;
      else if (auto it = vars_.find(util::to_lower(src.raw)); src.kind == TokenKind::param && it != vars_.end())
        prepared_[util::to_lower(at(b + 1).text)] = it->second;
      else return "it prepares " + std::string(src.raw) + ", which it did not set";
      return std::nullopt;
    }
    if (word == "EXECUTE") {
      if (b + 2 != e || !is_name(at(b + 1))) return "its EXECUTE passes parameters (USING)";
      auto it = prepared_.find(util::to_lower(at(b + 1).text));
      if (it == prepared_.end()) return "it executes `" + at(b + 1).text + "`, which it did not prepare";
      cur.statements.push_back(it->second);
      return std::nullopt;
    }
    if (word == "DEALLOCATE" || (word == "DROP" && at(b + 1).is("PREPARE"))) return std::nullopt;
    if (word == "CREATE" || word == "ALTER" || word == "DROP" || word == "RENAME") {
      cur.statements.push_back(slice(b, e));
      return std::nullopt;
    }
    // Data statements change no schema (as at the top level of a schema file).
    if (word == "INSERT" || word == "UPDATE" || word == "DELETE" || word == "REPLACE" || word == "SELECT" ||
        word == "DO")
      return std::nullopt;
    return "its body runs `" + std::string(w.raw) + "`";
  }

  const std::vector<Token>& t_;
  std::string_view text_;
  std::map<std::string, std::string> params_;    // lower-case parameter name → argument
  std::map<std::string, std::string> vars_;      // @variable (lower-case) → value
  std::map<std::string, std::string> prepared_;  // prepared statement name → text
};

// Characteristics between the parameter list and the body.
std::size_t skip_characteristics(const std::vector<Token>& t, std::size_t k) {
  for (;;) {
    if (tok(t, k).is("COMMENT") && tok(t, k + 1).kind == TokenKind::string) k += 2;
    else if (tok(t, k).is("LANGUAGE") && tok(t, k + 1).is("SQL")) k += 2;
    else if (tok(t, k).is("NOT") && tok(t, k + 1).is("DETERMINISTIC")) k += 2;
    else if (tok(t, k).is("DETERMINISTIC")) k += 1;
    else if ((tok(t, k).is("CONTAINS") || tok(t, k).is("NO")) && tok(t, k + 1).is("SQL")) k += 2;
    else if ((tok(t, k).is("READS") || tok(t, k).is("MODIFIES")) && tok(t, k + 1).is("SQL") && tok(t, k + 2).is("DATA")) k += 3;
    else if (tok(t, k).is("SQL") && tok(t, k + 1).is("SECURITY")) k += 3;
    else return k;
  }
}

}  // namespace

std::variant<CallEffect, std::string> interpret_call(const std::string& create_procedure_sql,
                                                     const std::vector<std::string>& args) {
  const SourceFile f{"<procedure>", create_procedure_sql};
  const auto t = tokens_of(f);
  if (t.empty()) return std::string("its definition could not be read");
  std::size_t k = 0;
  while (k < t.size() && !tok(t, k).is("PROCEDURE")) ++k;
  if (k + 2 >= t.size()) return std::string("its definition could not be read");
  ++k;
  while (k + 1 < t.size() && (is_name(tok(t, k)) || tok(t, k).is("."))) ++k;
  if (!tok(t, k).is("(")) return std::string("its definition could not be read");
  // Parameters: [IN | OUT | INOUT] name type, ...
  std::vector<std::string> names;
  int depth = 0;
  bool expect_name = true;
  for (++k; k < t.size() && tok(t, k).kind != TokenKind::end; ++k) {
    if (depth == 0 && tok(t, k).is(")")) break;
    if (tok(t, k).is("(")) ++depth;
    else if (tok(t, k).is(")")) --depth;
    else if (depth == 0 && tok(t, k).is(",")) expect_name = true;
    else if (expect_name && (tok(t, k).is("IN") || tok(t, k).is("INOUT"))) continue;
    else if (expect_name && tok(t, k).is("OUT")) return std::string("it has OUT parameters");
    else if (expect_name && is_name(tok(t, k))) {
      names.push_back(util::to_lower(tok(t, k).text));
      expect_name = false;
    }
  }
  if (names.size() != args.size())
    return "it takes " + std::to_string(names.size()) + " arguments, the CALL passes " + std::to_string(args.size());
  std::map<std::string, std::string> params;
  for (std::size_t i = 0; i < names.size(); ++i) params[names[i]] = args[i];
  k = skip_characteristics(t, k + 1);
  std::size_t e = t.size() - 1;  // the end token
  while (e > k && tok(t, e - 1).is(";")) --e;
  if (tok(t, k).is("BEGIN")) {
    if (!tok(t, e - 1).is("END") || e - 1 <= k) return std::string("its BEGIN has no END");
    ++k;
    --e;
  }
  BodyInterpreter body(t, create_procedure_sql, std::move(params));
  auto r = body.run(k, e);
  if (auto* why = std::get_if<std::string>(&r)) return *why;
  CallEffect out;
  for (auto& g : std::get<std::vector<Guarded>>(r)) out.blocks.push_back({g.guard, std::move(g.statements)});
  return out;
}

void apply_mysql_call(schema::Schema& m, const SourceFile& file, const Statement& call, diag::Diagnostics& diags,
                      const ApplyStatementFn& apply) {
  const SourceFile f{file.path, call.text};
  const auto t = tokens_of(f);
  // CALL [db.]name: `name` as written (qualified), `bare` without the database.
  std::size_t k = 1;
  std::string name, bare;
  while (!t.empty() && (is_name(tok(t, k)) || (tok(t, k).is(".") && !name.empty()))) {
    bare = tok(t, k).is(".") ? "" : tok(t, k).text;
    name += tok(t, k).is(".") ? "." : tok(t, k).text;
    ++k;
  }
  // Diagnostics underline `CALL name`.
  auto located = [&](std::string code, std::string message) {
    const std::size_t length = t.empty() ? 4 : tok(t, k - 1).offset + tok(t, k - 1).raw.size();
    return diag::at_offset(std::move(code), std::move(message), file.path, file.text, call.offset, length);
  };
  auto keep = [&](const std::string& why) {
    diag::Diagnostic d = located("sql.call-kept", "CALL " + (name.empty() ? std::string("of a procedure") : "`" + name + "`") +
                                                      " is kept verbatim, Flash cannot tell what it does to the schema: " + why);
    d.severity = diag::Severity::warning;
    d.hint = "migrations run it again as written; write the DDL it runs as plain statements to have Flash model it";
    m.raw.push_back({"call", bare, call.text, d.location});
    diags.push_back(std::move(d));
  };
  if (t.empty()) return keep("the statement could not be read");
  // Literal arguments only: CALL p, CALL p(), CALL p('a', 1, -2).
  std::vector<std::string> args;
  if (tok(t, k).is("(")) {
    for (++k; k < t.size() && !tok(t, k).is(")");) {
      std::string sign;
      if (tok(t, k).is("-") || tok(t, k).is("+")) sign = std::string(tok(t, k++).raw);
      if (tok(t, k).kind == TokenKind::string && sign.empty()) args.push_back(tok(t, k).text);
      else if (tok(t, k).kind == TokenKind::number) args.push_back(sign + std::string(tok(t, k).raw));
      else return keep("argument " + std::to_string(args.size() + 1) + " is not a literal");
      ++k;
      if (tok(t, k).is(",")) ++k;
      else if (!tok(t, k).is(")")) return keep("its arguments could not be read");
    }
    ++k;
  }
  if (name.empty() || tok(t, k).kind != TokenKind::end) return keep("the statement could not be read");
  const schema::RawStatement* proc = nullptr;
  for (const auto& r : m.raw)
    if (r.kind == "procedure" && (util::iequals(r.name, name) || util::iequals(r.name, bare))) proc = &r;
  if (!proc) return keep("the schema files do not define the procedure above the CALL");
  auto effect = interpret_call(proc->sql, args);
  if (auto* why = std::get_if<std::string>(&effect)) return keep(*why);
  for (const auto& block : std::get<CallEffect>(effect).blocks) {
    const schema::Schema before = m;
    for (const auto& text : block.statements) {
      diag::Diagnostics split_diags;
      const auto stmts = split_statements(SourceFile{file.path, text}, Dialect::mysql, split_diags);
      std::optional<ApplyFailure> failed;
      if (!split_diags.empty()) failed = ApplyFailure{split_diags.front().code, split_diags.front().message, text};
      for (auto st : failed ? std::vector<Statement>{} : stmts) {
        st.offset = call.offset;
        st.line = call.line;
        st.column = call.column;
        if ((failed = apply(st))) {
          failed->statement = st.text;
          break;
        }
      }
      if (!failed) continue;
      m = before;
      const bool missing = failed->code == "sql.unknown-table" || failed->code == "sql.unknown-column";
      if ((block.guard == CallGuard::if_exists && missing) ||
          (block.guard == CallGuard::if_not_exists && failed->code == "sql.duplicate"))
        break;  // the guard is false: the block runs nothing
      diags.push_back(located(failed->code, "CALL `" + name + "` runs `" + failed->statement + "`: " + failed->message));
      return;
    }
  }
}

}  // namespace flash::sql::detail
