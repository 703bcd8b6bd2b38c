#include "oauth/token_endpoint.hpp"

#include <algorithm>

#include "base/bytes.hpp"
#include "app/limits.hpp"
#include "http/form.hpp"
#include "http/url.hpp"
#include "oauth/authorization.hpp"
#include "oauth/bearer.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/grant_state.hpp"
#include "oauth/registration_endpoint.hpp"
#include "oauth/responses.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {

using json::Json;

namespace {

// The KV mirror of a grant outlives its expiry by a minute: expiry is checked in code.
constexpr std::int64_t mirror_ttl_margin_seconds = 65;

struct ClientCredentials {
  std::string id;
  std::optional<std::string> secret;
  std::string method;  // how they were presented
};

// The refresh token and the access token a code exchange or a refresh mints, in that order:
// `{user}:{grant}:{secret}` with the two halves of one random draw of 2 * token_secret_length.
HostResult<std::vector<std::string>> new_token_pair(const TokenParts& parts, const host::OpResult& draw) {
  auto secrets = random_text_of(draw, 2 * token_secret_length);
  if (!secrets) return base::Err{secrets.error()};
  const std::string prefix = parts.user_id + ":" + parts.grant_id + ":";
  std::vector<std::string> tokens;
  tokens.push_back(prefix + secrets->substr(0, token_secret_length));  // the refresh token
  tokens.push_back(prefix + secrets->substr(token_secret_length));     // the access token
  return tokens;
}

http::Response invalid_client(std::string description, bool basic_tried) {
  http::Response r = json_error(401, "invalid_client", description);
  if (basic_tried) r.set("www-authenticate", "Basic realm=\"OAuth\"");
  return r;
}

// RFC 6749 §2.3.1: Basic with form-encoded id and secret.
std::optional<ClientCredentials> basic_credentials(const std::string& header) {
  if (header.size() < 6 || http::to_lower_ascii(header.substr(0, 6)) != "basic ") return std::nullopt;
  std::string_view encoded = header;
  encoded.remove_prefix(6);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  auto decoded = base::base64_decode(encoded);
  if (!decoded) return ClientCredentials{};
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return ClientCredentials{};
  auto id = http::parse_form("v=" + decoded->substr(0, colon));
  auto secret = http::parse_form("v=" + decoded->substr(colon + 1));
  if (!id || !secret || !id->get("v") || !secret->get("v")) return ClientCredentials{};
  return ClientCredentials{*id->get("v"), *secret->get("v"), "client_secret_basic"};
}

bool is_code_verifier(const std::string& v) {  // RFC 7636 §4.1
  if (v.size() < 43 || v.size() > 128) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
  });
}

std::string string_of(const Json& record, const char* name) {
  const std::string* s = json::get_string(record, name);
  return s ? *s : std::string();
}

// KV mirrors the grant's state in the reference layout. The Durable Object already holds the
// truth, so a failed mirror write is not the client's problem: this server reads the object first,
// the object records that its mirror is pending (oauth/grant_state.hpp rule 5), and the next state
// change rewrites the mirror.
async::Task<bool> mirror_grant(host::Host& host, const std::string& key, const Json& grant, std::int64_t ttl,
                               std::int64_t object_expires_at) {
  host::OpResult saved = co_await host.perform_one(
      host::op_kv_put_with_metadata(key, json::dump(grant), static_cast<std::uint64_t>(ttl), grant_key_metadata(grant)));
  if (saved.ok()) co_return true;
  co_return co_await mark_mirror_pending(host, key, grant, object_expires_at);
}

// The grant as its object knows it. A revocation that stopped half way (oauth/store.hpp rule 3)
// is finished first, so presenting any token or code of the grant completes the cleanup.
async::Task<HostResult<GrantSnapshot>> live_grant(host::Host& host, const TokenParts& parts, HostResult<GrantSnapshot> snap,
                                                  std::int64_t now_s, app::AuthCache* cache) {
  if (!snap) co_return base::Err{snap.error()};
  if (snap->cleanup_pending) {
    auto finished = co_await revoke_grant(host, parts.user_id, parts.grant_id, now_s, cache);
    if (!finished) co_return base::Err{finished.error()};
  }
  co_return std::move(*snap);
}

