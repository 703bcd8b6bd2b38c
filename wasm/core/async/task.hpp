// Task<T>: a lazy, single-awaiter coroutine result (the cppcoro / libcoro shape).
//
// Contract:
// 1. A Task does nothing until it is awaited (or started by a Run through `start()`).
// 2. Awaiting a Task that completes synchronously never grows the stack: completion is reported
//    through a flag checked on return (`await_suspend` returns false), not by resuming the awaiter
//    from inside the child. Symmetric transfer is not a guaranteed tail call on wasm32, so a loop
//    of 100k synchronously completing awaits would otherwise overflow the stack.
// 3. A Task that suspends on the host resumes its awaiter from its final suspend point; the stack
//    then is bounded by the coroutine nesting depth, never by loop counts.
// 4. Exceptions are disabled in every build: an unhandled exception is a bug and aborts.
#pragma once

#include <cstdlib>
#include <optional>
#include <utility>

#include "async/coroutine.hpp"

namespace async {

namespace detail {

enum class Race { not_started, awaiter_inside, awaiter_left, done_inside };

// Out of line on purpose: a resume() in tail position of a final awaiter is turned into a musttail
// call by LLVM 14's CoroSplit, which wasm32 without the tail-call feature cannot lower (Debian's
// Emscripten 3.1.6 is LLVM 14). A plain call keeps the stack bound of rule 3.
[[gnu::noinline]] inline void resume_awaiter(coro::coroutine_handle<> h) noexcept { h.resume(); }

struct PromiseBase {
  coro::coroutine_handle<> continuation;
  // Who gets to resume the awaiter: the awaiter itself (child finished while the awaiter was still
  // inside await_suspend) or the child's final suspend (child finished later).
  Race race = Race::not_started;

  coro::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(coro::coroutine_handle<P> self) noexcept {
      PromiseBase& p = self.promise();
      if (p.race == Race::awaiter_inside) {
        p.race = Race::done_inside;  // the awaiter's await_suspend returns false and goes on
        return;
      }
      if (p.continuation) resume_awaiter(p.continuation);
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { std::abort(); }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::PromiseBase {
    std::optional<T> value;
    Task get_return_object() noexcept {
      return Task(coro::coroutine_handle<promise_type>::from_promise(*this));
    }
    template <class U>
    void return_value(U&& v) noexcept {
      value.emplace(std::forward<U>(v));
    }
  };

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { destroy(); }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(coro::coroutine_handle<> awaiter) noexcept {
    auto& p = handle_.promise();
    p.continuation = awaiter;
    p.race = detail::Race::awaiter_inside;
    handle_.resume();
    if (p.race == detail::Race::done_inside) return false;  // finished synchronously: go on
    p.race = detail::Race::awaiter_left;
    return true;
  }
  T await_resume() noexcept { return std::move(*handle_.promise().value); }

  // For the owner of a root task (a Run): start it without an awaiter.
  void start() noexcept { handle_.resume(); }
  bool done() const noexcept { return handle_ && handle_.done(); }
  T& result() noexcept { return *handle_.promise().value; }

 private:
  explicit Task(coro::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
  void destroy() noexcept {
    if (handle_) handle_.destroy();
    handle_ = {};
  }
  coro::coroutine_handle<promise_type> handle_;
};

}  // namespace async
