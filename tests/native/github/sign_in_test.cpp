#include "github/sign_in.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

#include "app/derived_keys.hpp"
#include "app/limits.hpp"
#include "base/bytes.hpp"
#include "http/form.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using fake::body_json;
using flow::drive;
using flow::header_or_empty;
using json::Json;

namespace {

using Script = std::function<std::optional<host::FetchResponse>(const host::FetchRequest&)>;

host::FetchResponse reply(std::uint16_t status, std::string body, std::string type = "application/json") {
  host::FetchResponse r;
  r.status = status;
  r.headers = {{"content-type", std::move(type)}};
  r.body = std::move(body);
  return r;
}

const std::string good_token = R"({"access_token":"gho_testtoken","token_type":"bearer","scope":"read:user"})";
const std::string good_user = R"({"login":"octocat","id":583231,"name":"The Octocat","email":"octo@example.com"})";

// GitHub answering /access_token and /user with these (nullopt: no answer at all).
Script github_answers(std::optional<host::FetchResponse> token, std::optional<host::FetchResponse> user) {
  return [token, user](const host::FetchRequest& req) -> std::optional<host::FetchResponse> {
    if (req.url.find("/access_token") != std::string::npos) return token;
    if (req.url.find("/user") != std::string::npos) return user;
    return std::nullopt;
  };
}

const std::string* find_header(const std::vector<http::Header>& headers, const std::string& name) {
  for (const auto& h : headers)
    if (h.first == name) return &h.second;
  return nullptr;
}

std::string set_cookie_named(const http::Response& r, const std::string& name) {
  for (const auto& c : fake::set_cookies(r))
    if (c.rfind(name + "=", 0) == 0) return c;
  return {};
}

// Where the sign-in's state is kept (sign_in.hpp rule 1): in the signed cookie, or, for a request
// too long for a cookie (this redirect URI and client state), in KV.
enum class Keep { cookie, kv };
const std::string long_redirect_uri = "http://127.0.0.1:9999/" + std::string(1900, 'p');
const std::string long_client_state(1000, 's');

struct Fixture {
  app::App app;
  fake::FakeHost fh;
  flow::Registered client;
  flow::AuthorizeOptions options;
  explicit Fixture(Keep keep = Keep::cookie, app::Config c = flow::test_config()) : app(std::move(c)) {
    fake::script_github(fh);
    if (keep == Keep::kv) {
      options.redirect_uri = long_redirect_uri;
      options.state = long_client_state;
    }
    client = flow::register_public(app, fh, "Flow tests", {options.redirect_uri});
  }
  // Consent approved: the browser is on its way to GitHub.
  flow::ToGitHub to_github() { return flow::approve(app, fh, client.client_id, options); }
  http::Response back(const flow::ToGitHub& g, const std::string& code = "ghcode") {
    fh.log.clear();
    fh.fetched.clear();
    return flow::callback(app, fh, g, code);
  }
};

oauth::AuthRequest a_request() {
  oauth::AuthRequest r;
  r.client_id = "client0123456789";
  r.redirect_uri = "http://127.0.0.1:9999/callback";
  r.state = "st4te";
  r.code_challenge = "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0";
  r.resource = "http://localhost:8788";
  r.issued_at = 1'750'000'000;
  return r;
}

oauth::AuthRequest a_long_request() {
  oauth::AuthRequest r = a_request();
  r.redirect_uri = long_redirect_uri;
  r.state = long_client_state;
  return r;
}

void require_failure_page(const http::Response& r, int status) {
  REQUIRE(r.status == status);
  REQUIRE(fake::header(r, "location") == nullptr);
  REQUIRE(header_or_empty(r, "content-type").rfind("text/html", 0) == 0);
  // Never the GitHub token or the server's secrets.
  REQUIRE(r.body.find("gho_testtoken") == std::string::npos);
  REQUIRE(r.body.find("gh-secret") == std::string::npos);
  REQUIRE(r.body.find(flow::cookie_key) == std::string::npos);
}

// /callback for `g`'s state with `cookie` (a whole "name=value", or none when empty): a 400 page
// logged as state_mismatch. The host log is cleared first, for the caller's own checks.
void require_state_mismatch(Fixture& f, const flow::ToGitHub& g, const std::string& cookie) {
  f.fh.log.clear();
  std::vector<http::Header> headers;
  if (!cookie.empty()) headers.push_back({"cookie", cookie});
  auto r = f.fh.run(f.app, fake::get("/callback?code=ghcode&state=" + g.state, headers));
  require_failure_page(r, 400);
  REQUIRE(r.log.find("\"reason\":\"state_mismatch\"") != std::string::npos);
}

}  // namespace

