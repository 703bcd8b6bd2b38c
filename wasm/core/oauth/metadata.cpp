#include "oauth/metadata.hpp"

#include "json/json.hpp"

namespace oauth {

using json::Json;

namespace {

http::Response public_json(const Json& body) {
  http::Response r;
  r.status = 200;
  r.set("content-type", "application/json");
  r.set("cache-control", "public, max-age=3600");
  r.body = json::dump(body);
  return r;
}

}  // namespace

http::Response authorization_server_metadata(const std::string& origin) {
  return public_json(Json{
      {"issuer", origin},
      {"authorization_endpoint", origin + "/authorize"},
      {"token_endpoint", origin + "/token"},
      {"registration_endpoint", origin + "/register"},
      {"revocation_endpoint", origin + "/token"},
      {"response_types_supported", {"code"}},
      {"response_modes_supported", {"query"}},
      {"grant_types_supported", {"authorization_code", "refresh_token"}},
      {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "none"}},
      {"revocation_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "none"}},
      {"code_challenge_methods_supported", {"S256"}},
      {"authorization_response_iss_parameter_supported", true},
      {"client_id_metadata_document_supported", true},
  });
}

std::optional<http::Response> protected_resource_metadata(const std::string& origin, std::string_view suffix) {
  if (suffix != "" && suffix != "/mcp" && suffix != "/sse") return std::nullopt;
  return public_json(Json{{"resource", origin + std::string(suffix)},
                          {"authorization_servers", {origin}},
                          {"bearer_methods_supported", {"header"}},
                          {"resource_name", "remote-mcp-github-oauth-cpp"}});
}

std::string resource_metadata_url(const std::string& origin, std::string_view resource_path) {
  const std::string_view resource = resource_path.substr(0, 4) == "/sse" ? "/sse" : "/mcp";
  return origin + "/.well-known/oauth-protected-resource" + std::string(resource);
}

}  // namespace oauth
