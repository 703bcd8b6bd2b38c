#include "oauth/bearer.hpp"

#include <algorithm>

#include "oauth/metadata.hpp"
#include "oauth/responses.hpp"
#include "oauth/store.hpp"

namespace oauth {

using json::Json;

namespace {

http::Response challenge(const OAuthContext& ctx, std::string_view path, const char* error, std::string description) {
  std::string header = "Bearer realm=\"OAuth\", resource_metadata=\"" + resource_metadata_url(ctx.origin, path) + "\"";
  http::Response r;
  if (error) {
    header += ", error=\"" + std::string(error) + "\", error_description=\"" + description + "\"";
    r = json_error(std::string_view(error) == "invalid_request" ? 400 : 401, error, description);
  } else {
    r = json_error(401, "unauthorized", description);  // RFC 6750 §3.1: no error code without a token
    r.outcome.reason = "missing_token";
  }
  r.set("www-authenticate", header);
  return r;
}

std::optional<std::string> bearer_token(const std::string& header) {
  if (header.size() < 7 || http::to_lower_ascii(header.substr(0, 7)) != "bearer ") return std::nullopt;
  std::string token = header.substr(7);
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.erase(0, 1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.pop_back();
  if (token.empty() || token.find_first_of(" \t,") != std::string::npos) return std::nullopt;
  return token;
}

}  // namespace

bool audience_list_covers(const std::vector<std::string>& audiences, std::string_view origin, std::string_view path) {
  if (audiences.empty()) return true;  // no audience recorded: bound to this server (0.8 records)
  for (const std::string& a : audiences)
    if (audience_covers(a, origin, path)) return true;
  return false;
}

bool audience_covers(std::string_view audience, std::string_view origin, std::string_view path) {
  auto parts = http::split_url(audience);
  if (!parts || parts->origin() != origin || !parts->query.empty()) return false;
  std::string_view a = parts->path;
  if (a == "/" || a.empty()) return true;
  if (a.back() == '/') a.remove_suffix(1);
  return path == a || (path.size() > a.size() && path.substr(0, a.size()) == a && path[a.size()] == '/');
}

async::Task<base::Result<app::Principal, http::Response>> authenticate_bearer(const http::Request& request,
                                                                              const http::UrlParts& url,
                                                                              host::Host& host,
                                                                              const OAuthContext& ctx) {
  if (http::query_param(url.query, "access_token"))
    co_return base::Err{challenge(ctx, url.path, "invalid_request", "Send the access token in the Authorization header")};
  const std::string* header = request.header("authorization");
  if (!header) co_return base::Err{challenge(ctx, url.path, nullptr, "Sign in: this server needs an access token")};
  auto token = bearer_token(*header);
  if (!token) co_return base::Err{challenge(ctx, url.path, nullptr, "Sign in: this server needs a Bearer access token")};
  auto parts = split_token(*token);
  if (!parts) co_return base::Err{challenge(ctx, url.path, "invalid_token", "The access token is not one this server issued")};
  if (const app::CachedToken* known = ctx.cache ? ctx.cache->token(*token, ctx.request.now_ms) : nullptr) {
    if (!audience_list_covers(known->audience, ctx.origin, url.path))
      co_return base::Err{challenge(ctx, url.path, "invalid_token", "The access token is for another resource")};
    app::Principal who = known->who;
    who.token = std::move(*token);
    co_return who;
  }
  const std::uint64_t epoch = ctx.cache ? ctx.cache->epoch() : 0;
  auto id = co_await sha256_hex(host, *token);
  if (!id) co_return base::Err{unavailable()};
  auto record = co_await get_json(host, token_key(parts->user_id, parts->grant_id, *id));
  if (!record) co_return base::Err{unavailable()};
  if (!*record) co_return base::Err{challenge(ctx, url.path, "invalid_token", "The access token is unknown or revoked")};
  const Json& r = **record;
  const Json* expires = json::find(r, "expiresAt");
  // Compared as doubles: a stored 1e300 converted to int64 was UB (found by fuzzing).
  if (!expires || !expires->is_number() || static_cast<double>(ctx.request.now_ms) >= expires->get<double>() * 1000)
    co_return base::Err{challenge(ctx, url.path, "invalid_token", "The access token has expired")};
  // The audience: one URL (1.x), several (0.x, any may cover the request), or none (0.8: bound to
  // the server, as 1.2.3 reads it).
  const Json* audience = json::find(r, "audience");
  std::vector<std::string> audiences;
  if (audience && audience->is_string()) audiences.push_back(audience->get<std::string>());
  if (audience && audience->is_array())
    for (const Json& a : *audience) audiences.push_back(a.is_string() ? a.get<std::string>() : std::string());
  const bool unreadable_audience = audience && !audience->is_null() && audiences.empty();
  if (unreadable_audience || !audience_list_covers(audiences, ctx.origin, url.path))
    co_return base::Err{challenge(ctx, url.path, "invalid_token", "The access token is for another resource")};
  const Json* grant = json::get_object(r, "grant");
  const std::string* client = grant ? json::get_string(*grant, "clientId") : nullptr;
  const std::string* props = grant ? json::get_string(*grant, "encryptedProps") : nullptr;
  const std::string* wrapped = json::get_string(r, "wrappedEncryptionKey");
  if (!client || !props || !wrapped)
    co_return base::Err{challenge(ctx, url.path, "invalid_token", "The access token record is unreadable")};
  app::Principal who{parts->user_id, *client, parts->grant_id, std::move(*token), *wrapped, *props};
  if (ctx.cache) {
    // Clamped before the conversion, which is UB for a stored 1e300 (found by fuzzing).
    const auto expires_at_ms = static_cast<std::int64_t>(std::clamp(expires->get<double>() * 1000, -9e18, 9e18));
    ctx.cache->remember_token(who.token, app::CachedToken{who, std::move(audiences), expires_at_ms, std::nullopt}, ctx.request.now_ms, epoch);
  }
  co_return who;
}

async::Task<HostResult<Json>> open_props(host::Host& host, const app::Principal& who) {
  auto key = co_await unwrap_key_with_token(host, who.token, who.wrapped_encryption_key);
  if (!key) co_return base::Err{key.error()};
  co_return co_await decrypt_props(host, std::move(*key), who.encrypted_props);
}

async::Task<HostResult<Json>> open_props(host::Host& host, const app::Principal& who, app::AuthCache* cache,
                                         std::int64_t now_ms) {
  if (cache) {
    if (const Json* kept = cache->props(who.token, now_ms)) co_return Json(*kept);
  }
  const std::uint64_t epoch = cache ? cache->epoch() : 0;
  auto props = co_await open_props(host, who);
  if (props && cache) cache->remember_props(who.token, *props, epoch);
  co_return props;
}

}  // namespace oauth