TEST_CASE("sign-in starts with an unguessable state bound to the browser by a signed cookie; nothing is written",
          "[github][sign_in]") {
  fake::FakeHost fh;
  flow::Context c;
  host::Host h;
  auto r = drive(fh, h, github::start_sign_in(h, c.at(fh.now_ms), a_request(), {"extra=1; Path=/"}));
  REQUIRE(r.status == 302);
  const std::string state = fake::query_value(header_or_empty(r, "location"), "state");
  REQUIRE(state.size() == 32);
  REQUIRE(fh.kv.empty());
  REQUIRE(fh.count(host::OpKind::kv_put) == 0);

  const std::string cookie = set_cookie_named(r, github::state_cookie);
  REQUIRE(cookie.find("; Max-Age=600") != std::string::npos);
  REQUIRE(cookie.find("; Path=/; Secure; HttpOnly") != std::string::npos);
  const std::string value = fake::cookie_pair(cookie).substr(std::string(github::state_cookie).size() + 1);
  REQUIRE(value.size() <= app::max_state_cookie_value_length);
  // "<b64url(payload)>.<b64url(MAC)>": the payload is the state record with its state...
  const auto dot = value.find('.');
  REQUIRE(dot != std::string::npos);
  const auto payload = base::base64url_decode(value.substr(0, dot));
  REQUIRE(payload);
  REQUIRE(*json::parse(*payload).value ==
          Json{{"state", state}, {"request", a_request().to_json()}, {"createdAt", fh.now_ms / 1000}});
  // ...and the MAC is HMAC-SHA256 under the derived key of the label mcp-github-state/v1.
  const std::string key = fh.perform(host::op_hmac_sha256(c.config.cookie_encryption_key, app::key_labels::github_state)).bytes;
  const std::string mac = fh.perform(host::op_hmac_sha256(key, std::string(app::key_labels::github_state) + *payload)).bytes;
  REQUIRE(base::base64url_decode(value.substr(dot + 1)) == std::optional<std::string>(mac));
  REQUIRE(set_cookie_named(r, "extra") == "extra=1; Path=/");
}

TEST_CASE("the callback needs the signed cookie of this very state, unaltered and at most 10 minutes old",
          "[github][callback]") {
  Fixture f;
  auto g = f.to_github();
  const std::string name = std::string(github::state_cookie) + "=";
  const std::string value = g.state_cookie.substr(name.size());
  const auto dot = value.find('.');
  Json record = *json::parse(*base::base64url_decode(value.substr(0, dot))).value;
  Json other_state = record;
  other_state["state"] = std::string(32, 'x');
  auto g_other = f.to_github();  // another sign-in of this browser: its cookie names another state
  for (const std::string& cookie :
       {std::string(), name + std::string(64, '0'), name + value.substr(0, dot) + ".AAAA",
        name + base::base64url_encode(json::dump(other_state)) + value.substr(dot), g_other.state_cookie}) {
    require_state_mismatch(f, g, cookie);
  }
  REQUIRE(f.fh.fetched.empty());
  REQUIRE(flow::keys_with_prefix(f.fh, "grant:").empty());
  auto r = f.back(g);
  REQUIRE(r.status == 302);
  // No KV: the MAC, then GitHub.
  REQUIRE(f.fh.log[0].kind == host::OpKind::hmac_sha256);
  REQUIRE(f.fh.log[1].kind == host::OpKind::fetch);
  REQUIRE(f.fh.count(host::OpKind::kv_get) == 0);
  REQUIRE(f.fh.count(host::OpKind::kv_delete) == 0);
  // The browser's cookie is cleared on the way out: a state is used once per browser.
  REQUIRE(set_cookie_named(r, github::state_cookie).find("Max-Age=0") != std::string::npos);
}

