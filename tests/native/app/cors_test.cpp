#include "app/cors.hpp"

#include <catch2/catch.hpp>

#include "app/app.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

namespace {

app::Config config() {
  app::Config c = flow::test_config();
  c.allowed_origins = {"https://app.example"};
  return c;
}

http::Request with_origin(http::Request r, const char* origin, const char* method = nullptr) {
  r.headers.push_back({"origin", origin});
  if (method) r.method = method;
  return r;
}

}  // namespace

TEST_CASE("cors: routes are classed as public, MCP or never", "[app][cors]") {
  REQUIRE(app::cors_policy("/mcp") == app::CorsPolicy::allowed_origins);
  REQUIRE(app::cors_policy("/sse/message") == app::CorsPolicy::allowed_origins);
  REQUIRE(app::cors_policy("/token") == app::CorsPolicy::any_origin);
  REQUIRE(app::cors_policy("/register") == app::CorsPolicy::any_origin);
  REQUIRE(app::cors_policy("/.well-known/oauth-authorization-server") == app::CorsPolicy::any_origin);
  REQUIRE(app::cors_policy("/authorize") == app::CorsPolicy::none);
  REQUIRE(app::cors_policy("/callback") == app::CorsPolicy::none);
}

TEST_CASE("cors: the metadata and token routes serve any origin", "[app][cors]") {
  app::App app(config());
  fake::FakeHost host;
  auto r = host.run(app, with_origin(fake::get("/.well-known/oauth-authorization-server"), "https://anywhere.example"));
  REQUIRE(r.status == 200);
  REQUIRE(*fake::header(r, "access-control-allow-origin") == "https://anywhere.example");
  REQUIRE(fake::header(r, "access-control-expose-headers")->find("WWW-Authenticate") != std::string::npos);
  auto pre = host.run(app, with_origin(fake::get("/token"), "https://anywhere.example", "OPTIONS"));
  REQUIRE(pre.status == 204);
  REQUIRE(*fake::header(pre, "access-control-allow-origin") == "https://anywhere.example");
  REQUIRE(fake::header(pre, "access-control-allow-headers")->find("Authorization") != std::string::npos);
}

TEST_CASE("cors: a preflight to /mcp is answered before the gate, for allowed origins only", "[app][cors]") {
  app::App app(config());
  fake::FakeHost host;
  auto ok = host.run(app, with_origin(fake::get("/mcp"), "https://app.example", "OPTIONS"));
  REQUIRE(ok.status == 204);  // no token needed for a preflight
  REQUIRE(*fake::header(ok, "access-control-allow-origin") == "https://app.example");
  REQUIRE(fake::header(ok, "access-control-allow-headers")->find("Mcp-Session-Id") != std::string::npos);
  REQUIRE(fake::header(ok, "access-control-allow-methods")->find("DELETE") != std::string::npos);
  REQUIRE(host.count(host::OpKind::kv_get) == 0);
  auto evil = host.run(app, with_origin(fake::get("/mcp"), "https://evil.example", "OPTIONS"));
  REQUIRE(evil.status == 403);
  REQUIRE(fake::header(evil, "access-control-allow-origin") == nullptr);
}

TEST_CASE("cors: MCP responses to an allowed origin expose WWW-Authenticate and Mcp-Session-Id", "[app][cors]") {
  app::App app(config());
  fake::FakeHost host;
  auto r = host.run(app, with_origin(fake::mcp_post(fake::initialize_body()), "https://app.example"));
  REQUIRE(r.status == 401);
  REQUIRE(*fake::header(r, "access-control-allow-origin") == "https://app.example");
  REQUIRE(fake::header(r, "access-control-expose-headers")->find("Mcp-Session-Id") != std::string::npos);
  REQUIRE(host.run(app, with_origin(fake::mcp_post(fake::initialize_body()), "https://evil.example")).status == 403);
}

TEST_CASE("cors: never on the consent page, and a foreign origin cannot post the consent form", "[app][cors]") {
  app::App app(config());
  fake::FakeHost host;
  auto page = host.run(app, with_origin(fake::get("/authorize?client_id=x"), "https://app.example"));
  REQUIRE(fake::header(page, "access-control-allow-origin") == nullptr);
  auto post = host.run(app, with_origin(fake::post_form("/authorize", "action=approve"), "https://evil.example"));
  REQUIRE(post.status == 403);
}
