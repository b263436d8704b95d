// The Python MongoDB client (pymongo >= 4.13: MongoClient, or its native asyncio API
// AsyncMongoClient with `async = true`) from the typed document model (codegen/documents.hpp).
// Output package (`out`; passes `mypy --strict`):
//   __init__.py   - one TypedDict per named object type (functional syntax, so any BSON key works;
//                   the collection's document in singular, nested objects <Parent><Field>, array
//                   elements <Parent><Singular>), string enums as Literal[...];
//                 - typed paths: Field[T] / NumField[T] / ArrayField[E] with eq, ne, gt, gte, lt,
//                   lte, in_, nin, exists, is_null (conditions), set, set_null, unset, inc, push,
//                   pull (update operators); where / and_ / or_ build a Filter, updates an Update;
//                   <T>Field is the root of a collection's paths (ProductField.sku.eq("x")); a
//                   path name that clashes with a method gets a trailing underscore;
//                 - <Name>Collection(db): insert_one (returns the _id; a generated ObjectId is
//                   also set on the dict), insert_many, find_one (None when none), find (sort,
//                   limit, skip), count, update_one / update_many, replace_one, delete_one /
//                   delete_many (the number deleted). With async = true every method is a coroutine.
//   py.typed      PEP 561 marker
// BSON → Python: double float, int int, long int (written as bson.Int64, so a small value stays a
// long; read back as Int64, a subclass of int), decimal Decimal128, objectId ObjectId, date
// datetime.datetime (naive UTC unless the client is tz_aware), binData bytes (subtype 0; other
// subtypes arrive as bson.Binary, a subclass of bytes), timestamp Timestamp, regex Regex[str],
// javascript Code, minKey/maxKey MinKey/MaxKey, number float, an object without properties
// dict[str, Any], array list[T], untyped Any. Optional fields are NotRequired[T], nullable T | None.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "flash/codegen/documents.hpp"
#include "flash/codegen/python/python.hpp"

namespace flash::codegen::python {
namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const std::set<std::string> kReserved = {
    "path", "eq", "ne", "gt", "gte", "lt", "lte", "in_", "nin", "exists", "is_null", "set", "set_null", "unset",
    "inc", "contains", "size", "push", "pull", "False", "None", "True", "and", "as", "assert", "async", "await",
    "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
    "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
    "yield"};

const char* kRuntime = R"(T = TypeVar("T")
E = TypeVar("E")

Cond = dict[str, Any]


class Filter:
    """A filter document made of typed conditions (where)."""

    __slots__ = ("doc",)

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc


def where(*conds: Cond) -> Filter:
    """The filter of all conditions (every document when there is none)."""
    if not conds:
        return Filter({})
    if len(conds) == 1:
        return Filter(dict(conds[0]))
    return Filter({"$and": list(conds)})


def and_(*conds: Cond) -> Cond:
    """Holds when every condition holds."""
    return {"$and": list(conds)}


def or_(*conds: Cond) -> Cond:
    """Holds when one of the conditions holds."""
    return {"$or": list(conds)}


class UpdateOp:
    """One update operator on one field ($set, $unset, $inc, $push, $pull)."""

    __slots__ = ("op", "path", "value")

    def __init__(self, op: str, path: str, value: Any) -> None:
        self.op = op
        self.path = path
        self.value = value


class Update:
    """An update document made of typed operators (updates)."""

    __slots__ = ("doc",)

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc


def updates(*ops: UpdateOp) -> Update:
    """Groups the operators into one update document."""
    doc: dict[str, Any] = {}
    for o in ops:
        doc.setdefault(o.op, {})[o.path] = o.value
    return Update(doc)


def _same(v: Any) -> Any:
    return v


class Field(Generic[T]):
    """The path of a declared field of type T."""

    def __init__(self, path: str, enc: Callable[[Any], Any] = _same) -> None:
        self.path = path
        self._enc = enc

    def _cmp(self, op: str, v: Any) -> Cond:
        return {self.path: {op: v}}

    def eq(self, v: T) -> Cond:
        return self._cmp("$eq", self._enc(v))