TEST_CASE("a sign-in too long for a cookie keeps its state 10 minutes in KV, bound to the browser by its hash",
          "[github][sign_in]") {
  fake::FakeHost fh;
  flow::Context c;
  host::Host h;
  auto r = drive(fh, h, github::start_sign_in(h, c.at(fh.now_ms), a_long_request(), {"extra=1; Path=/"}));
  REQUIRE(r.status == 302);
  const std::string location = header_or_empty(r, "location");
  const std::string state = fake::query_value(location, "state");
  REQUIRE(state.size() == 32);

  // Operations: the state, its hash, one put.
  REQUIRE(fh.log.size() == 3);
  REQUIRE(fh.log[0].kind == host::OpKind::random);
  REQUIRE(fh.log[1].kind == host::OpKind::sha256);
  REQUIRE(fh.log[2].kind == host::OpKind::kv_put);
  REQUIRE(fh.log[2].key == "oauth:state:" + state);
  const auto& entry = fh.kv.at("oauth:state:" + state);
  REQUIRE(entry.ttl_seconds == 600);
  REQUIRE(flow::kv_json(fh, "oauth:state:" + state) == Json{{"request", a_long_request().to_json()}, {"createdAt", fh.now_ms / 1000}});

  const std::string cookie = set_cookie_named(r, github::state_cookie);
  REQUIRE(fake::cookie_pair(cookie) == std::string(github::state_cookie) + "=" + flow::hex_sha256(fh, state));
  REQUIRE(cookie.find("; Max-Age=600") != std::string::npos);
  REQUIRE(cookie.find("; Path=/; Secure; HttpOnly") != std::string::npos);
  REQUIRE(cookie.find(state) == std::string::npos);  // the cookie holds only the hash
  REQUIRE(set_cookie_named(r, "extra") == "extra=1; Path=/");

  auto again = drive(fh, h, github::start_sign_in(h, c.at(fh.now_ms), a_long_request(), {}));
  REQUIRE(fake::query_value(header_or_empty(again, "location"), "state") != state);
}

TEST_CASE("sign-in redirects to GITHUB_OAUTH_URL/authorize with client_id, redirect_uri <origin>/callback, read:user, state",
          "[github][sign_in]") {
  fake::FakeHost fh;
  flow::Context c;
  host::Host h;
  auto r = drive(fh, h, github::start_sign_in(h, c.at(fh.now_ms), a_request(), {}));
  const std::string location = header_or_empty(r, "location");
  REQUIRE(location.rfind("https://github.com/login/oauth/authorize?", 0) == 0);
  REQUIRE(fake::query_value(location, "client_id") == "gh-client");
  REQUIRE(fake::query_value(location, "redirect_uri") == "http://localhost:8788/callback");
  REQUIRE(fake::query_value(location, "scope") == "read:user");
  REQUIRE(location.find("gh-secret") == std::string::npos);

  flow::Context dev;
  dev.config.github_oauth_url = "http://127.0.0.1:8790/login/oauth";
  auto r2 = drive(fh, h, github::start_sign_in(h, dev.at(fh.now_ms), a_request(), {}));
  REQUIRE(header_or_empty(r2, "location").rfind("http://127.0.0.1:8790/login/oauth/authorize?", 0) == 0);
}

TEST_CASE("the callback needs the state in KV and its SHA-256 in this browser's cookie", "[github][callback]") {
  Fixture f(Keep::kv);
  auto g = f.to_github();
  const std::string state_key = "oauth:state:" + g.state;
  // No cookie, a wrong one, another browser's: refused, the state untouched. (With a cookie, the
  // state's record is read in the same round trip as the hash and never looked at.)
  for (const std::string& cookie : {std::string(), std::string(github::state_cookie) + "=" + std::string(64, '0'),
                                    std::string(github::state_cookie) + "=" + g.state}) {
    require_state_mismatch(f, g, cookie);
    REQUIRE(f.fh.kv.count(state_key) == 1);
    REQUIRE(f.fh.count(host::OpKind::kv_get) == (cookie.empty() ? 0u : 1u));
    REQUIRE(f.fh.batch_sizes.back() == (cookie.empty() ? 1u : 2u));
    REQUIRE(f.fh.count(host::OpKind::kv_delete) == 0);
  }
  require_failure_page(f.fh.run(f.app, fake::get("/callback?code=ghcode", {{"cookie", g.state_cookie}})), 400);
  require_failure_page(f.fh.run(f.app, fake::get("/callback?code=ghcode&state=", {{"cookie", g.state_cookie}})), 400);
  REQUIRE(f.fh.fetched.empty());
  REQUIRE(f.back(g).status == 302);
}

