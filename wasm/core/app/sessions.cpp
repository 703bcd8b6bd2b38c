#include "app/sessions.hpp"

#include <algorithm>

#include "app/limits.hpp"
#include "app/responses.hpp"
#include "base/bytes.hpp"
#include "jsonrpc/message.hpp"

namespace app {

namespace {

http::Response unavailable() {
  return jsonrpc_unavailable("Service temporarily unavailable: storage did not answer");
}
http::Response not_found() {
  http::Response r = jsonrpc_http_error(404, jsonrpc::invalid_request, "Session not found: initialize a new session");
  r.outcome.reason = "session_not_found";
  return r;
}

}  // namespace

async::Task<base::Result<std::string, http::Response>> Sessions::issue(host::Host& host, const RequestContext& ctx,
                                                                      const Principal& who, mcp::SessionKind kind,
                                                                      std::string protocol_version) {
  auto key = co_await mac_key(host);
  if (!key) co_return base::Err{key.error()};
  host::OpResult nonce = co_await host.perform_one(host::op_random(mcp::session_nonce_bytes));
  if (!nonce.ok() || nonce.bytes.size() != mcp::session_nonce_bytes) co_return base::Err{unavailable()};

  mcp::SessionClaims claims{kind, std::move(protocol_version), ctx.now_ms / 1000, std::move(nonce.bytes), who.user,
                            who.client};
  std::string signed_bytes = mcp::serialize_claims(claims);
  host::OpResult mac = co_await host.perform_one(host::op_hmac_sha256(*key, signed_bytes));
  if (!mac.ok() || mac.bytes.size() != 32) co_return base::Err{unavailable()};
  co_return mcp::encode_session_id(signed_bytes, mac.bytes);
}

async::Task<base::Result<mcp::SessionClaims, http::Response>> Sessions::verify(host::Host& host,
                                                                              const RequestContext& ctx,
                                                                              const Principal& who,
                                                                              const std::string& id) {
  const std::int64_t now_s = ctx.now_ms / 1000;
  if (const mcp::SessionClaims* known = cache_ ? cache_->session(id, ctx.now_ms) : nullptr) {
    if (!belongs_to(*known, who, mcp::SessionKind::streamable_http)) co_return base::Err{not_found()};
    co_return *known;
  }
  const std::uint64_t epoch = cache_ ? cache_->epoch() : 0;
  auto decoded = mcp::decode_session_id(id);
  if (!decoded) co_return base::Err{not_found()};
  auto key = co_await mac_key(host);
  if (!key) co_return base::Err{key.error()};

  std::vector<host::Operation> ops;
  ops.push_back(host::op_hmac_sha256(*key, decoded->signed_bytes));
  ops.push_back(host::op_kv_get(mcp::session_tombstone_key(decoded->claims)));
  std::vector<host::OpResult> r = co_await host.perform(std::move(ops));

  if (!r[0].ok()) co_return base::Err{unavailable()};
  if (!base::constant_time_equal(r[0].bytes, decoded->mac)) co_return base::Err{not_found()};
  const auto& c = decoded->claims;
  if (c.issued_at > now_s + session_clock_skew_seconds || now_s - c.issued_at > session_max_age_seconds) co_return base::Err{not_found()};
  if (!belongs_to(c, who, mcp::SessionKind::streamable_http)) co_return base::Err{not_found()};
  if (r[1].status == host::OpStatus::failed) co_return base::Err{unavailable()};
  if (r[1].status == host::OpStatus::ok) co_return base::Err{not_found()};  // ended by DELETE
  if (cache_) cache_->remember_session(id, c, ctx.now_ms, (c.issued_at + session_max_age_seconds) * 1000, epoch);
  co_return std::move(decoded->claims);
}

bool Sessions::belongs_to(const mcp::SessionClaims& c, const Principal& who, mcp::SessionKind kind) {
  return c.kind == kind && c.user == who.user && c.client == who.client;
}

async::Task<base::Result<mcp::SessionClaims, http::Response>> Sessions::verify_sse(host::Host& host,
                                                                                  const Principal& who,
                                                                                  const std::string& id,
                                                                                  std::int64_t now_ms) {
  if (const mcp::SessionClaims* known = cache_ ? cache_->session(id, now_ms) : nullptr) {
    if (!belongs_to(*known, who, mcp::SessionKind::legacy_sse)) co_return base::Err{not_found()};
    co_return *known;
  }
  const std::uint64_t epoch = cache_ ? cache_->epoch() : 0;
  auto decoded = mcp::decode_session_id(id);
  if (!decoded) co_return base::Err{not_found()};
  auto key = co_await mac_key(host);
  if (!key) co_return base::Err{key.error()};
  host::OpResult mac = co_await host.perform_one(host::op_hmac_sha256(*key, decoded->signed_bytes));
  if (!mac.ok()) co_return base::Err{unavailable()};
  if (!base::constant_time_equal(mac.bytes, decoded->mac)) co_return base::Err{not_found()};
  if (!belongs_to(decoded->claims, who, mcp::SessionKind::legacy_sse)) co_return base::Err{not_found()};
  // Whether the stream is still open is the mailbox's answer on delivery, never the cache's.
  if (cache_) cache_->remember_session(id, decoded->claims, now_ms, now_ms + session_max_age_seconds * 1000, epoch);
  co_return std::move(decoded->claims);
}

async::Task<std::optional<http::Response>> Sessions::end(host::Host& host, const RequestContext& ctx,
                                                         const mcp::SessionClaims& claims, const std::string& id) {
  if (cache_) cache_->forget_session(id);
  const std::int64_t age = ctx.now_ms / 1000 - claims.issued_at;
  const std::int64_t ttl = std::max(kv_min_ttl_seconds, session_max_age_seconds - std::max<std::int64_t>(age, 0) + 1);
  host::OpResult r = co_await host.perform_one(
      host::op_kv_put(mcp::session_tombstone_key(claims), std::to_string(ctx.now_ms), static_cast<std::uint64_t>(ttl)));
  if (!r.ok()) co_return unavailable();
  co_return std::nullopt;
}

}  // namespace app