    def ne(self, v: T) -> Cond:
        return self._cmp("$ne", self._enc(v))

    def gt(self, v: T) -> Cond:
        return self._cmp("$gt", self._enc(v))

    def gte(self, v: T) -> Cond:
        return self._cmp("$gte", self._enc(v))

    def lt(self, v: T) -> Cond:
        return self._cmp("$lt", self._enc(v))

    def lte(self, v: T) -> Cond:
        return self._cmp("$lte", self._enc(v))

    def in_(self, *vs: T) -> Cond:
        return self._cmp("$in", [self._enc(v) for v in vs])

    def nin(self, *vs: T) -> Cond:
        return self._cmp("$nin", [self._enc(v) for v in vs])

    def exists(self, present: bool = True) -> Cond:
        return self._cmp("$exists", present)

    def is_null(self) -> Cond:
        return {self.path: None}

    def set(self, v: T) -> UpdateOp:
        return UpdateOp("$set", self.path, self._enc(v))

    def set_null(self) -> UpdateOp:
        return UpdateOp("$set", self.path, None)

    def unset(self) -> UpdateOp:
        return UpdateOp("$unset", self.path, "")


class NumField(Field[T]):
    """The path of a numeric field."""

    def inc(self, v: T) -> UpdateOp:
        return UpdateOp("$inc", self.path, self._enc(v))


class ArrayField(Field[list[E]], Generic[E]):
    """The path of an array field with elements of type E."""

    def __init__(self, path: str, enc: Callable[[Any], Any] = _same) -> None:
        super().__init__(path, lambda vs: [enc(v) for v in vs])
        self._enc_elem = enc

    def contains(self, v: E) -> Cond:
        return {self.path: self._enc_elem(v)}

    def size(self, n: int) -> Cond:
        return self._cmp("$size", n)

    def push(self, *vs: E) -> UpdateOp:
        return UpdateOp("$push", self.path, {"$each": [self._enc_elem(v) for v in vs]})

    def pull(self, v: E) -> UpdateOp:
        return UpdateOp("$pull", self.path, self._enc_elem(v))
)";

enum class Use { root, object, elements };

class Gen {
 public:
  explicit Gen(const Request& req) : req_(req), docs_(*req.documents) {
    for (const auto& c : docs_.collections) use_[c.document.get()] = Use::root;
    for (const auto& t : docs_.types)
      for (const auto& f : t->fields) {
        if (f.type->kind == Bson::object) use_[f.type.get()] = Use::object;
        if (f.type->kind == Bson::array && f.type->items && f.type->items->kind == Bson::object)
          use_[f.type->items.get()] = Use::elements;
      }
  }

  Response run() {
    const bool async = req_.settings.async;
    std::string types;
    for (auto it = docs_.types.rbegin(); it != docs_.types.rend(); ++it) types += typed_dict(**it);
    std::string encoders;
    for (auto it = docs_.types.rbegin(); it != docs_.types.rend(); ++it) encoders += encoder(**it);
    std::string paths;
    for (auto it = docs_.types.rbegin(); it != docs_.types.rend(); ++it) paths += fields_class(**it);
    std::string colls;
    for (const auto& c : docs_.collections) colls += collection(c, async);

    std::string s = "# Code generated by Flash. DO NOT EDIT.\n\"\"\"Typed MongoDB client of the declared collections (pymongo" +
                    std::string(async ? ", AsyncMongoClient" : "") + ").\"\"\"\n\nfrom __future__ import annotations\n\n";
    if (bson_.count("datetime")) s += "import datetime\n";
    s += "from collections.abc import Callable, Sequence\nfrom typing import Any, Generic, " +
         std::string(literal_ ? "Literal, " : "") + "NotRequired, TypedDict, TypeVar, cast\n\n";
    std::string names;
    for (const char* n : {"Code", "Decimal128", "Int64", "MaxKey", "MinKey", "ObjectId", "Regex", "Timestamp"})
      if (bson_.count(n)) names += std::string(names.empty() ? "" : ", ") + n;
    if (!names.empty()) s += "from bson import " + names + "\n";
    if (async)
      s += "from pymongo.asynchronous.collection import AsyncCollection\nfrom pymongo.asynchronous.database import AsyncDatabase\n";
    else
      s += "from pymongo.collection import Collection\nfrom pymongo.database import Database\n";
    s += "from pymongo.results import UpdateResult\n\n";
    s += kRuntime;
    s += "\n\n" + types + encoders + paths + colls;
    while (s.size() > 1 && s.ends_with("\n\n")) s.pop_back();
    Response r;
    r.files.push_back({"__init__.py", s});
    r.files.push_back({"py.typed", ""});
    return r;
  }