TEST_CASE("an expired state (10 minutes) is refused with a page", "[github][callback][expiry]") {
  const Keep keep = GENERATE(Keep::cookie, Keep::kv);
  Fixture f(keep);
  auto g = f.to_github();
  f.fh.now_ms += 601 * 1000;
  auto r = f.back(g);
  require_failure_page(r, 400);
  REQUIRE(r.body.find("expired") != std::string::npos);
  REQUIRE(r.log.find("\"reason\":\"state_expired\"") != std::string::npos);
  REQUIRE(f.fh.fetched.empty());
  REQUIRE(flow::keys_with_prefix(f.fh, "grant:").empty());
}

// Fuzzing: a stored createdAt of -2^63 overflowed `now - createdAt`.
TEST_CASE("a stored state whose createdAt is not a safe integer has expired", "[github][callback][expiry][fuzz]") {
  Fixture f(Keep::kv);
  auto g = f.to_github();
  const std::string key = "oauth:state:" + g.state;
  Json state = flow::kv_json(f.fh, key);
  state["createdAt"] = std::numeric_limits<std::int64_t>::min();
  f.fh.kv[key].value = json::dump(state);
  auto r = f.back(g);
  require_failure_page(r, 400);
  REQUIRE(r.body.find("expired") != std::string::npos);
  REQUIRE(f.fh.fetched.empty());
}

TEST_CASE("the state is single use: deleted before GitHub is asked anything", "[github][callback]") {
  Fixture f(Keep::kv);
  auto g = f.to_github();
  auto r = f.back(g);
  REQUIRE(r.status == 302);
  // sha256(state), read the state, delete it, and only then the GitHub requests.
  REQUIRE(f.fh.log.size() >= 5);
  REQUIRE(f.fh.log[0].kind == host::OpKind::sha256);
  REQUIRE(f.fh.log[1].kind == host::OpKind::kv_get);
  REQUIRE(f.fh.log[1].key == "oauth:state:" + g.state);
  REQUIRE(f.fh.log[2].kind == host::OpKind::kv_delete);
  REQUIRE(f.fh.log[2].key == "oauth:state:" + g.state);
  REQUIRE(f.fh.log[3].kind == host::OpKind::fetch);
  REQUIRE(f.fh.kv.count("oauth:state:" + g.state) == 0);

  auto replay = f.back(g);
  require_failure_page(replay, 400);
  REQUIRE(f.fh.fetched.empty());
  REQUIRE(flow::keys_with_prefix(f.fh, "grant:").size() == 1);
  // The state cookie is cleared on the way out.
  REQUIRE(set_cookie_named(r, github::state_cookie).find("Max-Age=0") != std::string::npos);
}

TEST_CASE("GitHub's refusal (?error=access_denied) goes back to the client as access_denied", "[github][callback]") {
  Fixture f;
  auto g = f.to_github();
  f.fh.log.clear();
  auto r = f.fh.run(f.app, fake::get("/callback?error=access_denied&error_description=no&state=" + g.state,
                                     {{"cookie", g.state_cookie}}));
  REQUIRE(r.status == 302);
  const std::string location = header_or_empty(r, "location");
  REQUIRE(location.rfind(std::string(fake::test_redirect_uri) + "?", 0) == 0);
  REQUIRE(fake::query_value(location, "error") == "access_denied");
  REQUIRE(fake::query_value(location, "state") == "st4te");
  REQUIRE(fake::query_value(location, "iss") == fake::origin);
  REQUIRE(fake::query_value(location, "code").empty());
  REQUIRE(f.fh.fetched.empty());
  REQUIRE(f.fh.count(host::OpKind::kv_put) == 0);
  REQUIRE(f.fh.kv.count("oauth:state:" + g.state) == 0);
}

