#include "oauth/authorization.hpp"

#include "app/limits.hpp"
#include "base/bytes.hpp"

#include "oauth/responses.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {

using json::Json;

namespace {

// Listed grant metadata that cannot name `client_id`: JSON without a backslash spells every string
// literally, so a client id (itself free of what JSON escapes) that is not in the text is not its
// clientId. Spares parsing the metadata of every other client's grant (a user may have many).
bool cannot_name(std::string_view metadata, std::string_view client_id) {
  if (metadata.find('\\') != std::string_view::npos) return false;
  for (char c : client_id)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return metadata.find(client_id) == std::string_view::npos;
}

// Grants of `user_id` for the same client and resource, other than `keep`, judged from the KV key
// metadata (a grant without metadata is read). `first_page`: the reply to op_list_first_page.
async::Task<HostResult<std::vector<std::string>>> earlier_grants(host::Host& host, const std::string& user_id,
                                                                 const std::string& keep, const AuthRequest& request,
                                                                 host::OpResult first_page) {
  std::vector<std::string> out;
  const std::string prefix = "grant:" + user_id + ":";
  auto keys = co_await list_keys_from(host, prefix, std::move(first_page));
  if (!keys) co_return base::Err{keys.error()};
  for (const auto& key : *keys) {
    const std::string grant_id = key.name.substr(prefix.size());
    if (grant_id == keep || grant_id.find(':') != std::string::npos) continue;
    if (!key.metadata.empty() && cannot_name(key.metadata, request.client_id)) continue;
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
  // One draw for the grant id, the props key and the code's secret.
  host::OpResult drawn = co_await host.perform_one(host::op_random(grant_id_length + 32 + token_secret_length));
  if (!drawn.ok() || drawn.bytes.size() != grant_id_length + 32 + token_secret_length) co_return unavailable_page();
  const std::string grant_id = random_text(std::string_view(drawn.bytes).substr(0, grant_id_length));
  const std::string props_key = drawn.bytes.substr(grant_id_length, 32);
  const std::string code =
      user_id + ":" + grant_id + ":" + random_text(std::string_view(drawn.bytes).substr(grant_id_length + 32));
  // The props sealed under their key, and the code's id and KEK, in one round trip; the key
  // wrapped under the code in another.
  std::vector<std::string> tokens;
  tokens.push_back(code);
  std::vector<host::Operation> seal;
  seal.push_back(host::op_aes_gcm_encrypt(props_key, std::string(12, '\0'), json::dump(props)));
  auto minting = co_await mint_start(host, tokens, std::move(seal));
  if (!minting || !minting->with_results[0].ok()) co_return unavailable_page();
  const std::string encrypted = base::base64_encode(minting->with_results[0].bytes);
  auto wrapped = co_await mint_wrap(host, std::move(minting->keks), props_key);
  if (!wrapped) co_return unavailable_page();

  Json grant{{"id", grant_id},
             {"clientId", request.client_id},
             {"userId", user_id},
             {"scope", request.scope},
             {"metadata", Json::object()},
             {"encryptedProps", encrypted},
             {"createdAt", ctx.now_s()},
             {"authCodeId", minting->ids[0]},
             {"authCodeWrappedKey", (*wrapped)[0]},
             {"codeChallenge", request.code_challenge},
             {"codeChallengeMethod", "S256"},
             {"resource", request.resource},
             {"redirectUri", request.redirect_uri}};
  // The grant, and (in the same round trip) the list of the user's grants that a new authorization
  // replaces: the list leaves out the new grant by its id, whether or not it already shows it.
  std::vector<host::Operation> ops;
  ops.push_back(host::op_kv_put_with_metadata(grant_key(user_id, grant_id), json::dump(grant),
                                              app::authorization_code_ttl_seconds, grant_key_metadata(grant)));
  ops.push_back(op_list_first_page("grant:" + user_id + ":"));
  std::vector<host::OpResult> stored = co_await host.perform(std::move(ops));
  if (!stored[0].ok()) co_return unavailable_page();

  // A new authorization of the same user and client replaces the earlier ones (as
  // completeAuthorization's revokeExistingGrants does): the client now holds only this grant.
  auto earlier = co_await earlier_grants(host, user_id, grant_id, request, std::move(stored[1]));
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
