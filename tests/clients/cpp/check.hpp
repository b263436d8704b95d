// Minimal assertions for the C++ client tests: every failed check is printed with its line and
// the run exits 1 at the end; main() returns report().
#pragma once
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>

namespace check {
inline int failures = 0, passed = 0;

template <class A, class B>
void eq(const A& a, const B& b, const char* what, int line) {
  if (a == b) {
    ++passed;
    return;
  }
  ++failures;
  std::ostringstream os;
  if constexpr (requires(std::ostream& o) { o << a; o << b; }) os << ": got " << a << ", want " << b;
  std::fprintf(stderr, "line %d: CHECK_EQ(%s) failed%s\n", line, what, os.str().c_str());
}

inline void truth(bool ok, const char* what, int line) {
  if (ok) {
    ++passed;
    return;
  }
  ++failures;
  std::fprintf(stderr, "line %d: CHECK(%s) failed\n", line, what);
}

inline int report(const char* name) {
  std::printf("%s: %d checks passed, %d failed\n", name, passed, failures);
  return failures ? 1 : 0;
}
}  // namespace check

#define CHECK(c) check::truth(static_cast<bool>(c), #c, __LINE__)
#define CHECK_EQ(a, b) check::eq((a), (b), #a " == " #b, __LINE__)
// The statement must throw flash::Error with this SQLSTATE.
#define CHECK_SQLSTATE(stmt, state)                                                                   \
  do {                                                                                                \
    std::string got_ = "(no exception)";                                                              \
    try {                                                                                             \
      stmt;                                                                                           \
    } catch (const flash::Error& e_) {                                                                \
      got_ = e_.sqlstate();                                                                           \
    }                                                                                                 \
    check::eq(got_, std::string(state), #stmt " throws SQLSTATE " state, __LINE__);                   \
  } while (0)
