// Streamable HTTP at /mcp (MCP 2025-06-18 and 2025-11-25 basic/transports §streamable HTTP),
// answering POSTs with application/json (no server-initiated streams).
//
// Contract:
// 1. POST: 413 body over the limit; 415 Content-Type not application/json; 406 an Accept that
//    excludes JSON; 400 an unsupported MCP-Protocol-Version, unparsable JSON (-32700), an empty
//    or oversized batch, a batch under a version without batches (the MCP-Protocol-Version header's,
//    or 2025-03-26 without one), initialize inside a batch, a
//    missing Mcp-Session-Id on anything but initialize; 404 an unknown, forged, expired or ended
//    session. Otherwise 200 with the response(s), or 202 with no body when only notifications and
//    responses were posted.
// 2. A request is read under its MCP-Protocol-Version header's rules (2025-03-26 without one),
//    even when the session negotiated another supported version: the spec refuses only invalid or
//    unsupported versions, and clients do send another (the conformance suite's
//    server-sse-multiple-streams posts 2025-03-26 inside a 2025-11-25 session).
// 3. initialize (alone) opens a session: the reply carries Mcp-Session-Id.
// 4. DELETE ends the session (204); GET and others -> 405 with Allow.
// 5. Error bodies are JSON-RPC errors with id null.
#pragma once

#include "app/principal.hpp"
#include "app/request_context.hpp"
#include "app/sessions.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "mcp/server.hpp"

namespace app {

struct McpRouteDeps {
  const mcp::Server& server;
  Sessions sessions;
};

async::Task<http::Response> handle_mcp(const http::Request& request, const Principal& who, McpRouteDeps deps,
                                       host::Host& host, const RequestContext& ctx);

}  // namespace app
