#include "app/sse_endpoint.hpp"

#include "app/jsonrpc_post.hpp"
#include "app/responses.hpp"
#include "jsonrpc/message.hpp"

namespace app {

using json::Json;

namespace {

http::Response method_not_allowed(const char* allow, const char* message) {
  http::Response r = jsonrpc_http_error(405, jsonrpc::invalid_request, message);
  r.set("allow", allow);
  return r;
}

bool accepts_event_stream(const std::string* accept) {
  if (!accept) return true;
  const std::string a = http::to_lower_ascii(*accept);
  return a.find("text/event-stream") != std::string::npos || a.find("*/*") != std::string::npos ||
         a.find("text/*") != std::string::npos;
}

// What the user's mailbox keeps for a new stream. Opening one past `max_streams_per_user` closes
// that user's oldest stream (limits.hpp; the mailbox enforces it, worker-shim/sse_session.js).
std::string stream_record(const mcp::SessionClaims& claims, const RequestContext& ctx, const SseRouteDeps& deps) {
  Json record = Json::object();
  record["session"] = mcp::session_stream_key(claims);
  record["user"] = claims.user;
  record["client"] = claims.client;
  record["protocolVersion"] = nullptr;
  record["createdAt"] = ctx.now_ms;
  record["maxStreams"] = deps.max_streams_per_user;
  return json::dump(record);
}

}  // namespace

std::string sse_event(std::string_view name, std::string_view data) {
  std::string out = "event: ";
  out += name;
  out += '\n';
  while (true) {
    const auto nl = data.find('\n');
    out += "data: ";
    out += data.substr(0, nl);
    out += '\n';
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  out += '\n';
  return out;
}

async::Task<http::Response> handle_sse_stream(const http::Request& request, const Principal& who, SseRouteDeps deps,
                                              host::Host& host, const RequestContext& ctx) {
  if (request.method != "GET") co_return method_not_allowed("GET", "Method Not Allowed: open the stream with GET /sse");
  if (!accepts_event_stream(request.header("accept")))
    co_return jsonrpc_http_error(406, jsonrpc::invalid_request, "Not Acceptable: the client must accept text/event-stream");

  auto id = co_await deps.sessions.issue(host, ctx, who, mcp::SessionKind::legacy_sse, "");
  if (!id) co_return id.error();
  auto decoded = mcp::decode_session_id(*id);  // our own id: always decodes

  http::Response r;
  r.status = 200;
  r.set("content-type", "text/event-stream");
  r.set("cache-control", "no-cache");
  r.body = sse_event("endpoint", "/sse/message?sessionId=" + *id);
  r.stream = http::StreamDirective{mcp::session_mailbox_name(decoded->claims), stream_record(decoded->claims, ctx, deps),
                                   deps.keepalive_ms, ": keepalive\n\n"};
  co_return r;
}

async::Task<http::Response> handle_sse_message(const http::Request& request, const http::UrlParts& url,
                                               const Principal& who, SseRouteDeps deps, host::Host& host,
                                               const RequestContext& ctx) {
  if (request.method != "POST")
    co_return method_not_allowed("POST", "Method Not Allowed: post messages to /sse/message");
  const auto session_id = http::query_param(url.query, "sessionId");
  if (!session_id || session_id->empty())
    co_return bad_request("Bad Request: the sessionId query parameter is required", jsonrpc::invalid_request);
  auto post = read_jsonrpc_post(request);
  if (!post) co_return post.error();
  auto claims = co_await deps.sessions.verify_sse(host, who, *session_id, ctx.now_ms);
  if (!claims) co_return claims.error();
  if (auto refusal = batch_refusal(*post)) co_return std::move(*refusal);

  auto done = co_await dispatch(deps.server, *post, host, who, ctx.now_ms);
  if (!done) co_return done.error();

  std::string events;
  if (!done->replies.empty()) events = sse_event("message", json::dump(post->batch ? done->replies : done->replies[0]));
  Json check{{"session", mcp::session_stream_key(*claims)}, {"user", who.user}, {"client", who.client}};
  if (done->initialized) check["protocolVersion"] = *done->initialized;
  host::OpResult delivered = co_await host.perform_one(
      host::op_mailbox_deliver(mcp::session_mailbox_name(*claims), std::move(events), json::dump(check)));
  if (delivered.status == host::OpStatus::not_found) {
    http::Response gone = jsonrpc_http_error(404, jsonrpc::invalid_request, "Session not found: open a new stream with GET /sse");
    gone.outcome.reason = "session_not_found";
    co_return gone;
  }
  if (!delivered.ok()) {
    http::Response down = jsonrpc_unavailable("Service temporarily unavailable: the session mailbox did not answer");
    down.outcome.reason = "mailbox_unavailable";
    co_return down;
  }
  http::Response accepted = text_response(202, "Accepted");
  accepted.outcome = std::move(done->outcome);
  co_return accepted;
}

}  // namespace app
