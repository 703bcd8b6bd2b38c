// Every step of the sign-in and of the MCP routes, with each of its host operations failing once in
// turn (support/fault_sweep.hpp): the answer is a clean 503 (or, where the design says so, the
// step still succeeds), storage stays consistent, and a retry succeeds. DESIGN.md Rule 3: "host
// failures: 503 / temporarily_unavailable, never a half-written grant".
#include "support/fault_sweep.hpp"

#include <catch2/catch.hpp>

#include "github/sign_in.hpp"

#include "http/form.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"
#include "support/sign_in.hpp"

using fake::body_json;
using flow::header_or_empty;
using host::OpKind;
using json::Json;
using sweep::Faulted;
using sweep::Moment;

namespace {

constexpr std::int64_t minute_ms = 60 * 1000;

fake::FakeHost fresh_world() {
  fake::FakeHost h;
  fake::script_github(h);
  return h;
}

std::string registered_client(fake::FakeHost& h) {
  app::App app(flow::test_config());
  return flow::register_public(app, h, "Sweep").client_id;
}

struct Tokens {
  std::string access;
  std::string refresh;
};

Tokens tokens_of(const http::Response& r) {
  INFO(r.body);
  REQUIRE(r.status == 200);
  const Json body = body_json(r);
  return Tokens{body["access_token"].get<std::string>(), body["refresh_token"].get<std::string>()};
}

// A whole sign-in through `client_id`, from the consent page to the tokens.
Tokens sign_in(app::App& app, fake::FakeHost& h, const std::string& client_id) {
  const std::string code = flow::code_for(app, h, client_id);
  return tokens_of(flow::exchange(app, h, code, client_id));
}

http::Request with_bearer(http::Request r, const std::string& token) {
  r.headers.push_back({"authorization", "Bearer " + token});
  return r;
}

int initialize_status(app::App& app, fake::FakeHost& h, const std::string& access) {
  return h.run(app, with_bearer(fake::mcp_post(fake::initialize_body()), access)).status;
}

http::Request refresh_request(const std::string& client_id, const std::string& refresh) {
  return fake::post_form("/token", "grant_type=refresh_token&refresh_token=" + http::form_encode(refresh) +
                                       "&client_id=" + http::form_encode(client_id));
}

http::Request revoke_request(const std::string& client_id, const std::string& token) {
  return fake::post_form("/token", "token=" + http::form_encode(token) + "&client_id=" + http::form_encode(client_id));
}

std::string grant_key_of(const std::string& token) {
  auto parts = oauth::split_token(token);
  REQUIRE(parts);
  return oauth::grant_key(parts->user_id, parts->grant_id);
}

// The writes that are allowed to fail without failing the request: the rate limiter fails open
// (oauth/rate_limit.hpp rule 3), and the KV mirror of a grant after its object committed.
// The answer told the browser to drop the GitHub state cookie (Max-Age=0).
bool clears_state_cookie(const http::Response& r) {
  for (const auto& c : fake::set_cookies(r))
    if (c.rfind(std::string(github::state_cookie) + "=", 0) == 0 && c.find("Max-Age=0") != std::string::npos) return true;
  return false;
}

bool may_succeed_anyway(const Faulted& f) {
  if (f.op.kind == OpKind::rate_limit) return true;
  return f.op.kind == OpKind::kv_put && f.op.key.rfind("grant:", 0) == 0 && f.response.status == 200;
}

// The sign-in and token steps all end the same way: the tokens work, and keep working.
void tokens_work(app::App& app, fake::FakeHost& h, const std::string& client_id, const Tokens& t) {
  REQUIRE(initialize_status(app, h, t.access) == 200);
  // Later than any code's 10 minutes: the grant lives on (its KV mirror must not expire with the code).
  h.now_ms += 11 * minute_ms;
  const Tokens next = tokens_of(h.run(app, refresh_request(client_id, t.refresh)));
  REQUIRE(initialize_status(app, h, next.access) == 200);
  sweep::check_store(h, Moment::after_success);
}

}  // namespace

