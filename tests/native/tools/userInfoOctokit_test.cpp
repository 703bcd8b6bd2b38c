#include "tools/registry.hpp"

#include <catch2/catch.hpp>

#include "app/app.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using json::Json;

namespace {

struct Fixture {
  app::App app{flow::test_config()};
  fake::FakeHost fh;
  fake::SignedIn user = fake::sign_in(app, fh);
  std::string session;
  Fixture() {
    fh.bearer = user.access_token;
    auto init = fh.run(app, fake::mcp_post(fake::initialize_body()));
    session = *fake::header(init, "mcp-session-id");
  }
  // GitHub's /user answers with this (the stand-in's role natively).
  void github_user(std::uint16_t status, std::string body, std::vector<http::Header> headers = {}) {
    fh.on_fetch = [status, body, headers](const host::FetchRequest&) -> std::optional<host::FetchResponse> {
      host::FetchResponse r;
      r.status = status;
      r.headers = headers;
      r.headers.push_back({"content-type", "application/json"});
      r.body = body;
      return r;
    };
  }
  std::string last_log;  // the request log line of the last call
  Json call() {
    auto r = fh.run(app, fake::mcp_post(fake::call_body("tools/call", {{"name", "userInfoOctokit"}}), {{"mcp-session-id", session}}));
    REQUIRE(r.status == 200);
    last_log = r.log;
    return fake::body_json(r)["result"];
  }
};

}  // namespace

TEST_CASE("userInfoOctokit returns Octokit's response for the signed-in user, with their own token", "[tools][userInfoOctokit]") {
  Fixture f;
  f.github_user(200, R"({"login":"octocat","id":583231})", {{"x-ratelimit-remaining", "4999"}});
  const Json result = f.call();
  REQUIRE_FALSE(result.contains("isError"));
  const Json octokit = *json::parse(result["content"][0]["text"].get<std::string>()).value;
  REQUIRE(octokit["status"] == 200);
  REQUIRE(octokit["url"] == "https://api.github.com/user");
  REQUIRE(octokit["data"]["login"] == "octocat");
  REQUIRE(octokit["headers"]["x-ratelimit-remaining"] == "4999");
  // The GitHub token came out of the encrypted props, and went to GitHub only.
  const auto& sent = f.fh.fetched.back();
  bool token_sent = false;
  for (const auto& h : sent.headers) token_sent = token_sent || (h.first == "authorization" && h.second == "token gho_testtoken");
  REQUIRE(token_sent);
  REQUIRE(result.dump().find("gho_testtoken") == std::string::npos);
}

TEST_CASE("userInfoOctokit: GitHub 401 is an error result and ends the grant", "[tools][userInfoOctokit]") {
  Fixture f;
  f.github_user(401, R"({"message":"Bad credentials"})");
  const Json result = f.call();
  REQUIRE(result["isError"] == true);
  REQUIRE(result["content"][0]["text"].get<std::string>().find("Sign in again") != std::string::npos);
  // The next request of this client is refused: it must sign in again.
  REQUIRE(f.fh.run(f.app, fake::mcp_post(fake::call_body("ping"), {{"mcp-session-id", f.session}})).status == 401);
}

TEST_CASE("userInfoOctokit: a rate limit or a GitHub failure is an error result and keeps the grant", "[tools][userInfoOctokit]") {
  Fixture f;
  f.github_user(403, R"({"message":"API rate limit exceeded"})", {{"x-ratelimit-remaining", "0"}});
  REQUIRE(f.call()["content"][0]["text"].get<std::string>().find("rate limit") != std::string::npos);
  f.github_user(429, "{}");
  REQUIRE(f.call()["isError"] == true);
  f.github_user(502, "<html>bad gateway</html>");
  REQUIRE(f.call()["content"][0]["text"].get<std::string>().find("failing") != std::string::npos);
  f.fh.on_fetch = nullptr;  // no answer at all
  REQUIRE(f.call()["content"][0]["text"].get<std::string>().find("did not answer") != std::string::npos);
  REQUIRE(f.fh.run(f.app, fake::mcp_post(fake::call_body("ping"), {{"mcp-session-id", f.session}})).status == 200);
}

TEST_CASE("userInfoOctokit: each GitHub failure has its own reason in the request log", "[tools][userInfoOctokit][log]") {
  struct Case {
    std::uint16_t status;
    std::vector<http::Header> headers;
    const char* body;
    const char* reason;
  };
  const Case cases[] = {
      {200, {}, R"({"login":"octocat"})", "\"reason\":\"ok\""},
      {403, {{"x-ratelimit-remaining", "0"}}, "{}", "\"reason\":\"github_rate_limited\""},
      {429, {}, "{}", "\"reason\":\"github_rate_limited\""},
      {502, {}, "{}", "\"reason\":\"github_failing\""},
      {200, {}, "not json", "\"reason\":\"github_bad_reply\""},
      {401, {}, R"({"message":"Bad credentials"})", "\"reason\":\"github_token_revoked\""},
  };
  Fixture f;
  for (const Case& c : cases) {
    f.github_user(c.status, c.body, c.headers);
    f.call();
    INFO(f.last_log);
    REQUIRE(f.last_log.find(c.reason) != std::string::npos);
    REQUIRE(f.last_log.find("gho_testtoken") == std::string::npos);
  }
}
