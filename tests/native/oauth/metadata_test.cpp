#include "oauth/metadata.hpp"

#include <catch2/catch.hpp>

#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using fake::body_json;
using fake::header;
using json::Json;

namespace {

http::Request get_at(const std::string& origin_url, const std::string& host_header, const std::string& path) {
  http::Request r;
  r.method = "GET";
  r.url = origin_url + path;
  r.headers = {{"host", host_header}};
  return r;
}

void require_public_document(const http::Response& r) {
  REQUIRE(r.status == 200);
  REQUIRE(*header(r, "content-type") == "application/json");
  // Cross-origin readers get CORS headers for their Origin (tests/native/app/cors_test.cpp).
  REQUIRE(*header(r, "cache-control") == "public, max-age=3600");
}

}  // namespace

TEST_CASE("the authorization server metadata names this origin's endpoints and S256 only", "[oauth][metadata]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto r = fh.run(app, fake::get("/.well-known/oauth-authorization-server"));
  require_public_document(r);
  const Json m = body_json(r);
  REQUIRE(m["issuer"] == "http://localhost:8788");
  REQUIRE(m["authorization_endpoint"] == "http://localhost:8788/authorize");
  REQUIRE(m["token_endpoint"] == "http://localhost:8788/token");
  REQUIRE(m["registration_endpoint"] == "http://localhost:8788/register");
  REQUIRE(m["response_types_supported"] == Json::array({"code"}));
  REQUIRE(m["code_challenge_methods_supported"] == Json::array({"S256"}));
  REQUIRE(m["token_endpoint_auth_methods_supported"] == Json::array({"client_secret_basic", "client_secret_post", "none"}));
  REQUIRE(m["authorization_response_iss_parameter_supported"] == true);
  REQUIRE(m["grant_types_supported"].size() >= 1);
  REQUIRE(m["grant_types_supported"][0] == "authorization_code");
  // Public documents touch no storage.
  REQUIRE(fh.log.empty());
}

TEST_CASE("protected resource metadata: the root names the origin, /mcp and /sse name those resources",
          "[oauth][metadata]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  for (const auto& [suffix, resource] : std::vector<std::pair<std::string, std::string>>{
           {"", "http://localhost:8788"}, {"/mcp", "http://localhost:8788/mcp"}, {"/sse", "http://localhost:8788/sse"}}) {
    auto r = fh.run(app, fake::get("/.well-known/oauth-protected-resource" + suffix));
    require_public_document(r);
    const Json m = body_json(r);
    REQUIRE(m["resource"] == resource);
    REQUIRE(m["authorization_servers"] == Json::array({"http://localhost:8788"}));
    REQUIRE(m["bearer_methods_supported"] == Json::array({"header"}));
  }
  REQUIRE(fh.run(app, fake::get("/.well-known/oauth-protected-resource/other")).status == 404);
  REQUIRE_FALSE(oauth::protected_resource_metadata("https://x.example", "/mcpx"));
  REQUIRE_FALSE(oauth::protected_resource_metadata("https://x.example", "/"));
}

TEST_CASE("the resource metadata URL a 401 names follows the resource path", "[oauth][metadata]") {
  const std::string o = "https://x.example";
  REQUIRE(oauth::resource_metadata_url(o, "/mcp") == "https://x.example/.well-known/oauth-protected-resource/mcp");
  REQUIRE(oauth::resource_metadata_url(o, "/sse") == "https://x.example/.well-known/oauth-protected-resource/sse");
  REQUIRE(oauth::resource_metadata_url(o, "/sse/message") == "https://x.example/.well-known/oauth-protected-resource/sse");
}

TEST_CASE("discovery URLs come from PUBLIC_URL when set, never from the request", "[oauth][metadata][host]") {
  app::Config c = flow::test_config();
  c.local_development = false;
  c.public_origin = "https://mcp.example.com";
  app::App app(c);
  fake::FakeHost fh;
  auto r = fh.run(app, get_at("https://mcp.example.com", "mcp.example.com", "/.well-known/oauth-authorization-server"));
  require_public_document(r);
  REQUIRE(body_json(r)["issuer"] == "https://mcp.example.com");
  REQUIRE(body_json(r)["token_endpoint"] == "https://mcp.example.com/token");
  auto prm = fh.run(app, get_at("https://mcp.example.com", "mcp.example.com", "/.well-known/oauth-protected-resource/mcp"));
  REQUIRE(body_json(prm)["resource"] == "https://mcp.example.com/mcp");
  // Another Host is refused rather than reflected.
  auto evil = fh.run(app, get_at("https://mcp.example.com", "evil.example", "/.well-known/oauth-authorization-server"));
  REQUIRE(evil.status == 403);
  REQUIRE(evil.body.find("evil.example") == std::string::npos);
}

// origin_guard.hpp contract 0 (security.md item 32): outside local development only https.
TEST_CASE("plain http is refused outside local development, whatever the route; served in local development",
          "[app][guard][https]") {
  for (const bool pinned : {false, true}) {
    app::Config c = flow::test_config();
    c.local_development = false;
    if (pinned) c.public_origin = "https://mcp.example.com";
    app::App app(c);
    fake::FakeHost fh;
    for (const char* path : {"/", "/.well-known/oauth-authorization-server", "/authorize", "/token", "/register", "/mcp", "/sse"}) {
      auto r = fh.run(app, get_at("http://mcp.example.com", "mcp.example.com", path));
      REQUIRE(r.status == 403);
      REQUIRE(r.body.find("https") != std::string::npos);
    }
    REQUIRE(fh.log.empty());  // refused before any host operation
    REQUIRE(fh.run(app, get_at("https://mcp.example.com", "mcp.example.com", "/.well-known/oauth-authorization-server")).status == 200);
  }
  app::App dev(flow::test_config());  // LOCAL_DEVELOPMENT: http on loopback is how wrangler dev serves
  fake::FakeHost fh;
  REQUIRE(fh.run(dev, get_at("http://localhost:8788", "localhost:8788", "/.well-known/oauth-authorization-server")).status == 200);
}

TEST_CASE("in local development a non-loopback Host never reaches the documents (DNS rebinding)",
          "[oauth][metadata][host]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto r = fh.run(app, get_at("http://rebind.example:8788", "rebind.example:8788", "/.well-known/oauth-authorization-server"));
  REQUIRE(r.status == 403);
  REQUIRE(r.body.find("rebind.example") == std::string::npos);
  auto loopback = fh.run(app, get_at("http://127.0.0.1:8788", "127.0.0.1:8788", "/.well-known/oauth-authorization-server"));
  REQUIRE(body_json(loopback)["issuer"] == "http://127.0.0.1:8788");
}
