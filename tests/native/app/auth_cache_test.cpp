#include "app/auth_cache.hpp"

#include <catch2/catch.hpp>

#include <utility>

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

constexpr std::int64_t cache_seconds = 10;

app::Config cached_config() {
  app::Config c = flow::test_config();
  c.auth_cache_seconds = cache_seconds;
  return c;
}

struct Fixture {
  app::App app{cached_config()};
  fake::FakeHost fh;
  fake::SignedIn user = fake::sign_in_as_bearer(app, fh);
  std::string session;

  Fixture() {
    auto init = fh.run(app, mcp_post(initialize_body()));
    REQUIRE(init.status == 200);
    session = *fake::header(init, "mcp-session-id");
  }
  http::Response add(std::vector<http::Header> extra = {}) {
    extra.push_back({"mcp-session-id", session});
    return fh.run(app, mcp_post(call_body("tools/call", Json{{"name", "add"}, {"arguments", {{"a", 1}, {"b", 2}}}}),
                                std::move(extra)));
  }
  // A request to /token: without the bearer the fake host adds to MCP requests.
  http::Response token_endpoint(const std::string& form) {
    const std::string bearer = std::exchange(fh.bearer, "");
    http::Response r = fh.run(app, fake::post_form("/token", form));
    fh.bearer = bearer;
    return r;
  }
  http::Response revoke(const std::string& token) { return token_endpoint("token=" + token + "&client_id=" + user.client_id); }
};

}  // namespace

TEST_CASE("a client already verified in this isolate costs no host operation", "[app][auth_cache]") {
  Fixture f;
  REQUIRE(f.add().status == 200);  // verifies the session id (HMAC + tombstone read) once
  f.fh.log.clear();
  auto r = f.add();
  REQUIRE(r.status == 200);
  REQUIRE(fake::body_json(r)["result"]["content"][0]["text"] == "3");
  REQUIRE(f.fh.log.empty());
}

TEST_CASE("the cache turned off checks storage on every request", "[app][auth_cache]") {
  app::App app{flow::test_config()};  // AUTH_CACHE_SECONDS=0
  fake::FakeHost fh;
  fake::sign_in_as_bearer(app, fh);
  fh.run(app, mcp_post(initialize_body()));
  fh.log.clear();
  fh.run(app, mcp_post(initialize_body()));
  REQUIRE(fh.count(host::OpKind::kv_get) >= 1);
}

TEST_CASE("revocation in the isolate that revokes is immediate", "[app][auth_cache][revocation]") {
  SECTION("RFC 7009: the access token") {
    Fixture f;
    REQUIRE(f.add().status == 200);
    REQUIRE(f.revoke(f.user.access_token).status == 200);
    REQUIRE(f.add().status == 401);
  }
  SECTION("RFC 7009: the refresh token ends the grant") {
    Fixture f;
    REQUIRE(f.add().status == 200);
    REQUIRE(f.revoke(f.user.refresh_token).status == 200);
    REQUIRE(f.add().status == 401);
  }
  SECTION("a replayed authorization code ends the grant") {
    Fixture f;
    REQUIRE(f.add().status == 200);
    auto replay = f.token_endpoint("grant_type=authorization_code&code=" + f.user.code + "&client_id=" + f.user.client_id +
                                   "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Fcallback&code_verifier=" +
                                   std::string(43, 'a'));
    REQUIRE(replay.status == 400);
    REQUIRE(f.add().status == 401);
  }
  SECTION("GitHub refusing the user's token (userInfoOctokit) ends the grant") {
    Fixture f;
    REQUIRE(f.add().status == 200);
    f.fh.on_fetch = [](const host::FetchRequest&) -> std::optional<host::FetchResponse> {
      host::FetchResponse r;
      r.status = 401;
      r.body = R"({"message":"Bad credentials"})";
      return r;
    };
    auto call = f.fh.run(f.app, mcp_post(call_body("tools/call", Json{{"name", "userInfoOctokit"}}), {{"mcp-session-id", f.session}}));
    REQUIRE(fake::body_json(call)["result"]["isError"] == true);
    REQUIRE(f.add().status == 401);
  }
  SECTION("DELETE ends the session at once") {
    Fixture f;
    REQUIRE(f.add().status == 200);
    http::Request del = mcp_post("", {{"mcp-session-id", f.session}});
    del.method = "DELETE";
    REQUIRE(f.fh.run(f.app, std::move(del)).status == 204);
    REQUIRE(f.add().status == 404);
  }
}

TEST_CASE("revocation elsewhere is seen within AUTH_CACHE_SECONDS", "[app][auth_cache][revocation]") {
  Fixture f;
  REQUIRE(f.add().status == 200);
  // Another isolate (or scripts/grants) deletes the token record and tombstones the session.
  for (const auto& key : flow::keys_with_prefix(f.fh, "token:")) f.fh.kv.erase(key);
  REQUIRE(f.add().status == 200);  // this isolate still trusts what it verified...
  f.fh.now_ms += (cache_seconds - 1) * 1000;
  REQUIRE(f.add().status == 200);
  f.fh.now_ms += 1000;  // ...for at most AUTH_CACHE_SECONDS after it verified it
  REQUIRE(f.add().status == 401);
}

TEST_CASE("a cached token still expires on time, and is still bound to its user and client", "[app][auth_cache]") {
  app::Config config = cached_config();
  config.access_token_ttl = 5;
  app::App app{config};
  fake::FakeHost fh;
  fake::sign_in_as_bearer(app, fh);
  REQUIRE(fh.run(app, mcp_post(initialize_body())).status == 200);
  fh.now_ms += 4000;
  REQUIRE(fh.run(app, mcp_post(initialize_body())).status == 200);
  fh.now_ms += 1000;
  REQUIRE(fh.run(app, mcp_post(initialize_body())).status == 401);
}

