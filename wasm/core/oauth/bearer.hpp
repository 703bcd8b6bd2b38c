// The bearer gate in front of every MCP route (RFC 6750 §2.1, §3; RFC 9728 §5.1; MCP 2025-06-18
// authorization §2.7, §3.1).
//
// Contract:
// 1. Only `Authorization: Bearer <token>` (scheme case-insensitive, one token). A token in the
//    query string (`access_token=`) is refused outright (400, RFC 6750 §2.3 is not supported).
// 2. The token must have the issued shape, and its record `token:{user}:{grant}:{sha256}` must
//    exist (a KV read), be unexpired (checked in code: KV TTLs are at least 60 s) and name an
//    audience with this origin whose path is a segment prefix of the request path.
// 3. 401 with `WWW-Authenticate: Bearer realm="OAuth", resource_metadata="<the /mcp or /sse
//    document>"`, plus error="invalid_token" only when a token was sent. Storage failure: 503.
// 4. A token that passed 2 is remembered by the isolate's AuthCache (`ctx.cache`, app/auth_cache.hpp)
//    for at most AUTH_CACHE_SECONDS and never past its expiry; a hit skips the SHA-256 and the KV
//    read, and the audience is still checked against this request's path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/auth_cache.hpp"
#include "app/principal.hpp"
#include "async/task.hpp"
#include "base/result.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "http/url.hpp"
#include "json/json.hpp"
#include "oauth/context.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {

async::Task<base::Result<app::Principal, http::Response>> authenticate_bearer(const http::Request& request,
                                                                              const http::UrlParts& url,
                                                                              host::Host& host,
                                                                              const OAuthContext& ctx);

// Does `audience` (an absolute URL) cover `origin` + `path`? Same origin; audience path "/" or a
// prefix of `path` ending at a segment boundary.
bool audience_covers(std::string_view audience, std::string_view origin, std::string_view path);
// Any of `audiences` covers the request; an empty list (no audience recorded) does.
bool audience_list_covers(const std::vector<std::string>& audiences, std::string_view origin, std::string_view path);

// The signed-in user's props {login, id, name, email, accessToken}, decrypted on demand.
async::Task<HostResult<json::Json>> open_props(host::Host& host, const app::Principal& who);
// The same through the isolate's AuthCache (rule 6 in app/auth_cache.hpp): props kept with the
// token's cache entry are used as they are; props opened here are kept with it. `cache` may be null.
async::Task<HostResult<json::Json>> open_props(host::Host& host, const app::Principal& who, app::AuthCache* cache,
                                               std::int64_t now_ms);

}  // namespace oauth