TEST_CASE("fault sweep: POST /register", "[faults][sweep][oauth][register]") {
  const fake::FakeHost start = fresh_world();
  // A confidential client: its secret costs a SHA-256 more than a public one (id and secret come
  // from one random draw).
  const http::Request request =
      fake::post_json("/register", R"({"redirect_uris":["http://127.0.0.1:9999/callback"],"client_name":"Sweep"})");
  const std::size_t n = sweep::sweep(
      start, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        if (may_succeed_anyway(f)) REQUIRE(f.response.status == 201);
        else sweep::require_unavailable(f.response);
        sweep::check_store(h, Moment::after_failure);
        // Nothing stored, or (the write landed, its answer was lost) a whole record nobody holds.
        const std::size_t stored = sweep::count_keys(h, "client:");
        REQUIRE(stored == (f.response.status == 201 || f.after_effect ? 1u : 0u));
        auto again = h.run(app, request);
        REQUIRE(again.status == 201);
        sweep::check_store(h, Moment::after_success);
        REQUIRE(sweep::count_keys(h, "client:") == stored + 1);
        const std::string client_id = body_json(again)["client_id"].get<std::string>();
        REQUIRE(h.kv.count("client:" + client_id) == 1);
      });
  REQUIRE(n >= 4);  // the rate limiter, the random draw, the SHA-256, the put
}

TEST_CASE("fault sweep: GET /authorize (the consent page)", "[faults][sweep][oauth][authorize]") {
  fake::FakeHost start = fresh_world();
  const std::string client_id = registered_client(start);
  const http::Request request = fake::get(flow::authorize_path(start, client_id));
  sweep::sweep(
      start, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        sweep::require_unavailable(f.response);
        REQUIRE(header_or_empty(f.response, "location").empty());  // never a redirect
        REQUIRE(fake::set_cookies(f.response).empty());
        sweep::check_store(h, Moment::after_failure);
        REQUIRE(h.run(app, request).status == 200);
      });
}

TEST_CASE("fault sweep: POST /authorize (Approve)", "[faults][sweep][oauth][authorize]") {
  fake::FakeHost start = fresh_world();
  const std::string client_id = registered_client(start);
  flow::Consent consent;
  {
    app::App app(flow::test_config());
    consent = flow::open_consent(app, start, client_id);
  }
  auto approve = [&](app::App& app, fake::FakeHost& h) {
    return flow::submit_consent(app, h, consent.request, consent.csrf, "approve", consent.csrf_cookie);
  };
  sweep::sweep(start, approve, [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
    sweep::require_unavailable(f.response);
    REQUIRE(header_or_empty(f.response, "location").empty());
    sweep::check_store(h, Moment::after_failure);
    // The same form again (the browser's retry) goes to GitHub, and the sign-in completes.
    const flow::ToGitHub g = flow::read_to_github(approve(app, h));
    auto back = flow::callback(app, h, g);
    REQUIRE(back.status == 302);
    sweep::check_store(h, Moment::after_success);
  });
}

TEST_CASE("fault sweep: GET /callback, replacing an earlier grant of the same client", "[faults][sweep][github][callback]") {
  fake::FakeHost start = fresh_world();
  const std::string client_id = registered_client(start);
  Tokens earlier;
  flow::ToGitHub g;
  {
    app::App app(flow::test_config());
    earlier = sign_in(app, start, client_id);  // this grant is revoked by the new sign-in
    g = flow::approve(app, start, client_id);
  }
  const std::string earlier_grant = grant_key_of(earlier.access);
  sweep::sweep(
      start, [&](app::App& app, fake::FakeHost& h) { return flow::callback(app, h, g); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        if (f.op.kind == OpKind::fetch) {
          REQUIRE(f.response.status == 502);  // GitHub did not answer: a page that says so
          REQUIRE(header_or_empty(f.response, "content-type").rfind("text/html", 0) == 0);
        } else {
          sweep::require_unavailable(f.response);
        }
        REQUIRE(header_or_empty(f.response, "location").empty());  // no code handed out
        sweep::check_store(h, Moment::after_failure);
        // Retry: the same callback while the browser still holds the state's cookie; an answer that
        // cleared it spent the state (github/sign_in.hpp rule 2), and the user starts again.
        http::Response back;
        if (!clears_state_cookie(f.response)) {
          back = flow::callback(app, h, g);
        } else {
          flow::ToGitHub dropped = g;  // the browser no longer sends the cookie
          dropped.state_cookie.clear();
          REQUIRE(flow::callback(app, h, dropped).status == 400);
          back = flow::callback(app, h, flow::approve(app, h, client_id));
        }
        REQUIRE(back.status == 302);
        sweep::check_store(h, Moment::after_success);
        // The earlier grant is gone, with all its tokens, however far its revocation had got.
        REQUIRE(h.grant_states.at(earlier_grant) == "revoked");
        REQUIRE(sweep::count_keys(h, "token:" + earlier_grant.substr(6) + ":") == 0);
        REQUIRE(initialize_status(app, h, earlier.access) == 401);
        const std::string code = fake::query_value(header_or_empty(back, "location"), "code");
        tokens_work(app, h, client_id, tokens_of(flow::exchange(app, h, code, client_id)));
      });
}

