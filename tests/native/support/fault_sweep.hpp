// The fault sweep: every operation of a step fails once, in turn (tests/native/app/fault_sweep_test.cpp).
//
// 1. `sweep(start, step, check)` runs `step` on a copy of `start` to count its operations, then,
//    for each operation i, runs it again on a fresh copy with operation i failing; a write (KV put
//    or delete, grant swap, mailbox delivery) fails a second time *after* its effect (it landed;
//    its answer was lost, as when a call times out). `check` gets what happened.
// 2. Every run gets a fresh App, so no cache carries over and each copy asks for the same
//    operations.
// 3. `check_store` is the storage invariant: every record whole, no token without its grant, no
//    grant whose Durable Object disagrees with it. After a failed request, a revocation may be
//    half done (its object says revoked; KV is still being cleaned); after a success it may not.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "app/app.hpp"
#include "host/operation.hpp"
#include "http/message.hpp"
#include "json/json.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"

namespace sweep {

struct Faulted {
  std::size_t index = 0;   // which operation of the step failed (from 0)
  host::Operation op;      // that operation
  bool after_effect = false;
  http::Response response;
};

inline const char* kind_name(host::OpKind k) {
  switch (k) {
    case host::OpKind::random: return "random";
    case host::OpKind::sha256: return "sha256";
    case host::OpKind::hmac_sha256: return "hmac_sha256";
    case host::OpKind::kv_get: return "kv_get";
    case host::OpKind::kv_put: return "kv_put";
    case host::OpKind::kv_delete: return "kv_delete";
    case host::OpKind::mailbox_deliver: return "mailbox_deliver";
    case host::OpKind::aes_gcm_encrypt: return "aes_gcm_encrypt";
    case host::OpKind::aes_gcm_decrypt: return "aes_gcm_decrypt";
    case host::OpKind::aes_kw_wrap: return "aes_kw_wrap";
    case host::OpKind::aes_kw_unwrap: return "aes_kw_unwrap";
    case host::OpKind::fetch: return "fetch";
    case host::OpKind::kv_list: return "kv_list";
    case host::OpKind::grant_read: return "grant_read";
    case host::OpKind::grant_swap: return "grant_swap";
    case host::OpKind::rate_limit: return "rate_limit";
    case host::OpKind::ai_run: return "ai_run";
  }
  return "?";
}

inline bool is_write(host::OpKind k) {
  return k == host::OpKind::kv_put || k == host::OpKind::kv_delete || k == host::OpKind::grant_swap ||
         k == host::OpKind::mailbox_deliver;
}

using Step = std::function<http::Response(app::App&, fake::FakeHost&)>;
using Check = std::function<void(const Faulted&, app::App&, fake::FakeHost&)>;

// Returns how many operations the step took.
inline std::size_t sweep(const fake::FakeHost& start, const Step& step, const Check& check) {
  std::size_t total = 0;
  {
    fake::FakeHost h = start;
    app::App app(flow::test_config());
    h.performed = 0;
    (void)step(app, h);
    total = h.performed;
  }
  REQUIRE(total > 0);
  for (std::size_t i = 0; i < total; ++i) {
    for (bool after : {false, true}) {
      fake::FakeHost h = start;
      app::App app(flow::test_config());
      h.fail_once(fake::Fault{i, {}, after});
      http::Response r = step(app, h);
      REQUIRE(h.faulted);  // the step reached operation i: it asks for the same operations every time
      const host::Operation op = *h.faulted;
      if (after && !is_write(op.kind)) break;  // nothing landed: the same as failing before
      h.fault.reset();
      INFO("operation " << i << " of " << total << ": " << kind_name(op.kind) << " " << op.key
                        << (after ? " (failed after its effect)" : " (failed)") << " -> " << r.status << " " << r.body);
      check(Faulted{i, op, after, std::move(r)}, app, h);
    }
  }
  return total;
}

// A host failure as every route reports it: 503 with Retry-After; an OAuth JSON error
// `temporarily_unavailable` (no-store), a page, or a JSON-RPC error.
inline void require_unavailable(const http::Response& r) {
  REQUIRE(r.status == 503);
  REQUIRE(flow::header_or_empty(r, "retry-after") == "5");
  const std::string type = flow::header_or_empty(r, "content-type");
  if (type.rfind("text/html", 0) == 0) return;
  REQUIRE(type == "application/json");
  const json::Json body = fake::body_json(r);
  if (body.contains("jsonrpc")) {
    REQUIRE(body["error"]["code"] == -32603);
  } else {
    REQUIRE(body["error"] == "temporarily_unavailable");
    REQUIRE(flow::header_or_empty(r, "cache-control") == "no-store");
  }
}

enum class Moment { after_failure, after_success };

inline std::optional<json::Json> stored_json(const fake::FakeHost& h, const std::string& key) {
  auto it = h.kv.find(key);
  if (it == h.kv.end() || (it->second.expires_at_ms != 0 && it->second.expires_at_ms <= h.now_ms)) return std::nullopt;
  auto parsed = json::parse(it->second.value);
  REQUIRE(parsed.value);
  REQUIRE(parsed.value->is_object());
  return *parsed.value;
}

inline std::string str(const json::Json& j, const char* name) {
  const std::string* s = json::get_string(j, name);
  return s ? *s : std::string();
}

inline bool is_hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

inline void check_store(const fake::FakeHost& h, Moment moment) {
  for (const auto& [key, entry] : h.kv) {
    if (entry.expires_at_ms != 0 && entry.expires_at_ms <= h.now_ms) continue;
    INFO("KV " << key << " = " << entry.value);
    const auto record = stored_json(h, key);
    if (key.rfind("client:", 0) == 0) {  // a registration is whole or absent
      REQUIRE(str(*record, "clientId") == key.substr(7));
      REQUIRE((*record)["redirectUris"].is_array());
      REQUIRE(!(*record)["redirectUris"].empty());
      REQUIRE((*record)["registrationExpiresAt"].is_number_integer());
      if (str(*record, "tokenEndpointAuthMethod") != "none") REQUIRE(is_hex64(str(*record, "clientSecret")));
    } else if (key.rfind("grant:", 0) == 0) {
      const std::string user = key.substr(6, key.rfind(':') - 6);
      REQUIRE(str(*record, "id") == key.substr(key.rfind(':') + 1));
      REQUIRE(str(*record, "userId") == user);
      REQUIRE(stored_json(h, "client:" + str(*record, "clientId")));
      REQUIRE(!str(*record, "encryptedProps").empty());
      const bool pending_code = record->contains("authCodeWrappedKey");
      REQUIRE((pending_code || is_hex64(str(*record, "refreshTokenId"))));
      auto state = h.grant_states.find(key);
      if (state == h.grant_states.end()) {
        REQUIRE(pending_code);  // redeemed grants always have their object's state
      } else if (state->second == "revoked") {
        REQUIRE(moment == Moment::after_failure);  // a revocation stopped half way
      } else {
        auto truth = json::parse(state->second);
        REQUIRE(truth.value);
        REQUIRE(str(*truth.value, "id") == str(*record, "id"));
        REQUIRE(is_hex64(str(*truth.value, "refreshTokenId")));  // the object holds redeemed grants only
      }
    } else if (key.rfind("token:", 0) == 0) {
      const std::string rest = key.substr(6);
      const std::string user = rest.substr(0, rest.find(':'));
      const std::string grant_id = rest.substr(rest.find(':') + 1, rest.rfind(':') - rest.find(':') - 1);
      REQUIRE(str(*record, "grantId") == grant_id);
      REQUIRE(str(*record, "userId") == user);
      REQUIRE(is_hex64(str(*record, "id")));
      REQUIRE(!str(*record, "wrappedEncryptionKey").empty());
      const std::string gkey = "grant:" + user + ":" + grant_id;
      auto state = h.grant_states.find(gkey);
      if (state != h.grant_states.end() && state->second == "revoked") {
        REQUIRE(moment == Moment::after_failure);  // left by a revocation that stopped half way
      } else {
        REQUIRE(stored_json(h, gkey));  // no token without its grant
      }
    } else if (key.rfind("oauth:state:", 0) == 0) {
      REQUIRE((*record)["request"].is_object());
      REQUIRE((*record)["createdAt"].is_number_integer());
    }
  }
  for (const auto& [key, state] : h.grant_states) {
    INFO("grant object " << key << " = " << state);
    if (state == "revoked") continue;
    REQUIRE(stored_json(h, key));  // a live grant is mirrored in KV
  }
}

// Keys of `h.kv` starting with `prefix` (expired ones left out).
inline std::size_t count_keys(const fake::FakeHost& h, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& [k, v] : h.kv)
    if (k.rfind(prefix, 0) == 0 && (v.expires_at_ms == 0 || v.expires_at_ms > h.now_ms)) ++n;
  return n;
}

}  // namespace sweep
