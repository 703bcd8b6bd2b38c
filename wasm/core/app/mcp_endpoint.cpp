#include "app/mcp_endpoint.hpp"

#include <string>

#include "app/jsonrpc_post.hpp"
#include "app/responses.hpp"
#include "jsonrpc/message.hpp"

namespace app {

namespace {

constexpr char kAllow[] = "POST, DELETE";

async::Task<http::Response> handle_post(const http::Request& request, const Principal& who, McpRouteDeps& deps,
                                        host::Host& host, const RequestContext& ctx) {
  auto post = read_jsonrpc_post(request);
  if (!post) co_return post.error();

  // initialize, alone, opens a session; everything else needs one.
  if (!post->is_initialize) {
    const std::string* session_id = request.header("mcp-session-id");
    if (!session_id) co_return bad_request("Bad Request: Mcp-Session-Id header is required", jsonrpc::invalid_request);
    auto claims = co_await deps.sessions.verify(host, ctx, who, *session_id);
    if (!claims) co_return claims.error();
    // A supported MCP-Protocol-Version other than the session's is served under its own rules:
    // the spec's 400 is for an invalid or unsupported one (MCP 2025-11-25 basic/transports
    // §protocol version header), checked in read_jsonrpc_post.
    if (auto refusal = batch_refusal(*post)) co_return std::move(*refusal);
  }

  auto done = co_await dispatch(deps.server, *post, host, who, ctx.now_ms);
  if (!done) co_return done.error();
  if (done->replies.empty()) {
    http::Response accepted;
    accepted.status = 202;
    accepted.outcome = std::move(done->outcome);
    co_return accepted;
  }
  http::Response r = json_response(200, post->batch ? done->replies : done->replies[0]);
  r.outcome = std::move(done->outcome);
  if (done->initialized) {
    auto id = co_await deps.sessions.issue(host, ctx, who, mcp::SessionKind::streamable_http, *done->initialized);
    if (!id) co_return id.error();
    r.set("mcp-session-id", std::move(*id));
  }
  co_return r;
}

async::Task<http::Response> handle_delete(const http::Request& request, const Principal& who, McpRouteDeps& deps,
                                          host::Host& host, const RequestContext& ctx) {
  const std::string* session_id = request.header("mcp-session-id");
  if (!session_id) co_return bad_request("Bad Request: Mcp-Session-Id header is required", jsonrpc::invalid_request);
  auto claims = co_await deps.sessions.verify(host, ctx, who, *session_id);
  if (!claims) co_return claims.error();
  if (auto failure = co_await deps.sessions.end(host, ctx, *claims, *session_id)) co_return std::move(*failure);
  http::Response r;
  r.status = 204;
  co_return r;
}

}  // namespace

async::Task<http::Response> handle_mcp(const http::Request& request, const Principal& who, McpRouteDeps deps,
                                       host::Host& host, const RequestContext& ctx) {
  if (request.method == "POST") co_return co_await handle_post(request, who, deps, host, ctx);
  if (request.method == "DELETE") co_return co_await handle_delete(request, who, deps, host, ctx);
  http::Response r = jsonrpc_http_error(405, jsonrpc::invalid_request,
                                        "Method Not Allowed: this server answers POST and DELETE on /mcp");
  r.set("allow", kAllow);
  co_return r;
}

}  // namespace app
