// The module's C ABI: the only C++ that includes <emscripten.h> (docs/boundary.md).
//
// Contract:
// 1. `mcp_configure` once per instance, before any run; it builds the App from the environment.
// 2. `mcp_run_start(request)` -> run id (0: undecodable request or not configured); the run has
//    already stepped. `mcp_run_output(id)` -> pointer to [u32 length][output] owned by the run and
//    valid until the next call for that run. Output is parked operations or the response.
// 3. `mcp_run_resume(id, results)` answers every parked operation and steps the run; returns 0, or
//    1 when the id is unknown or the results do not decode (the run is then finished with a 500).
// 4. `mcp_run_finish(id)` frees the run. Runs are kept by id: many may be in flight at once.
// 5. Buffers the shim writes into come from `mcp_alloc` and go back through `mcp_free`.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "app/app.hpp"
#include "app/limits.hpp"
#include "app/responses.hpp"
#include "app/run.hpp"
#include "wire/codec.hpp"

namespace {

struct RunSlot {
  std::unique_ptr<app::Run> run;
  std::string output;  // [u32 length][bytes]
  bool failed = false;
#ifdef MCP_TEST_BUILD
  int trap_before_kind = 0;  // x-mcp-test-trap-before: trap when the run parks an operation of this kind
#endif
};

struct State {
  std::unique_ptr<app::App> app;
  // An ordered map, not a hash map: the module already carries the tree code for its other maps,
  // and the hash table would add its own (bucket sizing by primes: ~2 KB of wasm).
  std::map<std::uint32_t, RunSlot> runs;
  std::uint32_t next_id = 1;
};

// Zero-initialised, so no global constructor runs at start-up.
State* g_state = nullptr;

State& state() {
  if (!g_state) g_state = new State();
  return *g_state;
}

void set_output(RunSlot& slot, std::string payload) {
  const auto n = static_cast<std::uint32_t>(payload.size());
  slot.output.resize(4 + payload.size());
  for (int i = 0; i < 4; ++i) slot.output[i] = static_cast<char>(n >> (8 * i));
  slot.output.replace(4, payload.size(), payload);
}

void publish(RunSlot& slot) {
  if (slot.failed) return;
#ifdef MCP_TEST_BUILD
  // Test builds only: a trap in the middle of a run, between two of its operations.
  if (slot.trap_before_kind != 0 && !slot.run->done())
    for (const auto& op : slot.run->host().parked())
      if (static_cast<int>(op.kind) == slot.trap_before_kind) __builtin_trap();
#endif
  if (slot.run->done()) {
    set_output(slot, wire::encode_response(slot.run->response()));
  } else {
    set_output(slot, wire::encode_parked(slot.run->host().parked()));
  }
}

void fail(RunSlot& slot, const char* why) {
  slot.failed = true;
  set_output(slot, wire::encode_response(app::text_response(500, std::string("Internal Server Error: ") + why + "\n")));
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE std::uint8_t* mcp_alloc(std::uint32_t n) {
  return static_cast<std::uint8_t*>(std::malloc(n ? n : 1));
}

EMSCRIPTEN_KEEPALIVE void mcp_free(std::uint8_t* p) { std::free(p); }

EMSCRIPTEN_KEEPALIVE std::uint32_t mcp_max_body_bytes() { return static_cast<std::uint32_t>(app::max_body_bytes); }

// The most of an outbound response body the shim reads (a fetch past it fails).
EMSCRIPTEN_KEEPALIVE std::uint32_t mcp_max_fetch_body_bytes() { return app::max_fetch_body_bytes; }

// How long the shim waits for a KV or Durable Object call (STORAGE_TIMEOUT_MS); after mcp_configure.
EMSCRIPTEN_KEEPALIVE std::uint32_t mcp_storage_timeout_ms() {
  return state().app ? state().app->config().storage_timeout_ms : static_cast<std::uint32_t>(app::storage_timeout_ms_range.fallback);
}

EMSCRIPTEN_KEEPALIVE int mcp_configure(const std::uint8_t* env, std::uint32_t len) {
  auto entries = wire::decode_env(std::string_view(reinterpret_cast<const char*>(env), len));
  if (!entries) return 1;
  state().app = std::make_unique<app::App>(app::config_from_env(*entries));
  return 0;
}

EMSCRIPTEN_KEEPALIVE std::uint32_t mcp_run_start(const std::uint8_t* request, std::uint32_t len) {
  State& s = state();
  if (!s.app) return 0;
  auto decoded = wire::decode_request(std::string_view(reinterpret_cast<const char*>(request), len));
  if (!decoded) return 0;
#ifdef MCP_TEST_BUILD
  // Test builds only: a request can make the module trap, to test the shim's instance lifecycle.
  if (decoded->request.header("x-mcp-test-trap")) __builtin_trap();
#endif
  std::uint32_t id = s.next_id++;
  if (id == 0) id = s.next_id++;
  RunSlot& slot = s.runs[id];
#ifdef MCP_TEST_BUILD
  if (const std::string* kind = decoded->request.header("x-mcp-test-trap-before")) slot.trap_before_kind = std::atoi(kind->c_str());
#endif
  slot.run = std::make_unique<app::Run>(*s.app, std::move(decoded->request), decoded->context);
  slot.run->start();
  publish(slot);
  return id;
}

EMSCRIPTEN_KEEPALIVE const std::uint8_t* mcp_run_output(std::uint32_t id) {
  auto& runs = state().runs;
  const auto it = runs.find(id);
  return it == runs.end() ? nullptr : reinterpret_cast<const std::uint8_t*>(it->second.output.data());
}

EMSCRIPTEN_KEEPALIVE int mcp_run_resume(std::uint32_t id, const std::uint8_t* results, std::uint32_t len) {
  auto& runs = state().runs;
  const auto it = runs.find(id);
  if (it == runs.end()) return 1;
  RunSlot& slot = it->second;
  if (slot.failed || slot.run->done() || !slot.run->host().has_parked()) {
    fail(slot, "resume of a run that waits for nothing");
    return 1;
  }
  auto decoded = wire::decode_results(std::string_view(reinterpret_cast<const char*>(results), len),
                                      slot.run->host().parked().size());
  if (!decoded) {
    fail(slot, "undecodable operation results");
    return 1;
  }
  slot.run->host().complete(std::move(*decoded));
  slot.run->resume();
  publish(slot);
  return 0;
}

EMSCRIPTEN_KEEPALIVE void mcp_run_finish(std::uint32_t id) { state().runs.erase(id); }

}  // extern "C"
