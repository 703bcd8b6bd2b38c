// FakeHost: the native driver. It performs what a Run parks, the way the shim does in workerd.
//
// 1. KV is in memory and honours TTLs against `now_ms`, which tests set, and Workers KV's key and
//    metadata size limits.
// 2. Crypto is OpenSSL (AES-KW with EVP_CIPHER_CTX_FLAG_WRAP_ALLOW); random bytes come from
//    OpenSSL's RAND_bytes. Outbound HTTP answers through `on_fetch`.
// 3. Every operation asked for is logged (kind and key), so tests assert on the storage schema;
//    rate-limit checks are counted in `rate_counts` instead.
// 4. Faults: `fail_kv`, `fail_grant_state`, `fail_mailbox` make every operation of that binding
//    answer `failed`, as an outage would; `fail_kinds` does the same for any operation kinds. `fault`
//    fails exactly one operation: the Nth (from 0) of those it counts, either before its effect or
//    after it (`after_effect`: the write landed, its answer was lost, as when a call times out).
//    `performed` counts every operation asked for, so a test can run a step once, read how many
//    operations it took, and fail each of them in turn (tests/native/support/fault_sweep.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "host/fetch.hpp"
#include "host/operation.hpp"
#include "http/message.hpp"
#include "json/json.hpp"

namespace fake {

struct KvEntry {
  std::string value;
  std::string metadata;
  std::int64_t expires_at_ms = 0;  // 0 = never
  std::uint64_t ttl_seconds = 0;
};

struct LoggedOp {
  host::OpKind kind;
  std::string key;
};

// A legacy SSE stream in its user's mailbox, as worker-shim/sse_session.js keeps it.
struct Mailbox {
  std::string name;                 // the mailbox (Durable Object) it lives in: one per user
  json::Json record;                // {session, user, client, protocolVersion, createdAt, maxStreams}
  bool stream_open = true;
  std::vector<std::string> delivered;  // what reached the stream, in order
  std::uint64_t opened = 0;         // order of opening
};

// One operation to fail. `kinds` empty: every operation counts towards `nth`.
struct Fault {
  std::size_t nth = 0;
  std::set<host::OpKind> kinds;
  bool after_effect = false;
  // "3rd KV put": Fault::nth_of(2, host::OpKind::kv_put).
  static Fault nth_of(std::size_t n, host::OpKind kind, bool after = false) { return Fault{n, {kind}, after}; }
};

class FakeHost {
 public:
  std::int64_t now_ms = 1'750'000'000'000;
  bool fail_kv = false;
  bool fail_mailbox = false;
  std::map<std::string, KvEntry> kv;
  std::map<std::string, Mailbox> mailboxes;  // by stream key (the record's `session`)
  std::map<std::string, std::string> grant_states;  // the per-grant Durable Objects
  bool fail_grant_state = false;
  std::set<host::OpKind> fail_kinds;
  std::optional<Fault> fault;
  std::size_t fault_counted = 0;  // operations counted towards `fault` so far
  std::optional<host::Operation> faulted;  // the operation `fault` failed, once it has
  std::size_t performed = 0;      // every operation asked for
  // Rate limiters by binding name: how many calls each key may make (absent: no such binding).
  std::map<std::string, int> rate_limits;
  std::map<std::string, int> rate_counts;
  // Outbound HTTP: tests script the world (the GitHub stand-in's role natively). Unset: failed.
  std::function<std::optional<host::FetchResponse>(const host::FetchRequest&)> on_fetch;
  std::vector<host::FetchRequest> fetched;
  // Workers AI: (model, inputs JSON) -> output JSON, nullopt = the binding failed.
  std::function<std::optional<std::string>(const std::string&, const std::string&)> on_ai;
  // A signed-in client: when set, requests without an Authorization header carry this bearer token.
  std::string bearer;
  std::vector<LoggedOp> log;
  std::vector<std::size_t> batch_sizes;  // size of each parked batch, in order

  host::OpResult perform(const host::Operation& op);
  // Arms `fault` afresh (counts from the next operation).
  void fail_once(Fault f) {
    fault = std::move(f);
    fault_counted = 0;
    faulted.reset();
  }
  // Runs one request to completion through `app`. A response that opens a stream gets its mailbox,
  // as the shim would connect it.
  http::Response run(app::App& app, http::Request request);

  std::size_t count(host::OpKind kind) const;

 private:
  host::OpResult effect(const host::Operation& op);  // what the operation does, without faults
  std::uint64_t streams_opened_ = 0;
};

}  // namespace fake
