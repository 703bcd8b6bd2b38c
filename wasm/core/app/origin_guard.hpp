// DNS-rebinding protection for every route (MCP 2025-06-18 basic/transports §security warning;
// DESIGN.md Rule 4: URLs never come from an unvalidated Host).
//
// Contract:
// 0. Scheme: outside local development only https is served (RFC 6749 §3.1 and §3.2: TLS for the
//    authorization and token endpoints; MCP authorization "Communication Security": every
//    authorization server endpoint over HTTPS). A plain http request is 403 before anything else,
//    so no token is ever issued for, or bound to, an http origin. Cloudflare normally answers http
//    itself (Always Use HTTPS); this is the Worker's own guard when it does not.
// 1. Host: with PUBLIC_URL set, the Host must be PUBLIC_URL's host (and port); otherwise, under
//    local development, any loopback host (any port); otherwise (deployed, no PUBLIC_URL) the host
//    Cloudflare routed the request for is trusted. Failure -> 403.
// 2. The server's own origin is PUBLIC_URL's origin when set, else the request's scheme and Host.
// 3. Origin: absent is fine (non-browser clients); present, it is allowed when it is the server's
//    own origin or listed in ALLOWED_ORIGINS ("null" never is). The router refuses (403) a
//    disallowed Origin on the routes a browser must not reach cross-origin (MCP, consent,
//    callback); the public OAuth routes (discovery, /register, /token) serve any origin, as
//    @cloudflare/workers-oauth-provider does (app/cors.hpp).
#pragma once

#include <optional>
#include <string>

#include "app/config.hpp"
#include "http/message.hpp"
#include "http/url.hpp"

namespace app {

struct GuardFailure {
  std::string message;
};

struct GuardResult {
  std::string own_origin;                // valid when `failure` is empty
  std::optional<GuardFailure> failure;  // the Host is refused: 403 with this message
  std::optional<std::string> origin;    // the Origin header, lowercased, when present
  bool origin_allowed = true;           // false: a present Origin that is neither own nor listed
};

GuardResult guard_host_and_origin(const http::Request& request, const http::UrlParts& url, const Config& config);

}  // namespace app