async::Task<HostResult<GrantSnapshot>> read_live_grant(host::Host& host, const TokenParts& parts, std::int64_t now_s,
                                                       app::AuthCache* cache) {
  auto snap = co_await read_grant(host, grant_key(parts.user_id, parts.grant_id));
  co_return co_await live_grant(host, parts, std::move(snap), now_s, cache);
}

// What the code exchange and the refresh ask of the host before any check, in one round trip:
// the grant (its object and its KV record), the presented token's id (SHA-256) and KEK, the
// secrets of the two tokens to mint, and `extra` (the PKCE hash). Nothing is acted on before the
// checks, which read the results in the order they always had.
struct Prefetched {
  HostResult<GrantSnapshot> snapshot;
  host::OpResult presented_id;
  host::OpResult presented_kek;
  host::OpResult secrets;  // 2 x token_secret_length random bytes
  std::vector<host::OpResult> extra;
};

// Not in a coroutine: GCC 12 miscompiles aggregate initialisers inside one.
Prefetched prefetched_from(std::vector<host::OpResult>& r, std::size_t g) {
  Prefetched out{grant_snapshot(g > 0 ? r.data() : nullptr), std::move(r[g]), std::move(r[g + 1]), std::move(r[g + 2]), {}};
  for (std::size_t i = g + 3; i < r.size(); ++i) out.extra.push_back(std::move(r[i]));
  return out;
}

async::Task<Prefetched> prefetch(host::Host& host, const std::string& key, const std::string& presented,
                                 std::vector<host::Operation> extra) {
  std::vector<host::Operation> ops = grant_read_ops(key);
  const std::size_t g = ops.size();  // 0 (no grant can live under the key) or 2
  ops.push_back(host::op_sha256(presented));
  ops.push_back(op_token_kek(presented));
  ops.push_back(host::op_random(2 * token_secret_length));
  for (auto& op : extra) ops.push_back(std::move(op));
  std::vector<host::OpResult> r = co_await host.perform(std::move(ops));
  co_return prefetched_from(r, g);
}

// The props key, unwrapped under the presented token's KEK, and two new tokens' ids and wrapped
// keys: two round trips (oauth/token_crypto.hpp rule 6).
struct Minted {
  std::string props_key;
  std::vector<std::string> ids;
  std::vector<std::string> wrapped;
};

async::Task<HostResult<Minted>> unwrap_and_mint(host::Host& host, std::string presented_kek, const std::string& wrapped_base64,
                                                const std::vector<std::string>& tokens) {
  std::vector<host::Operation> unwrap;
  unwrap.push_back(host::op_aes_kw_unwrap(std::move(presented_kek), base::base64_decode(wrapped_base64).value_or(std::string())));
  auto minting = co_await mint_start(host, tokens, std::move(unwrap));
  if (!minting) co_return base::Err{minting.error()};
  if (!minting->with_results[0].ok()) co_return base::Err{HostFailure{"aes-kw unwrap"}};
  Minted m;
  m.props_key = std::move(minting->with_results[0].bytes);
  auto wrapped = co_await mint_wrap(host, std::move(minting->keks), m.props_key);
  if (!wrapped) co_return base::Err{wrapped.error()};
  m.ids = std::move(minting->ids);
  m.wrapped = std::move(*wrapped);
  co_return m;
}

bool client_record_flag(const Json& record, const char* name) {
  const Json* v = json::find(record, name);
  return v && v->is_boolean() && v->get<bool>();
}

// The audience a new access token carries: the grant's resource; for a 0.x grant holding several,
// the one this server serves (1.2.3 resolves it the same way); none recorded: the origin.
Json token_audience(const Json& grant, const std::string& origin) {
  const Json* resource = json::find(grant, "resource");
  if (resource && resource->is_string()) return *resource;
  if (resource && resource->is_array())
    for (const Json& r : *resource)
      if (r.is_string() && audience_covers(r.get_ref<const std::string&>(), origin, "/mcp")) return r;
  return Json(origin);
}

std::string scope_text(const Json& record) {
  std::string scope;
  if (const Json* s = json::find(record, "scope"); s && s->is_array())
    for (const Json& item : *s)
      if (item.is_string()) scope += (scope.empty() ? "" : " ") + item.get<std::string>();
  return scope;
}