TEST_CASE("fault sweep: POST /token, authorization_code", "[faults][sweep][oauth][token]") {
  fake::FakeHost start = fresh_world();
  const std::string client_id = registered_client(start);
  std::string code;
  {
    app::App app(flow::test_config());
    code = flow::code_for(app, start, client_id);
  }
  const std::string key = grant_key_of(code);
  sweep::sweep(
      start, [&](app::App& app, fake::FakeHost& h) { return flow::exchange(app, h, code, client_id); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        if (may_succeed_anyway(f)) {
          sweep::check_store(h, Moment::after_success);
          tokens_work(app, h, client_id, tokens_of(f.response));
          return;
        }
        sweep::require_unavailable(f.response);
        sweep::check_store(h, Moment::after_failure);
        auto state = h.grant_states.find(key);
        const bool committed = state != h.grant_states.end() && state->second.find("refreshTokenId") != std::string::npos;
        if (!committed) {
          // Before the commit point the code is still redeemable.
          tokens_work(app, h, client_id, tokens_of(flow::exchange(app, h, code, client_id)));
          return;
        }
        // The grant's object committed and only its answer was lost: the code is spent, and
        // presenting it again is a replay (RFC 6749 §4.1.2), which ends the grant. Signing in again works.
        REQUIRE(f.op.kind == OpKind::grant_swap);
        REQUIRE(f.after_effect);
        auto replay = flow::exchange(app, h, code, client_id);
        REQUIRE(replay.status == 400);
        REQUIRE(body_json(replay)["error"] == "invalid_grant");
        sweep::check_store(h, Moment::after_success);
        REQUIRE(sweep::count_keys(h, "token:" + key.substr(6) + ":") == 0);
        tokens_work(app, h, client_id, sign_in(app, h, client_id));
      });
}

TEST_CASE("fault sweep: POST /token, refresh_token", "[faults][sweep][oauth][refresh]") {
  fake::FakeHost start = fresh_world();
  const std::string client_id = registered_client(start);
  Tokens t;
  {
    app::App app(flow::test_config());
    t = sign_in(app, start, client_id);
  }
  const http::Request request = refresh_request(client_id, t.refresh);
  sweep::sweep(
      start, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        if (may_succeed_anyway(f)) {
          sweep::check_store(h, Moment::after_success);
          tokens_work(app, h, client_id, tokens_of(f.response));
          return;
        }
        sweep::require_unavailable(f.response);
        sweep::check_store(h, Moment::after_failure);
        // The same refresh token again: it is still current, or (the rotation committed and its
        // answer was lost) the one just replaced, which stays valid for exactly this retry.
        tokens_work(app, h, client_id, tokens_of(h.run(app, request)));
        REQUIRE(initialize_status(app, h, t.access) == 200);  // the old access token lives on
      });
}

