// Legacy HTTP+SSE transport (MCP 2024-11-05 basic/transports §HTTP with SSE).
//
// Contract:
// 1. GET /sse opens a session: 200 text/event-stream whose first event is `endpoint` with the
//    relative URL /sse/message?sessionId=<id>, then the stream stays open on the user's mailbox
//    (a Durable Object; the shim holds the stream) with a `: keepalive` comment every SSE_KEEPALIVE_MS (20 s).
//    Other methods -> 405 (Allow: GET); an Accept that excludes text/event-stream -> 406. A user
//    holds at most SSE_MAX_STREAMS_PER_USER streams (limits.hpp, 32): opening one more closes that
//    user's oldest, whose session then ends (404).
// 2. POST /sse/message?sessionId=<id>: the /mcp body rules (413, 415, 406, 400), then 400 for a
//    missing sessionId, 404 for a malformed, forged or foreign one; the MCP replies are framed as
//    `event: message` and handed to the mailbox, which delivers them to the owner's stream only;
//    404 when the session has ended (its stream closed), 503 when the mailbox cannot be reached;
//    otherwise 202.
// 3. The session id is signed like an Mcp-Session-Id (mcp/session_id.hpp, kind "sse"); the mailbox
//    is named after the user, keeps each stream under its session key (the nonce) with {session,
//    user, client, protocolVersion, createdAt, maxStreams}.
#pragma once

#include "app/principal.hpp"
#include "app/request_context.hpp"
#include "app/sessions.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "http/url.hpp"
#include "mcp/server.hpp"

namespace app {

struct SseRouteDeps {
  const mcp::Server& server;
  Sessions sessions;
  std::uint32_t keepalive_ms;
  std::uint32_t max_streams_per_user;
};

// GET /sse
async::Task<http::Response> handle_sse_stream(const http::Request& request, const Principal& who, SseRouteDeps deps,
                                              host::Host& host, const RequestContext& ctx);
// POST /sse/message
async::Task<http::Response> handle_sse_message(const http::Request& request, const http::UrlParts& url,
                                               const Principal& who, SseRouteDeps deps, host::Host& host,
                                               const RequestContext& ctx);

// One SSE event (`event: <name>`, one `data:` line per line of `data`, blank line).
std::string sse_event(std::string_view name, std::string_view data);

}  // namespace app
