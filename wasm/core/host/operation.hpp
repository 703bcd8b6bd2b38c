// Operations: everything the core asks of the world, as values.
//
// Contract:
// 1. The core never performs I/O. It builds an Operation, parks it on its run's Host and suspends;
//    a driver (the JS shim, or the native FakeHost) performs it and hands back an OpResult.
// 2. Bytes are bytes: keys, values, HMAC keys and digests travel as std::string without encoding.
// 3. Each kind documents the fields it reads. Unused fields stay empty.
// 4. Adding a kind means: a factory here, a case in worker-shim/perform_operation.js, a case in
//    tests/native/support/fake_host.cpp, and the wire tag stays stable (docs/boundary.md).
#pragma once

#include <cstdint>
#include <string>

namespace host {

enum class OpKind : std::uint8_t {
  random = 1,       // n: how many random bytes        -> bytes
  sha256 = 2,       // data                            -> 32-byte digest
  hmac_sha256 = 3,  // key, data                       -> 32-byte MAC
  kv_get = 4,       // key                             -> value, or not_found
  kv_put = 5,       // key, data, n: expiration TTL s  -> empty (0 = no expiry)
  kv_delete = 6,    // key                             -> empty
  // Legacy SSE: hand `data` (framed SSE events, may be empty) to the session mailbox named `key`.
  // `extra` is a JSON object {user, client[, protocolVersion]}: the mailbox delivers only to its
  // owner, and records a negotiated version. -> empty when delivered; not_found when the session
  // does not exist, its stream has closed, or the owner differs.
  mailbox_deliver = 7,
};

struct Operation {
  OpKind kind;
  std::string key;
  std::string data;
  std::uint64_t n = 0;
  std::string extra;
};

enum class OpStatus : std::uint8_t {
  ok = 0,
  not_found = 1,  // kv_get of an absent key
  failed = 2,     // the host could not do it (storage down, bad key…); bytes hold a reason
};

struct OpResult {
  OpStatus status = OpStatus::failed;
  std::string bytes;
  bool ok() const { return status == OpStatus::ok; }
};

// Factories: the only way the core spells an operation.
inline Operation op_random(std::uint64_t n) { return {OpKind::random, {}, {}, n}; }
inline Operation op_sha256(std::string data) { return {OpKind::sha256, {}, std::move(data), 0}; }
inline Operation op_hmac_sha256(std::string key, std::string data) {
  return {OpKind::hmac_sha256, std::move(key), std::move(data), 0};
}
inline Operation op_kv_get(std::string key) { return {OpKind::kv_get, std::move(key), {}, 0}; }
inline Operation op_kv_put(std::string key, std::string value, std::uint64_t ttl_seconds) {
  return {OpKind::kv_put, std::move(key), std::move(value), ttl_seconds};
}
inline Operation op_kv_delete(std::string key) { return {OpKind::kv_delete, std::move(key), {}, 0}; }
inline Operation op_mailbox_deliver(std::string mailbox, std::string payload, std::string check) {
  return {OpKind::mailbox_deliver, std::move(mailbox), std::move(payload), 0, std::move(check)};
}

}  // namespace host