TEST_CASE("the code exchange POSTs to /access_token asking for JSON, with the client secret only in the body",
          "[github][callback][fetch]") {
  Fixture f;
  auto r = f.back(f.to_github(), "the+code&x");
  REQUIRE(r.status == 302);
  REQUIRE(f.fh.fetched.size() == 2);
  const host::FetchRequest& ex = f.fh.fetched[0];
  REQUIRE(ex.method == "POST");
  REQUIRE(ex.url == "https://github.com/login/oauth/access_token");
  REQUIRE(*find_header(ex.headers, "accept") == "application/json");
  REQUIRE(*find_header(ex.headers, "user-agent") == github::user_agent);
  REQUIRE(*find_header(ex.headers, "content-type") == "application/x-www-form-urlencoded");
  auto form = http::parse_form(ex.body);
  REQUIRE(form);
  REQUIRE(*form->get("client_id") == "gh-client");
  REQUIRE(*form->get("client_secret") == "gh-secret");
  REQUIRE(*form->get("code") == "the+code&x");
  REQUIRE(*form->get("redirect_uri") == "http://localhost:8788/callback");
  REQUIRE(ex.url.find("gh-secret") == std::string::npos);
  for (const auto& h : ex.headers) REQUIRE(h.second.find("gh-secret") == std::string::npos);
}

TEST_CASE("the user is read from GITHUB_API_URL/user with the token as Bearer, a User-Agent and the GitHub media type",
          "[github][callback][fetch]") {
  app::Config c = flow::test_config();
  c.github_api_url = "http://127.0.0.1:8790/api";
  c.github_oauth_url = "http://127.0.0.1:8790/login/oauth";
  Fixture f(Keep::cookie, c);
  auto r = f.back(f.to_github());
  REQUIRE(r.status == 302);
  REQUIRE(f.fh.fetched.size() == 2);
  REQUIRE(f.fh.fetched[0].url == "http://127.0.0.1:8790/login/oauth/access_token");
  const host::FetchRequest& user = f.fh.fetched[1];
  REQUIRE(user.method == "GET");
  REQUIRE(user.url == "http://127.0.0.1:8790/api/user");
  REQUIRE(*find_header(user.headers, "authorization") == "Bearer gho_testtoken");
  REQUIRE(*find_header(user.headers, "accept") == "application/vnd.github+json");
  REQUIRE(*find_header(user.headers, "user-agent") == github::user_agent);
  REQUIRE(user.body.empty());
  REQUIRE(user.url.find("gh-secret") == std::string::npos);
  for (const auto& h : user.headers) REQUIRE(h.second.find("gh-secret") == std::string::npos);
}

TEST_CASE("the authorization completes with user id = login and props {login, id, name, email, accessToken}",
          "[github][callback]") {
  Fixture f;
  f.fh.on_fetch = github_answers(reply(200, good_token), reply(200, good_user));
  auto r = f.back(f.to_github());
  REQUIRE(r.status == 302);
  // Exactly one write, the grant, and only after GitHub said who the user is; then the user's
  // earlier grants for this client are looked up (there are none).
  REQUIRE(f.fh.count(host::OpKind::kv_put) == 1);
  const auto put = std::find_if(f.fh.log.begin(), f.fh.log.end(), [](const auto& l) { return l.kind == host::OpKind::kv_put; });
  REQUIRE(put->key.rfind("grant:octocat:", 0) == 0);
  REQUIRE(f.fh.log.back().kind == host::OpKind::kv_list);
  REQUIRE(f.fh.log.back().key == "grant:octocat:");
  REQUIRE(f.fh.fetched.size() == 2);
  const std::string code = fake::query_value(header_or_empty(r, "location"), "code");
  auto parts = oauth::split_token(code);
  REQUIRE(parts);
  REQUIRE(parts->user_id == "octocat");
  const Json grant = flow::kv_json(f.fh, oauth::grant_key("octocat", parts->grant_id));
  REQUIRE(grant["clientId"] == f.client.client_id);
  host::Host h;
  auto key = drive(f.fh, h, oauth::unwrap_key_with_token(h, code, grant["authCodeWrappedKey"].get<std::string>()));
  REQUIRE(key);
  auto props = drive(f.fh, h, oauth::decrypt_props(h, *key, grant["encryptedProps"].get<std::string>()));
  REQUIRE(props);
  REQUIRE(*props == Json{{"login", "octocat"}, {"id", 583231}, {"name", "The Octocat"}, {"email", "octo@example.com"},
                         {"accessToken", "gho_testtoken"}});
}

