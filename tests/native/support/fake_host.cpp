#include "support/fake_host.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "app/run.hpp"

namespace fake {

host::OpResult FakeHost::perform(const host::Operation& op) {
  log.push_back({op.kind, op.key});
  using host::OpKind;
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
      kv[op.key] = KvEntry{op.data, op.n ? now_ms + static_cast<std::int64_t>(op.n) * 1000 : 0, op.n};
      return {OpStatus::ok, {}};
    }
    case OpKind::mailbox_deliver: {
      if (fail_mailbox) return {OpStatus::failed, "mailbox unavailable"};
      auto it = mailboxes.find(op.key);
      auto check = json::parse(op.extra);
      if (it == mailboxes.end() || !it->second.stream_open || !check.value) return {OpStatus::not_found, {}};
      json::Json& record = it->second.record;
      if (record["user"] != (*check.value)["user"] || record["client"] != (*check.value)["client"])
        return {OpStatus::not_found, {}};
      if (check.value->contains("protocolVersion")) record["protocolVersion"] = (*check.value)["protocolVersion"];
      if (!op.data.empty()) it->second.delivered.push_back(op.data);
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
    mailboxes[response.stream->mailbox] = Mailbox{record.value ? *record.value : json::Json(), true, {}};
  }
  return response;
}

std::size_t FakeHost::count(host::OpKind kind) const {
  std::size_t n = 0;
  for (const auto& l : log) n += l.kind == kind;
  return n;
}

}  // namespace fake