// The requested scope tokens, when every one was granted; nullopt otherwise.
std::optional<Json> narrow_scope(std::string_view requested, const Json& grant) {
  const Json* granted = json::find(grant, "scope");
  Json out = Json::array();
  while (!requested.empty()) {
    const auto space = requested.find(' ');
    const std::string token(requested.substr(0, space));
    if (!token.empty()) {
      bool found = false;
      if (granted && granted->is_array())
        for (const Json& g : *granted) found = found || (g.is_string() && g.get_ref<const std::string&>() == token);
      if (!found) return std::nullopt;
      out.push_back(token);
    }
    if (space == std::string_view::npos) break;
    requested.remove_prefix(space + 1);
  }
  return out;
}

async::Task<base::Result<Client, http::Response>> authenticate_client(const http::Request& request,
                                                                      const http::FormFields& form, host::Host& host) {
  std::optional<ClientCredentials> creds;
  const bool basic_tried = request.header("authorization") != nullptr;
  if (const std::string* auth = request.header("authorization")) {
    creds = basic_credentials(*auth);
    if (!creds || creds->id.empty()) co_return base::Err{invalid_client("Malformed client credentials", true)};
    if (form.get("client_secret")) co_return base::Err{invalid_client("Use one client authentication method", true)};
    if (const std::string* body_id = form.get("client_id"); body_id && *body_id != creds->id)
      co_return base::Err{invalid_client("client_id does not match the credentials", true)};
  } else {
    const std::string* id = form.get("client_id");
    if (!id || id->empty()) co_return base::Err{invalid_client("Client authentication is required", false)};
    creds = ClientCredentials{*id, std::nullopt, "none"};
    if (const std::string* secret = form.get("client_secret")) {
      creds->secret = *secret;
      creds->method = "client_secret_post";
    }
  }
  auto client = co_await get_client(host, creds->id);
  if (!client) co_return base::Err{unavailable()};
  if (!*client) co_return base::Err{invalid_client("Unknown client", basic_tried)};
  const std::string registered = (*client)->auth_method();
  if (registered == "none") {
    if (creds->method != "none") co_return base::Err{invalid_client("This is a public client: send client_id only", basic_tried)};
    co_return std::move(**client);
  }
  // A confidential client must use a secret method; the registered one, when it named it (1.2.3's
  // authMethodExplicit), else either (records of 0.x and of clients that left it to the default).
  const bool explicit_method = client_record_flag((*client)->record, "authMethodExplicit");
  const bool method_ok = creds->method == registered ||
                         (!explicit_method && (creds->method == "client_secret_basic" || creds->method == "client_secret_post"));
  if (!method_ok || !creds->secret)
    co_return base::Err{invalid_client("Authenticate with " + registered, basic_tried)};
  const std::string* stored = (*client)->secret_hash();
  auto presented = co_await sha256_hex(host, *creds->secret);
  if (!presented) co_return base::Err{unavailable()};
  if (!stored || !base::constant_time_equal(*presented, *stored))
    co_return base::Err{invalid_client("Invalid client credentials", basic_tried)};
  co_return std::move(**client);
}

// Writes the record of a new access token (its id and wrapped key minted) for `grant` (already
// redeemed or refreshed). `token_scope`: the token's scope when narrower than the grant's (a
// refresh asking for less).
async::Task<HostResult<bool>> store_access_token(host::Host& host, const OAuthContext& ctx, const Json& grant,
                                                 const std::string& user_id, const std::string& grant_id,
                                                 const std::string& id, const std::string& wrapped,
                                                 const Json* token_scope = nullptr) {
  const std::int64_t now = ctx.now_s();
  Json record = Json::object();
  record["id"] = id;
  record["grantId"] = grant_id;
  record["userId"] = user_id;
  record["createdAt"] = now;
  record["expiresAt"] = now + ctx.config.access_token_ttl;
  record["audience"] = token_audience(grant, ctx.origin);
  const Json grant_scope = grant.contains("scope") ? grant["scope"] : Json::array();
  record["scope"] = token_scope ? *token_scope : grant_scope;
  record["wrappedEncryptionKey"] = wrapped;
  Json summary = Json::object();
  // string_of, never grant["..."]: on a const Json a missing key is an assert (UB under NDEBUG),
  // and a stored grant may lack a field (found by fuzzing, docs/security.md "Fuzzing").
  summary["clientId"] = string_of(grant, "clientId");
  summary["scope"] = grant_scope;  // the grant's, as 1.2.3 writes it
  summary["encryptedProps"] = string_of(grant, "encryptedProps");
  record["grant"] = std::move(summary);
  const auto kv_ttl = static_cast<std::uint64_t>(std::max<std::int64_t>(app::kv_min_ttl_seconds, ctx.config.access_token_ttl));
  host::OpResult stored = co_await host.perform_one(host::op_kv_put(token_key(user_id, grant_id, id), json::dump(record), kv_ttl));
  if (!stored.ok()) co_return base::Err{HostFailure{"kv put"}};
  co_return true;
}

