#include "support/fake_host.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "app/limits.hpp"
#include "app/run.hpp"
#include "wire/reader_writer.hpp"

namespace fake {

namespace {

// AES-256-GCM, 16-byte tag appended, as WebCrypto's encrypt/decrypt.
std::optional<std::string> aes_gcm(bool encrypt, const std::string& key, const std::string& iv, const std::string& in) {
  if (key.size() != 32 || iv.size() != 12) return std::nullopt;
  if (!encrypt && in.size() < 16) return std::nullopt;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  const auto* v = reinterpret_cast<const unsigned char*>(iv.data());
  std::string out(in.size() + 16, '\0');
  int len = 0;
  int total = 0;
  bool ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, k, v, encrypt ? 1 : 0) == 1;
  const std::size_t body = encrypt ? in.size() : in.size() - 16;
  if (ok && !encrypt)
    ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<char*>(in.data() + body)) == 1;
  ok = ok && EVP_CipherUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                              reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(body)) == 1;
  total = len;
  ok = ok && EVP_CipherFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + total, &len) == 1;
  total += len;
  if (ok && encrypt) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out.data() + total) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return std::nullopt;
  out.resize(encrypt ? total + 16 : total);
  return out;
}

// AES-256 key wrap (RFC 3394), as WebCrypto's AES-KW.
std::optional<std::string> aes_kw(bool wrap, const std::string& kek, const std::string& in) {
  if (kek.size() != 32 || in.size() % 8 != 0 || in.size() < (wrap ? 16u : 24u)) return std::nullopt;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  std::string out(in.size() + 16, '\0');
  int len = 0;
  int total = 0;
  bool ok = EVP_CipherInit_ex(ctx, EVP_aes_256_wrap(), nullptr, reinterpret_cast<const unsigned char*>(kek.data()),
                              nullptr, wrap ? 1 : 0) == 1;
  ok = ok && EVP_CipherUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                              reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size())) == 1;
  total = len;
  ok = ok && EVP_CipherFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + total, &len) == 1;
  total += len;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return std::nullopt;
  out.resize(total);
  return out;
}

}  // namespace

host::OpResult FakeHost::perform(const host::Operation& op) {
  ++performed;
  if (op.kind != host::OpKind::rate_limit) log.push_back({op.kind, op.key});  // limits: rate_counts
  if (fail_kinds.count(op.kind)) return {host::OpStatus::failed, "scripted failure"};
  if (fault && !faulted && (fault->kinds.empty() || fault->kinds.count(op.kind)) && fault_counted++ == fault->nth) {
    faulted = op;
    if (fault->after_effect) (void)effect(op);
    return {host::OpStatus::failed, fault->after_effect ? "answer lost" : "scripted failure"};
  }
  return effect(op);
}