TEST_CASE("fault sweep: revoking an access token (RFC 7009)", "[faults][sweep][oauth][revoke]") {
  fake::FakeHost start = fresh_world();
  const std::string client_id = registered_client(start);
  Tokens t;
  {
    app::App app(flow::test_config());
    t = sign_in(app, start, client_id);
  }
  const http::Request request = revoke_request(client_id, t.access);
  sweep::sweep(
      start, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        if (f.op.kind == OpKind::rate_limit) REQUIRE(f.response.status == 200);
        else sweep::require_unavailable(f.response);
        sweep::check_store(h, Moment::after_failure);
        REQUIRE(h.run(app, request).status == 200);
        sweep::check_store(h, Moment::after_success);
        REQUIRE(initialize_status(app, h, t.access) == 401);
        tokens_work(app, h, client_id, tokens_of(h.run(app, refresh_request(client_id, t.refresh))));
      });
}

TEST_CASE("fault sweep: revoking a refresh token ends the grant (RFC 7009)", "[faults][sweep][oauth][revoke]") {
  fake::FakeHost start = fresh_world();
  const std::string client_id = registered_client(start);
  Tokens first;
  Tokens second;
  {
    app::App app(flow::test_config());
    first = sign_in(app, start, client_id);
    second = tokens_of(start.run(app, refresh_request(client_id, first.refresh)));  // two access tokens
  }
  const std::string key = grant_key_of(second.refresh);
  const http::Request request = revoke_request(client_id, second.refresh);
  sweep::sweep(
      start, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        if (f.op.kind == OpKind::rate_limit) REQUIRE(f.response.status == 200);
        else sweep::require_unavailable(f.response);
        sweep::check_store(h, Moment::after_failure);
        // The client retries: whatever the first attempt got done, the retry finishes the job.
        REQUIRE(h.run(app, request).status == 200);
        sweep::check_store(h, Moment::after_success);
        REQUIRE(h.grant_states.at(key) == "revoked");
        REQUIRE(sweep::count_keys(h, key) == 0);
        REQUIRE(sweep::count_keys(h, "token:" + key.substr(6) + ":") == 0);
        REQUIRE(initialize_status(app, h, first.access) == 401);
        REQUIRE(initialize_status(app, h, second.access) == 401);
        REQUIRE(h.run(app, refresh_request(client_id, second.refresh)).status == 400);
        tokens_work(app, h, client_id, sign_in(app, h, client_id));
      });
}

TEST_CASE("fault sweep: a replayed code revokes its grant", "[faults][sweep][oauth][token][replay]") {
  fake::FakeHost start = fresh_world();
  const std::string client_id = registered_client(start);
  std::string code;
  Tokens t;
  {
    app::App app(flow::test_config());
    code = flow::code_for(app, start, client_id);
    t = tokens_of(flow::exchange(app, start, code, client_id));
  }
  const std::string key = grant_key_of(code);
  sweep::sweep(
      start, [&](app::App& app, fake::FakeHost& h) { return flow::exchange(app, h, code, client_id); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        // The exchange asks for the code's KEK, the new secrets and the PKCE hash in its first
        // round trip, before it knows the code was spent; a replay never reads them.
        const bool unused = f.op.kind == OpKind::hmac_sha256 || f.op.kind == OpKind::random ||
                            (f.op.kind == OpKind::sha256 && f.op.data == flow::verifier);
        if (f.op.kind == OpKind::rate_limit || unused) REQUIRE(f.response.status == 400);
        else sweep::require_unavailable(f.response);
        sweep::check_store(h, Moment::after_failure);
        auto again = flow::exchange(app, h, code, client_id);
        REQUIRE(again.status == 400);
        REQUIRE(body_json(again)["error"] == "invalid_grant");
        sweep::check_store(h, Moment::after_success);
        REQUIRE(sweep::count_keys(h, "token:" + key.substr(6) + ":") == 0);
        REQUIRE(initialize_status(app, h, t.access) == 401);
      });
}