async::Task<http::Response> redeem_code(const http::FormFields& form, const Client& client, host::Host& host,
                                        const OAuthContext& ctx) {
  const std::string* code = form.get("code");
  if (!code || code->empty()) co_return json_error(400, "invalid_request", "code is required");
  auto parts = split_token(*code);
  if (!parts) co_return json_error(400, "invalid_grant", "Invalid authorization code");
  const std::string key = grant_key(parts->user_id, parts->grant_id);
  const std::string* verifier = form.get("code_verifier");
  const bool verifier_readable = verifier && is_code_verifier(*verifier);
  std::vector<host::Operation> pkce;
  if (verifier_readable) pkce.push_back(host::op_sha256(*verifier));
  Prefetched pre = co_await prefetch(host, key, *code, std::move(pkce));
  auto snap = co_await live_grant(host, *parts, std::move(pre.snapshot), ctx.now_s(), ctx.cache);
  if (!snap) co_return unavailable();
  if (!snap->record) co_return json_error(400, "invalid_grant", "Authorization code expired or unknown");
  Json grant = *snap->record;
  auto code_id = digest_hex(pre.presented_id);
  if (!code_id) co_return unavailable();
  if (!base::constant_time_equal(*code_id, string_of(grant, "authCodeId")))
    co_return json_error(400, "invalid_grant", "Invalid authorization code");
  if (string_of(grant, "clientId") != client.id()) co_return json_error(400, "invalid_grant", "The code was issued to another client");
  if (!grant.contains("authCodeWrappedKey")) {
    // A replayed code: whatever the first exchange issued is revoked (RFC 6749 §4.1.2).
    auto revoked = co_await revoke_grant(host, parts->user_id, parts->grant_id, ctx.now_s(), ctx.cache);
    if (!revoked) co_return unavailable();
    co_return json_error(400, "invalid_grant", "Authorization code already used; its tokens are revoked");
  }
  const auto created = json::get_safe_integer(grant, "createdAt");
  if (!created || ctx.now_s() - *created > app::authorization_code_ttl_seconds)
    co_return json_error(400, "invalid_grant", "Authorization code expired");
  // Every code here was issued with PKCE, so, as workers-oauth-provider 1.2.3, redirect_uri may be
  // omitted; when sent it must be the one of that authorization request (grants written by 0.8-0.10
  // did not record it: then one of the client's registered URIs).
  if (const std::string* redirect_uri = form.get("redirect_uri")) {
    const bool matches = grant.contains("redirectUri")
                             ? *redirect_uri == string_of(grant, "redirectUri")
                             : find_redirect_uri(*redirect_uri, client.redirect_uris()) != nullptr;
    if (!matches) co_return json_error(400, "invalid_grant", "redirect_uri must equal the one of the authorization request");
  }
  if (!verifier) co_return json_error(400, "invalid_request", "code_verifier is required (PKCE)");
  if (!verifier_readable) co_return json_error(400, "invalid_grant", "code_verifier is not 43-128 unreserved characters");
  auto challenge = digest_base64url(pre.extra[0]);
  if (!challenge) co_return unavailable();
  if (!base::constant_time_equal(*challenge, string_of(grant, "codeChallenge")))
    co_return json_error(400, "invalid_grant", "code_verifier does not match the code_challenge");

  // The code's hash matched its grant, so a readable wrapped key that fails to open is the host's failure.
  const std::string code_wrapped = string_of(grant, "authCodeWrappedKey");
  if (!is_wrapped_key(code_wrapped)) co_return json_error(400, "invalid_grant", "Invalid authorization code");
  auto code_kek = kek_bytes(std::move(pre.presented_kek));
  if (!code_kek) co_return unavailable();
  auto tokens = new_token_pair(*parts, pre.secrets);
  if (!tokens) co_return unavailable();
  auto minted = co_await unwrap_and_mint(host, std::move(*code_kek), code_wrapped, *tokens);
  if (!minted) co_return unavailable();

  const std::int64_t now = ctx.now_s();
  grant.erase("authCodeWrappedKey");
  grant.erase("codeChallenge");
  grant.erase("codeChallengeMethod");
  grant["refreshTokenId"] = minted->ids[0];
  grant["refreshTokenWrappedKey"] = minted->wrapped[0];
  grant["expiresAt"] = now + app::refresh_token_ttl_seconds;
  // The access token first: until the swap below commits, it is unreachable (nobody received it);
  // a failure before the swap leaves the code redeemable.
  auto stored = co_await store_access_token(host, ctx, grant, parts->user_id, parts->grant_id, minted->ids[1], minted->wrapped[1]);
  if (!stored) co_return unavailable();
  // The commit point: exactly one redemption of this code wins, across every isolate.
  const std::int64_t object_expires_at = now + app::refresh_token_ttl_seconds + app::grant_object_grace_seconds;
  auto swapped = co_await swap_grant(host, key, *snap, grant, object_expires_at);
  if (!swapped) co_return unavailable();
  if (!*swapped) {
    auto revoked = co_await revoke_grant(host, parts->user_id, parts->grant_id, now, ctx.cache);
    if (!revoked) co_return unavailable();
    co_return json_error(400, "invalid_grant", "Authorization code already used; its tokens are revoked");
  }
  co_await mirror_grant(host, key, grant, app::refresh_token_ttl_seconds + mirror_ttl_margin_seconds, object_expires_at);

  Json reply = Json::object();
  reply["access_token"] = (*tokens)[1];
  reply["token_type"] = "bearer";
  reply["expires_in"] = ctx.config.access_token_ttl;
  reply["refresh_token"] = (*tokens)[0];
  reply["scope"] = scope_text(grant);
  reply["resource"] = token_audience(grant, ctx.origin);
  co_return no_store_json(200, reply);
}

