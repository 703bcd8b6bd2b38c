// Refresh tokens at POST /token (oauth/token_endpoint.hpp rule 4).
#include "oauth/token_endpoint.hpp"

#include <catch2/catch.hpp>

#include <limits>

#include "app/app.hpp"
#include "app/limits.hpp"
#include "http/form.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

namespace {

app::Config config() {
  app::Config c = flow::test_config();
  return c;
}

http::Response refresh(app::App& app, fake::FakeHost& host, const fake::SignedIn& s, const std::string& token,
                       const std::string& extra = "") {
  return host.run(app, fake::post_form("/token", "grant_type=refresh_token&refresh_token=" + http::form_encode(token) +
                                                     "&client_id=" + s.client_id + extra));
}

}  // namespace

TEST_CASE("refresh: a refresh token gives a new access token and rotates", "[oauth][token][refresh]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  auto r = refresh(app, host, s, s.refresh_token);
  REQUIRE(r.status == 200);
  const auto body = fake::body_json(r);
  const std::string access = body["access_token"].get<std::string>();
  const std::string next = body["refresh_token"].get<std::string>();
  REQUIRE(access != s.access_token);
  REQUIRE(next != s.refresh_token);
  REQUIRE(*fake::header(r, "cache-control") == "no-store");
  // The new access token opens the gate.
  host.bearer = access;
  REQUIRE(host.run(app, fake::mcp_post(fake::initialize_body())).status == 200);
}

TEST_CASE("refresh: the newest refresh token and the one just presented stay valid; a used one presented again ends the grant",
          "[oauth][token][refresh]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  const std::string r0 = s.refresh_token;
  const std::string r1 = fake::body_json(refresh(app, host, s, r0))["refresh_token"].get<std::string>();
  // A client whose reply was lost retries r0: it works, and rotates again; r1 was never used, so
  // it is merely invalid now.
  auto retry = refresh(app, host, s, r0);
  REQUIRE(retry.status == 200);
  const std::string r2 = fake::body_json(retry)["refresh_token"].get<std::string>();
  auto unused = refresh(app, host, s, r1);
  REQUIRE(unused.status == 400);
  const std::string r3 = fake::body_json(refresh(app, host, s, r2))["refresh_token"].get<std::string>();
  REQUIRE(!r3.empty());
  // r0 was used, and has now fallen out of the window: presenting it again is a replay, and the
  // grant ends (RFC 9700 §4.14.2), for the legitimate client too.
  auto replay = refresh(app, host, s, r0);
  REQUIRE(replay.status == 400);
  REQUIRE(fake::body_json(replay)["error"] == "invalid_grant");
  REQUIRE(refresh(app, host, s, r3).status == 400);
  host.bearer = s.access_token;
  REQUIRE(host.run(app, fake::mcp_post(fake::initialize_body())).status == 401);
}

TEST_CASE("refresh: a made-up refresh token for a real grant does not revoke it", "[oauth][token][refresh]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  const std::string forged = s.refresh_token.substr(0, s.refresh_token.rfind(':') + 1) + std::string(32, 'A');
  REQUIRE(refresh(app, host, s, forged).status == 400);
  REQUIRE(refresh(app, host, s, s.refresh_token).status == 200);  // only retired tokens end the grant
}

TEST_CASE("refresh: another client cannot use the refresh token", "[oauth][token][refresh]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  const auto other = fake::sign_in(app, host, {"hubot", 480938, "Hubot"});
  auto r = host.run(app, fake::post_form("/token", "grant_type=refresh_token&refresh_token=" +
                                                       http::form_encode(s.refresh_token) + "&client_id=" + other.client_id));
  REQUIRE(r.status == 400);
  REQUIRE(fake::body_json(r)["error"] == "invalid_grant");
}

TEST_CASE("refresh: scope may only narrow", "[oauth][token][refresh]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  auto r = refresh(app, host, s, s.refresh_token, "&scope=admin");
  REQUIRE(r.status == 400);
  REQUIRE(fake::body_json(r)["error"] == "invalid_scope");
}

TEST_CASE("refresh: the refresh lifetime is fixed at the first exchange (30 days)", "[oauth][token][refresh]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  std::string token = s.refresh_token;
  for (int day = 0; day < 3; ++day) {
    host.now_ms += 10LL * 24 * 3600 * 1000;  // refreshing does not extend it
    auto r = refresh(app, host, s, token);
    if (day < 2) {
      REQUIRE(r.status == 200);
      token = fake::body_json(r)["refresh_token"].get<std::string>();
    } else {
      REQUIRE(r.status == 400);  // day 30 reached
    }
  }
}

TEST_CASE("refresh: storage failure is 503 and leaves the grant as it was", "[oauth][token][refresh][faults]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  host.fail_kv = true;
  auto r = refresh(app, host, s, s.refresh_token);
  REQUIRE(r.status == 503);
  REQUIRE(fake::body_json(r)["error"] == "temporarily_unavailable");
  host.fail_kv = false;
  REQUIRE(refresh(app, host, s, s.refresh_token).status == 200);
}

