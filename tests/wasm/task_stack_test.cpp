// Runs in the wasm test build under node (scripts/test), with the checks of libc_wraps_checks.cpp.
// Symmetric transfer is not a guaranteed tail call on wasm32, so this proves that 100k synchronously completing awaits, and 100k host
// round trips, do not grow the stack (DESIGN.md, coroutines). -sSTACK_OVERFLOW_CHECK=2 catches
// an overflow that would otherwise corrupt memory silently.
#include <cstdio>

#include "support/task_workloads.hpp"

namespace {

using workloads::many_host_awaits;
using workloads::many_sync_awaits;

int failures = 0;
int passes = 0;

void expect(bool ok, const char* what) {
  std::printf("%s - %s\n", ok ? "ok" : "not ok", what);
  ok ? ++passes : ++failures;
}

}  // namespace

void libc_wraps_checks(void (*expect)(bool, const char*));  // libc_wraps_checks.cpp

int main() {
  constexpr int n = 100000;
  {
    auto t = many_sync_awaits(n);
    t.start();
    expect(t.done() && t.result() == n, "100k synchronously completing awaits in wasm");
  }
  {
    host::Host h;
    auto t = many_host_awaits(h, n);
    t.start();
    while (!t.done()) {
      h.complete({host::OpResult{host::OpStatus::ok, "x"}});
      h.resume();
    }
    expect(t.result() == n, "100k host round trips in wasm");
  }
  libc_wraps_checks(&expect);
  std::printf("wasm: %d passed, %d failed\n", passes, failures);
  return failures == 0 ? 0 : 1;
}