// RFC 6749 §6 with rotation (OAuth 2.1 §4.3.1): the current refresh token and the one just
// replaced both work (a client whose reply was lost can retry), as in workers-oauth-provider 1.2.3;
// each use rotates. The refresh lifetime is the grant's, fixed at the code exchange.
async::Task<http::Response> refresh(const http::FormFields& form, const Client& client, host::Host& host,
                                    const OAuthContext& ctx) {
  const std::string* presented = form.get("refresh_token");
  if (!presented || presented->empty()) co_return json_error(400, "invalid_request", "refresh_token is required");
  auto parts = split_token(*presented);
  if (!parts) co_return json_error(400, "invalid_grant", "Invalid refresh token");
  const std::string key = grant_key(parts->user_id, parts->grant_id);
  std::vector<host::Operation> nothing_more;  // a named local: see docs/architecture.md, toolchain notes
  Prefetched pre = co_await prefetch(host, key, *presented, std::move(nothing_more));
  auto snap = co_await live_grant(host, *parts, std::move(pre.snapshot), ctx.now_s(), ctx.cache);
  if (!snap) co_return unavailable();
  if (!snap->record) co_return json_error(400, "invalid_grant", "The grant was revoked or has expired");
  Json grant = *snap->record;
  auto presented_id = digest_hex(pre.presented_id);
  if (!presented_id) co_return unavailable();
  auto in_window = [&](const Json& g) {
    return base::constant_time_equal(*presented_id, string_of(g, "refreshTokenId")) ||
           base::constant_time_equal(*presented_id, string_of(g, "previousRefreshTokenId"));
  };
  auto retired_in = [&](const Json& g) {
    bool retired = false;
    if (const Json* old = json::find(g, "retiredRefreshTokenIds"); old && old->is_array())
      for (const Json& id : *old) retired = retired || (id.is_string() && base::constant_time_equal(id.get_ref<const std::string&>(), *presented_id));
    return retired;
  };
  // Another writer (the TypeScript library on the same namespace) rotated it in KV: start from its
  // view, unless the grant's object already retired this token (then the KV copy is merely stale,
  // and taking it would roll the grant back for whoever holds a retired token).
  if (!in_window(grant) && !retired_in(grant) && snap->kv_record && in_window(*snap->kv_record)) grant = *snap->kv_record;
  const bool is_current = base::constant_time_equal(*presented_id, string_of(grant, "refreshTokenId"));
  const bool is_previous =
      !is_current && base::constant_time_equal(*presented_id, string_of(grant, "previousRefreshTokenId"));
  if (!is_current && !is_previous) {
    // RFC 9700 §4.14.2: a refresh token that was rotated away is being replayed; someone holds a
    // copy. The grant ends, for the legitimate client too.
    if (retired_in(grant) && string_of(grant, "clientId") == client.id()) {
      auto revoked = co_await revoke_grant(host, parts->user_id, parts->grant_id, ctx.now_s(), ctx.cache);
      if (!revoked) co_return unavailable();
      co_return json_error(400, "invalid_grant", "This refresh token was already rotated; the grant is revoked");
    }
    co_return json_error(400, "invalid_grant", "Invalid refresh token");
  }
  if (string_of(grant, "clientId") != client.id()) co_return json_error(400, "invalid_grant", "The refresh token belongs to another client");
  const std::int64_t now = ctx.now_s();
  // No expiresAt: a record of a library version that wrote none. One that is not a safe integer
  // is unreadable, and refused.
  const auto expires = json::get_safe_integer(grant, "expiresAt");
  if (expires ? *expires - now < app::refresh_min_remaining_seconds : json::find(grant, "expiresAt") != nullptr)
    co_return json_error(400, "invalid_grant", "The refresh token has expired");
  // The token's scope: the grant's, or the narrower one asked for (RFC 6749 §6: never wider).
  std::optional<Json> narrowed;
  if (const std::string* scope = form.get("scope")) {
    narrowed = narrow_scope(*scope, grant);
    if (!narrowed) co_return json_error(400, "invalid_scope", "scope may only narrow what was granted");
  }
  const std::string wrapped = string_of(grant, is_current ? "refreshTokenWrappedKey" : "previousRefreshTokenWrappedKey");
  if (!is_wrapped_key(wrapped)) co_return json_error(400, "invalid_grant", "Invalid refresh token");
  auto presented_kek = kek_bytes(std::move(pre.presented_kek));
  if (!presented_kek) co_return unavailable();
  auto tokens = new_token_pair(*parts, pre.secrets);
  if (!tokens) co_return unavailable();
  // Its hash matched, so an unwrap that fails is the host's failure.
  auto minted = co_await unwrap_and_mint(host, std::move(*presented_kek), wrapped, *tokens);
  if (!minted) co_return unavailable();
  // The window keeps the newest and the presented token. A token that falls out after having been
  // presented is retired, so a later replay of it is recognised (kept to the most recent 50); one
  // that falls out unused (a race of two refreshes with one token) is merely invalid.
  Json retired = grant.contains("retiredRefreshTokenIds") && grant["retiredRefreshTokenIds"].is_array()
                     ? grant["retiredRefreshTokenIds"]
                     : Json::array();
  if (is_current) {
    const std::string used = string_of(grant, "previousRefreshTokenId");  // it became "previous" by being presented
    if (!used.empty()) retired.push_back(used);
  }
  while (retired.size() > app::max_retired_refresh_tokens) retired.erase(retired.begin());
  grant["retiredRefreshTokenIds"] = std::move(retired);
  grant["previousRefreshTokenId"] = *presented_id;
  grant["previousRefreshTokenWrappedKey"] = wrapped;
  grant["refreshTokenId"] = minted->ids[0];
  grant["refreshTokenWrappedKey"] = minted->wrapped[0];
  const std::int64_t grant_expires = expires ? *expires : now + app::refresh_token_ttl_seconds;
  const Json* token_scope = narrowed ? &*narrowed : nullptr;
  auto stored = co_await store_access_token(host, ctx, grant, parts->user_id, parts->grant_id, minted->ids[1], minted->wrapped[1],
                                           token_scope);
  if (!stored) co_return unavailable();
  // One rotation at a time: a refresh that raced another with the same grant loses here, so the
  // grant never forks into two refresh-token lines.
  const std::int64_t object_expires_at = grant_expires + app::grant_object_grace_seconds;
  auto swapped = co_await swap_grant(host, key, *snap, grant, object_expires_at);
  if (!swapped) co_return unavailable();
  if (!*swapped) co_return json_error(400, "invalid_grant", "The grant was refreshed concurrently; use the newest refresh token");
  co_await mirror_grant(host, key, grant, std::max<std::int64_t>(grant_expires - now, app::kv_min_ttl_seconds) + mirror_ttl_margin_seconds,
                        object_expires_at);
  Json reply = Json::object();
  reply["access_token"] = (*tokens)[1];
  reply["token_type"] = "bearer";
  reply["expires_in"] = ctx.config.access_token_ttl;
  reply["refresh_token"] = (*tokens)[0];
  reply["scope"] = narrowed ? scope_text(Json{{"scope", *narrowed}}) : scope_text(grant);
  reply["resource"] = token_audience(grant, ctx.origin);
  co_return no_store_json(200, reply);
}

