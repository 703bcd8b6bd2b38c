#include "oauth/authorize_endpoint.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "app/limits.hpp"
#include "base/bytes.hpp"
#include "http/form.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using fake::body_json;
using fake::header;
using flow::header_or_empty;
using json::Json;

namespace {

struct Fixture {
  app::App app{flow::test_config()};
  fake::FakeHost fh;
  flow::Registered client = flow::register_public(app, fh, "Native tests");
  std::string challenge_;
  Fixture() {
    fake::script_github(fh);
    challenge_ = fake::pkce_challenge(fh, flow::verifier);
    fh.log.clear();
  }
  http::Response get(const std::string& path, std::vector<http::Header> headers = {}) {
    return fh.run(app, fake::get(path, std::move(headers)));
  }
  std::string base_query() const {
    return "/authorize?client_id=" + client.client_id + "&redirect_uri=" + http::form_encode(fake::test_redirect_uri);
  }
  const std::string& challenge() const { return challenge_; }
  std::string valid_path(const std::string& extra = "") {
    return base_query() + "&response_type=code&state=st4te&code_challenge=" + challenge() + "&code_challenge_method=S256" + extra;
  }
};

// The JSON inside a signed value ("<base64url(payload)>.<mac>").
Json signed_payload(const std::string& value) {
  auto payload = base::base64url_decode(value.substr(0, value.find('.')));
  REQUIRE(payload);
  auto parsed = json::parse(*payload);
  REQUIRE(parsed.value);
  return *parsed.value;
}

std::string cookie_value_of(const std::string& pair) { return pair.substr(pair.find('=') + 1); }

std::string set_cookie_named(const http::Response& r, const std::string& name) {
  for (const auto& c : fake::set_cookies(r))
    if (c.rfind(name + "=", 0) == 0) return c;
  return {};
}

void require_page(const http::Response& r, int status) {
  REQUIRE(r.status == status);
  REQUIRE(header(r, "location") == nullptr);
  REQUIRE(header_or_empty(r, "content-type").rfind("text/html", 0) == 0);
}

// A 302 back to the test client with `error`, the request's state and iss.
void require_error_redirect(const http::Response& r, const std::string& error, const std::string& state = "st4te") {
  REQUIRE(r.status == 302);
  const std::string location = header_or_empty(r, "location");
  INFO(location);
  REQUIRE(location.rfind(std::string(fake::test_redirect_uri) + "?", 0) == 0);
  REQUIRE(fake::query_value(location, "error") == error);
  REQUIRE_FALSE(fake::query_value(location, "error_description").empty());
  REQUIRE(fake::query_value(location, "state") == state);
  REQUIRE(fake::query_value(location, "iss") == fake::origin);
  REQUIRE(fake::query_value(location, "code").empty());
}

bool goes_to_github(const http::Response& r) {
  return r.status == 302 && header_or_empty(r, "location").rfind("https://github.com/login/oauth/authorize?", 0) == 0;
}

}  // namespace