 private:
  std::string py(const DocType& t) {
    switch (t.kind) {
      case Bson::double_: case Bson::number: return "float";
      case Bson::int32: return "int";
      case Bson::int64: return "int";
      case Bson::string:
        if (t.enum_values.empty()) return "str";
        {
          literal_ = true;
          std::string s;
          for (const auto& v : t.enum_values) s += (s.empty() ? "" : ", ") + quote(v);
          return "Literal[" + s + "]";
        }
      case Bson::boolean: return "bool";
      case Bson::date: bson_.insert("datetime"); return "datetime.datetime";
      case Bson::object: return t.name;  // defined above: the types are written children first
      case Bson::array: return "list[" + py(*t.items) + "]";
      case Bson::document: return "dict[str, Any]";
      case Bson::binary: return "bytes";
      case Bson::decimal: bson_.insert("Decimal128"); return "Decimal128";
      case Bson::object_id: bson_.insert("ObjectId"); return "ObjectId";
      case Bson::timestamp: bson_.insert("Timestamp"); return "Timestamp";
      case Bson::regex: bson_.insert("Regex"); return "Regex[str]";
      case Bson::javascript: bson_.insert("Code"); return "Code";
      case Bson::min_key: bson_.insert("MinKey"); return "MinKey";
      case Bson::max_key: bson_.insert("MaxKey"); return "MaxKey";
      default: return "Any";
    }
  }
  std::string typed_dict(const DocType& t) {
    std::string s = t.name + " = TypedDict(\n    " + quote(t.name) + ",\n    {\n";
    for (const auto& f : t.fields) {
      std::string type = py(*f.type);
      if (f.nullable && type != "Any") type += " | None";
      if (!f.required) type = "NotRequired[" + type + "]";
      s += "        " + quote(f.name) + ": " + type + ",\n";
    }
    s += "    },\n)\n";
    s += "\"\"\"" + (use_[&t] == Use::root ? "A document of the collection `" + root_of(t) + "`." : std::string("A nested document.")) +
         (t.description.empty() ? "" : " " + t.description) + "\"\"\"\n\n\n";
    return s;
  }

  std::string root_of(const DocType& t) const {
    for (const auto& c : docs_.collections)
      if (c.document.get() == &t) return c.name;
    return "";
  }

  // The function writing a value of type t with its exact BSON type, or "" when it is written as is.
  std::string enc_fn(const DocType& t) {
    switch (t.kind) {
      case Bson::int64: bson_.insert("Int64"); return "Int64";
      case Bson::object: return needs_encoding(t) ? "_encode_" + t.name : "";
      case Bson::array: {
        const std::string e = enc_fn(*t.items);
        return e.empty() ? "" : "lambda vs: [" + e + "(v) for v in vs]";
      }
      default: return "";
    }
  }
  bool needs_encoding(const DocType& t) {
    if (t.kind == Bson::int64) return true;
    if (t.kind == Bson::array) return t.items && needs_encoding(*t.items);
    if (t.kind != Bson::object) return false;
    auto it = needs_.find(&t);
    if (it != needs_.end()) return it->second;
    bool n = false;
    for (const auto& f : t.fields) n = n || needs_encoding(*f.type);
    needs_[&t] = n;
    return n;
  }