TEST_CASE("a cached session id is refused to another user", "[app][auth_cache]") {
  Fixture f;
  REQUIRE(f.add().status == 200);
  const std::string bearer = std::exchange(f.fh.bearer, "");
  fake::SignedIn other = fake::sign_in(f.app, f.fh, fake::GitHubUser{"hubot", 2, "Hubot"});
  f.fh.bearer = bearer;
  REQUIRE(f.add({{"authorization", "Bearer " + other.access_token}}).status == 404);
}

TEST_CASE("AuthCache: a check in flight while something was forgotten stores nothing", "[app][auth_cache]") {
  app::AuthCache cache(10'000);
  app::CachedToken entry;
  entry.who.user = "octocat";
  entry.who.grant_id = "g1";
  entry.expires_at_ms = 1'000'000;
  const std::uint64_t before = cache.epoch();
  cache.forget_grant("octocat", "g1");  // a revocation ran while the check awaited KV
  cache.remember_token("u:g1:s", entry, 0, before);
  REQUIRE(cache.token("u:g1:s", 1) == nullptr);
  cache.remember_token("u:g1:s", entry, 0, cache.epoch());
  REQUIRE(cache.token("u:g1:s", 1) != nullptr);
  REQUIRE(cache.token("u:g1:s", 1)->who.token.empty());  // the token itself is only the key
}

TEST_CASE("AuthCache: bounded, honours its time and the token's expiry, and stores nothing when off", "[app][auth_cache]") {
  app::AuthCache cache(10'000);
  app::CachedToken entry;
  entry.expires_at_ms = 5'000;
  cache.remember_token("t", entry, 0, cache.epoch());
  REQUIRE(cache.token("t", 4'999) != nullptr);
  REQUIRE(cache.token("t", 5'000) == nullptr);
  entry.expires_at_ms = 1'000'000;
  cache.remember_token("t", entry, 0, cache.epoch());
  REQUIRE(cache.token("t", 9'999) != nullptr);
  REQUIRE(cache.token("t", 10'000) == nullptr);

  for (std::size_t i = 0; i < app::AuthCache::max_entries + 10; ++i)
    cache.remember_token("t" + std::to_string(i), entry, 0, cache.epoch());
  REQUIRE(cache.size() <= app::AuthCache::max_entries);

  app::AuthCache off(0);
  off.remember_token("t", entry, 0, off.epoch());
  REQUIRE(off.token("t", 1) == nullptr);
}

TEST_CASE("a repeated tool call does not open the props again; revocation forgets them", "[app][auth_cache][props]") {
  Fixture f;
  auto succeeded = [](const http::Response& r) {
    const Json body = fake::body_json(r);
    return r.status == 200 && body.contains("result") && !body["result"].value("isError", false);
  };
  auto user_info = [&] {
    return f.fh.run(f.app, mcp_post(call_body("tools/call", Json{{"name", "userInfoOctokit"}}), {{"mcp-session-id", f.session}}));
  };
  REQUIRE(succeeded(user_info()));
  REQUIRE(f.fh.count(host::OpKind::aes_kw_unwrap) >= 1);
  f.fh.log.clear();
  auto again = user_info();
  REQUIRE(succeeded(again));
  REQUIRE(f.fh.count(host::OpKind::aes_kw_unwrap) == 0);  // kept with the token's cache entry (rule 6)
  REQUIRE(f.fh.count(host::OpKind::aes_gcm_decrypt) == 0);
  REQUIRE(f.fh.count(host::OpKind::fetch) == 1);  // GitHub is still asked every time

  SECTION("they expire with the token's entry") {
    f.fh.now_ms += cache_seconds * 1000;
    f.fh.log.clear();
    REQUIRE(succeeded(user_info()));
    REQUIRE(f.fh.count(host::OpKind::aes_kw_unwrap) == 1);
  }
  SECTION("revoking the grant forgets them with the token") {
    REQUIRE(f.revoke(f.user.refresh_token).status == 200);
    REQUIRE(user_info().status == 401);
  }
}

TEST_CASE("AuthCache: props go with their token's entry and not into a stale one", "[app][auth_cache][props]") {
  app::AuthCache cache(10'000);
  app::CachedToken entry;
  entry.who.user = "u";
  entry.who.grant_id = "g";
  entry.expires_at_ms = 1'000'000;
  cache.remember_props("t", Json{{"accessToken", "x"}}, cache.epoch());  // no entry yet: nothing kept
  cache.remember_token("t", entry, 0, cache.epoch());
  REQUIRE(cache.props("t", 0) == nullptr);
  const std::uint64_t before = cache.epoch();
  cache.forget_grant("other", "grant");  // something was forgotten while the props were being opened
  cache.remember_props("t", Json{{"accessToken", "x"}}, before);
  REQUIRE(cache.props("t", 0) == nullptr);
  cache.remember_props("t", Json{{"accessToken", "x"}}, cache.epoch());
  REQUIRE(cache.props("t", 0) != nullptr);
  REQUIRE((*cache.props("t", 0))["accessToken"] == "x");
  REQUIRE(cache.props("t", 10'000) == nullptr);  // past the entry's time
  cache.remember_token("t", entry, 0, cache.epoch());
  cache.remember_props("t", Json{{"accessToken", "y"}}, cache.epoch());
  cache.forget_grant("u", "g");
  REQUIRE(cache.props("t", 0) == nullptr);
}
