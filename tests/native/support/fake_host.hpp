// FakeHost: the native driver. It performs what a Run parks, the way the shim does in workerd.
//
// 1. KV is in memory and honours TTLs against `now_ms`, which tests set.
// 2. Crypto is OpenSSL; random bytes come from OpenSSL's RAND_bytes.
// 3. Every operation asked for is logged (kind and key), so tests assert on the storage schema.
// 4. `fail_kv` makes every KV operation answer `failed`, as a storage outage would.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "host/operation.hpp"
#include "http/message.hpp"

namespace fake {

struct KvEntry {
  std::string value;
  std::int64_t expires_at_ms = 0;  // 0 = never
  std::uint64_t ttl_seconds = 0;
};

struct LoggedOp {
  host::OpKind kind;
  std::string key;
};

class FakeHost {
 public:
  std::int64_t now_ms = 1'750'000'000'000;
  bool fail_kv = false;
  std::map<std::string, KvEntry> kv;
  std::vector<LoggedOp> log;
  std::vector<std::size_t> batch_sizes;  // size of each parked batch, in order

  host::OpResult perform(const host::Operation& op);
  // Runs one request to completion through `app`.
  http::Response run(app::App& app, http::Request request);

  std::size_t count(host::OpKind kind) const;
};

}  // namespace fake