  std::string encoder(const DocType& t) {
    if (!needs_encoding(t)) return "";
    std::string s = "def _encode_" + t.name + "(doc: Any) -> dict[str, Any]:\n    out = dict(doc)\n";
    for (const auto& f : t.fields) {
      std::string e = enc_fn(*f.type);
      if (e.empty()) continue;
      if (f.type->kind == Bson::array) e = "(" + e + ")";
      const std::string k = quote(f.name);
      s += "    if out.get(" + k + ") is not None:\n        out[" + k + "] = " + e + "(out[" + k + "])\n";
    }
    return s + "    return out\n\n\n";
  }

  std::vector<std::string> attr_names(const DocType& t) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& f : t.fields) {
      std::string n = snake_name(f.name);
      if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) n = "f_" + n;
      for (char& c : n)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) c = '_';
      if (kReserved.count(n) || n[0] == '_') n += "_";
      std::string u = n;
      for (int i = 2; !seen.insert(u).second; ++i) u = n + std::to_string(i);
      out.push_back(u);
    }
    return out;
  }

  std::string fields_class(const DocType& t) {
    const Use use = use_[&t];
    const std::string enc = needs_encoding(t) ? "_encode_" + t.name : "";
    std::string s = "class " + t.name + "Fields";
    if (use == Use::object) s += "(Field[" + t.name + "])";
    if (use == Use::elements) s += "(ArrayField[" + t.name + "])";
    s += ":\n    \"\"\"The paths of " + t.name + "'s fields, for typed filters and updates.\"\"\"\n\n";
    s += use == Use::root ? "    def __init__(self) -> None:\n" : "    def __init__(self, path: str) -> None:\n";
    if (use != Use::root) s += "        super().__init__(path" + (enc.empty() ? "" : ", " + enc) + ")\n";

    const auto names = attr_names(t);
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
      const DocField& f = t.fields[i];
      const DocType& ft = *f.type;
      const std::string p = use == Use::root ? quote(f.name) : "path + " + quote("." + f.name);
      std::string type, init;
      if (ft.kind == Bson::object) {
        type = ft.name + "Fields";
        init = type + "(" + p + ")";
      } else if (ft.kind == Bson::array && ft.items && ft.items->kind == Bson::object) {
        type = ft.items->name + "Fields";
        init = type + "(" + p + ")";
      } else {
        const bool num = ft.kind == Bson::double_ || ft.kind == Bson::int32 || ft.kind == Bson::int64 ||
                         ft.kind == Bson::decimal || ft.kind == Bson::number;
        const std::string e = ft.kind == Bson::array ? enc_fn(*ft.items) : enc_fn(ft);
        type = ft.kind == Bson::array ? "ArrayField[" + py(*ft.items) + "]"
               : num                  ? "NumField[" + py(ft) + "]"
                                      : "Field[" + py(ft) + "]";
        init = type.substr(0, type.find('[')) + "(" + p + (e.empty() ? "" : ", " + e) + ")";
      }
      s += "        self." + names[i] + ": " + type + " = " + init + "\n";
    }
    s += "\n\n";
    if (use == Use::root) s += t.name + "Field = " + t.name + "Fields()\n\"\"\"The paths of `" + root_of(t) + "`: where(" +
                               t.name + "Field.x.eq(v)).\"\"\"\n\n\n";
    return s;
  }

  std::string collection(const DocCollection& c, bool async) {
    const DocType& t = *c.document;
    const std::string ty = t.name;
    const std::string cls = pascal_name(c.name) + "Collection";
    const std::string enc = needs_encoding(t) ? "_encode_" + ty : "dict";
    std::string id_type = "Any";
    bool oid = false;
    for (const auto& f : t.fields)
      if (f.name == "_id") {
        id_type = py(*f.type);
        oid = f.type->kind == Bson::object_id && !f.required;
      }
    const std::string A = async ? "async " : "";
    const std::string W = async ? "await " : "";
    std::string s = "class " + cls + ":\n    \"\"\"The collection `" + c.name + "` as " + ty + " documents.\"\"\"\n\n";
    s += "    def __init__(self, db: " + std::string(async ? "AsyncDatabase" : "Database") + "[dict[str, Any]]) -> None:\n";
    s += "        self.coll: " + std::string(async ? "AsyncCollection" : "Collection") + "[dict[str, Any]] = db.get_collection(" +
         quote(c.name) + ")\n\n";
    s += "    " + A + "def insert_one(self, doc: " + ty + ") -> " + id_type + ":\n";
    s += "        \"\"\"Inserts doc and returns its _id" + std::string(oid ? " (a generated one is also set on doc)" : "") + ".\"\"\"\n";
    s += "        res = " + W + "self.coll.insert_one(" + enc + "(doc))\n";
    if (oid) s += "        doc[\"_id\"] = res.inserted_id\n";
    s += "        return cast(" + quote(id_type) + ", res.inserted_id)\n\n";
    s += "    " + A + "def insert_many(self, docs: Sequence[" + ty + "]) -> list[" + id_type + "]:\n";
    s += "        \"\"\"Inserts docs in one command and returns their _ids in order.\"\"\"\n";
    s += "        res = " + W + "self.coll.insert_many([" + enc + "(d) for d in docs])\n";
    if (oid) s += "        for d, i in zip(docs, res.inserted_ids):\n            d[\"_id\"] = i\n";
    s += "        return [cast(" + quote(id_type) + ", i) for i in res.inserted_ids]\n\n";
    s += "    " + A + "def find_one(self, filter: Filter) -> " + ty + " | None:\n";
    s += "        \"\"\"The first document matching filter, or None.\"\"\"\n";
    s += "        return cast(\"" + ty + " | None\", " + W + "self.coll.find_one(filter.doc))\n\n";
    s += "    " + A + "def find(\n        self,\n        filter: Filter,\n        *,\n        sort: Sequence[tuple[str, int]] | None = None,\n"
         "        limit: int = 0,\n        skip: int = 0,\n    ) -> list[" + ty + "]:\n";
    s += "        \"\"\"Every document matching filter.\"\"\"\n";
    s += "        cur = self.coll.find(filter.doc, sort=sort, limit=limit, skip=skip)\n";
    s += async ? "        return [cast(" + ty + ", d) for d in await cur.to_list()]\n\n"
               : "        return [cast(" + ty + ", d) for d in cur]\n\n";
    s += "    " + A + "def count(self, filter: Filter) -> int:\n        \"\"\"The number of documents matching filter.\"\"\"\n";
    s += "        return " + W + "self.coll.count_documents(filter.doc)\n\n";
    for (const char* m : {"update_one", "update_many"}) {
      s += "    " + A + "def " + m + "(self, filter: Filter, update: Update) -> UpdateResult:\n";
      s += "        \"\"\"Applies update to " + std::string(std::string(m) == "update_one" ? "the first document" : "every document") +
           " matching filter.\"\"\"\n";
      s += "        return " + W + "self.coll." + m + "(filter.doc, update.doc)\n\n";
    }
    s += "    " + A + "def replace_one(self, filter: Filter, doc: " + ty + ") -> UpdateResult:\n";
    s += "        \"\"\"Replaces the first document matching filter by doc.\"\"\"\n";
    s += "        return " + W + "self.coll.replace_one(filter.doc, " + enc + "(doc))\n\n";
    for (const char* m : {"delete_one", "delete_many"}) {
      s += "    " + A + "def " + m + "(self, filter: Filter) -> int:\n";
      s += "        \"\"\"Deletes " + std::string(std::string(m) == "delete_one" ? "the first document" : "every document") +
           " matching filter; the number deleted.\"\"\"\n";
      s += "        return (" + W + "self.coll." + m + "(filter.doc)).deleted_count\n\n";
    }
    return s + "\n";
  }

  const Request& req_;
  const DocumentSchema& docs_;
  std::map<const DocType*, Use> use_;
  std::set<std::string> bson_;
  std::map<const DocType*, bool> needs_;
  bool literal_ = false;
};

}  // namespace

Response generate_mongo(const Request& req) {
  if (!req.documents) return {};
  return Gen(req).run();
}

}  // namespace flash::codegen::python
