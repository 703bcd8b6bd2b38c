#include "oauth/authorization.hpp"
#include "app/limits.hpp"

#include "oauth/responses.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {

using json::Json;

namespace {

// Grants of `user_id` for the same client and resource, other than `keep`, judged from the KV key
// metadata (a grant without metadata is read).
async::Task<HostResult<std::vector<std::string>>> earlier_grants(host::Host& host, const std::string& user_id,
                                                                 const std::string& keep, const AuthRequest& request) {
  std::vector<std::string> out;
  const std::string prefix = "grant:" + user_id + ":";
  auto keys = co_await list_keys(host, prefix);
  if (!keys) co_return base::Err{keys.error()};
  for (const auto& key : *keys) {
    const std::string grant_id = key.name.substr(prefix.size());
    if (grant_id == keep || grant_id.find(':') != std::string::npos) continue;
    Json meta;
    if (auto parsed = json::parse(key.metadata); parsed.value) {
      meta = std::move(*parsed.value);
    } else {
      auto record = co_await get_json(host, key.name);
      if (!record) co_return base::Err{record.error()};
      if (!*record) continue;
      meta = std::move(**record);
    }
    const std::string* client = json::get_string(meta, "clientId");
    const std::string* resource = json::get_string(meta, "resource");
    if (client && *client == request.client_id && (!resource || *resource == request.resource)) out.push_back(grant_id);
  }
  co_return out;
}

}  // namespace

async::Task<http::Response> complete_authorization(host::Host& host, const OAuthContext& ctx,
                                                   const AuthRequest& request, std::string user_id,
                                                   Json props) {
  auto grant_id = co_await random_string(host, grant_id_length);
  if (!grant_id) co_return unavailable_page();
  auto sealed = co_await encrypt_props(host, props);
  if (!sealed) co_return unavailable_page();
  auto secret = co_await random_string(host, token_secret_length);
  if (!secret) co_return unavailable_page();
  const std::string code = user_id + ":" + *grant_id + ":" + *secret;
  auto code_id = co_await sha256_hex(host, code);
  if (!code_id) co_return unavailable_page();
  auto wrapped = co_await wrap_key_with_token(host, code, sealed->key);
  if (!wrapped) co_return unavailable_page();

  Json grant{{"id", *grant_id},
             {"clientId", request.client_id},
             {"userId", user_id},
             {"scope", request.scope},
             {"metadata", Json::object()},
             {"encryptedProps", sealed->encrypted},
             {"createdAt", ctx.now_s()},
             {"authCodeId", *code_id},
             {"authCodeWrappedKey", *wrapped},
             {"codeChallenge", request.code_challenge},
             {"codeChallengeMethod", "S256"},
             {"resource", request.resource},
             {"redirectUri", request.redirect_uri}};
  host::OpResult stored = co_await host.perform_one(host::op_kv_put_with_metadata(
      grant_key(user_id, *grant_id), json::dump(grant), app::authorization_code_ttl_seconds, grant_key_metadata(grant)));
  if (!stored.ok()) co_return unavailable_page();

  // A new authorization of the same user and client replaces the earlier ones (as
  // completeAuthorization's revokeExistingGrants does): the client now holds only this grant.
  auto earlier = co_await earlier_grants(host, user_id, *grant_id, request);
  if (!earlier) co_return unavailable_page();
  for (const auto& old : *earlier) {
    auto revoked = co_await revoke_grant(host, user_id, old, ctx.now_s(), ctx.cache);
    if (!revoked) co_return unavailable_page();
  }

  std::vector<std::pair<std::string, std::string>> params{{"code", code}};
  if (!request.state.empty()) params.emplace_back("state", request.state);
  params.emplace_back("iss", ctx.origin);
  co_return redirect_with(request.redirect_uri, params);
}

}  // namespace oauth