TEST_CASE("GitHub failures give a page saying what went wrong and write no grant", "[github][callback][faults]") {
  struct Case {
    const char* name;
    Script script;
    int status;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"no answer to the exchange", github_answers(std::nullopt, reply(200, good_user)), 502, "did not answer"},
      {"exchange answers 500", github_answers(reply(500, "oops", "text/plain"), reply(200, good_user)), 502, "error status"},
      {"exchange answers non-JSON", github_answers(reply(200, "access_token=gho_testtoken&scope=read%3Auser", "application/x-www-form-urlencoded"),
                                           reply(200, good_user)),
       502, "could not be read"},
      {"exchange answers an error with HTTP 200",
       github_answers(reply(200, R"({"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."})"),
              reply(200, good_user)),
       400, "bad_verification_code"},
      {"exchange answers no token", github_answers(reply(200, R"({"token_type":"bearer"})"), reply(200, good_user)), 502, "no access token"},
      {"/user answers 401", github_answers(reply(200, good_token), reply(401, R"({"message":"Bad credentials"})")), 502, "401"},
      {"no answer from /user", github_answers(reply(200, good_token), std::nullopt), 502, "did not answer"},
      {"/user answers non-JSON", github_answers(reply(200, good_token), reply(200, "<html>", "text/html")), 502, "could not be read"},
      {"/user has no login", github_answers(reply(200, good_token), reply(200, R"({"id":1})")), 502, "could not be read"},
      {"/user has a string id", github_answers(reply(200, good_token), reply(200, R"({"login":"octocat","id":"1"})")), 502,
       "could not be read"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Fixture f;
    auto g = f.to_github();
    f.fh.on_fetch = c.script;
    auto r = f.back(g);
    require_failure_page(r, c.status);
    REQUIRE(r.body.find(c.says) != std::string::npos);
    REQUIRE(set_cookie_named(r, github::state_cookie).find("Max-Age=0") != std::string::npos);
    REQUIRE(f.fh.count(host::OpKind::kv_put) == 0);
    REQUIRE(flow::keys_with_prefix(f.fh, "grant:").empty());
  }
}

