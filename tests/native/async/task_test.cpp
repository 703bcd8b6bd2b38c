#include "async/task.hpp"

#include <catch2/catch.hpp>

#include "host/host.hpp"
#include "support/task_workloads.hpp"

namespace {

using workloads::immediate;

async::Task<std::string> ask_host(host::Host& host) {
  host::OpResult r = co_await host.perform_one(host::op_kv_get("k"));
  co_return r.bytes;
}

async::Task<std::string> nested(host::Host& host) {
  std::string a = co_await ask_host(host);
  std::string b = co_await ask_host(host);
  co_return a + b;
}

}  // namespace

TEST_CASE("a Task is lazy and yields its value", "[async][task]") {
  auto t = immediate(7);
  REQUIRE_FALSE(t.done());
  t.start();
  REQUIRE(t.done());
  REQUIRE(t.result() == 7);
}

TEST_CASE("100k synchronously completing awaits do not grow the stack", "[async][task]") {
  // With resumption from inside the child this recursion would need ~100k frames and crash.
  auto t = workloads::many_sync_awaits(100000);
  t.start();
  REQUIRE(t.done());
  REQUIRE(t.result() == 100000);
}

TEST_CASE("a Task parked on the host resumes its awaiter with the host's answer", "[async][task][host]") {
  host::Host host;
  auto t = nested(host);
  t.start();
  REQUIRE_FALSE(t.done());
  REQUIRE(host.has_parked());
  REQUIRE(host.parked().size() == 1);
  REQUIRE(host.parked()[0].kind == host::OpKind::kv_get);
  host.complete({host::OpResult{host::OpStatus::ok, "x"}});
  host.resume();
  REQUIRE_FALSE(t.done());
  host.complete({host::OpResult{host::OpStatus::ok, "y"}});
  host.resume();
  REQUIRE(t.done());
  REQUIRE(t.result() == "xy");
}

TEST_CASE("destroying a Task parked on the host frees it without resuming", "[async][task][host]") {
  host::Host host;
  {
    auto t = nested(host);
    t.start();
    REQUIRE(host.has_parked());
  }
  SUCCEED("no crash, and sanitizers see no leak");
}

TEST_CASE("100k host round trips run to completion", "[async][task][host]") {
  host::Host host;
  auto t = workloads::many_host_awaits(host, 100000);
  t.start();
  while (!t.done()) {
    host.complete({host::OpResult{host::OpStatus::ok, "x"}});
    host.resume();
  }
  REQUIRE(t.result() == 100000);
}