// RFC 7009: POST /token with `token` and no grant_type (the advertised revocation_endpoint, as in
// workers-oauth-provider). 200 for any token, known or not; only the client it was issued to can
// revoke it. An access token ends alone; a refresh token (current or previous) ends the grant.
async::Task<http::Response> revoke(const http::FormFields& form, const Client& client, host::Host& host,
                                   std::int64_t now_s, app::AuthCache* cache) {
  const std::string* token = form.get("token");
  if (!token || token->empty()) co_return json_error(400, "invalid_request", "token is required");
  http::Response ok = no_store_json(200, Json::object());
  auto parts = split_token(*token);
  if (!parts) co_return ok;
  auto id = co_await sha256_hex(host, *token);
  if (!id) co_return unavailable();
  auto access = co_await get_json(host, token_key(parts->user_id, parts->grant_id, *id));
  if (!access) co_return unavailable();
  if (*access) {
    const Json* g = json::get_object(**access, "grant");
    if (g && string_of(*g, "clientId") == client.id()) {
      if (cache) cache->forget_token(*token);
      host::OpResult deleted = co_await host.perform_one(host::op_kv_delete(token_key(parts->user_id, parts->grant_id, *id)));
      if (!deleted.ok()) co_return unavailable();
      if (cache) cache->forget_token(*token);
    }
    co_return ok;
  }
  auto snap = co_await read_live_grant(host, *parts, now_s, cache);
  if (!snap) co_return unavailable();
  if (!snap->record || string_of(*snap->record, "clientId") != client.id()) co_return ok;
  const bool is_refresh = base::constant_time_equal(*id, string_of(*snap->record, "refreshTokenId")) ||
                          base::constant_time_equal(*id, string_of(*snap->record, "previousRefreshTokenId"));
  if (!is_refresh) co_return ok;
  auto revoked = co_await revoke_grant(host, parts->user_id, parts->grant_id, now_s, cache);
  if (!revoked) co_return unavailable();
  co_return ok;
}

}  // namespace

