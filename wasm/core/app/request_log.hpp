// The request log: one JSON line per request outcome, for operators (Workers Logs, `wrangler tail`).
//
// Contract:
// 1. Fields: event "request", method, route, status, reason; then rpc, tool, user, client when the
//    response's Outcome names them (http/message.hpp). Nothing else from the request is copied:
//    no query (it carries codes and state), no header, no cookie, no body.
// 2. `route` is one of the server's routes, or "other": a client cannot write free text into a
//    line. `method` is a standard method or "other".
// 3. `reason` is the Outcome's when set (an RFC 6749 error code, a JSON-RPC code name,
//    "tool_error", "missing_token", "rate_limited", "origin_rejected", "session_not_found"…), else
//    the status's word (`status_reason`). The list of reasons is in docs/operations.md.
// 4. The line never holds a token, code, secret or GitHub token: the Outcome holds identifiers
//    only (tests/integration/request_log.test.mjs greps a whole run's log for every secret).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/config.hpp"
#include "http/message.hpp"

namespace app {

std::string_view status_reason(std::uint16_t status);
std::string_view route_name(std::string_view path);
std::string request_log_line(std::string_view method, std::string_view path, const http::Response& response);
// Whether REQUEST_LOG wants this response's line: everything, only failures (a reason other than
// ok/redirect, so a tool error in a 200 counts), or nothing.
bool wants_log_line(Config::RequestLog policy, const http::Response& response);

}  // namespace app
