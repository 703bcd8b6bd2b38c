#include "app/request_log.hpp"

#include <catch2/catch.hpp>

#include "app/app.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using fake::call_body;
using fake::initialize_body;
using fake::mcp_post;
using json::Json;

namespace {

Json log_of(const http::Response& r) {
  auto parsed = json::parse(r.log, 8);
  REQUIRE(parsed.value);
  REQUIRE((*parsed.value)["event"] == "request");
  return *parsed.value;
}

struct Fixture {
  app::App app{flow::test_config()};
  fake::FakeHost host;
  fake::SignedIn user = fake::sign_in_as_bearer(app, host);

  http::Response call(std::string body) {
    auto init = host.run(app, mcp_post(initialize_body()));
    REQUIRE(init.status == 200);
    return host.run(app, mcp_post(std::move(body), {{"mcp-session-id", *fake::header(init, "mcp-session-id")}}));
  }
};

}  // namespace

TEST_CASE("the log names each status with a stable word", "[app][log]") {
  REQUIRE(app::status_reason(200) == "ok");
  REQUIRE(app::status_reason(202) == "ok");
  REQUIRE(app::status_reason(302) == "redirect");
  REQUIRE(app::status_reason(413) == "payload_too_large");
  REQUIRE(app::status_reason(418) == "client_error");
  REQUIRE(app::status_reason(503) == "temporarily_unavailable");
  REQUIRE(app::status_reason(502) == "server_error");
}

TEST_CASE("the log's route is one of ours or 'other'", "[app][log]") {
  REQUIRE(app::route_name("/mcp") == "/mcp");
  REQUIRE(app::route_name("/.well-known/oauth-protected-resource/mcp") == "/.well-known/oauth-protected-resource");
  REQUIRE(app::route_name("/mcp/../../etc/passwd") == "other");
  REQUIRE(app::route_name("/\"},{\"injected\":1") == "other");
}

TEST_CASE("a tool call logs its method, tool, user and client, and never the token", "[app][log]") {
  Fixture f;
  auto r = f.call(call_body("tools/call", Json{{"name", "add"}, {"arguments", {{"a", 1}, {"b", 2}}}}));
  REQUIRE(r.status == 200);
  const Json line = log_of(r);
  REQUIRE(line["method"] == "POST");
  REQUIRE(line["route"] == "/mcp");
  REQUIRE(line["status"] == 200);
  REQUIRE(line["reason"] == "ok");
  REQUIRE(line["rpc"] == "tools/call");
  REQUIRE(line["tool"] == "add");
  REQUIRE(line["user"] == "octocat");
  REQUIRE(line["client"] == f.user.client_id);
  REQUIRE(r.log.find(f.user.access_token) == std::string::npos);
  REQUIRE(r.log.find(f.user.access_token.substr(0, 12)) == std::string::npos);
}

TEST_CASE("JSON-RPC and tool errors are logged by name", "[app][log]") {
  Fixture f;
  auto unknown = f.call(call_body("tools/call", Json{{"name", "nope"}, {"arguments", Json::object()}}));
  REQUIRE(log_of(unknown)["reason"] == "invalid_params");
  REQUIRE(log_of(unknown)["tool"] == "nope");

  auto bad_args = f.call(call_body("tools/call", Json{{"name", "add"}, {"arguments", {{"a", "x"}}}}));
  REQUIRE(log_of(bad_args)["reason"] == "invalid_arguments");

  auto odd_name = f.call(call_body("tools/call", Json{{"name", std::string(100, 'a')}}));
  REQUIRE(log_of(odd_name)["tool"] == "other");

  auto missing = f.call(call_body("resources/list"));
  REQUIRE(log_of(missing)["reason"] == "method_not_found");
  REQUIRE(log_of(missing)["rpc"] == "other");

  auto unparsable = f.host.run(f.app, mcp_post("{not json"));
  REQUIRE(unparsable.status == 400);
  REQUIRE(log_of(unparsable)["reason"] == "parse_error");
}

TEST_CASE("the gate, the guard and the OAuth endpoints log their reasons", "[app][log]") {
  Fixture f;
  f.host.bearer.clear();  // no bearer
  auto anonymous = f.host.run(f.app, mcp_post(initialize_body()));
  REQUIRE(anonymous.status == 401);
  REQUIRE(log_of(anonymous)["reason"] == "missing_token");
  REQUIRE_FALSE(log_of(anonymous).contains("user"));

  auto wrong = f.host.run(f.app, mcp_post(initialize_body(), {{"authorization", "Bearer a:b:c"}}));
  REQUIRE(log_of(wrong)["reason"] == "invalid_token");

  auto foreign = f.host.run(f.app, mcp_post(initialize_body(), {{"origin", "https://evil.example"}}));
  REQUIRE(foreign.status == 403);
  REQUIRE(log_of(foreign)["reason"] == "origin_rejected");

  auto grant = f.host.run(f.app, fake::post_form("/token", "grant_type=authorization_code&code=" + f.user.code +
                                                                "&client_id=" + f.user.client_id +
                                                                "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Fcallback"));
  REQUIRE(grant.status == 400);
  REQUIRE(log_of(grant)["reason"] == "invalid_grant");
  REQUIRE(log_of(grant)["route"] == "/token");
  REQUIRE(grant.log.find(f.user.code) == std::string::npos);

  auto lost = f.host.run(f.app, fake::get("/nowhere?code=secret-looking-value"));
  REQUIRE(log_of(lost)["reason"] == "not_found");
  REQUIRE(log_of(lost)["route"] == "other");
  REQUIRE(lost.log.find("secret-looking-value") == std::string::npos);
}

TEST_CASE("REQUEST_LOG=errors logs only failures (a tool error in a 200 too); off logs nothing", "[app][log]") {
  app::Config config = flow::test_config();
  REQUIRE(app::config_from_env({{"REQUEST_LOG", "errors"}}).request_log == app::Config::RequestLog::errors);
  REQUIRE(app::config_from_env({{"REQUEST_LOG", "off"}}).request_log == app::Config::RequestLog::off);
  REQUIRE(app::config_from_env({{"REQUEST_LOG", "loud"}}).request_log == app::Config::RequestLog::all);

  config.request_log = app::Config::RequestLog::errors;
  app::App app{config};
  fake::FakeHost host;
  fake::sign_in_as_bearer(app, host);
  auto init = host.run(app, mcp_post(initialize_body()));
  REQUIRE(init.status == 200);
  REQUIRE(init.log.empty());
  const std::vector<http::Header> session{{"mcp-session-id", *fake::header(init, "mcp-session-id")}};
  auto bad_args = host.run(app, mcp_post(call_body("tools/call", Json{{"name", "add"}, {"arguments", {{"a", "x"}}}}), session));
  REQUIRE(bad_args.status == 200);
  REQUIRE(log_of(bad_args)["reason"] == "invalid_arguments");
  host.bearer.clear();
  REQUIRE(log_of(host.run(app, mcp_post(initialize_body())))["reason"] == "missing_token");

  config.request_log = app::Config::RequestLog::off;
  app::App quiet{config};
  REQUIRE(host.run(quiet, mcp_post(initialize_body())).log.empty());
}
