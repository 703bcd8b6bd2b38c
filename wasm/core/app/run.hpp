// Run: one request in flight, driven step by step by a driver.
//
// Contract:
// 1. Construct, then `start()`: the core runs until it parks operations or finishes.
// 2. While `!done()`: perform `host().parked()`, `host().complete(results)`, `resume()`.
// 3. A Run never moves (the coroutine holds references into it); drivers keep it behind a pointer,
//    keyed by id, never in a "current request" global.
#pragma once

#include "app/app.hpp"
#include "app/request_context.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"

namespace app {

class Run {
 public:
  Run(App& app, http::Request request, RequestContext ctx)
      : request_(std::move(request)), ctx_(ctx), task_(app.handle(request_, ctx_, host_)) {}
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  void start() { task_.start(); }
  void resume() { host_.resume(); }
  bool done() const { return task_.done(); }
  host::Host& host() { return host_; }
  http::Response& response() { return task_.result(); }

 private:
  http::Request request_;
  RequestContext ctx_;
  host::Host host_;
  async::Task<http::Response> task_;
};

}  // namespace app
