// Discovery documents.
//
// Contract:
// 1. /.well-known/oauth-authorization-server (RFC 8414 §2; MCP 2025-06-18 authorization §2.3).
// 2. /.well-known/oauth-protected-resource (RFC 9728 §3): the root document names the origin;
//    the path-inserted documents …/mcp and …/sse name those resources (RFC 9728 §3.1).
// 3. Every URL comes from the server's own origin as the Host guard established it, never from an
//    unvalidated Host header. Documents are public (any origin, app/cors.hpp), cacheable for an hour.
#pragma once

#include <optional>
#include <string>

#include "http/message.hpp"

namespace oauth {

http::Response authorization_server_metadata(const std::string& origin);
// For `path` under /.well-known/oauth-protected-resource ("", "/mcp", "/sse"); nullopt otherwise.
std::optional<http::Response> protected_resource_metadata(const std::string& origin, std::string_view suffix);
// The metadata URL a 401 on `resource_path` names ("/mcp" -> …/oauth-protected-resource/mcp).
std::string resource_metadata_url(const std::string& origin, std::string_view resource_path);

}  // namespace oauth
