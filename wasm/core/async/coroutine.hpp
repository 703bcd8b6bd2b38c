// One name for the coroutine library on every toolchain.
//
// 1. g++ 12 (native build) ships <coroutine>; Debian's Emscripten 3.1.6 ships a libc++ with only
//    <experimental/coroutine>. Everything in the core spells coroutine types as `coro::…`.
// 2. Nothing else belongs here.
#pragma once

#if __has_include(<coroutine>) && !defined(__EMSCRIPTEN__)
#include <coroutine>
namespace coro {
using std::coroutine_handle;
using std::noop_coroutine;
using std::suspend_always;
using std::suspend_never;
}  // namespace coro
#else
#include <experimental/coroutine>
namespace coro {
using std::experimental::coroutine_handle;
using std::experimental::noop_coroutine;
using std::experimental::suspend_always;
using std::experimental::suspend_never;
}  // namespace coro
#endif
