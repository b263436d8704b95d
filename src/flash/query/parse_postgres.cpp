// PostgreSQL queries → ast via libpg_query's JSON parse tree (PostgreSQL 15 node shapes).
#include <pg_query.h>

#include <nlohmann/json.hpp>

#include "flash/query/parse.hpp"

namespace flash::query {
namespace {

using nlohmann::json;
using namespace ast;

std::size_t loc(const json& body) {
  auto it = body.find("location");
  if (it == body.end() || !it->is_number_integer() || it->get<long long>() < 0) return 0;
  return it->get<std::size_t>();
}

// A node is {"TypeName": {...}}: its type and its body.
const std::string& node_type(const json& n) {
  static const std::string empty;
  if (!n.is_object() || n.empty()) return empty;
  return n.begin().key();
}
const json& node_body(const json& n) {
  static const json null_json = json::object();
  if (!n.is_object() || n.empty()) return null_json;
  return n.begin().value();
}

std::string str(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool flag(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_boolean() && it->get<bool>();
}
const json& list(const json& body, const char* key) {
  static const json empty = json::array();
  auto it = body.find(key);
  return it != body.end() && it->is_array() ? *it : empty;
}
bool has(const json& body, const char* key) { return body.find(key) != body.end(); }

// {"String": {"sval": "x"}} items → strings.
std::vector<std::string> strings(const json& items) {
  std::vector<std::string> out;
  for (const json& i : items) {
    const std::string& t = node_type(i);
    if (t == "String") out.push_back(str(node_body(i), "sval"));
    else if (t == "A_Star") out.push_back("*");
  }
  return out;
}

class Converter {
 public:
  ExprPtr expr(const json& n) {
    const std::string& t = node_type(n);
    const json& b = node_body(n);
    auto e = std::make_unique<Expr>();
    e->offset = loc(b);
    if (t == "ColumnRef") {
      e->kind = ExprKind::column;
      std::vector<std::string> parts;
      for (const json& f : list(b, "fields")) {
        if (node_type(f) == "A_Star") e->star = true;
        else parts.push_back(str(node_body(f), "sval"));
      }
      if (!e->star && !parts.empty()) {
        e->name = parts.back();
        parts.pop_back();
      }
      e->qualifier = std::move(parts);
    } else if (t == "A_Const") {
      e->kind = ExprKind::literal;
      if (flag(b, "isnull")) {
        e->literal = LiteralKind::null;
      } else if (has(b, "ival")) {
        e->literal = LiteralKind::integer;
        const json& v = b["ival"];
        e->text = std::to_string(v.contains("ival") ? v["ival"].get<long long>() : 0);
      } else if (has(b, "fval")) {
        e->literal = LiteralKind::number;
        e->text = str(b["fval"], "fval");
      } else if (has(b, "sval")) {
        e->literal = LiteralKind::string;
        e->text = str(b["sval"], "sval");
      } else if (has(b, "boolval")) {
        e->literal = LiteralKind::boolean;
        e->text = flag(b["boolval"], "boolval") ? "true" : "false";
      } else if (has(b, "bsval")) {
        e->literal = LiteralKind::bits;
        e->text = str(b["bsval"], "bsval");
      }
    } else if (t == "ParamRef") {
      e->kind = ExprKind::param;
      e->param_number = b.value("number", 0);
    } else if (t == "A_Expr") {
      a_expr(*e, b);
    } else if (t == "BoolExpr") {
      std::string op = str(b, "boolop");
      const json& args = list(b, "args");
      if (op == "NOT_EXPR") {
        e->kind = ExprKind::unary;
        e->op = "NOT";
        if (!args.empty()) e->arg = expr(args[0]);
      } else {
        // a AND b AND c → ((a AND b) AND c)
        std::string word = op == "AND_EXPR" ? "AND" : "OR";
        ExprPtr acc;
        for (const json& a : args) {
          ExprPtr next = expr(a);
          if (!acc) {
            acc = std::move(next);
            continue;
          }
          auto bin = std::make_unique<Expr>();
          bin->kind = ExprKind::binary;
          bin->op = word;
          bin->offset = acc->offset;
          bin->left = std::move(acc);
          bin->right = std::move(next);
          acc = std::move(bin);
        }
        if (acc) return acc;
      }
    } else if (t == "FuncCall") {
      e->kind = ExprKind::func;
      std::vector<std::string> names = strings(list(b, "funcname"));
      if (!names.empty()) {
        e->name = names.back();
        names.pop_back();
      }
      e->func_schema = std::move(names);
      for (const json& a : list(b, "args")) e->args.push_back(expr(a));
      e->agg_star = flag(b, "agg_star");
      e->distinct = flag(b, "agg_distinct");
      if (has(b, "agg_filter")) e->filter = expr(b["agg_filter"]);
      for (const json& s : list(b, "agg_order")) e->agg_order.push_back(order_item(s));
      if (has(b, "over")) {
        const json& w = b["over"];
        WindowSpec ws;
        ws.name = str(w, "refname");
        if (ws.name.empty()) ws.name = str(w, "name");
        for (const json& p : list(w, "partitionClause")) ws.partition_by.push_back(expr(p));
        for (const json& s : list(w, "orderClause")) ws.order_by.push_back(order_item(s));
        e->over = std::move(ws);
      }
    } else if (t == "TypeCast") {
      e->kind = ExprKind::cast;
      if (has(b, "arg")) e->arg = expr(b["arg"]);
      if (has(b, "typeName")) e->type = type_name(b["typeName"]);
    } else if (t == "CaseExpr") {
      e->kind = ExprKind::case_;
      if (has(b, "arg")) e->arg = expr(b["arg"]);
      for (const json& w : list(b, "args")) {
        const json& wb = node_body(w);
        CaseWhen cw;
        if (has(wb, "expr")) cw.when = expr(wb["expr"]);
        if (has(wb, "result")) cw.then = expr(wb["result"]);
        e->whens.push_back(std::move(cw));
      }
      if (has(b, "defresult")) e->else_ = expr(b["defresult"]);
    } else if (t == "NullTest") {
      e->kind = ExprKind::is_null;
      if (has(b, "arg")) e->arg = expr(b["arg"]);
      e->negated = str(b, "nulltesttype") == "IS_NOT_NULL";
    } else if (t == "BooleanTest") {
      e->kind = ExprKind::is_bool;
      if (has(b, "arg")) e->arg = expr(b["arg"]);
      std::string k = str(b, "booltesttype");  // IS_TRUE, IS_NOT_FALSE, ...
      e->negated = k.find("NOT") != std::string::npos;
      e->op = k.substr(k.rfind('_') + 1);
    } else if (t == "SubLink") {
      e->kind = ExprKind::sublink;
      std::string k = str(b, "subLinkType");
      e->sublink = k == "EXISTS_SUBLINK" ? SublinkKind::exists
                   : k == "ANY_SUBLINK"  ? SublinkKind::any
                   : k == "ALL_SUBLINK"  ? SublinkKind::all
                   : k == "ARRAY_SUBLINK" ? SublinkKind::array
                                          : SublinkKind::scalar;
      std::vector<std::string> opname = strings(list(b, "operName"));
      e->op = opname.empty() ? "=" : opname.back();
      if (has(b, "testexpr")) e->arg = expr(b["testexpr"]);
      if (has(b, "subselect")) e->subquery = select(node_body(b["subselect"]));
    } else if (t == "CoalesceExpr" || t == "MinMaxExpr") {
      e->kind = ExprKind::func;
      e->name = t == "CoalesceExpr" ? "coalesce" : str(b, "op") == "IS_GREATEST" ? "greatest" : "least";
      for (const json& a : list(b, "args")) e->args.push_back(expr(a));
    } else if (t == "GroupingFunc") {
      e->kind = ExprKind::func;
      e->name = "grouping";
      for (const json& a : list(b, "args")) e->args.push_back(expr(a));
    } else if (t == "SQLValueFunction") {
      e->kind = ExprKind::func;
      std::string op = str(b, "op");  // SVFOP_CURRENT_TIMESTAMP_N
      op = op.substr(6);
      if (op.size() > 2 && op.compare(op.size() - 2, 2, "_N") == 0) op.resize(op.size() - 2);
      for (char& c : op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      e->name = op;
    } else if (t == "A_ArrayExpr") {
      e->kind = ExprKind::array;
      for (const json& a : list(b, "elements")) e->args.push_back(expr(a));
    } else if (t == "A_Indirection") {
      ExprPtr base = expr(b["arg"]);
      for (const json& ind : list(b, "indirection")) {
        auto step = std::make_unique<Expr>();
        step->offset = base->offset;
        const std::string& it = node_type(ind);
        const json& ib = node_body(ind);
        if (it == "A_Indices") {
          step->kind = ExprKind::subscript;
          step->slice = flag(ib, "is_slice");
          if (has(ib, "lidx")) step->args.push_back(expr(ib["lidx"]));
          if (has(ib, "uidx")) step->args.push_back(expr(ib["uidx"]));
        } else {
          step->kind = ExprKind::field;
          if (it == "A_Star") step->star = true;
          else step->name = str(ib, "sval");
        }
        step->arg = std::move(base);
        base = std::move(step);
      }
      return base;
    } else if (t == "RowExpr") {
      e->kind = ExprKind::row;
      for (const json& a : list(b, "args")) e->args.push_back(expr(a));
    } else if (t == "CollateClause" || t == "NamedArgExpr") {
      if (has(b, "arg")) return expr(b["arg"]);
    } else if (t == "SetToDefault") {
      e->kind = ExprKind::default_;
    } else {
      e->kind = ExprKind::other;
      e->name = t;
      collect_children(b, e->children);
    }
    return e;
  }

  // Every expression below an unmodelled node, so parameters inside still get numbered.
  void collect_children(const json& j, std::vector<ExprPtr>& out) {
    if (j.is_array()) {
      for (const json& x : j) collect_children(x, out);
      return;
    }
    if (!j.is_object()) return;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      if (it->is_object() && !k.empty() && std::isupper(static_cast<unsigned char>(k[0])) && j.size() == 1) {
        if (k == "SelectStmt") {
          auto sub = std::make_unique<Expr>();
          sub->kind = ExprKind::sublink;
          sub->sublink = SublinkKind::scalar;
          sub->subquery = select(it.value());
          out.push_back(std::move(sub));
        } else if (k == "ParamRef" || k == "ColumnRef" || k == "FuncCall" || k == "A_Expr" ||
                   k == "TypeCast" || k == "SubLink") {
          out.push_back(expr(j));
        } else {
          collect_children(it.value(), out);
        }
        return;
      }
      collect_children(*it, out);
    }
  }

  void a_expr(Expr& e, const json& b) {
    std::string kind = str(b, "kind");
    std::vector<std::string> names = strings(list(b, "name"));
    std::string op = names.empty() ? "" : names.back();
    ExprPtr l = has(b, "lexpr") ? expr(b["lexpr"]) : nullptr;
    if (kind == "AEXPR_IN") {
      e.kind = ExprKind::in_list;
      e.negated = op == "<>";
      e.arg = std::move(l);
      const json& r = b["rexpr"];
      if (node_type(r) == "List")
        for (const json& i : list(node_body(r), "items")) e.args.push_back(expr(i));
      else
        e.args.push_back(expr(r));
      return;
    }
    if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN" || kind == "AEXPR_BETWEEN_SYM" ||
        kind == "AEXPR_NOT_BETWEEN_SYM") {
      e.kind = ExprKind::between;
      e.negated = kind.find("NOT") != std::string::npos;
      e.arg = std::move(l);
      for (const json& i : list(node_body(b["rexpr"]), "items")) e.args.push_back(expr(i));
      return;
    }
    ExprPtr r = has(b, "rexpr") ? expr(b["rexpr"]) : nullptr;
    if (kind == "AEXPR_NULLIF") {
      e.kind = ExprKind::func;
      e.name = "nullif";
      e.args.push_back(std::move(l));
      e.args.push_back(std::move(r));
      return;
    }
    if (kind == "AEXPR_OP_ANY" || kind == "AEXPR_OP_ALL") {
      e.kind = ExprKind::quantified;
      e.op = op;
      e.name = kind == "AEXPR_OP_ANY" ? "ANY" : "ALL";
      e.left = std::move(l);
      e.right = std::move(r);
      return;
    }
    e.kind = ExprKind::binary;
    if (kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE" || kind == "AEXPR_SIMILAR") {
      e.op = kind == "AEXPR_LIKE" ? "LIKE" : kind == "AEXPR_ILIKE" ? "ILIKE" : "SIMILAR TO";
      e.negated = !op.empty() && op[0] == '!';
      // SIMILAR TO wraps its pattern in similar_to_escape(); unwrap it.
      if (r && r->kind == ExprKind::func && r->name == "similar_to_escape" && !r->args.empty())
        r = std::move(r->args[0]);
    } else if (kind == "AEXPR_DISTINCT" || kind == "AEXPR_NOT_DISTINCT") {
      e.op = "IS DISTINCT FROM";
      e.negated = kind == "AEXPR_NOT_DISTINCT";
    } else {
      e.op = op;
    }
    if (!l) {
      e.kind = ExprKind::unary;
      e.arg = std::move(r);
      return;
    }
    e.left = std::move(l);
    e.right = std::move(r);
  }

  OrderItem order_item(const json& n) {
    const json& b = node_body(n);
    OrderItem o;
    if (has(b, "node")) o.expr = expr(b["node"]);
    o.descending = str(b, "sortby_dir") == "SORTBY_DESC";
    return o;
  }

  TypeName type_name(const json& b) {
    TypeName tn;
    tn.names = strings(list(b, "names"));
    for (const json& m : list(b, "typmods")) {
      const json& mb = node_body(m);
      if (node_type(m) == "A_Const") {
        if (has(mb, "ival")) tn.args.push_back(std::to_string(mb["ival"].value("ival", 0)));
        else if (has(mb, "sval")) tn.args.push_back(str(mb["sval"], "sval"));
      }
    }
    tn.array_dims = static_cast<int>(list(b, "arrayBounds").size());
    return tn;
  }

  Alias alias(const json& b) {
    Alias a;
    if (has(b, "alias")) {
      a.name = str(b["alias"], "aliasname");
      a.columns = strings(list(b["alias"], "colnames"));
    }
    return a;
  }

  TableRef table_ref(const json& n) {
    const std::string& t = node_type(n);
    const json& b = node_body(n);
    TableRef r;
    r.offset = loc(b);
    if (t == "RangeVar") {
      r.kind = TableRef::Kind::table;
      r.schema = str(b, "schemaname");
      r.name = str(b, "relname");
      r.alias = alias(b);
    } else if (t == "RangeSubselect") {
      r.kind = TableRef::Kind::subquery;
      r.lateral = flag(b, "lateral");
      if (has(b, "subquery")) {
        r.subquery = select(node_body(b["subquery"]));
        r.offset = r.subquery->offset;
      }
      r.alias = alias(b);
    } else if (t == "RangeFunction") {
      r.kind = TableRef::Kind::function;
      r.lateral = flag(b, "lateral");
      r.with_ordinality = flag(b, "ordinality");
      for (const json& f : list(b, "functions")) {
        const json& items = list(node_body(f), "items");
        if (!items.empty()) r.functions.push_back(expr(items[0]));
      }
      if (!r.functions.empty()) r.offset = r.functions[0]->offset;
      r.alias = alias(b);
    } else if (t == "JoinExpr") {
      r.kind = TableRef::Kind::join;
      std::string jt = str(b, "jointype");
      r.join = jt == "JOIN_LEFT" ? JoinKind::left
               : jt == "JOIN_RIGHT" ? JoinKind::right
               : jt == "JOIN_FULL"  ? JoinKind::full
                                    : JoinKind::inner;
      r.natural = flag(b, "isNatural");
      r.left = std::make_unique<TableRef>(table_ref(b["larg"]));
      r.right = std::make_unique<TableRef>(table_ref(b["rarg"]));
      r.offset = r.left->offset;
      if (has(b, "quals")) r.on = expr(b["quals"]);
      r.using_columns = strings(list(b, "usingClause"));
      if (r.join == JoinKind::inner && !r.on && r.using_columns.empty() && !r.natural) r.join = JoinKind::cross;
      r.alias = alias(b);
    }
    return r;
  }

  std::vector<ResultTarget> targets(const json& items) {
    std::vector<ResultTarget> out;
    for (const json& i : items) {
      const json& b = node_body(i);
      ResultTarget rt;
      rt.alias = str(b, "name");
      rt.offset = loc(b);
      if (has(b, "val")) rt.expr = expr(b["val"]);
      out.push_back(std::move(rt));
    }
    return out;
  }

  With with(const json& b) {
    With w;
    if (!has(b, "withClause")) return w;
    const json& wc = b["withClause"];
    w.recursive = flag(wc, "recursive");
    for (const json& c : list(wc, "ctes")) {
      const json& cb = node_body(c);
      Cte cte;
      cte.name = str(cb, "ctename");
      cte.columns = strings(list(cb, "aliascolnames"));
      cte.offset = loc(cb);
      if (has(cb, "ctequery")) cte.query = std::make_unique<Statement>(statement(cb["ctequery"]));
      w.ctes.push_back(std::move(cte));
    }
    return w;
  }

  std::unique_ptr<Select> select(const json& b) {
    auto s = std::make_unique<Select>();
    s->with = with(b);
    std::string op = str(b, "op");
    if (op != "SETOP_NONE" && !op.empty()) {
      s->op = op == "SETOP_UNION" ? SetOp::union_ : op == "SETOP_INTERSECT" ? SetOp::intersect : SetOp::except;
      s->all = flag(b, "all");
      if (has(b, "larg")) s->larg = select(b["larg"]);
      if (has(b, "rarg")) s->rarg = select(b["rarg"]);
      if (s->larg) s->offset = s->larg->offset;
    }
    if (has(b, "distinctClause")) {
      s->distinct = true;
      for (const json& d : list(b, "distinctClause"))
        if (!node_type(d).empty()) s->distinct_on.push_back(expr(d));
    }
    s->targets = targets(list(b, "targetList"));
    for (const json& row : list(b, "valuesLists")) {
      std::vector<ExprPtr> r;
      for (const json& v : list(node_body(row), "items")) r.push_back(expr(v));
      s->values.push_back(std::move(r));
    }
    for (const json& f : list(b, "fromClause")) s->from.push_back(table_ref(f));
    if (has(b, "whereClause")) s->where = expr(b["whereClause"]);
    for (const json& g : list(b, "groupClause")) s->group_by.push_back(expr(g));
    if (has(b, "havingClause")) s->having = expr(b["havingClause"]);
    for (const json& o : list(b, "sortClause")) s->order_by.push_back(order_item(o));
    if (has(b, "limitCount")) s->limit = expr(b["limitCount"]);
    if (has(b, "limitOffset")) s->offset_expr = expr(b["limitOffset"]);
    s->locking = has(b, "lockingClause");
    if (s->op == SetOp::none && !s->targets.empty()) s->offset = s->targets[0].offset;
    return s;
  }

  Target target(const json& b) {
    Target t;
    if (!has(b, "relation")) return t;
    const json& r = b["relation"];
    t.schema = str(r, "schemaname");
    t.name = str(r, "relname");
    if (has(r, "alias")) t.alias = str(r["alias"], "aliasname");
    t.offset = loc(r);
    return t;
  }

  std::vector<SetItem> set_items(const json& items) {
    std::vector<SetItem> out;
    for (const json& i : items) {
      const json& b = node_body(i);
      SetItem si;
      si.column = str(b, "name");
      si.offset = loc(b);
      si.subscripted = has(b, "indirection");
      if (has(b, "val")) {
        const json& v = b["val"];
        if (node_type(v) == "MultiAssignRef") {
          const json& mb = node_body(v);
          int colno = mb.value("colno", 1);
          const json& src = mb["source"];
          if (node_type(src) == "RowExpr") {
            const json& args = list(node_body(src), "args");
            if (colno >= 1 && static_cast<std::size_t>(colno) <= args.size()) si.value = expr(args[colno - 1]);
          } else if (colno == 1) {
            si.value = expr(src);  // (a, b) = (SELECT ...): visit the subquery once
          }
        } else {
          si.value = expr(v);
        }
      }
      out.push_back(std::move(si));
    }
    return out;
  }

  Statement statement(const json& n) {
    const std::string& t = node_type(n);
    const json& b = node_body(n);
    Statement st;
    if (t == "SelectStmt") {
      st.kind = Statement::Kind::select;
      st.select = select(b);
      st.offset = st.select->offset;
    } else if (t == "InsertStmt") {
      st.kind = Statement::Kind::insert;
      auto ins = std::make_unique<Insert>();
      ins->with = with(b);
      ins->table = target(b);
      for (const json& c : list(b, "cols")) {
        const json& cb = node_body(c);
        ins->columns.push_back({str(cb, "name"), loc(cb)});
      }
      if (has(b, "selectStmt")) {
        auto sel = select(node_body(b["selectStmt"]));
        if (!sel->values.empty() && sel->targets.empty() && sel->op == SetOp::none && sel->with.ctes.empty()) {
          ins->rows = std::move(sel->values);
        } else {
          ins->select = std::move(sel);
        }
      } else {
        ins->default_values = true;
      }
      if (has(b, "onConflictClause")) {
        const json& oc = b["onConflictClause"];
        OnConflict c;
        c.action = str(oc, "action") == "ONCONFLICT_UPDATE" ? OnConflict::Action::update : OnConflict::Action::nothing;
        if (has(oc, "infer"))
          for (const json& ie : list(oc["infer"], "indexElems")) c.columns.push_back(str(node_body(ie), "name"));
        c.set = set_items(list(oc, "targetList"));
        if (has(oc, "whereClause")) c.where = expr(oc["whereClause"]);
        ins->on_conflict = std::move(c);
      }
      ins->returning = targets(list(b, "returningList"));
      st.offset = ins->table.offset;
      st.insert = std::move(ins);
    } else if (t == "UpdateStmt") {
      st.kind = Statement::Kind::update;
      auto up = std::make_unique<Update>();
      up->with = with(b);
      up->table = target(b);
      up->set = set_items(list(b, "targetList"));
      for (const json& f : list(b, "fromClause")) up->from.push_back(table_ref(f));
      if (has(b, "whereClause")) up->where = expr(b["whereClause"]);
      up->returning = targets(list(b, "returningList"));
      st.offset = up->table.offset;
      st.update = std::move(up);
    } else if (t == "DeleteStmt") {
      st.kind = Statement::Kind::delete_;
      auto del = std::make_unique<Delete>();
      del->with = with(b);
      del->table = target(b);
      for (const json& f : list(b, "usingClause")) del->using_.push_back(table_ref(f));
      if (has(b, "whereClause")) del->where = expr(b["whereClause"]);
      del->returning = targets(list(b, "returningList"));
      st.offset = del->table.offset;
      st.delete_ = std::move(del);
    } else {
      st.kind = Statement::Kind::other;
      st.other_kind = t;
      collect_children(b, st.other_exprs);
      if (t == "TruncateStmt") {
        for (const json& r : list(b, "relations")) {
          const json& rb = node_body(r);
          st.other_tables.push_back({str(rb, "schemaname"), str(rb, "relname"), "", loc(rb)});
        }
      }
    }
    return st;
  }
};

}  // namespace

std::optional<FunctionSignature> parse_function_signature(std::string_view sql) {
  std::string text(sql);
  PgQueryParseResult r = pg_query_parse(text.c_str());
  if (r.error) {
    pg_query_free_parse_result(r);
    return std::nullopt;
  }
  json tree = json::parse(r.parse_tree, nullptr, false);
  pg_query_free_parse_result(r);
  const json& stmts = list(tree, "stmts");
  if (stmts.empty()) return std::nullopt;
  const json& st = stmts[0]["stmt"];
  if (node_type(st) != "CreateFunctionStmt") return std::nullopt;
  const json& b = node_body(st);
  Converter c;
  FunctionSignature sig;
  for (const json& p : list(b, "parameters")) {
    const json& pb = node_body(p);
    FunctionSignature::Arg a;
    a.name = str(pb, "name");
    if (has(pb, "argType")) a.type = c.type_name(pb["argType"]);
    std::string mode = str(pb, "mode");
    a.mode = mode == "FUNC_PARAM_OUT" ? 'o' : mode == "FUNC_PARAM_INOUT" ? 'b' : mode == "FUNC_PARAM_VARIADIC" ? 'v'
             : mode == "FUNC_PARAM_TABLE" ? 't' : 'i';
    if (a.mode == 'v') sig.variadic = true;
    if (a.mode == 't') sig.table = true;
    sig.args.push_back(std::move(a));
  }
  if (has(b, "returnType")) {
    const json& rt = b["returnType"];
    sig.returns_set = flag(rt, "setof");
    sig.return_type = c.type_name(rt);
    if (!sig.return_type.names.empty() && sig.return_type.names.back() == "record") sig.return_type.names.clear();
  }
  return sig;
}

ParseResult parse_postgres(std::string_view sql, schema::Dialect) {
  ParseResult out;
  std::string text(sql);
  PgQueryParseResult r = pg_query_parse(text.c_str());
  if (r.error) {
    out.error = r.error->message ? r.error->message : "syntax error";
    out.error_offset = r.error->cursorpos > 0 ? static_cast<std::size_t>(r.error->cursorpos - 1) : 0;
    pg_query_free_parse_result(r);
    return out;
  }
  json tree;
  try {
    tree = json::parse(r.parse_tree);
  } catch (const std::exception& e) {
    pg_query_free_parse_result(r);
    out.error = std::string("cannot read the parse tree: ") + e.what();
    return out;
  }
  pg_query_free_parse_result(r);
  const json& stmts = list(tree, "stmts");
  if (stmts.empty()) {
    out.error = "no SQL statement";
    return out;
  }
  out.multiple = stmts.size() > 1;
  Converter c;
  out.statement = c.statement(stmts[0]["stmt"]);
  return out;
}

}  // namespace flash::query
