// Runtime helpers of the generated node-postgres (pg) client: text the generator emits verbatim
// (TypeScript when `ts`, plain JavaScript otherwise). See pg_runtime.hpp.
#include "flash/codegen/typescript/pg_runtime.hpp"

namespace flash::codegen::typescript {

// Timestamps (with and without time zone) decoded to Date without pg-types' regular expressions:
// the server's ISO text ("2024-01-02 03:04:05.123456+00", DateStyle ISO) is read digit by digit;
// any other text (BC, infinity, another zone or DateStyle, years before 1000) goes to pg's own
// parser captured at load, so values are the ones pg-types gives (milliseconds truncated, as
// Date.UTC does with pg-types' fraction; checked on every fraction length in the client tests).
std::string pg_dates_runtime(bool ts) {
  const auto a = [&](const std::string& s) { return ts ? s : std::string(); };
  std::string s;
  s += "const pgTimestamptz = pg.types.getTypeParser(1184" + a(" as any") + ")" + a(" as (value: string) => unknown") + ";\n";
  s += "const pgTimestamp = pg.types.getTypeParser(1114" + a(" as any") + ")" + a(" as (value: string) => unknown") + ";\n";
  // Milliseconds from the fraction starting at index 20 (`n` digits of it before the zone).
  s += "function isoMillis(s" + a(": string") + ", n" + a(": number") + ")" + a(": number") + " {\n"
       "  if (n <= 0) return 0;\n"
       "  let ms = (s.charCodeAt(20) - 48) * 100;\n"
       "  if (n > 1) ms += (s.charCodeAt(21) - 48) * 10;\n"
       "  if (n > 2) ms += s.charCodeAt(22) - 48;\n"
       "  return ms;\n}\n";
  // The shape check: YYYY-MM-DD HH:MM:SS with a year of 1000..9999 and, when `n` > 0, a '.'.
  s += "function isoShape(s" + a(": string") + ", n" + a(": number") + ")" + a(": boolean") + " {\n"
       "  return s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(10) === 32 && s.charCodeAt(13) === 58 &&\n"
       "    s.charCodeAt(16) === 58 && s.charCodeAt(0) > 48 && s.charCodeAt(0) <= 57 && (n === 0 || s.charCodeAt(19) === 46);\n}\n";
  s += "const isoDigits2 = (s" + a(": string") + ", i" + a(": number") + ")" + a(": number") +
       " => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;\n";
  s += "function parseTimestamptz(s" + a(": string") + ")" + a(": unknown") + " {\n"
       "  const n = s.length;\n"
       "  const frac = n - 23;  // digits after '.' in \"YYYY-MM-DD HH:MM:SS.ffffff+00\"\n"
       "  if ((n === 22 || (frac >= 1 && frac <= 6)) && s.charCodeAt(n - 3) === 43 && s.charCodeAt(n - 2) === 48 &&\n"
       "      s.charCodeAt(n - 1) === 48 && isoShape(s, n === 22 ? 0 : frac))\n"
       "    return new Date(Date.UTC(isoDigits2(s, 0) * 100 + isoDigits2(s, 2), isoDigits2(s, 5) - 1, isoDigits2(s, 8), isoDigits2(s, 11), isoDigits2(s, 14), isoDigits2(s, 17),\n"
       "      isoMillis(s, n === 22 ? 0 : frac)));\n"
       "  return pgTimestamptz(s);\n}\n";
  s += "function parseTimestamp(s" + a(": string") + ")" + a(": unknown") + " {\n"
       "  const n = s.length;\n"
       "  const frac = n - 20;  // digits after '.' in \"YYYY-MM-DD HH:MM:SS.ffffff\"\n"
       "  if ((n === 19 || (frac >= 1 && frac <= 6)) && isoShape(s, n === 19 ? 0 : frac))\n"
       "    return new Date(isoDigits2(s, 0) * 100 + isoDigits2(s, 2), isoDigits2(s, 5) - 1, isoDigits2(s, 8), isoDigits2(s, 11), isoDigits2(s, 14), isoDigits2(s, 17),\n"
       "      isoMillis(s, n === 19 ? 0 : frac));\n"
       "  return pgTimestamp(s);\n}\n";
  return s;
}

// pg: statements submitted to pg's own Client/Pool as generated pg.Query subclasses (and through
// runQuery, rowMode "array", on anything else: pg-native, a wrapper, another pg copy).
//  - FlashQuery: built from the text, then named and bound: pg copies every config object it is
//    given (normalizeQueryConfig: Object.defineProperties over the config's descriptors) and the
//    generated client never needs that copy.
//  - RowsQuery (:one/:many, `rows`): rows decoded straight from the columns' text as the DataRow
//    messages arrive; pg parses nothing. The generated decoder applies to each column the parser
//    parserFor gives for the column's actual type (read from the RowDescription once per result),
//    i.e. the values pg would have produced with typeParsers; no intermediate row arrays, no
//    second pass, no pg Result fields/row template.
//  - ExecQuery (:exec/:execrows, `exec`): rows, if any, are not decoded; resolves the row count.
std::string pg_rows_runtime(bool ts, bool prepared, bool rows, bool exec) {
  const auto a = [&](const std::string& s) { return ts ? s : std::string(); };
  const std::string name_field = prepared ? "name, " : "";
  const std::string name_arg = prepared ? "name" : "undefined";
  std::string s;
  if (ts) {
    if (rows) s += "type Decoder<T> = (f: any[], p: Parser[]) => T;\n";
    s += "type ColumnInfo = { dataTypeID: number; format?: string };\n"
         "type Done = (err: Error | null | undefined, res?: { rowCount: number | null }) => void;\n";
  }
  if (rows) s += "const rawTypes = { getTypeParser: () => rawText }" + a(" as unknown as CustomTypesConfig") + ";\n";
  if (rows)
    s += "function columnParsers(fields" + a(": readonly ColumnInfo[]") + ")" + a(": Parser[]") + " {\n"
         "  const p" + a(": Parser[]") + " = new Array(fields.length);\n"
         "  for (let i = 0; i < fields.length; i++) p[i] = parserFor(fields[i].dataTypeID, fields[i].format);\n"
         "  return p;\n}\n";
  s += "const QueryBase" + a(": any") + " = (pg" + a(" as any") + ").Query;\n";
  s += "const submitQueries =\n  typeof QueryBase === \"function\" && typeof QueryBase.prototype.handleDataRow === \"function\" &&\n"
       "  typeof QueryBase.prototype.handleRowDescription === \"function\";\n";
  s += "class FlashQuery extends (submitQueries ? QueryBase : Object) {\n"
       "  constructor(name" + a(": string | undefined") + ", text" + a(": string") + ", values" + a(": unknown[]") + ") {\n"
       "    super(text);\n    this.name = name;\n    this.values = values;\n  }\n}\n";
  if (rows) {
    s += "class RowsQuery" + a("<T>") + " extends FlashQuery {\n";
    if (ts)
      s += "  flashDecode: Decoder<T>;\n  flashParsers: Parser[] = [];\n  flashRows: T[] = [];\n  flashError: unknown = undefined;\n";
    s += "  constructor(name" + a(": string | undefined") + ", text" + a(": string") + ", values" + a(": unknown[]") +
         ", decode" + a(": Decoder<T>") + ") {\n    super(name, text, values);\n    this.flashDecode = decode;\n";
    if (!ts) s += "    this.flashParsers = [];\n    this.flashRows = [];\n    this.flashError = undefined;\n";
    s += "  }\n";
    s += "  handleRowDescription(msg" + a(": { fields: ColumnInfo[] }") + ")" + a(": void") +
         " {\n    this.flashParsers = columnParsers(msg.fields);\n  }\n";
    s += "  handleDataRow(msg" + a(": { fields: any[] }") + ")" + a(": void") + " {\n"
         "    if (this.flashError !== undefined) return;\n"
         "    try {\n      this.flashRows.push(this.flashDecode(msg.fields, this.flashParsers));\n"
         "    } catch (err) {\n      this.flashError = err;\n    }\n  }\n"
         "  result()" + a(": T[]") + " {\n    if (this.flashError !== undefined) throw this.flashError;\n"
         "    return this.flashRows;\n  }\n}\n";
  }
  if (exec)
    s += "class ExecQuery extends FlashQuery {\n  handleRowDescription()" + a(": void") + " {}\n  handleDataRow()" + a(": void") +
         " {}\n}\n";
  s += "// pg's own Client (or a subclass), or a Pool of them.\nfunction pgJsClient(db" + a(": Executor") + ")" + a(": boolean") +
       " {\n  if (db instanceof pg.Client) return true;\n"
       "  const c = (db" + a(" as any") + ").Client;\n"
       "  return db instanceof pg.Pool && (c === pg.Client || (typeof c === \"function\" && c.prototype instanceof pg.Client));\n}\n";
  s += "function submit(db" + a(": Executor") + ", q" + a(": any") + ", done" + a(": Done") + ")" + a(": void") + " {\n"
       "  // A Pool passes its callback on to the client's query (and releases the client in it).\n"
       "  if (db instanceof pg.Pool) (db" + a(" as any") + ").query(q, done);\n"
       "  else {\n    q.callback = done;\n    (db" + a(" as any") + ").query(q);\n  }\n}\n";
  if (rows) {
    s += "\nfunction runRows" + a("<T>") + "(db" + a(": Executor") + ", name" + a(": string") + ", text" + a(": string") +
         ", values" + a(": unknown[]") + ", decode" + a(": Decoder<T>") + ")" + a(": Promise<T[]>") + " {\n";
    if (!prepared) s += "  void name;  // unnamed statements (prepared = false)\n";
    s += "  if (submitQueries && pgJsClient(db)) {\n"
         "    const q = new RowsQuery(" + name_arg + ", text, values, decode);\n"
         "    return new Promise((resolve, reject) => {\n"
         "      submit(db, q, (err) => {\n"
         "        if (err) {\n          Error.captureStackTrace(err);\n          reject(err);\n          return;\n        }\n"
         "        try {\n          resolve(q.result());\n        } catch (e) {\n          reject(e);\n        }\n      });\n"
         "    });\n  }\n"
         "  return (db" + a(" as ClientBase") + ").query({ " + name_field + "text, values, rowMode: \"array\", types: rawTypes })"
         ".then((res) => {\n"
         "    const p = columnParsers(res.fields);\n"
         "    const rows = res.rows;\n"
         "    const out" + a(": T[]") + " = new Array(rows.length);\n"
         "    for (let i = 0; i < rows.length; i++) out[i] = decode(rows[i], p);\n"
         "    return out;\n  });\n}\n";
  }
  if (exec) {
    s += "\n// The statement's row count (:exec ignores it).\nfunction runExec(db" + a(": Executor") + ", name" + a(": string") +
         ", text" + a(": string") + ", values" + a(": unknown[]") + ")" + a(": Promise<number>") + " {\n"
         "  if (!submitQueries || !pgJsClient(db)) return runQuery(db, name, text, values).then((res) => res.rowCount ?? 0);\n"
         "  const q = new ExecQuery(" + name_arg + ", text, values);\n"
         "  return new Promise((resolve, reject) => {\n"
         "    submit(db, q, (err, res) => {\n"
         "      if (err) {\n        Error.captureStackTrace(err);\n        reject(err);\n      } else resolve(res" + a("!") +
         ".rowCount ?? 0);\n    });\n  });\n}\n";
  }
  return s;
}

}  // namespace flash::codegen::typescript