host::OpResult FakeHost::effect(const host::Operation& op) {
  using host::OpKind;
  // Workers KV refuses keys over 512 bytes and metadata over 1024 (its errors reach the core as `failed`).
  const bool kv_op = op.kind == OpKind::kv_get || op.kind == OpKind::kv_put || op.kind == OpKind::kv_delete;
  if (kv_op && op.key.size() > app::kv_max_key_bytes) return {host::OpStatus::failed, "key too long"};
  if (op.kind == OpKind::kv_put && op.extra.size() > app::kv_max_metadata_bytes) return {host::OpStatus::failed, "metadata too large"};
  using host::OpStatus;
  switch (op.kind) {
    case OpKind::random: {
      std::string out(op.n, '\0');
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
      return {OpStatus::ok, out};
    }
    case OpKind::sha256: {
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      EVP_Digest(op.data.data(), op.data.size(), md, &len, EVP_sha256(), nullptr);
      return {OpStatus::ok, std::string(reinterpret_cast<char*>(md), len)};
    }
    case OpKind::hmac_sha256: {
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      HMAC(EVP_sha256(), op.key.data(), static_cast<int>(op.key.size()),
           reinterpret_cast<const unsigned char*>(op.data.data()), op.data.size(), md, &len);
      return {OpStatus::ok, std::string(reinterpret_cast<char*>(md), len)};
    }
    case OpKind::kv_get: {
      if (fail_kv) return {OpStatus::failed, "kv unavailable"};
      auto it = kv.find(op.key);
      if (it == kv.end()) return {OpStatus::not_found, {}};
      if (it->second.expires_at_ms != 0 && it->second.expires_at_ms <= now_ms) {
        kv.erase(it);
        return {OpStatus::not_found, {}};
      }
      return {OpStatus::ok, it->second.value};
    }
    case OpKind::kv_put: {
      if (fail_kv) return {OpStatus::failed, "kv unavailable"};
      if (op.n != 0 && op.n < 60) return {OpStatus::failed, "expirationTtl below 60"};  // as Workers KV
      kv[op.key] = KvEntry{op.data, op.extra, op.n ? now_ms + static_cast<std::int64_t>(op.n) * 1000 : 0, op.n};
      return {OpStatus::ok, {}};
    }
    case OpKind::mailbox_deliver: {
      if (fail_mailbox) return {OpStatus::failed, "mailbox unavailable"};
      auto check = json::parse(op.extra);
      const std::string* session = check.value ? json::get_string(*check.value, "session") : nullptr;
      auto it = session ? mailboxes.find(*session) : mailboxes.end();
      if (it == mailboxes.end() || it->second.name != op.key || !it->second.stream_open) return {OpStatus::not_found, {}};
      json::Json& record = it->second.record;
      if (record["user"] != (*check.value)["user"] || record["client"] != (*check.value)["client"])
        return {OpStatus::not_found, {}};
      if (check.value->contains("protocolVersion")) record["protocolVersion"] = (*check.value)["protocolVersion"];
      if (!op.data.empty()) it->second.delivered.push_back(op.data);
      return {OpStatus::ok, {}};
    }
    case OpKind::aes_gcm_encrypt:
    case OpKind::aes_gcm_decrypt: {
      auto out = aes_gcm(op.kind == OpKind::aes_gcm_encrypt, op.key, op.extra, op.data);
      return out ? host::OpResult{OpStatus::ok, *out} : host::OpResult{OpStatus::failed, "aes-gcm"};
    }
    case OpKind::aes_kw_wrap:
    case OpKind::aes_kw_unwrap: {
      auto out = aes_kw(op.kind == OpKind::aes_kw_wrap, op.key, op.data);
      return out ? host::OpResult{OpStatus::ok, *out} : host::OpResult{OpStatus::failed, "aes-kw"};
    }
    case OpKind::fetch: {
      auto request = host::decode_fetch_operation(op);
      if (!request) return {OpStatus::failed, "bad fetch operation"};
      fetched.push_back(*request);
      auto response = on_fetch ? on_fetch(*request) : std::nullopt;
      if (!response) return {OpStatus::failed, "network error"};
      return {OpStatus::ok, host::encode_fetch_response(*response)};
    }
    case OpKind::kv_list: {
      if (fail_kv) return {OpStatus::failed, "kv unavailable"};
      std::vector<std::pair<std::string, std::string>> names;
      for (auto it = kv.lower_bound(op.data.empty() ? op.key : op.data); it != kv.end() && it->first.rfind(op.key, 0) == 0; ++it) {
        if (it->second.expires_at_ms != 0 && it->second.expires_at_ms <= now_ms) continue;
        if (!op.data.empty() && it->first == op.data) continue;
        names.emplace_back(it->first, it->second.metadata);
      }
      const bool complete = names.size() <= op.n;
      if (!complete) names.resize(op.n);
      wire::Writer w;
      w.u8(complete ? 1 : 0);
      w.bytes(complete ? "" : names.back().first);
      w.u32(static_cast<std::uint32_t>(names.size()));
      for (const auto& [n, m] : names) {
        w.bytes(n);
        w.bytes(m);
      }
      return {OpStatus::ok, std::move(w.buffer())};
    }
    case OpKind::ai_run: {
      auto out = on_ai ? on_ai(op.key, op.data) : std::nullopt;
      if (!out) return {OpStatus::failed, "ai failed"};
      return {OpStatus::ok, *out};
    }
    case OpKind::rate_limit: {
      auto limit = rate_limits.find(op.key);
      if (limit == rate_limits.end()) return {OpStatus::not_found, {}};
      return {OpStatus::ok, ++rate_counts[op.key + "|" + op.data] <= limit->second ? "1" : "0"};
    }
    case OpKind::grant_read: {
      if (fail_grant_state) return {OpStatus::failed, "grant state unavailable"};
      auto it = grant_states.find(op.key);
      if (it == grant_states.end()) return {OpStatus::not_found, {}};
      return {OpStatus::ok, it->second};
    }
    case OpKind::grant_swap: {
      if (fail_grant_state) return {OpStatus::failed, "grant state unavailable"};
      auto it = grant_states.find(op.key);
      if (!op.extra.empty() && it != grant_states.end() && it->second != op.extra) return {OpStatus::not_found, {}};
      grant_states[op.key] = op.data;
      return {OpStatus::ok, {}};
    }
    case OpKind::kv_delete: {
      if (fail_kv) return {OpStatus::failed, "kv unavailable"};
      kv.erase(op.key);
      return {OpStatus::ok, {}};
    }
  }
  return {OpStatus::failed, "unknown operation"};
}

http::Response FakeHost::run(app::App& app, http::Request request) {
  if (!bearer.empty() && !request.header("authorization")) request.headers.push_back({"authorization", "Bearer " + bearer});
  app::Run r(app, std::move(request), app::RequestContext{now_ms});
  r.start();
  while (!r.done()) {
    const auto& ops = r.host().parked();
    batch_sizes.push_back(ops.size());
    std::vector<host::OpResult> results;
    for (const auto& op : ops) results.push_back(perform(op));
    r.host().complete(std::move(results));
    r.resume();
  }
  http::Response response = std::move(r.response());
  if (response.stream) {
    auto record = json::parse(response.stream->init);
    REQUIRE(record.value);
    const std::string& name = response.stream->mailbox;
    // As McpMailbox: at most maxStreams open streams per mailbox; the oldest are closed.
    const auto max_streams = (*record.value)["maxStreams"].get<std::size_t>();
    std::vector<Mailbox*> open;
    for (auto& [key, box] : mailboxes)
      if (box.name == name && box.stream_open) open.push_back(&box);
    std::sort(open.begin(), open.end(), [](const Mailbox* a, const Mailbox* b) { return a->opened < b->opened; });
    for (std::size_t i = 0; i + max_streams <= open.size(); ++i) open[i]->stream_open = false;
    const std::string session = (*record.value)["session"].get<std::string>();
    mailboxes[session] = Mailbox{name, *record.value, true, {}, ++streams_opened_};
  }
  return response;
}

std::size_t FakeHost::count(host::OpKind kind) const {
  std::size_t n = 0;
  for (const auto& l : log) n += l.kind == kind;
  return n;
}

}  // namespace fake