async::Task<http::Response> handle_token(const http::Request& request, host::Host& host, const OAuthContext& ctx) {
  if (request.method != "POST") {
    http::Response r = json_error(405, "invalid_request", "Use POST");
    r.set("allow", "POST");
    co_return r;
  }
  if (request.body_too_large) co_return json_error(413, "invalid_request", "The request is too large");
  const std::string* type = request.header("content-type");
  if (!type || http::to_lower_ascii(type->substr(0, type->find(';'))) != "application/x-www-form-urlencoded")
    co_return json_error(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
  auto form = http::parse_form(request.body);
  if (!form) co_return json_error(400, "invalid_request", "The form could not be read");
  for (const auto& field : form->fields)
    if (form->repeated(field.first)) co_return json_error(400, "invalid_request", field.first + " is given more than once");
  auto client = co_await authenticate_client(request, *form, host);
  if (!client) co_return client.error();
  const std::string* grant_type = form->get("grant_type");
  if (!grant_type && form->get("token")) co_return co_await revoke(*form, *client, host, ctx.now_s(), ctx.cache);
  if (!grant_type) co_return json_error(400, "invalid_request", "grant_type is required");
  if (!client->allows_grant_type(*grant_type))
    co_return json_error(400, "unauthorized_client", "This client is not registered for " + *grant_type);
  http::Response reply;
  if (*grant_type == "authorization_code") reply = co_await redeem_code(*form, *client, host, ctx);
  else if (*grant_type == "refresh_token") reply = co_await refresh(*form, *client, host, ctx);
  else co_return json_error(400, "unsupported_grant_type", "Supported: authorization_code, refresh_token");
  if (reply.status == 200) co_await renew_registration_if_due(host, client->record, ctx.now_s());
  co_return reply;
}

}  // namespace oauth
