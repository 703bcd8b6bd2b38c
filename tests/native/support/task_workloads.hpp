// Coroutine workloads shared by the native task tests and the wasm stack check
// (tests/wasm/task_stack_test.cpp), so both builds prove the same thing.
#pragma once

#include "async/task.hpp"
#include "host/host.hpp"

namespace workloads {

inline async::Task<int> immediate(int v) { co_return v; }

// n awaits of children that complete without suspending.
inline async::Task<long> many_sync_awaits(int n) {
  long total = 0;
  for (int i = 0; i < n; ++i) total += co_await immediate(1);
  co_return total;
}

inline async::Task<int> one_host_call(host::Host& h) {
  auto r = co_await h.perform_one(host::op_random(1));
  co_return static_cast<int>(r.bytes.size());
}

// n awaits of children that each park one operation on the host.
inline async::Task<long> many_host_awaits(host::Host& h, int n) {
  long total = 0;
  for (int i = 0; i < n; ++i) total += co_await one_host_call(h);
  co_return total;
}

}  // namespace workloads
