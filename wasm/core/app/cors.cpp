#include "app/cors.hpp"

namespace app {

namespace {

bool origin_may_read(CorsPolicy policy, const GuardResult& guard) {
  if (!guard.origin || *guard.origin == "null") return false;
  if (policy == CorsPolicy::any_origin) return true;
  return policy == CorsPolicy::allowed_origins && guard.origin_allowed;
}

}  // namespace

CorsPolicy cors_policy(std::string_view path) {
  if (path == "/mcp" || path == "/sse" || path == "/sse/message") return CorsPolicy::allowed_origins;
  if (path == "/register" || path == "/token" || path.rfind("/.well-known/oauth-", 0) == 0) return CorsPolicy::any_origin;
  return CorsPolicy::none;
}

std::optional<http::Response> cors_preflight(const http::Request& request, CorsPolicy policy, const GuardResult& guard) {
  if (request.method != "OPTIONS" || policy == CorsPolicy::none) return std::nullopt;
  http::Response r;
  r.status = 204;
  r.set("allow", policy == CorsPolicy::any_origin ? "GET, POST, OPTIONS" : "GET, POST, DELETE, OPTIONS");
  if (!origin_may_read(policy, guard)) {
    if (guard.origin && policy == CorsPolicy::allowed_origins) r.status = 403;
    return r;
  }
  r.set("access-control-allow-origin", *guard.origin);
  r.set("access-control-allow-methods", policy == CorsPolicy::any_origin ? "GET, POST, OPTIONS" : "GET, POST, DELETE, OPTIONS");
  r.set("access-control-allow-headers",
        "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID");
  r.set("access-control-max-age", "86400");
  r.set("vary", "Origin");
  return r;
}

void add_cors_headers(http::Response& response, CorsPolicy policy, const GuardResult& guard) {
  if (!origin_may_read(policy, guard)) return;
  response.set("access-control-allow-origin", *guard.origin);
  response.set("access-control-expose-headers", "WWW-Authenticate, Mcp-Session-Id, Retry-After");
  response.set("vary", "Origin");
}

}  // namespace app
