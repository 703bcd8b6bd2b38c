// FakeHost: the native driver. It performs what a Run parks, the way the shim does in workerd.
//
// 1. KV is in memory and honours TTLs against `now_ms`, which tests set.
// 2. Crypto is OpenSSL (AES-KW with EVP_CIPHER_CTX_FLAG_WRAP_ALLOW); random bytes come from
//    OpenSSL's RAND_bytes. Outbound HTTP answers through `on_fetch`.
// 3. Every operation asked for is logged (kind and key), so tests assert on the storage schema;
//    rate-limit checks are counted in `rate_counts` instead.
// 4. `fail_kv` makes every KV operation answer `failed`, as a storage outage would.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <map>
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

// A legacy SSE session's mailbox, as worker-shim/sse_session.js keeps it.
struct Mailbox {
  json::Json record;                // {user, client, protocolVersion, createdAt}
  bool stream_open = true;
  std::vector<std::string> delivered;  // what reached the stream, in order
};

class FakeHost {
 public:
  std::int64_t now_ms = 1'750'000'000'000;
  bool fail_kv = false;
  bool fail_mailbox = false;
  std::map<std::string, KvEntry> kv;
  std::map<std::string, Mailbox> mailboxes;
  std::map<std::string, std::string> grant_states;  // the per-grant Durable Objects
  bool fail_grant_state = false;
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
  // Runs one request to completion through `app`. A response that opens a stream gets its mailbox,
  // as the shim would connect it.
  http::Response run(app::App& app, http::Request request);

  std::size_t count(host::OpKind kind) const;
};

}  // namespace fake
