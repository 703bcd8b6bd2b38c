#include "app/app.hpp"

#include "app/cors.hpp"
#include "app/home_page.hpp"
#include "app/limits.hpp"
#include "app/mcp_endpoint.hpp"
#include "app/origin_guard.hpp"
#include "app/sse_endpoint.hpp"
#include "github/sign_in.hpp"
#include "oauth/authorize_endpoint.hpp"
#include "oauth/bearer.hpp"
#include "oauth/context.hpp"
#include "oauth/metadata.hpp"
#include "oauth/rate_limit.hpp"
#include "oauth/registration_endpoint.hpp"
#include "oauth/token_endpoint.hpp"
#include "app/principal.hpp"
#include "app/request_log.hpp"
#include "app/responses.hpp"
#include "base/result.hpp"
#include "http/url.hpp"

namespace app {

namespace {

mcp::ServerInfo server_info() {
  mcp::ServerInfo info;
  info.instructions =
      "Tools: add (adds two numbers); userInfoOctokit (the signed-in GitHub user, read with their own "
      "token); generateImage (an image from a prompt, for allow-listed GitHub logins only).";
  return info;
}

// limits.hpp max_request_headers, max_request_header_bytes.
bool headers_too_large(const http::Request& request) {
  if (request.headers.size() > max_request_headers) return true;
  std::size_t bytes = 0;
  for (const auto& [name, value] : request.headers) bytes += name.size() + value.size();
  return bytes > max_request_header_bytes;
}

}  // namespace

App::App(Config config)
    : config_(std::move(config)),
      auth_cache_(config_.auth_cache_seconds * 1000),
      server_(server_info(), tools_, config_, &auth_cache_) {
  tools::register_tools(tools_);
}

async::Task<http::Response> App::handle(const http::Request& request, const RequestContext& ctx, host::Host& host) {
  const auto url = http::split_url(request.url);
  http::Response response = co_await respond(request, url, ctx, host);
  if (wants_log_line(config_.request_log, response))
    response.log = request_log_line(request.method, url ? std::string_view(url->path) : std::string_view(), response);
  co_return response;
}

async::Task<http::Response> App::respond(const http::Request& request, const std::optional<http::UrlParts>& url,
                                         const RequestContext& ctx, host::Host& host) {
  if (!url) co_return text_response(400, "Bad Request: unreadable URL\n");
  if (headers_too_large(request)) {
    http::Response refused = text_response(431, "Request Header Fields Too Large\n");
    refused.outcome.reason = "headers_too_large";
    co_return refused;
  }
  const GuardResult guard = guard_host_and_origin(request, *url, config_);
  if (guard.failure) {
    http::Response refused = jsonrpc_http_error(403, jsonrpc::invalid_request, guard.failure->message);
    refused.outcome.reason = "host_rejected";
    co_return refused;
  }
  const CorsPolicy cors = cors_policy(url->path);
  if (!guard.origin_allowed && cors != CorsPolicy::any_origin) {
    http::Response refused = jsonrpc_http_error(403, jsonrpc::invalid_request, "Forbidden: Origin not allowed");
    refused.outcome.reason = "origin_rejected";
    co_return refused;
  }
  if (auto preflight = cors_preflight(request, cors, guard)) co_return std::move(*preflight);
  http::Response response = co_await route(request, *url, guard.own_origin, ctx, host);
  add_cors_headers(response, cors, guard);
  co_return response;
}

async::Task<http::Response> App::route(const http::Request& request, const http::UrlParts& url,
                                       const std::string& own_origin, const RequestContext& ctx, host::Host& host) {
  const std::string& path = url.path;
  const oauth::OAuthContext oauth_ctx{config_, keys_, own_origin, ctx, &auth_cache_};
  if (path == "/mcp" || path == "/sse" || path == "/sse/message") {
    // The one gate in front of every MCP route.
    auto who = co_await oauth::authenticate_bearer(request, url, host, oauth_ctx);
    if (!who) co_return who.error();
    Sessions sessions(config_, keys_, &auth_cache_);
    const SseRouteDeps sse{server_, sessions, config_.sse_keepalive_ms, config_.sse_max_streams_per_user};
    http::Response r;
    if (path == "/mcp") r = co_await handle_mcp(request, *who, McpRouteDeps{server_, sessions}, host, ctx);
    else if (path == "/sse") r = co_await handle_sse_stream(request, *who, sse, host, ctx);
    else r = co_await handle_sse_message(request, url, *who, sse, host, ctx);
    r.outcome.user = who->user;
    r.outcome.client = who->client;
    co_return r;
  }
  if (path == "/" && (request.method == "GET" || request.method == "HEAD")) co_return home_page(own_origin);
  if (path == "/.well-known/oauth-authorization-server") co_return oauth::authorization_server_metadata(own_origin);
  constexpr std::string_view prm = "/.well-known/oauth-protected-resource";
  if (path.rfind(prm, 0) == 0) {
    if (auto doc = oauth::protected_resource_metadata(own_origin, std::string_view(path).substr(prm.size())))
      co_return std::move(*doc);
  }
  if (path == "/register") {
    if (auto limited = co_await oauth::check_rate_limit(request, host, oauth::register_limiter)) co_return std::move(*limited);
    co_return co_await oauth::handle_register(request, host, ctx);
  }
  if (path == "/authorize") co_return co_await oauth::handle_authorize(request, url, host, oauth_ctx);
  if (path == "/callback") co_return co_await github::handle_callback(request, url, host, oauth_ctx);
  if (path == "/token") {
    if (auto limited = co_await oauth::check_rate_limit(request, host, oauth::token_limiter)) co_return std::move(*limited);
    co_return co_await oauth::handle_token(request, host, oauth_ctx);
  }
  co_return text_response(404, "Not Found\n");
}

}  // namespace app
