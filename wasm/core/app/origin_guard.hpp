// DNS-rebinding protection for every route (MCP 2025-06-18 basic/transports §security warning;
// DESIGN.md Rule 4: URLs never come from an unvalidated Host).
//
// Contract:
// 1. Host: with PUBLIC_URL set, the Host must be PUBLIC_URL's host (and port); otherwise, under
//    local development, any loopback host (any port); otherwise (deployed, no PUBLIC_URL) the host
//    Cloudflare routed the request for is trusted. Failure -> 403.
// 2. The server's own origin is PUBLIC_URL's origin when set, else the request's scheme and Host.
// 3. Origin: absent is fine (non-browser clients); present, it must be the server's own origin or
//    listed in ALLOWED_ORIGINS, else 403. "null" is never allowed.
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
  std::optional<GuardFailure> failure;  // 403 with this message
};

GuardResult guard_host_and_origin(const http::Request& request, const http::UrlParts& url, const Config& config);

}  // namespace app
