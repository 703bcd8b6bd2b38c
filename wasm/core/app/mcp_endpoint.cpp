#include "app/mcp_endpoint.hpp"

#include <string>
#include <string_view>

#include "app/limits.hpp"
#include "app/responses.hpp"
#include "http/url.hpp"
#include "json/json.hpp"
#include "jsonrpc/message.hpp"
#include "mcp/version.hpp"

namespace app {

using json::Json;

namespace {

constexpr char kAllow[] = "POST, DELETE";

std::string_view media_type(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

bool accepts_json(const std::string* accept) {
  if (!accept) return true;
  const std::string a = http::to_lower_ascii(*accept);
  return a.find("application/json") != std::string::npos || a.find("*/*") != std::string::npos ||
         a.find("application/*") != std::string::npos;
}

http::Response bad_request(std::string message, int code = jsonrpc::invalid_request) {
  return jsonrpc_http_error(400, code, std::move(message));
}

bool is_initialize(const Json& value) {
  const std::string* method = json::get_string(value, "method");
  return method && *method == "initialize" && json::find(value, "id") != nullptr;
}

async::Task<http::Response> handle_post(const http::Request& request, const Principal& who, McpRouteDeps& deps,
                                        host::Host& host, const RequestContext& ctx) {
  if (request.body_too_large)
    co_return jsonrpc_http_error(413, jsonrpc::invalid_request,
                                 "Payload Too Large: the body exceeds " + std::to_string(max_body_bytes) + " bytes");
  const std::string* content_type = request.header("content-type");
  if (!content_type || http::to_lower_ascii(media_type(*content_type)) != "application/json")
    co_return jsonrpc_http_error(415, jsonrpc::invalid_request,
                                 "Unsupported Media Type: Content-Type must be application/json");
  if (!accepts_json(request.header("accept")))
    co_return jsonrpc_http_error(406, jsonrpc::invalid_request, "Not Acceptable: the client must accept application/json");
  const std::string* version_header = request.header("mcp-protocol-version");
  if (version_header && !mcp::is_supported(*version_header))
    co_return bad_request("Bad Request: unsupported MCP-Protocol-Version " + *version_header);

  json::ParseResult parsed = json::parse(request.body, max_json_depth);
  if (!parsed.value) {
    std::string why = "Parse error: the body is not valid JSON";
    if (parsed.error == json::ParseError::too_deep)
      why = "Parse error: JSON nested deeper than " + std::to_string(max_json_depth) + " levels";
    else if (parsed.error == json::ParseError::number_out_of_range)
      why = "Parse error: a number is outside the range of a double";
    co_return bad_request(std::move(why), jsonrpc::parse_error);
  }
  const Json& body = *parsed.value;
  const bool batch = body.is_array();
  if (batch && body.empty()) co_return bad_request("Invalid Request: empty batch");
  if (batch && body.size() > max_batch_messages)
    co_return bad_request("Invalid Request: more than " + std::to_string(max_batch_messages) + " messages in a batch");

  // initialize, alone, opens a session; everything else needs one.
  std::optional<std::string> new_session_version;
  if (!batch && is_initialize(body)) {
    auto m = jsonrpc::classify(body);
    if (m) new_session_version = mcp::Server::requested_version(*m);
  } else {
    if (batch) {
      for (const Json& item : body)
        if (is_initialize(item)) co_return bad_request("Invalid Request: initialize must not be part of a batch");
    }
    const std::string* session_id = request.header("mcp-session-id");
    if (!session_id) co_return bad_request("Bad Request: Mcp-Session-Id header is required");
    auto claims = co_await deps.sessions.verify(host, ctx, who, *session_id);
    if (!claims) co_return claims.error();
    if (version_header && *version_header != claims->protocol_version)
      co_return bad_request("Bad Request: MCP-Protocol-Version does not match the session's " + claims->protocol_version);
    // MCP 2025-06-18 transports §protocol version header: without the header, 2025-03-26 rules.
    const std::string_view rules = version_header ? std::string_view(*version_header) : mcp::default_http_version;
    if (batch && !mcp::allows_batches(rules))
      co_return bad_request("Invalid Request: JSON-RPC batches are not supported in protocol version " +
                            std::string(rules));
  }

  // Dispatch.
  Json responses = Json::array();
  const std::size_t count = batch ? body.size() : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const Json& item = batch ? body[i] : body;
    auto message = jsonrpc::classify(item);
    if (!message) {
      if (!batch) co_return json_response(400, jsonrpc::error(message.error()));
      responses.push_back(jsonrpc::error(message.error()));
      continue;
    }
    std::optional<Json> reply = co_await deps.server.handle(*message, host);
    if (reply) responses.push_back(std::move(*reply));
  }
  if (responses.empty()) {
    http::Response accepted;
    accepted.status = 202;
    co_return accepted;
  }

  http::Response r = json_response(200, batch ? responses : responses[0]);
  const bool init_succeeded = new_session_version && !json::find(responses[0], "error");
  if (init_succeeded) {
    auto id = co_await deps.sessions.issue(host, ctx, who, *new_session_version);
    if (!id) co_return id.error();
    r.set("mcp-session-id", std::move(*id));
  }
  co_return r;
}

async::Task<http::Response> handle_delete(const http::Request& request, const Principal& who, McpRouteDeps& deps,
                                          host::Host& host, const RequestContext& ctx) {
  const std::string* session_id = request.header("mcp-session-id");
  if (!session_id) co_return bad_request("Bad Request: Mcp-Session-Id header is required");
  auto claims = co_await deps.sessions.verify(host, ctx, who, *session_id);
  if (!claims) co_return claims.error();
  if (auto failure = co_await deps.sessions.end(host, ctx, *claims)) co_return std::move(*failure);
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
