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
  kv_put = 5,       // key, data, n: expiration TTL s (0 = none), extra: KV metadata JSON (may be empty)
                    //                                 -> empty
  kv_delete = 6,    // key                             -> empty
  // Legacy SSE: hand `data` (framed SSE events, may be empty) to the stream `session` of the
  // mailbox named `key` (one per user). `extra` is a JSON object {session, user, client[,
  // protocolVersion]}: the mailbox delivers only to the session's owner, and records a negotiated
  // version. -> empty when delivered; not_found when the session does not exist, its stream has
  // closed (or was closed as the user's oldest past SSE_MAX_STREAMS_PER_USER), or the owner differs.
  mailbox_deliver = 7,
  aes_gcm_encrypt = 8,   // key (32 bytes), data: plaintext, extra: IV (12 bytes) -> ciphertext || tag
  aes_gcm_decrypt = 9,   // key, data: ciphertext || tag, extra: IV               -> plaintext, or failed
  aes_kw_wrap = 10,      // key: KEK (32 bytes), data: key to wrap (32 bytes)     -> 40 bytes (RFC 3394)
  aes_kw_unwrap = 11,    // key: KEK, data: wrapped key                            -> key, or failed
  // key: URL, data: body, extra: request head (wire::encode_fetch_head: method, headers),
  // n: timeout ms. -> wire::encode_fetch_response (status, headers, body); failed when the
  // request could not be made or timed out.
  fetch = 12,
  // key: prefix, data: cursor ("" for the first page), n: limit (<= 1000)
  //   -> u8 complete, bytes cursor, u32 count, count x (bytes name, bytes metadata JSON or "")
  kv_list = 13,
  // The grant's serialisation point (one Durable Object per grant, worker-shim/grant_state.js).
  // key: the grant's KV key.
  grant_read = 14,  // -> the stored state text, or not_found when the object holds nothing yet
  // data: the next state text, extra: the expected current text ("" = unconditional), n: expiry
  // (Unix s; the object forgets the grant then). -> empty when swapped; not_found when the current
  // state differs from `extra` (an object that holds nothing accepts any expectation).
  grant_swap = 15,
  // The Workers rate-limiting binding named `key`, for the limiter key `data` (a client address).
  // -> "1" allowed or "0" limited; not_found when the binding is not configured.
  rate_limit = 16,
  // Workers AI: key = model, data = inputs (JSON) -> the model's output as JSON text; failed when
  // the binding refused or failed.
  ai_run = 17,
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
inline Operation op_random(std::uint64_t n) { return {OpKind::random, {}, {}, n, {}}; }
inline Operation op_sha256(std::string data) { return {OpKind::sha256, {}, std::move(data), 0, {}}; }
inline Operation op_hmac_sha256(std::string key, std::string data) {
  return {OpKind::hmac_sha256, std::move(key), std::move(data), 0, {}};
}
inline Operation op_kv_get(std::string key) { return {OpKind::kv_get, std::move(key), {}, 0, {}}; }
inline Operation op_kv_put(std::string key, std::string value, std::uint64_t ttl_seconds) {
  return {OpKind::kv_put, std::move(key), std::move(value), ttl_seconds, {}};
}
inline Operation op_kv_delete(std::string key) { return {OpKind::kv_delete, std::move(key), {}, 0, {}}; }
inline Operation op_kv_list(std::string prefix, std::string cursor, std::uint64_t limit) {
  return {OpKind::kv_list, std::move(prefix), std::move(cursor), limit, {}};
}
inline Operation op_kv_put_with_metadata(std::string key, std::string value, std::uint64_t ttl_seconds,
                                         std::string metadata_json) {
  return {OpKind::kv_put, std::move(key), std::move(value), ttl_seconds, std::move(metadata_json)};
}
inline Operation op_aes_gcm_encrypt(std::string key, std::string iv, std::string plaintext) {
  return {OpKind::aes_gcm_encrypt, std::move(key), std::move(plaintext), 0, std::move(iv)};
}
inline Operation op_aes_gcm_decrypt(std::string key, std::string iv, std::string ciphertext) {
  return {OpKind::aes_gcm_decrypt, std::move(key), std::move(ciphertext), 0, std::move(iv)};
}
inline Operation op_aes_kw_wrap(std::string kek, std::string key) {
  return {OpKind::aes_kw_wrap, std::move(kek), std::move(key), 0, {}};
}
inline Operation op_aes_kw_unwrap(std::string kek, std::string wrapped) {
  return {OpKind::aes_kw_unwrap, std::move(kek), std::move(wrapped), 0, {}};
}
inline Operation op_grant_read(std::string grant_key) { return {OpKind::grant_read, std::move(grant_key), {}, 0, {}}; }
inline Operation op_grant_swap(std::string grant_key, std::string expected, std::string next, std::uint64_t expires_at) {
  return {OpKind::grant_swap, std::move(grant_key), std::move(next), expires_at, std::move(expected)};
}
inline Operation op_rate_limit(std::string binding, std::string limiter_key) {
  return {OpKind::rate_limit, std::move(binding), std::move(limiter_key), 0, {}};
}
inline Operation op_ai_run(std::string model, std::string inputs_json) {
  return {OpKind::ai_run, std::move(model), std::move(inputs_json), 0, {}};
}
inline Operation op_mailbox_deliver(std::string mailbox, std::string payload, std::string check) {
  return {OpKind::mailbox_deliver, std::move(mailbox), std::move(payload), 0, std::move(check)};
}

}  // namespace host
