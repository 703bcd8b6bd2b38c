#include "app/app.hpp"

#include "app/mcp_endpoint.hpp"
#include "app/origin_guard.hpp"
#include "app/sse_endpoint.hpp"
#include "app/principal.hpp"
#include "app/responses.hpp"
#include "base/result.hpp"
#include "http/url.hpp"

namespace app {

namespace {

mcp::ServerInfo server_info() {
  mcp::ServerInfo info;
  info.instructions = "Tools: add (two numbers).";
  return info;
}

// The one gate in front of every MCP route. Until sign-in exists every caller is anonymous; the
// bearer check of the OAuth issue replaces this body and nothing else.
async::Task<base::Result<Principal, http::Response>> authenticate(const http::Request&, host::Host&,
                                                                  const RequestContext&) {
  co_return Principal{};
}

}  // namespace

App::App(Config config) : config_(std::move(config)), server_(server_info(), tools_) {
  tools::register_tools(tools_);
}

async::Task<http::Response> App::handle(const http::Request& request, const RequestContext& ctx, host::Host& host) {
  const auto url = http::split_url(request.url);
  if (!url) co_return text_response(400, "Bad Request: unreadable URL\n");
  const GuardResult guard = guard_host_and_origin(request, *url, config_);
  if (guard.failure) co_return jsonrpc_http_error(403, jsonrpc::invalid_request, guard.failure->message);

  const std::string& path = url->path;
  if (path == "/mcp" || path == "/sse" || path == "/sse/message") {
    auto who = co_await authenticate(request, host, ctx);
    if (!who) co_return who.error();
    Sessions sessions(config_, session_keys_);
    if (path == "/mcp") co_return co_await handle_mcp(request, *who, McpRouteDeps{server_, sessions}, host, ctx);
    if (path == "/sse") co_return co_await handle_sse_stream(request, *who, SseRouteDeps{server_, sessions, config_.sse_keepalive_ms}, host, ctx);
    co_return co_await handle_sse_message(request, *url, *who, SseRouteDeps{server_, sessions, config_.sse_keepalive_ms}, host);
  }
  co_return text_response(404, "Not Found\n");
}

}  // namespace app
