// FuzzHost: a driver whose world is the fuzz input. Every operation a run parks is answered with
// the next answer the input holds, so KV records, GitHub replies, decrypted props and AI output are
// all attacker-shaped, not only the request.
//
// 1. Input layout (every target that drives runs): sections separated by "\n~~\n". The first
//    section is the target's own (a request, a JSON-RPC body); each later one is one answer, in
//    the order operations are parked. An answer's first byte is its status: '1' not_found,
//    '2' failed, anything else ok; the rest is its bytes. When answers run out, every operation
//    fails (as a storage outage would), or, when `abandon` is set, the run is dropped right
//    there, suspended, as the boundary's mcp_run_finish drops a run whose instance was
//    discarded: ASan and LeakSanitizer then check its coroutine frames are freed whole.
// 2. Answers keep the shape the real shim could give (worker-shim/perform_operation.js): ok
//    results of `random`, `sha256`, `hmac_sha256` and `aes_kw_wrap` are cut or zero-padded to the
//    size WebCrypto returns; `not_found` becomes `failed` for kinds that cannot be absent; what the
//    shim sends as text (grant states, AI output, rate-limit verdicts, list cursors and names,
//    fetched header values) is made valid UTF-8. `fetch` and `kv_list` answers are written as
//    text and encoded here (see `perform`).
// 3. Contract checks (`check_operation`, `check_response`) abort with a message on what the shim
//    could not carry out or would throw on: KV keys that are not UTF-8 or over 512 bytes, a TTL
//    under 60 s, metadata that is not JSON, header values a JS Headers object refuses, a status
//    `new Response` refuses, a JSON content type over a body that is not JSON, a run that
//    suspends without parking anything.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "host/operation.hpp"
#include "http/message.hpp"

namespace fuzz {

inline constexpr std::string_view section_separator = "\n~~\n";
inline constexpr std::int64_t fuzz_now_ms = 1'750'000'000'000;  // seeds' expiresAt are after this

// Splits at every `separator` (an empty input gives one empty section).
std::vector<std::string_view> split_sections(std::string_view input, std::string_view separator = section_separator);

// Aborts with `what` on stderr: the fuzzer reports it as a crash.
[[noreturn]] void fail(const std::string& what);

bool is_utf8(std::string_view s);

bool verbose();  // FUZZ_VERBOSE is set: print operations and responses (for writing seeds)
void check_operation(const host::Operation& op);
void check_response(const http::Response& response);

class FuzzHost {
 public:
  explicit FuzzHost(std::vector<std::string_view> answers, bool abandon = false)
      : answers_(std::move(answers)), abandon_(abandon) {}

  // The next answer, shaped as rule 2 says.
  host::OpResult perform(const host::Operation& op);
  // check_operation, then perform; with FUZZ_VERBOSE set in the environment, both are printed.
  host::OpResult answer(const host::Operation& op);

  // Steps `task` to completion, answering what it parks on `host`; checks every operation.
  // nullptr when the task was abandoned (rule 1): the caller then destroys it suspended.
  template <class T>
  T* drive(async::Task<T>& task, host::Host& host) {
    task.start();
    while (!task.done()) {
      if (!host.has_parked()) fail("a run suspended without parking an operation");
      if (out_of_answers()) return nullptr;
      std::vector<host::OpResult> results;
      for (const auto& op : host.parked()) results.push_back(answer(op));
      host.complete(std::move(results));
      host.resume();
    }
    return &task.result();
  }

  // One request through the app, as the shim runs it (app/run.hpp); the response is checked.
  // nullopt when the run was abandoned (rule 1).
  std::optional<http::Response> run(app::App& app, http::Request request);

 private:
  bool out_of_answers() const { return abandon_ && next_ >= answers_.size(); }

  std::vector<std::string_view> answers_;
  std::size_t next_ = 0;
  bool abandon_ = false;
};

// The two configurations requests are fuzzed under: local development (loopback hosts, no
// PUBLIC_URL) and a deployed worker pinned by PUBLIC_URL.
app::Config fuzz_config(bool public_url);
// A fresh App (a fresh instance) per input: the App caches derived keys, and a cache warmed by an
// earlier input would make an input's run depend on what ran before it.
std::unique_ptr<app::App> make_app(bool public_url);
inline constexpr const char* dev_origin = "http://localhost:8788";
inline constexpr const char* public_origin = "https://mcp.example.com";

}  // namespace fuzz