TEST_CASE("without GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET or COOKIE_ENCRYPTION_KEY /callback shows a configuration page",
          "[github][callback][config]") {
  for (const char* secret : {"GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "COOKIE_ENCRYPTION_KEY"}) {
    INFO(secret);
    app::Config c = flow::test_config();
    if (std::string(secret) == "GITHUB_CLIENT_ID") c.github_client_id.clear();
    if (std::string(secret) == "GITHUB_CLIENT_SECRET") c.github_client_secret.clear();
    if (std::string(secret) == "COOKIE_ENCRYPTION_KEY") c.cookie_encryption_key.clear();
    app::App app(c);
    fake::FakeHost fh;
    fake::script_github(fh);
    auto r = fh.run(app, fake::get("/callback?code=ghcode&state=abc", {{"cookie", "__Host-mcp-github-state=abc"}}));
    require_failure_page(r, 500);
    REQUIRE(r.body.find(secret) != std::string::npos);
    REQUIRE(fh.log.empty());
    REQUIRE(fh.fetched.empty());
  }
}

TEST_CASE("a callback without a code is a page, and the state is spent", "[github][callback]") {
  Fixture f(Keep::kv);
  auto g = f.to_github();
  auto r = f.fh.run(f.app, fake::get("/callback?state=" + g.state, {{"cookie", g.state_cookie}}));
  require_failure_page(r, 400);
  REQUIRE(f.fh.kv.count("oauth:state:" + g.state) == 0);
  REQUIRE(set_cookie_named(r, github::state_cookie).find("Max-Age=0") != std::string::npos);
  REQUIRE(flow::keys_with_prefix(f.fh, "grant:").empty());
}

TEST_CASE("/callback answers GET only", "[github][callback]") {
  Fixture f(Keep::kv);
  auto g = f.to_github();
  http::Request post = fake::post_form("/callback?code=ghcode&state=" + g.state, "", {{"cookie", g.state_cookie}});
  auto r = f.fh.run(f.app, post);
  REQUIRE(r.status == 405);
  REQUIRE(f.fh.kv.count("oauth:state:" + g.state) == 1);
}

TEST_CASE("a storage failure at the callback is 503 and leaves no grant", "[github][callback][faults]") {
  Fixture f(Keep::kv);
  auto g = f.to_github();
  f.fh.fail_kv = true;
  auto r = f.back(g);
  REQUIRE(r.status == 503);
  REQUIRE(f.fh.fetched.empty());
  f.fh.fail_kv = false;

  // The grant's own write failing: 503, nothing stored, no code handed out.
  auto g2 = f.to_github();
  f.fh.log.clear();
  auto grant_put_fails = flow::failing(f.fh, [](const host::Operation& op) {
    return op.kind == host::OpKind::kv_put && op.key.rfind("grant:", 0) == 0;
  });
  auto r2 = flow::run_with(f.app, f.fh, fake::get("/callback?code=ghcode&state=" + g2.state, {{"cookie", g2.state_cookie}}),
                           grant_put_fails);
  REQUIRE(r2.status == 503);
  REQUIRE(header_or_empty(r2, "location").empty());
  REQUIRE(flow::keys_with_prefix(f.fh, "grant:").empty());
}

// DESIGN.md Rule 4: expiry is enforced in code from stored timestamps; KV's TTL only collects
// garbage (it is lazy, and reads are eventually consistent). The state record carries the
// request's issuedAt, but /callback does not look at it.
TEST_CASE("a sign-in state older than 10 minutes is refused even while KV still returns it",
          "[github][callback][expiry]") {
  Fixture f(Keep::kv);
  auto g = f.to_github();
  f.fh.kv["oauth:state:" + g.state].expires_at_ms = 0;  // not yet collected
  f.fh.now_ms += 601 * 1000;
  auto r = f.back(g);
  CHECK(r.status == 400);
  CHECK(flow::keys_with_prefix(f.fh, "grant:").empty());
}

// sign_in.hpp rule 3: "Every failure is a page that says what went wrong". A storage failure at
// /callback answers the JSON 503 of oauth::unavailable() to the browser instead.
TEST_CASE("a storage failure at the callback is a 503 page the browser can show", "[github][callback][faults]") {
  Fixture f(Keep::kv);
  auto g = f.to_github();
  f.fh.fail_kv = true;
  auto r = f.back(g);
  REQUIRE(r.status == 503);
  CHECK(header_or_empty(r, "content-type").rfind("text/html", 0) == 0);
}

// limits.hpp max_callback_state_length, max_github_code_length, max_login_length.
TEST_CASE("callback limits: a state over 256 or a code over 512 characters is a 400 page; a login over 100 a 502 page",
          "[github][callback][limits]") {
  Fixture f;
  f.fh.log.clear();
  require_failure_page(f.fh.run(f.app, fake::get("/callback?code=c&state=" + std::string(app::max_callback_state_length + 1, 's'))), 400);
  REQUIRE(f.fh.log.empty());

  auto g = f.to_github();
  auto long_code = f.back(g, std::string(app::max_github_code_length + 1, 'c'));
  require_failure_page(long_code, 400);
  REQUIRE(f.fh.fetched.empty());  // GitHub is not asked
  REQUIRE(flow::keys_with_prefix(f.fh, "grant:").empty());

  const std::string login_at_limit(app::max_login_length, 'a');
  for (const auto& [login, status] : {std::pair{login_at_limit, 302}, std::pair{login_at_limit + "a", 502}}) {
    auto again = f.to_github();
    f.fh.on_fetch = github_answers(reply(200, good_token), reply(200, json::dump(Json{{"login", login}, {"id", 7}})));
    auto r = f.back(again);
    REQUIRE(r.status == status);
    REQUIRE(flow::keys_with_prefix(f.fh, "grant:" + login + ":").size() == (status == 302 ? 1u : 0u));
  }
}
