// Host: one run's window on the world.
//
// Contract:
// 1. `co_await host.perform({...})` parks a batch of independent operations and suspends; the
//    driver performs the whole batch (in parallel where it can) and resumes with one result each,
//    in order. A run has at most one batch parked at a time.
// 2. The driver sees parked work through `parked()`, answers with `complete()`, then calls
//    `resume()`. The core never resumes itself.
// 3. `perform_one` is the one-operation shorthand.
#pragma once

#include <utility>
#include <vector>

#include "async/coroutine.hpp"
#include "host/operation.hpp"

namespace host {

class Host {
 public:
  struct BatchAwaiter {
    Host& host;
    std::vector<Operation> ops;
    bool await_ready() const noexcept { return ops.empty(); }
    void await_suspend(coro::coroutine_handle<> h) noexcept {
      host.parked_ = std::move(ops);
      host.waiter_ = h;
    }
    std::vector<OpResult> await_resume() noexcept { return std::move(host.results_); }
  };
  struct OneAwaiter {
    BatchAwaiter batch;
    bool await_ready() const noexcept { return false; }
    void await_suspend(coro::coroutine_handle<> h) noexcept { batch.await_suspend(h); }
    OpResult await_resume() noexcept {
      auto r = batch.await_resume();
      return r.empty() ? OpResult{} : std::move(r.front());
    }
  };

  BatchAwaiter perform(std::vector<Operation> ops) { return BatchAwaiter{*this, std::move(ops)}; }
  OneAwaiter perform_one(Operation op) {
    std::vector<Operation> ops;
    ops.push_back(std::move(op));
    return OneAwaiter{BatchAwaiter{*this, std::move(ops)}};
  }

  // Driver side.
  bool has_parked() const { return static_cast<bool>(waiter_); }
  const std::vector<Operation>& parked() const { return parked_; }
  // Call with one result per parked operation, then resume().
  void complete(std::vector<OpResult> results) {
    results.resize(parked_.size());
    results_ = std::move(results);
    parked_.clear();
  }
  void resume() {
    auto h = std::exchange(waiter_, {});
    if (h) h.resume();
  }

 private:
  std::vector<Operation> parked_;
  std::vector<OpResult> results_;
  coro::coroutine_handle<> waiter_;
};

}  // namespace host
