#include "app/app.hpp"

#include "app/mcp_endpoint.hpp"
#include "app/origin_guard.hpp"
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

  if (url->path == "/mcp") {
    auto who = co_await authenticate(request, host, ctx);
    if (!who) co_return who.error();
    co_return co_await handle_mcp(request, *who, McpRouteDeps{server_, Sessions(config_, session_keys_)}, host, ctx);
  }
  co_return text_response(404, "Not Found\n");
}

}  // namespace app