TEST_CASE("refresh: a retired token is a replay even when a stale KV copy still names it current (no rollback)",
          "[oauth][token][refresh]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  const auto grant_keys = flow::keys_with_prefix(host, "grant:");
  REQUIRE(grant_keys.size() == 1);
  const auto stale = host.kv.at(grant_keys[0]);  // the KV mirror as the code exchange left it: r0 current
  const std::string r0 = s.refresh_token;
  const std::string r1 = fake::body_json(refresh(app, host, s, r0))["refresh_token"].get<std::string>();
  const std::string r2 = fake::body_json(refresh(app, host, s, r1))["refresh_token"].get<std::string>();
  REQUIRE(!r2.empty());
  host.kv[grant_keys[0]] = stale;  // a lagging or failed mirror write: KV still says r0 is current
  auto replay = refresh(app, host, s, r0);  // a thief with the retired r0
  REQUIRE(replay.status == 400);
  REQUIRE(fake::body_json(replay)["error"] == "invalid_grant");
  // The grant ended: the legitimate client's newest token is refused too (RFC 9700 §4.14.2).
  REQUIRE(refresh(app, host, s, r2).status == 400);
}

// Fuzzing: `expiresAt - now` overflowed for a stored -2^63; such a grant is now unreadable and
// refused. A refresh token whose user part makes a grant key longer than KV allows reads nothing.
TEST_CASE("refresh: a grant whose expiresAt is not a safe integer is refused, and oversized keys are not read",
          "[oauth][token][refresh][fuzz]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  auto parts = oauth::split_token(s.refresh_token);
  const std::string key = oauth::grant_key(parts->user_id, parts->grant_id);
  for (const json::Json& bad : {json::Json(std::numeric_limits<std::int64_t>::min()), json::Json(1e300), json::Json("soon")}) {
    INFO(json::dump(bad));
    auto state = json::parse(host.grant_states.at(key));
    REQUIRE(state.value);
    (*state.value)["expiresAt"] = bad;
    host.grant_states[key] = json::dump(*state.value);
    auto r = refresh(app, host, s, s.refresh_token);
    REQUIRE(r.status == 400);
    REQUIRE(fake::body_json(r)["error"] == "invalid_grant");
  }
  host.log.clear();
  const std::string long_user = std::string(600, 'u') + ":" + parts->grant_id + ":" + std::string(32, 'A');
  auto r = refresh(app, host, s, long_user);
  REQUIRE(r.status == 400);
  REQUIRE(host.count(host::OpKind::grant_read) == 0);
}

// limits.hpp max_retired_refresh_tokens: reuse detection remembers the 50 most recently used
// refresh tokens. One used longer ago than that is merely invalid (the grant lives on); one within
// the window ends the grant.
TEST_CASE("refresh: reuse detection remembers the last 50 used refresh tokens", "[oauth][token][refresh][limits]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  std::vector<std::string> used{s.refresh_token};
  std::string current = s.refresh_token;
  // Each refresh retires the token presented before the current one: after n + 2 refreshes the
  // first n used tokens are retired.
  for (std::size_t i = 0; i < app::max_retired_refresh_tokens + 3; ++i) {
    auto r = refresh(app, host, s, current);
    REQUIRE(r.status == 200);
    current = fake::body_json(r)["refresh_token"].get<std::string>();
    used.push_back(current);
  }
  const auto grant = flow::kv_json(host, "grant:octocat:" + oauth::split_token(current)->grant_id);
  REQUIRE(grant["retiredRefreshTokenIds"].size() == app::max_retired_refresh_tokens);
  // The first used token fell out of the window: invalid, and nothing else happens.
  auto forgotten = refresh(app, host, s, used[0]);
  REQUIRE(forgotten.status == 400);
  REQUIRE(fake::body_json(forgotten)["error_description"] == "Invalid refresh token");
  REQUIRE(refresh(app, host, s, current).status == 200);
  // One still remembered ends the grant.
  auto replay = refresh(app, host, s, used[5]);
  REQUIRE(replay.status == 400);
  REQUIRE(fake::body_json(replay)["error_description"].get<std::string>().find("revoked") != std::string::npos);
}

// limits.hpp refresh_min_remaining_seconds: a grant with less than a minute left is not refreshed.
TEST_CASE("refresh: refused when less than 60 s of the grant remain", "[oauth][token][refresh][limits]") {
  app::App app(config());
  fake::FakeHost host;
  const auto s = fake::sign_in(app, host);
  const std::int64_t start = host.now_ms;
  const std::int64_t end_ms = (start / 1000 + app::refresh_token_ttl_seconds) * 1000;
  host.now_ms = end_ms - (app::refresh_min_remaining_seconds + 1) * 1000;
  auto ok = refresh(app, host, s, s.refresh_token);
  REQUIRE(ok.status == 200);
  host.now_ms = end_ms - (app::refresh_min_remaining_seconds - 1) * 1000;
  auto late = refresh(app, host, s, fake::body_json(ok)["refresh_token"].get<std::string>());
  REQUIRE(late.status == 400);
  REQUIRE(fake::body_json(late)["error_description"] == "The refresh token has expired");
}
