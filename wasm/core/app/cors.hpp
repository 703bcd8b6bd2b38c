// Cross-origin access (Fetch standard §3.2 CORS protocol) for browser-based MCP clients.
//
// Contract:
// 1. Public OAuth routes (discovery documents, /register, /token): any Origin, as
//    @cloudflare/workers-oauth-provider allows; no credentials are involved (tokens travel in
//    headers and bodies, never cookies).
// 2. MCP routes (/mcp, /sse, /sse/message): only the server's own origin and ALLOWED_ORIGINS;
//    others get 403 (DNS rebinding, MCP 2025-06-18 transports §security warning).
// 3. Never on /authorize and /callback: the consent page is for the browser's top level only.
// 4. Preflights (OPTIONS) are answered here, before the bearer gate: 204 with the methods and
//    headers the route takes. Responses expose WWW-Authenticate, Mcp-Session-Id, Retry-After.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/origin_guard.hpp"
#include "http/message.hpp"

namespace app {

enum class CorsPolicy { none, any_origin, allowed_origins };

CorsPolicy cors_policy(std::string_view path);
// A preflight answer, or nullopt when `request` is not a CORS preflight for a CORS route.
std::optional<http::Response> cors_preflight(const http::Request& request, CorsPolicy policy, const GuardResult& guard);
// Adds the CORS headers a cross-origin response needs (no-op without an Origin or for `none`).
void add_cors_headers(http::Response& response, CorsPolicy policy, const GuardResult& guard);

}  // namespace app