TEST_CASE("without GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET or COOKIE_ENCRYPTION_KEY /authorize shows a configuration page",
          "[oauth][authorize][config]") {
  for (const char* secret : {"GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "COOKIE_ENCRYPTION_KEY"}) {
    app::Config c = flow::test_config();
    if (std::string(secret) == "GITHUB_CLIENT_ID") c.github_client_id.clear();
    if (std::string(secret) == "GITHUB_CLIENT_SECRET") c.github_client_secret.clear();
    if (std::string(secret) == "COOKIE_ENCRYPTION_KEY") c.cookie_encryption_key.clear();
    app::App app(c);
    fake::FakeHost fh;
    auto r = fh.run(app, fake::get("/authorize?response_type=code&client_id=abc&redirect_uri=" +
                                   http::form_encode(fake::test_redirect_uri)));
    INFO(secret);
    require_page(r, 500);
    REQUIRE(r.body.find(secret) != std::string::npos);
    REQUIRE(r.body.find("gh-secret") == std::string::npos);
    REQUIRE(r.body.find(flow::cookie_key) == std::string::npos);
    auto post = fh.run(app, fake::post_form("/authorize", "request=x&csrf=y&action=approve", {{"cookie", "__Host-mcp-csrf=y"}}));
    require_page(post, 500);
    // Nobody is signed in: nothing was read, written or fetched.
    REQUIRE(fh.log.empty());
    REQUIRE(fh.fetched.empty());
  }
}

TEST_CASE("an unknown client gets an error page, never a redirect", "[oauth][authorize]") {
  Fixture f;
  auto r = f.get("/authorize?response_type=code&client_id=nosuchclient&redirect_uri=" +
                 http::form_encode(fake::test_redirect_uri) + "&code_challenge=" + f.challenge() + "&code_challenge_method=S256");
  require_page(r, 400);
  REQUIRE(f.fh.log.size() == 1);
  REQUIRE(f.fh.log[0].kind == host::OpKind::kv_get);
  REQUIRE(f.fh.log[0].key == "client:nosuchclient");
  require_page(f.get("/authorize?response_type=code&redirect_uri=" + http::form_encode(fake::test_redirect_uri)), 400);
  require_page(f.get("/authorize?response_type=code&client_id=&redirect_uri=x"), 400);
  require_page(f.get("/authorize?client_id=a&client_id=b"), 400);
}

TEST_CASE("a redirect_uri the client did not register gets an error page, never a redirect", "[oauth][authorize]") {
  Fixture f;
  for (const char* uri : {"https://evil.example/callback", "http://127.0.0.1:9999/callback/", "http://127.0.0.1:9999/callbackx",
                          "http://127.0.0.1:9999/callback?x=1", "http://localhost:9999/callback", "http://127.0.0.2:9999/callback"}) {
    INFO(uri);
    auto r = f.get("/authorize?response_type=code&client_id=" + f.client.client_id + "&redirect_uri=" + http::form_encode(uri) +
                   "&state=s&code_challenge=" + f.challenge() + "&code_challenge_method=S256");
    require_page(r, 400);
  }
  // Even with every other parameter wrong, no redirect goes to an unregistered URI.
  require_page(f.get("/authorize?response_type=token&client_id=" + f.client.client_id +
                     "&redirect_uri=https%3A%2F%2Fevil.example%2F"), 400);
  // A repeated redirect_uri is a page too.
  require_page(f.get(f.valid_path("&redirect_uri=" + http::form_encode(fake::test_redirect_uri))), 400);
}

TEST_CASE("a loopback redirect_uri matches the registered one on any port (RFC 8252 §7.3)", "[oauth][authorize]") {
  Fixture f;
  flow::AuthorizeOptions o;
  o.redirect_uri = "http://127.0.0.1:5555/callback";
  auto consent = flow::open_consent(f.app, f.fh, f.client.client_id, o);
  REQUIRE(signed_payload(consent.request)["redirectUri"] == "http://127.0.0.1:5555/callback");
  auto to_github = flow::read_to_github(flow::submit_consent(f.app, f.fh, consent.request, consent.csrf, "approve", consent.csrf_cookie));
  auto back = flow::callback(f.app, f.fh, to_github);
  REQUIRE(back.status == 302);
  // The code goes to the port the client presented.
  REQUIRE(header_or_empty(back, "location").rfind("http://127.0.0.1:5555/callback?code=", 0) == 0);
}

TEST_CASE("without redirect_uri a client's only registered URI is used; with several it is an error page",
          "[oauth][authorize]") {
  Fixture f;
  auto r = f.get("/authorize?response_type=code&client_id=" + f.client.client_id + "&state=st4te&code_challenge=" +
                 f.challenge() + "&code_challenge_method=S256");
  REQUIRE(r.status == 200);
  REQUIRE(signed_payload(fake::hidden_field(r.body, "request"))["redirectUri"] == fake::test_redirect_uri);

  auto two = flow::register_public(f.app, f.fh, "Two", {"https://a.example/cb", "https://b.example/cb"});
  require_page(f.get("/authorize?response_type=code&client_id=" + two.client_id + "&code_challenge=" + f.challenge() +
                     "&code_challenge_method=S256"),
               400);
}

TEST_CASE("after the redirect URI is validated, a repeated parameter is invalid_request sent to the client with state and iss",
          "[oauth][authorize]") {
  Fixture f;
  for (const char* repeated : {"&response_type=code", "&state=again", "&code_challenge_method=S256", "&scope=a&scope=b"}) {
    INFO(repeated);
    require_error_redirect(f.get(f.valid_path(repeated)), "invalid_request");
  }
  require_error_redirect(f.get(f.valid_path("&code_challenge=" + f.challenge())), "invalid_request");
  // No state: the redirect carries none.
  auto r = f.get(f.base_query() + "&response_type=code&response_type=code");
  REQUIRE(r.status == 302);
  REQUIRE(fake::query_value(header_or_empty(r, "location"), "error") == "invalid_request");
  REQUIRE(header_or_empty(r, "location").find("state=") == std::string::npos);
  REQUIRE(fake::query_value(header_or_empty(r, "location"), "iss") == fake::origin);
  // Nothing was stored for any of them.
  REQUIRE(f.fh.count(host::OpKind::kv_put) == 0);
}

TEST_CASE("validation runs in the contract's order: client, redirect URI, repeats, response_type, PKCE, resource",
          "[oauth][authorize]") {
  Fixture f;
  const std::string evil = "&resource=" + http::form_encode("https://evil.example/");
  // Everything wrong after the redirect URI: the first rule in order decides.
  require_error_redirect(f.get(f.base_query() + "&state=st4te&response_type=token&response_type=token" + evil), "invalid_request");
  require_error_redirect(f.get(f.base_query() + "&state=st4te&response_type=token" + evil), "unsupported_response_type");
  require_error_redirect(f.get(f.base_query() + "&state=st4te&response_type=code" + evil), "invalid_request");
  require_error_redirect(f.get(f.base_query() + "&state=st4te&response_type=code&code_challenge=" + f.challenge() +
                               "&code_challenge_method=S256" + evil),
                         "invalid_target");
  // An unknown client wins over everything: a page.
  require_page(f.get("/authorize?client_id=nobody&redirect_uri=" + http::form_encode(fake::test_redirect_uri) +
                     "&response_type=token&response_type=token"),
               400);
}

TEST_CASE("a response_type other than code is unsupported_response_type", "[oauth][authorize]") {
  Fixture f;
  const std::string pkce = "&state=st4te&code_challenge=" + f.challenge() + "&code_challenge_method=S256";
  require_error_redirect(f.get(f.base_query() + "&response_type=token" + pkce), "unsupported_response_type");
  require_error_redirect(f.get(f.base_query() + "&response_type=code%20id_token" + pkce), "unsupported_response_type");
  require_error_redirect(f.get(f.base_query() + pkce), "unsupported_response_type");
}

TEST_CASE("PKCE is required with S256; plain or a missing method is invalid_request", "[oauth][authorize][pkce]") {
  Fixture f;
  const std::string q = f.base_query() + "&response_type=code&state=st4te";
  require_error_redirect(f.get(q), "invalid_request");
  require_error_redirect(f.get(q + "&code_challenge_method=S256"), "invalid_request");
  require_error_redirect(f.get(q + "&code_challenge=" + f.challenge()), "invalid_request");
  require_error_redirect(f.get(q + "&code_challenge=" + f.challenge() + "&code_challenge_method=plain"), "invalid_request");
  require_error_redirect(f.get(q + "&code_challenge=" + std::string(flow::verifier) + "&code_challenge_method=plain"),
                         "invalid_request");
  require_error_redirect(f.get(q + "&code_challenge=short&code_challenge_method=S256"), "invalid_request");
  require_error_redirect(f.get(q + "&code_challenge=" + std::string(43, '+') + "&code_challenge_method=S256"), "invalid_request");
  REQUIRE(f.get(q + "&code_challenge=" + f.challenge() + "&code_challenge_method=S256").status == 200);
}

TEST_CASE("a resource that is not this origin or a path under it is invalid_target; missing means the origin",
          "[oauth][authorize][resource]") {
  Fixture f;
  for (const char* bad : {"https://evil.example/mcp", "http://localhost:8789/mcp", "https://localhost:8788/mcp",
                          "http://localhost:8788/mcp?x=1", "http://localhost:8788/mcp#frag", "/mcp", "mcp"}) {
    INFO(bad);
    require_error_redirect(f.get(f.valid_path("&resource=" + http::form_encode(bad))), "invalid_target");
  }
  require_error_redirect(f.get(f.valid_path("&resource=http%3A%2F%2Flocalhost%3A8788%2Fmcp&resource=http%3A%2F%2Flocalhost%3A8788%2Fsse")),
                         "invalid_target");

  auto none = f.get(f.valid_path());
  REQUIRE(none.status == 200);
  REQUIRE(signed_payload(fake::hidden_field(none.body, "request"))["resource"] == "http://localhost:8788");
  auto root = f.get(f.valid_path("&resource=" + http::form_encode("http://localhost:8788/")));
  REQUIRE(signed_payload(fake::hidden_field(root.body, "request"))["resource"] == "http://localhost:8788");
  auto mcp = f.get(f.valid_path("&resource=" + http::form_encode("http://localhost:8788/mcp")));
  REQUIRE(mcp.status == 200);
  REQUIRE(signed_payload(fake::hidden_field(mcp.body, "request"))["resource"] == "http://localhost:8788/mcp");
}

TEST_CASE("the consent page shows the client's name, id and redirect URIs, escaped, with Approve and Deny",
          "[oauth][authorize][consent]") {
  Fixture f;
  auto evil = flow::register_client(
      f.app, f.fh,
      Json{{"redirect_uris", Json::array({"http://127.0.0.1:9999/callback", "https://app.example/cb?a=1&b=%22x%22"})},
           {"token_endpoint_auth_method", "none"},
           {"client_name", "<script>alert(1)</script> & \"Co\""}});
  auto c = flow::open_consent(f.app, f.fh, evil.client_id);
  const std::string& page = c.page.body;
  REQUIRE(page.find("<script>") == std::string::npos);
  REQUIRE(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;") != std::string::npos);
  REQUIRE(page.find(evil.client_id) != std::string::npos);
  REQUIRE(page.find("http://127.0.0.1:9999/callback") != std::string::npos);
  REQUIRE(page.find("https://app.example/cb?a=1&amp;b=%22x%22") != std::string::npos);
  REQUIRE(page.find("<dt>Registered</dt>") != std::string::npos);  // several: every one is listed
  REQUIRE(page.find("<title>Authorize &lt;script&gt;") != std::string::npos);
  REQUIRE(page.find("value=\"approve\"") != std::string::npos);
  REQUIRE(page.find("value=\"deny\"") != std::string::npos);
  REQUIRE(page.find("action=\"/authorize\"") != std::string::npos);
  REQUIRE(header_or_empty(c.page, "content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
  REQUIRE(header_or_empty(c.page, "x-frame-options") == "DENY");
  REQUIRE(header_or_empty(c.page, "cache-control") == "no-store");
  // Showing consent writes nothing.
  REQUIRE(f.fh.count(host::OpKind::kv_put) == 1);  // the registration above
}

TEST_CASE("the consent page says what is granted: resource, scopes, GitHub scope, lifetime; the name is unverified",
          "[oauth][authorize][consent]") {
  Fixture f;
  flow::AuthorizeOptions o;
  o.extra_query = "&resource=" + http::form_encode("http://localhost:8788/mcp") + "&scope=notes%3Aread+extra";
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id, o);
  const std::string& page = c.page.body;
  REQUIRE(page.find("<h1>Allow Native tests to use this MCP server?</h1>") != std::string::npos);
  REQUIRE(page.find("<code>http://localhost:8788/mcp</code>") != std::string::npos);          // the resource
  REQUIRE(page.find("<code>notes:read</code> <code>extra</code>") != std::string::npos);      // the client's scopes
  REQUIRE(page.find("<code>read:user</code>") != std::string::npos);                          // what GitHub is asked
  REQUIRE(page.find("up to 30 days") != std::string::npos);                                   // the refresh lifetime
  REQUIRE(page.find("not verified") != std::string::npos);
  REQUIRE(page.find("this computer") != std::string::npos);                                   // a loopback redirect
  // Every registered redirect URI is loopback: the warning of MCP "Localhost Redirect URI Risks".
  REQUIRE(page.find("Any program running on this computer could receive the code at <code>" +
                    std::string(fake::test_redirect_uri) + "</code>") != std::string::npos);
  // Deny comes first, then Approve: the order Tab takes; nothing else on the page takes focus.
  const auto deny = page.find("value=\"deny\"");
  const auto approve = page.find("value=\"approve\"");
  REQUIRE(deny != std::string::npos);
  REQUIRE(approve != std::string::npos);
  REQUIRE(deny < approve);
  REQUIRE(page.find("<a ") == std::string::npos);
  REQUIRE(page.find("<input type=\"text\"") == std::string::npos);
  // One registered redirect URI: no list of them.
  REQUIRE(page.find("<dt>Registered</dt>") == std::string::npos);
}

TEST_CASE("the loopback warning shows only when every registered redirect URI is loopback", "[oauth][authorize][consent]") {
  Fixture f;
  const auto mixed = flow::register_public(f.app, f.fh, "Mixed", {fake::test_redirect_uri, "https://app.example/callback"});
  const auto local = flow::open_consent(f.app, f.fh, mixed.client_id);  // a loopback URI of a client with a remote one
  REQUIRE(local.page.body.find("this computer</span>") != std::string::npos);
  REQUIRE(local.page.body.find("Any program running on this computer") == std::string::npos);
  flow::AuthorizeOptions remote;
  remote.redirect_uri = "https://app.example/callback";
  const auto web = flow::open_consent(f.app, f.fh, mixed.client_id, remote);
  REQUIRE(web.page.body.find("this computer") == std::string::npos);
}

TEST_CASE("consent carries one CSRF token in a __Host- cookie and in the form (double submit)",
          "[oauth][authorize][consent][csrf]") {
  Fixture f;
  auto a = flow::open_consent(f.app, f.fh, f.client.client_id);
  const std::string set = set_cookie_named(a.page, oauth::csrf_cookie);
  REQUIRE(set.find("; Max-Age=600") != std::string::npos);
  REQUIRE(set.find("; Path=/") != std::string::npos);
  REQUIRE(set.find("; Secure") != std::string::npos);
  REQUIRE(set.find("; HttpOnly") != std::string::npos);
  REQUIRE(set.find("Domain") == std::string::npos);
  REQUIRE(cookie_value_of(a.csrf_cookie) == a.csrf);
  REQUIRE(a.csrf.size() == 32);
  auto b = flow::open_consent(f.app, f.fh, f.client.client_id);
  REQUIRE(b.csrf != a.csrf);
}

TEST_CASE("the validated request is signed into the consent form and honoured for 10 minutes",
          "[oauth][authorize][consent]") {
  Fixture f;
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  const Json request = signed_payload(c.request);
  REQUIRE(request["clientId"] == f.client.client_id);
  REQUIRE(request["state"] == "st4te");
  REQUIRE(request["codeChallenge"] == f.challenge());
  REQUIRE(request["issuedAt"] == f.fh.now_ms / 1000);

  f.fh.now_ms += 599 * 1000;
  REQUIRE(goes_to_github(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", c.csrf_cookie)));

  auto late = flow::open_consent(f.app, f.fh, f.client.client_id);
  f.fh.now_ms += 601 * 1000;
  f.fh.log.clear();
  auto r = flow::submit_consent(f.app, f.fh, late.request, late.csrf, "approve", late.csrf_cookie);
  require_page(r, 400);
  REQUIRE(r.body.find("expired") != std::string::npos);
  REQUIRE(f.fh.count(host::OpKind::kv_put) == 0);
}

TEST_CASE("a consent POST without the matching CSRF cookie is refused with 403 and does nothing",
          "[oauth][authorize][consent][csrf]") {
  Fixture f;
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  auto other = flow::open_consent(f.app, f.fh, f.client.client_id);
  f.fh.log.clear();
  require_page(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", ""), 403);
  require_page(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", other.csrf_cookie), 403);
  require_page(flow::submit_consent(f.app, f.fh, c.request, "", "approve", "__Host-mcp-csrf="), 403);
  require_page(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", "mcp-csrf=" + c.csrf), 403);
  require_page(flow::submit_consent(f.app, f.fh, c.request, c.csrf + "x", "approve", c.csrf_cookie), 403);
  // Deny is no exception: a forged Deny would also be a redirect the user did not ask for.
  require_page(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "deny", ""), 403);
  REQUIRE(f.fh.log.empty());
}

TEST_CASE("a tampered or foreign signed request in the consent form is refused with 400", "[oauth][authorize][consent]") {
  Fixture f;
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  const auto dot = c.request.find('.');

  // A payload re-encoded with another redirect URI under the old MAC.
  Json altered = signed_payload(c.request);
  altered["redirectUri"] = "http://127.0.0.1:1/steal";
  const std::string forged = base::base64url_encode(json::dump(altered)) + c.request.substr(dot);
  std::string flipped_mac = c.request;
  flipped_mac.back() = flipped_mac.back() == 'A' ? 'B' : 'A';
  const std::vector<std::string> bad = {forged, flipped_mac, c.request.substr(0, dot), "", "x.y", c.request + "x",
                                        std::string(9000, 'A') + "." + std::string(43, 'A')};
  for (const auto& value : bad) {
    auto r = flow::submit_consent(f.app, f.fh, value, c.csrf, "approve", c.csrf_cookie);
    require_page(r, 400);
  }
  // The approvals cookie's value is signed for another purpose and does not pass as a request.
  auto to_github = flow::approve(f.app, f.fh, f.client.client_id);
  const std::string approvals = cookie_value_of(to_github.approvals_cookie);
  require_page(flow::submit_consent(f.app, f.fh, approvals, c.csrf, "approve", c.csrf_cookie), 400);

  // A request signed by a server with another COOKIE_ENCRYPTION_KEY is refused.
  app::Config other = flow::test_config();
  other.cookie_encryption_key = "another-key";
  app::App other_app(other);
  auto foreign = flow::open_consent(other_app, f.fh, f.client.client_id);
  require_page(flow::submit_consent(f.app, f.fh, foreign.request, c.csrf, "approve", c.csrf_cookie), 400);
  REQUIRE(flow::count_puts(f.fh, "oauth:state:") == 0);  // the sign-in state travels in its cookie (github/sign_in.hpp)
}

TEST_CASE("Deny sends access_denied to the client with state and iss, and remembers nothing", "[oauth][authorize][consent]") {
  Fixture f;
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  f.fh.log.clear();
  auto r = flow::submit_consent(f.app, f.fh, c.request, c.csrf, "deny", c.csrf_cookie);
  require_error_redirect(r, "access_denied");
  REQUIRE(set_cookie_named(r, oauth::csrf_cookie).find("Max-Age=0") != std::string::npos);
  REQUIRE(set_cookie_named(r, oauth::approvals_cookie).empty());
  REQUIRE(f.fh.count(host::OpKind::kv_put) == 0);
  REQUIRE(f.fh.fetched.empty());
  // Neither approve nor deny: a page.
  require_page(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "maybe", c.csrf_cookie), 400);
}

TEST_CASE("Approve remembers the client in a signed approvals cookie and goes to GitHub", "[oauth][authorize][consent]") {
  Fixture f;
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  auto r = flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", c.csrf_cookie);
  REQUIRE(goes_to_github(r));
  REQUIRE(set_cookie_named(r, oauth::csrf_cookie).find("Max-Age=0") != std::string::npos);
  const std::string approvals = set_cookie_named(r, oauth::approvals_cookie);
  REQUIRE(approvals.find("; Max-Age=2592000") != std::string::npos);
  REQUIRE(approvals.find("; Secure") != std::string::npos);
  REQUIRE(approvals.find("; HttpOnly") != std::string::npos);
  REQUIRE(signed_payload(cookie_value_of(fake::cookie_pair(approvals))) == Json::array({f.client.client_id}));
  // The sign-in's state goes with the browser, in its own signed cookie; nothing is written.
  const std::string state = set_cookie_named(r, "__Host-mcp-github-state");
  REQUIRE(signed_payload(cookie_value_of(fake::cookie_pair(state)))["request"]["clientId"] == f.client.client_id);
  REQUIRE(flow::count_puts(f.fh, "oauth:state:") == 0);
}

TEST_CASE("a client the browser approved before skips consent and goes straight to GitHub", "[oauth][authorize][consent]") {
  Fixture f;
  auto first = flow::approve(f.app, f.fh, f.client.client_id);
  REQUIRE_FALSE(first.approvals_cookie.empty());
  auto again = f.get(f.valid_path(), {{"cookie", first.approvals_cookie}});
  REQUIRE(goes_to_github(again));
  REQUIRE(set_cookie_named(again, oauth::csrf_cookie).empty());
  REQUIRE_FALSE(set_cookie_named(again, "__Host-mcp-github-state").empty());
  REQUIRE(flow::count_puts(f.fh, "oauth:state:") == 0);
  // The skip still validates the request first.
  require_error_redirect(f.get(f.base_query() + "&response_type=code&state=st4te", {{"cookie", first.approvals_cookie}}),
                         "invalid_request");
  // Another client is not covered by that cookie.
  auto other = flow::register_public(f.app, f.fh, "Other");
  REQUIRE(flow::open_consent(f.app, f.fh, other.client_id, {}, {{"cookie", first.approvals_cookie}}).page.status == 200);
  // A forged cookie naming the client is ignored: consent again.
  const std::string forged = std::string(oauth::approvals_cookie) + "=" +
                             base::base64url_encode(json::dump(Json::array({f.client.client_id}))) + "." +
                             base::base64url_encode(std::string(32, 'x'));
  REQUIRE(f.get(f.valid_path(), {{"cookie", forged}}).status == 200);
}

TEST_CASE("the approvals cookie remembers the 10 most recently approved clients", "[oauth][authorize][consent]") {
  Fixture f;
  std::vector<std::string> ids;
  std::string cookie;
  for (int i = 0; i < 11; ++i) {
    auto c = flow::register_public(f.app, f.fh, "Client " + std::to_string(i));
    ids.push_back(c.client_id);
    auto to_github = flow::approve(f.app, f.fh, c.client_id, {}, cookie);
    REQUIRE(goes_to_github(to_github.response));
    cookie = to_github.approvals_cookie;
  }
  Json remembered = signed_payload(cookie_value_of(cookie));
  REQUIRE(remembered.size() == app::max_remembered_clients);
  REQUIRE(remembered[0] == ids[10]);  // most recent first
  REQUIRE(remembered[9] == ids[1]);
  REQUIRE(std::find(remembered.begin(), remembered.end(), Json(ids[0])) == remembered.end());

  auto path_for = [&](const std::string& id) {
    return "/authorize?response_type=code&client_id=" + id + "&redirect_uri=" + http::form_encode(fake::test_redirect_uri) +
           "&code_challenge=" + f.challenge() + "&code_challenge_method=S256";
  };
  REQUIRE(f.get(path_for(ids[0]), {{"cookie", cookie}}).status == 200);  // forgotten: consent again
  REQUIRE(goes_to_github(f.get(path_for(ids[1]), {{"cookie", cookie}})));

  // Approving a remembered client again moves it to the front without a duplicate.
  auto c = flow::open_consent(f.app, f.fh, ids[0], {}, {{"cookie", cookie}});
  auto r = flow::read_to_github(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", c.csrf_cookie + "; " + cookie));
  remembered = signed_payload(cookie_value_of(r.approvals_cookie));
  REQUIRE(remembered.size() == 10);
  REQUIRE(remembered[0] == ids[0]);
  REQUIRE(std::find(remembered.begin(), remembered.end(), Json(ids[1])) == remembered.end());
  REQUIRE(std::count(remembered.begin(), remembered.end(), Json(ids[0])) == 1);
}

TEST_CASE("a storage failure on /authorize is 503, never a consent page or a redirect", "[oauth][authorize][faults]") {
  Fixture f;
  f.fh.fail_kv = true;
  auto r = f.get(f.valid_path());
  REQUIRE(r.status == 503);
  REQUIRE(header(r, "location") == nullptr);
  f.fh.fail_kv = false;

  // Approve needs no storage: the sign-in's state travels in its cookie (github/sign_in.hpp rule 1).
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  f.fh.fail_kv = true;
  auto approve = flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", c.csrf_cookie);
  REQUIRE(goes_to_github(approve));
  f.fh.fail_kv = false;
  REQUIRE(flow::keys_with_prefix(f.fh, "oauth:state:").empty());
}

TEST_CASE("/authorize answers GET and the consent form's POST only", "[oauth][authorize]") {
  Fixture f;
  http::Request put = fake::get(f.valid_path());
  put.method = "PUT";
  auto r = f.fh.run(f.app, put);
  REQUIRE(r.status == 405);
  REQUIRE(header_or_empty(r, "allow") == "GET, POST");
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  http::Request json_post = fake::post_json("/authorize", R"({"action":"approve"})");
  json_post.headers.push_back({"cookie", c.csrf_cookie});
  require_page(f.fh.run(f.app, json_post), 400);
  http::Request big = fake::post_form("/authorize", "", {{"cookie", c.csrf_cookie}});
  big.body_too_large = true;
  require_page(f.fh.run(f.app, big), 400);
}

// Rule A10 for every host operation, not only KV: the consent form is signed and verified with
// HMACs, and a failure there is a 503 page with Retry-After, never the JSON of the signing helpers.
TEST_CASE("a host failure signing or verifying the consent form is a 503 page", "[oauth][authorize][faults]") {
  Fixture f;
  auto hmac_fails = flow::failing(f.fh, [](const host::Operation& op) { return op.kind == host::OpKind::hmac_sha256; });
  auto page = flow::run_with(f.app, f.fh, fake::get(f.valid_path()), hmac_fails);
  require_page(page, 503);
  REQUIRE(header_or_empty(page, "retry-after") == std::to_string(app::retry_after_seconds));
  REQUIRE(fake::set_cookies(page).empty());

  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  const std::string form = "request=" + http::form_encode(c.request) + "&csrf=" + http::form_encode(c.csrf) + "&action=approve";
  app::App fresh(flow::test_config());  // no derived key cached yet: the derivation fails too
  auto approve = flow::run_with(fresh, f.fh, fake::post_form("/authorize", form, {{"cookie", c.csrf_cookie}}), hmac_fails);
  require_page(approve, 503);
  REQUIRE(header_or_empty(approve, "retry-after") == std::to_string(app::retry_after_seconds));
  REQUIRE(flow::keys_with_prefix(f.fh, "oauth:state:").empty());
  // The same form, once the host answers again, goes on to GitHub.
  REQUIRE(goes_to_github(flow::submit_consent(fresh, f.fh, c.request, c.csrf, "approve", c.csrf_cookie)));
}

// limits.hpp: a client_id that is not a URL and is longer than ours (256) is unknown, and is not
// read from KV (whose keys stop at 512 bytes: the read would fail and answer 503).
TEST_CASE("a client_id longer than max_client_id_length is an unknown client, without a storage read", "[oauth][authorize][limits]") {
  Fixture f;
  for (std::size_t length : {app::max_client_id_length + 1, std::size_t(600), app::max_client_id_url_length}) {
    auto r = f.get("/authorize?response_type=code&client_id=" + std::string(length, 'c') + "&redirect_uri=" +
                   http::form_encode(fake::test_redirect_uri) + "&code_challenge=" + f.challenge() + "&code_challenge_method=S256");
    require_page(r, 400);
    REQUIRE(r.body.find("Unknown client") != std::string::npos);
  }
  REQUIRE(f.fh.log.empty());
  // Past the URL limit too: the request names no usable client.
  require_page(f.get("/authorize?response_type=code&client_id=" + std::string(app::max_client_id_url_length + 1, 'c')), 400);
}

TEST_CASE("/authorize state and scope limits are invalid_request and invalid_scope, sent back to the client", "[oauth][authorize][limits]") {
  Fixture f;
  const std::string at = f.base_query() + "&response_type=code&code_challenge=" + f.challenge() + "&code_challenge_method=S256";
  REQUIRE(f.get(at + "&state=" + std::string(app::max_authorize_state_length, 's')).status == 200);
  auto long_state = f.get(at + "&state=" + std::string(app::max_authorize_state_length + 1, 's'));
  REQUIRE(long_state.status == 302);
  REQUIRE(fake::query_value(header_or_empty(long_state, "location"), "error") == "invalid_request");
  REQUIRE(f.get(f.valid_path("&scope=" + std::string(app::max_authorize_scope_length, 'x'))).status == 200);
  require_error_redirect(f.get(f.valid_path("&scope=" + std::string(app::max_authorize_scope_length + 1, 'x'))), "invalid_scope");
}

// limits.hpp consent_clock_skew_seconds: a consent form signed "in the future" by more than a
// minute (a clock gone wrong, or a forgery with a valid MAC) is refused like an expired one.
TEST_CASE("a consent form issued more than 60 s in the future is refused", "[oauth][authorize][consent][limits]") {
  Fixture f;
  auto c = flow::open_consent(f.app, f.fh, f.client.client_id);
  const std::int64_t issued = f.fh.now_ms;
  f.fh.now_ms = issued - (app::consent_clock_skew_seconds + 1) * 1000;
  require_page(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", c.csrf_cookie), 400);
  f.fh.now_ms = issued - (app::consent_clock_skew_seconds - 1) * 1000;
  REQUIRE(goes_to_github(flow::submit_consent(f.app, f.fh, c.request, c.csrf, "approve", c.csrf_cookie)));
}