namespace {

// A signed-in user, for the MCP routes.
struct McpWorld {
  fake::FakeHost h = fresh_world();
  std::string client_id;
  Tokens t;
  std::string session;   // an Mcp-Session-Id
  std::string endpoint;  // a legacy SSE session's /sse/message?sessionId=…
  McpWorld() {
    client_id = registered_client(h);
    app::App app(flow::test_config());
    t = sign_in(app, h, client_id);
    auto init = h.run(app, with_bearer(fake::mcp_post(fake::initialize_body()), t.access));
    REQUIRE(init.status == 200);
    session = header_or_empty(init, "mcp-session-id");
    auto sse = h.run(app, sse_get());
    REQUIRE(sse.status == 200);
    const std::string prefix = "event: endpoint\ndata: ";
    endpoint = sse.body.substr(prefix.size(), sse.body.find('\n', prefix.size()) - prefix.size());
  }
  http::Request sse_get() const {
    return with_bearer(fake::get("/sse", {{"accept", "text/event-stream"}}), t.access);
  }
  http::Request call(const std::string& body) const {
    return with_bearer(fake::mcp_post(body, {{"mcp-session-id", session}, {"mcp-protocol-version", "2025-06-18"}}), t.access);
  }
  http::Request sse_post(const std::string& body) const {
    http::Request r = with_bearer(fake::mcp_post(body), t.access);
    r.url = std::string(fake::origin) + endpoint;
    return r;
  }
};

const std::string add_call = fake::call_body("tools/call", Json{{"name", "add"}, {"arguments", {{"a", 2}, {"b", 3}}}});

}  // namespace

TEST_CASE("fault sweep: the bearer gate and initialize on /mcp", "[faults][sweep][mcp][bearer]") {
  const McpWorld w;
  const http::Request request = with_bearer(fake::mcp_post(fake::initialize_body()), w.t.access);
  sweep::sweep(
      w.h, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        sweep::require_unavailable(f.response);
        REQUIRE(header_or_empty(f.response, "mcp-session-id").empty());
        REQUIRE(header_or_empty(f.response, "www-authenticate").empty());  // not a sign-in problem
        REQUIRE(h.run(app, request).status == 200);
      });
}

TEST_CASE("fault sweep: tools/call in a session on /mcp", "[faults][sweep][mcp][session]") {
  const McpWorld w;
  const http::Request request = w.call(add_call);
  sweep::sweep(
      w.h, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        sweep::require_unavailable(f.response);
        auto again = h.run(app, request);
        REQUIRE(again.status == 200);
        REQUIRE(body_json(again)["result"]["content"][0]["text"] == "5");
      });
}

TEST_CASE("fault sweep: DELETE /mcp ends a session", "[faults][sweep][mcp][session]") {
  const McpWorld w;
  http::Request request = w.call("");
  request.method = "DELETE";
  sweep::sweep(
      w.h, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        sweep::require_unavailable(f.response);
        // The retry ends the session; when the first attempt's tombstone landed, it already had.
        const int again = h.run(app, request).status;
        REQUIRE(again == (f.after_effect ? 404 : 204));
        REQUIRE(h.run(app, w.call(add_call)).status == 404);
      });
}

TEST_CASE("fault sweep: GET /sse opens a stream", "[faults][sweep][sse]") {
  const McpWorld w;
  sweep::sweep(
      w.h, [&](app::App& app, fake::FakeHost& h) { return h.run(app, w.sse_get()); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        sweep::require_unavailable(f.response);
        REQUIRE_FALSE(f.response.stream);
        auto again = h.run(app, w.sse_get());
        REQUIRE(again.status == 200);
        REQUIRE(again.stream);
      });
}

TEST_CASE("fault sweep: POST /sse/message delivers through the mailbox", "[faults][sweep][sse]") {
  const McpWorld w;
  const http::Request request = w.sse_post(add_call);
  sweep::sweep(
      w.h, [&](app::App& app, fake::FakeHost& h) { return h.run(app, request); },
      [&](const Faulted& f, app::App& app, fake::FakeHost& h) {
        sweep::require_unavailable(f.response);
        REQUIRE(h.run(app, request).status == 202);
        // Delivered by the retry; twice when the first delivery landed and only its answer was lost
        // (the client sees the same reply id again and ignores it).
        const auto& delivered = h.mailboxes.begin()->second.delivered;
        REQUIRE(delivered.size() == (f.after_effect ? 2u : 1u));
        REQUIRE(delivered.back().find("\"text\":\"5\"") != std::string::npos);
      });
}
