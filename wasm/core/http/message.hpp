// HTTP messages as plain values.
//
// Contract:
// 1. The driver lowercases header names (the Fetch API already does) and joins repeated headers
//    with ", " as the Fetch API's Headers does. Lookup here is exact on the lowercase name.
// 2. `body_too_large` is set by the driver when it stopped reading a body over the limit the core
//    announced; the body is then empty and the core answers 413.
// 3. Response bodies are bytes; the core sets Content-Type itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

using Header = std::pair<std::string, std::string>;

struct Request {
  std::string method;  // upper case, as the Fetch API gives it
  std::string url;     // absolute, as the Fetch API gives it
  std::vector<Header> headers;
  std::string body;
  bool body_too_large = false;

  // Returns nullptr when absent.
  const std::string* header(std::string_view lowercase_name) const {
    for (const auto& h : headers)
      if (h.first == lowercase_name) return &h.second;
    return nullptr;
  }
};

// A response whose body stays open: the driver sends `body` first, then connects to the mailbox
// and forwards what it receives, writing `keepalive` every `keepalive_ms` until either side closes.
// The driver knows nothing of what the bytes mean (legacy SSE frames them; see app/sse_endpoint).
struct StreamDirective {
  std::string mailbox;  // the mailbox's name
  // The record the mailbox keeps for this stream (JSON: session, owner, protocol version, when it
  // opened, and maxStreams: how many streams the mailbox keeps open at most, closing the oldest).
  std::string init;
  std::uint32_t keepalive_ms = 0;
  std::string keepalive;
};

// What the request log says about a response (app/request_log). Holds identifiers, never a
// credential: no token, code, secret, cookie or GitHub token is ever put here.
struct Outcome {
  std::string reason;  // a stable word (e.g. "invalid_grant", "tool_error"); empty: from the status
  std::string rpc;     // MCP routes: the JSON-RPC method ("batch" for a batch, "other" if unknown)
  std::string tool;    // tools/call: the tool's name when it is registered
  std::string user;    // MCP routes: the bearer's GitHub login
  std::string client;  // MCP routes: the bearer's OAuth client id
};

struct Response {
  std::uint16_t status = 200;
  std::vector<Header> headers;
  std::string body;
  std::optional<StreamDirective> stream;
  Outcome outcome;
  std::string log;  // the request's log line (one JSON object), made by app::App::handle

  Response& set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace http
