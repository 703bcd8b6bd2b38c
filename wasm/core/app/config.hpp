// Configuration: the worker's vars and secrets, read once per instance.
//
// Contract:
// 1. Built from the environment's string entries (vars and secrets, as wrangler binds them).
// 2. Missing secrets are not defaults: `cookie_encryption_key` empty means every route that needs
//    it fails closed with 500 and says which secret is missing (never which value).
// 3. `public_origin` is the origin of PUBLIC_URL when that var is set; it pins the host.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/limits.hpp"

namespace app {

struct Config {
  std::string public_origin;                 // "https://mcp.example.com", or empty
  std::vector<std::string> allowed_origins;  // ALLOWED_ORIGINS, comma-separated, exact origins
  std::string cookie_encryption_key;         // COOKIE_ENCRYPTION_KEY (secret)
  bool local_development = false;            // LOCAL_DEVELOPMENT="true": only the dev config sets it
  // SSE_KEEPALIVE_MS: how often an idle legacy SSE stream gets a `: keepalive` comment. A closed
  // stream is noticed on a write, so this also bounds how long a dead session lingers.
  std::uint32_t sse_keepalive_ms = static_cast<std::uint32_t>(sse_keepalive_ms_range.fallback);
  // SSE_MAX_STREAMS_PER_USER: legacy SSE streams one user may hold open; opening one more closes
  // that user's oldest (app/sse_endpoint.hpp).
  std::uint32_t sse_max_streams_per_user = static_cast<std::uint32_t>(sse_streams_per_user_range.fallback);
  // STORAGE_TIMEOUT_MS: how long the shim waits for a KV or Durable Object call before it counts
  // the operation failed (the request answers 503; the call may still land, as a lost reply).
  std::uint32_t storage_timeout_ms = static_cast<std::uint32_t>(storage_timeout_ms_range.fallback);

  // Sign-in with GitHub (the worker is a GitHub OAuth client).
  std::string github_client_id;      // GITHUB_CLIENT_ID (secret)
  std::string github_client_secret;  // GITHUB_CLIENT_SECRET (secret)
  std::string github_oauth_url = "https://github.com/login/oauth";  // GITHUB_OAUTH_URL
  std::string github_api_url = "https://api.github.com";            // GITHUB_API_URL
  // ALLOWED_USERNAMES: GitHub logins (comma-separated, matched case-insensitively, kept lowercase)
  // that may use generateImage. Logins can be renamed, and a freed login can be taken by someone else.
  std::vector<std::string> allowed_usernames;
  // ACCESS_TOKEN_TTL: seconds an access token lives (any value >= 1; expiry is checked in code).
  std::int64_t access_token_ttl = access_token_ttl_range.fallback;
  // AUTH_CACHE_SECONDS: how long an isolate may reuse a verified access token or session id
  // without asking KV again (app/auth_cache.hpp), 0..60; 0 turns the cache off. This is how stale a
  // revocation made elsewhere (another isolate, scripts/grants) can be; the isolate that revokes
  // forgets at once.
  std::int64_t auth_cache_seconds = auth_cache_seconds_range.fallback;
  // REQUEST_LOG: which request outcomes get their JSON log line (app/request_log.hpp): "all"
  // (default), "errors" (every reason but ok and redirect), "off". A console.log per request is
  // the largest CPU cost of a cached tools/call (docs/performance.md).
  enum class RequestLog { all, errors, off };
  RequestLog request_log = RequestLog::all;

  // The secrets sign-in needs; empty when all are set. Sign-in refuses to start otherwise.
  std::vector<std::string> missing_sign_in_secrets() const;
};

using EnvEntries = std::vector<std::pair<std::string, std::string>>;

Config config_from_env(const EnvEntries& env);

}  // namespace app
