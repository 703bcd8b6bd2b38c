#include "oauth/token_endpoint.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <limits>

#include "app/limits.hpp"
#include "base/bytes.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using fake::body_json;
using fake::header;
using flow::drive;
using flow::header_or_empty;
using json::Json;

namespace {

struct Fixture {
  app::App app;
  fake::FakeHost fh;
  flow::Registered client;
  explicit Fixture(app::Config c = flow::test_config()) : app(std::move(c)) {
    fake::script_github(fh);
    client = flow::register_public(app, fh);
  }
  std::string code(const flow::AuthorizeOptions& o = {}) { return flow::code_for(app, fh, client.client_id, o); }
  http::Response token(const std::string& body, std::vector<http::Header> headers = {}) {
    return fh.run(app, fake::post_form("/token", body, std::move(headers)));
  }
  http::Response exchange(const std::string& c) { return flow::exchange(app, fh, c, client.client_id); }
  std::string grant_key_of(const std::string& c) {
    auto parts = oauth::split_token(c);
    REQUIRE(parts);
    return oauth::grant_key(parts->user_id, parts->grant_id);
  }
};

void require_error(const http::Response& r, int status, const std::string& error) {
  INFO(r.body);
  REQUIRE(r.status == status);
  REQUIRE(header_or_empty(r, "cache-control") == "no-store");
  REQUIRE(header_or_empty(r, "pragma") == "no-cache");
  REQUIRE(body_json(r)["error"] == error);
  REQUIRE(body_json(r)["error_description"].is_string());
}

std::string basic(const std::string& id, const std::string& secret) {
  return "Basic " + base::base64_encode(id + ":" + secret);
}

// MCP: what a bearer request to /mcp answers with this token.
int mcp_status(Fixture& f, const std::string& token) {
  return f.fh.run(f.app, fake::mcp_post(fake::initialize_body(), {{"authorization", "Bearer " + token}})).status;
}

}  // namespace

TEST_CASE("/token takes form-encoded POSTs only", "[oauth][token]") {
  Fixture f;
  http::Request get = fake::get("/token");
  auto r = f.fh.run(f.app, get);
  require_error(r, 405, "invalid_request");
  REQUIRE(header_or_empty(r, "allow") == "POST");

  http::Request as_json = fake::post_json("/token", R"({"grant_type":"authorization_code"})");
  require_error(f.fh.run(f.app, as_json), 400, "invalid_request");
  http::Request no_type = fake::post_form("/token", "grant_type=authorization_code");
  no_type.headers.erase(no_type.headers.end() - 1);
  require_error(f.fh.run(f.app, no_type), 400, "invalid_request");

  http::Request big = fake::post_form("/token", "");
  big.body_too_large = true;
  require_error(f.fh.run(f.app, big), 413, "invalid_request");
  require_error(f.token("grant_type=authorization_code&code=%zz"), 400, "invalid_request");

  // A charset parameter is fine.
  const std::string code = f.code();
  http::Request with_charset = fake::post_form("/token", flow::code_form(code) + "&client_id=" + f.client.client_id);
  with_charset.headers.back().second = "application/x-www-form-urlencoded; charset=UTF-8";
  REQUIRE(f.fh.run(f.app, with_charset).status == 200);
}

TEST_CASE("a parameter given twice at /token is invalid_request", "[oauth][token]") {
  Fixture f;
  const std::string code = f.code();
  const std::string base = flow::code_form(code) + "&client_id=" + f.client.client_id;
  f.fh.log.clear();
  require_error(f.token(base + "&code=" + http::form_encode(code)), 400, "invalid_request");
  require_error(f.token(base + "&client_id=" + f.client.client_id), 400, "invalid_request");
  require_error(f.token(base + "&grant_type=authorization_code"), 400, "invalid_request");
  REQUIRE(f.fh.log.empty());  // refused before any lookup
  REQUIRE(f.exchange(code).status == 200);
}

TEST_CASE("client_secret_basic: the credentials, form-decoded, in the Authorization header", "[oauth][token][client_auth]") {
  Fixture f;
  auto c = flow::register_client(f.app, f.fh, Json{{"redirect_uris", Json::array({fake::test_redirect_uri})}});
  REQUIRE(c.reply["token_endpoint_auth_method"] == "client_secret_basic");
  const std::string code = flow::code_for(f.app, f.fh, c.client_id);
  // The first character of the secret percent-encoded: RFC 6749 §2.3.1 form-encodes both parts.
  char hex[4];
  std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c.client_secret[0]));
  const std::string encoded_secret = hex + c.client_secret.substr(1);
  f.fh.log.clear();
  auto r = f.token(flow::code_form(code), {{"authorization", basic(c.client_id, encoded_secret)}});
  REQUIRE(r.status == 200);
  // The presented secret is compared as its SHA-256 with the stored one.
  REQUIRE(f.fh.log[0].kind == host::OpKind::kv_get);
  REQUIRE(f.fh.log[0].key == "client:" + c.client_id);
  REQUIRE(f.fh.log[1].kind == host::OpKind::sha256);
  // Scheme case-insensitive; the body may repeat the same client_id.
  const std::string code2 = flow::code_for(f.app, f.fh, c.client_id);
  auto r2 = f.token(flow::code_form(code2) + "&client_id=" + c.client_id,
                    {{"authorization", "bASIC " + base::base64_encode(c.client_id + ":" + c.client_secret)}});
  REQUIRE(r2.status == 200);
}

TEST_CASE("client_secret_post: the secret in the form body", "[oauth][token][client_auth]") {
  Fixture f;
  auto c = flow::register_client(f.app, f.fh, Json{{"redirect_uris", Json::array({fake::test_redirect_uri})},
                                                    {"token_endpoint_auth_method", "client_secret_post"}});
  const std::string code = flow::code_for(f.app, f.fh, c.client_id);
  auto r = f.token(flow::code_form(code) + "&client_id=" + c.client_id + "&client_secret=" + c.client_secret);
  REQUIRE(r.status == 200);
}

TEST_CASE("a public client authenticates with its client_id only", "[oauth][token][client_auth]") {
  Fixture f;
  const std::string code = f.code();
  require_error(f.token(flow::code_form(code) + "&client_id=" + f.client.client_id + "&client_secret=anything"), 401,
                "invalid_client");
  require_error(f.token(flow::code_form(code), {{"authorization", basic(f.client.client_id, "x")}}), 401, "invalid_client");
  require_error(f.token(flow::code_form(code)), 401, "invalid_client");
  REQUIRE(f.exchange(code).status == 200);
}

TEST_CASE("a wrong or missing secret, an unknown client or another method is 401 invalid_client (Basic challenge when tried)",
          "[oauth][token][client_auth]") {
  Fixture f;
  auto c = flow::register_client(f.app, f.fh, Json{{"redirect_uris", Json::array({fake::test_redirect_uri})},
                                                   {"token_endpoint_auth_method", "client_secret_basic"}});
  const std::string code = flow::code_for(f.app, f.fh, c.client_id);
  const std::string form = flow::code_form(code);

  auto wrong = f.token(form, {{"authorization", basic(c.client_id, c.client_secret + "x")}});
  require_error(wrong, 401, "invalid_client");
  REQUIRE(header_or_empty(wrong, "www-authenticate") == "Basic realm=\"OAuth\"");
  auto empty_secret = f.token(form, {{"authorization", basic(c.client_id, "")}});
  require_error(empty_secret, 401, "invalid_client");
  auto unknown = f.token(form, {{"authorization", basic("nosuchclient", c.client_secret)}});
  require_error(unknown, 401, "invalid_client");
  REQUIRE(header_or_empty(unknown, "www-authenticate") == "Basic realm=\"OAuth\"");
  require_error(f.token(form, {{"authorization", "Basic !!!"}}), 401, "invalid_client");
  require_error(f.token(form, {{"authorization", "Basic " + base::base64_encode("no-colon")}}), 401, "invalid_client");
  require_error(f.token(form, {{"authorization", "Bearer " + c.client_secret}}), 401, "invalid_client");
  // Both methods at once, or a body client_id naming someone else.
  require_error(f.token(form + "&client_secret=" + c.client_secret, {{"authorization", basic(c.client_id, c.client_secret)}}),
                401, "invalid_client");
  require_error(f.token(form + "&client_id=" + f.client.client_id, {{"authorization", basic(c.client_id, c.client_secret)}}),
                401, "invalid_client");

  // Without Basic: no challenge header.
  auto missing = f.token(form + "&client_id=" + c.client_id);
  require_error(missing, 401, "invalid_client");
  REQUIRE(header(missing, "www-authenticate") == nullptr);
  // The client named Basic: the same secret in the body is another method. (One that left the
  // method to the default may use either secret method, as in 1.2.3: golden_vectors_test.cpp.)
  require_error(f.token(form + "&client_id=" + c.client_id + "&client_secret=" + c.client_secret), 401, "invalid_client");
  require_error(f.token(form + "&client_id=nosuchclient"), 401, "invalid_client");

  // None of that touched the grant: the code still redeems.
  REQUIRE(f.token(form, {{"authorization", basic(c.client_id, c.client_secret)}}).status == 200);
}

TEST_CASE("an authorization code must have the issued shape and a live grant", "[oauth][token][code]") {
  Fixture f;
  const std::string id = "&client_id=" + f.client.client_id;
  require_error(f.token("grant_type=authorization_code&redirect_uri=x&code_verifier=" + std::string(flow::verifier) + id), 400,
                "invalid_request");
  require_error(f.token(flow::code_form("garbage") + id), 400, "invalid_grant");
  f.fh.log.clear();
  require_error(f.token(flow::code_form("octocat:AAAAAAAAAAAAAAAA:" + std::string(32, 'B')) + id), 400, "invalid_grant");
  // The grant was read (its object and KV, in the one round trip with the code's hashes) and
  // nothing was written.
  REQUIRE(f.fh.log[1].kind == host::OpKind::grant_read);
  REQUIRE(f.fh.log[2].kind == host::OpKind::kv_get);
  REQUIRE(f.fh.log[2].key == "grant:octocat:AAAAAAAAAAAAAAAA");
  REQUIRE(f.fh.count(host::OpKind::kv_put) == 0);
  REQUIRE(f.fh.count(host::OpKind::grant_swap) == 0);
  require_error(f.token("code=x" + id), 400, "invalid_request");  // no grant_type
}

TEST_CASE("a code whose SHA-256 does not match its grant is refused and leaves the grant alone", "[oauth][token][code]") {
  Fixture f;
  const std::string code = f.code();
  std::string forged = code;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  require_error(f.exchange(forged), 400, "invalid_grant");
  REQUIRE(flow::kv_json(f.fh, f.grant_key_of(code)).contains("authCodeWrappedKey"));
  REQUIRE(f.exchange(code).status == 200);
}

TEST_CASE("a code issued to another client is refused", "[oauth][token][code]") {
  Fixture f;
  const std::string code = f.code();
  auto other = flow::register_public(f.app, f.fh, "Other");
  require_error(flow::exchange(f.app, f.fh, code, other.client_id), 400, "invalid_grant");
  REQUIRE(f.exchange(code).status == 200);
}

TEST_CASE("authorization codes expire after 10 minutes", "[oauth][token][code][expiry]") {
  Fixture f;
  const std::string fresh = f.code();
  f.fh.now_ms += 599 * 1000;
  REQUIRE(f.exchange(fresh).status == 200);

  const std::string stale = f.code();
  f.fh.now_ms += 601 * 1000;
  require_error(f.exchange(stale), 400, "invalid_grant");
}

TEST_CASE("code expiry is checked in code from createdAt even while KV still returns the grant", "[oauth][token][code][expiry]") {
  Fixture f;
  const std::string code = f.code();
  const std::string key = f.grant_key_of(code);
  f.fh.kv[key].expires_at_ms = 0;  // KV has not collected it yet (TTLs are lazy, reads eventually consistent)
  f.fh.now_ms += 601 * 1000;
  auto r = f.exchange(code);
  require_error(r, 400, "invalid_grant");
  REQUIRE(body_json(r)["error_description"].get<std::string>().find("expired") != std::string::npos);
  REQUIRE(flow::keys_with_prefix(f.fh, "token:").empty());
}

TEST_CASE("the redirect_uri, when sent, must equal the one of the authorization request", "[oauth][token][code]") {
  Fixture f;
  flow::AuthorizeOptions o;
  o.redirect_uri = "http://127.0.0.1:5555/callback";  // a loopback port other than the registered one
  const std::string code = f.code(o);
  require_error(flow::exchange(f.app, f.fh, code, f.client.client_id, fake::test_redirect_uri), 400, "invalid_grant");
  require_error(flow::exchange(f.app, f.fh, code, f.client.client_id, "http://127.0.0.1:5555/callback/"), 400, "invalid_grant");
  REQUIRE(flow::exchange(f.app, f.fh, code, f.client.client_id, "http://127.0.0.1:5555/callback").status == 200);
  // Omitted: every code here was issued with PKCE, so (as 1.2.3) the verifier binds it instead.
  const std::string second = f.code(o);
  REQUIRE(f.token("grant_type=authorization_code&code=" + http::form_encode(second) + "&code_verifier=" + flow::verifier +
                  "&client_id=" + f.client.client_id).status == 200);
}

TEST_CASE("the code_verifier must be 43-128 unreserved characters whose S256 matches the challenge", "[oauth][token][pkce]") {
  Fixture f;
  const std::string code = f.code();
  const std::string id = "&client_id=" + f.client.client_id;
  const std::string no_verifier = "grant_type=authorization_code&code=" + http::form_encode(code) +
                                  "&redirect_uri=" + http::form_encode(fake::test_redirect_uri) + id;
  require_error(f.token(no_verifier), 400, "invalid_request");
  require_error(f.token(no_verifier + "&code_verifier=" + std::string(42, 'a')), 400, "invalid_grant");
  require_error(f.token(no_verifier + "&code_verifier=" + std::string(129, 'a')), 400, "invalid_grant");
  require_error(f.token(no_verifier + "&code_verifier=" + std::string(50, 'a') + "%2B"), 400, "invalid_grant");
  require_error(f.token(no_verifier + "&code_verifier=" + std::string(50, 'a')), 400, "invalid_grant");
  // The challenge itself is not the verifier ("plain" is never accepted).
  require_error(f.token(no_verifier + "&code_verifier=" + fake::pkce_challenge(f.fh, flow::verifier)), 400, "invalid_grant");
  // Failed attempts do not burn the code.
  REQUIRE(f.exchange(code).status == 200);
}

TEST_CASE("a replayed code revokes the grant and the tokens issued from it", "[oauth][token][code][replay]") {
  Fixture f;
  const std::string code = f.code();
  auto first = f.exchange(code);
  REQUIRE(first.status == 200);
  const std::string access = body_json(first)["access_token"].get<std::string>();
  const std::string grant_key = f.grant_key_of(code);
  auto parts = oauth::split_token(code);
  const std::string token_prefix = "token:" + parts->user_id + ":" + parts->grant_id + ":";
  REQUIRE(flow::keys_with_prefix(f.fh, token_prefix).size() == 1);
  REQUIRE(mcp_status(f, access) == 200);

  f.fh.log.clear();
  auto replay = f.exchange(code);
  require_error(replay, 400, "invalid_grant");
  REQUIRE(f.fh.kv.count(grant_key) == 0);
  REQUIRE(flow::keys_with_prefix(f.fh, token_prefix).empty());
  REQUIRE(f.fh.count(host::OpKind::kv_list) == 1);
  REQUIRE(f.fh.count(host::OpKind::kv_delete) == 2);
  REQUIRE(mcp_status(f, access) == 401);
  // And a third try finds nothing at all.
  require_error(f.exchange(code), 400, "invalid_grant");
}

TEST_CASE("the exchange answers a bearer access token and a refresh token in the user:grant16:secret32 format, no-store",
          "[oauth][token]") {
  Fixture f;
  const std::string code = f.code({fake::test_redirect_uri, "st4te", flow::verifier,
                                   "&resource=" + http::form_encode("http://localhost:8788/mcp") + "&scope=read%20write"});
  auto r = f.exchange(code);
  REQUIRE(r.status == 200);
  REQUIRE(header_or_empty(r, "cache-control") == "no-store");
  REQUIRE(header_or_empty(r, "content-type") == "application/json");
  const Json body = body_json(r);
  REQUIRE(body["token_type"] == "bearer");
  REQUIRE(body["expires_in"] == 3600);
  REQUIRE(body["scope"] == "read write");
  REQUIRE(body["resource"] == "http://localhost:8788/mcp");
  const std::string access = body["access_token"].get<std::string>();
  const std::string refresh = body["refresh_token"].get<std::string>();
  const auto code_parts = oauth::split_token(code);
  for (const auto& t : {access, refresh}) {
    auto p = oauth::split_token(t);
    REQUIRE(p);
    REQUIRE(p->user_id == "octocat");
    REQUIRE(p->grant_id == code_parts->grant_id);
    REQUIRE(t.size() == std::string("octocat").size() + 1 + 16 + 1 + 32);
  }
  REQUIRE(access != refresh);
  REQUIRE(access != code);
}

TEST_CASE("the access token record is token:{user}:{grant}:{sha256 hex} in the 1.2.3 layout", "[oauth][token][schema]") {
  Fixture f;
  const std::string code = f.code({fake::test_redirect_uri, "st4te", flow::verifier,
                                   "&resource=" + http::form_encode("http://localhost:8788/mcp")});
  const auto parts = oauth::split_token(code);
  const Json grant_before = flow::kv_json(f.fh, f.grant_key_of(code));
  auto r = f.exchange(code);
  REQUIRE(r.status == 200);
  const std::string access = body_json(r)["access_token"].get<std::string>();
  const std::string id = flow::hex_sha256(f.fh, access);
  const std::string key = "token:octocat:" + parts->grant_id + ":" + id;
  REQUIRE(flow::keys_with_prefix(f.fh, "token:") == std::vector<std::string>{key});

  const Json t = flow::kv_json(f.fh, key);
  REQUIRE(t["id"] == id);
  REQUIRE(t["grantId"] == parts->grant_id);
  REQUIRE(t["userId"] == "octocat");
  REQUIRE(t["createdAt"] == f.fh.now_ms / 1000);
  REQUIRE(t["expiresAt"] == f.fh.now_ms / 1000 + 3600);
  REQUIRE(t["audience"] == "http://localhost:8788/mcp");
  REQUIRE(t["scope"].is_array());
  REQUIRE(t["wrappedEncryptionKey"].is_string());
  REQUIRE(t["grant"]["clientId"] == f.client.client_id);
  REQUIRE(t["grant"]["scope"].is_array());
  REQUIRE(t["grant"]["encryptedProps"] == grant_before["encryptedProps"]);
  REQUIRE(f.fh.kv.at(key).ttl_seconds == 3600);
  // The token itself is stored nowhere.
  for (const auto& [k, v] : f.fh.kv) REQUIRE(v.value.find(access) == std::string::npos);

  // Its wrapped key opens the grant's props with the access token.
  host::Host h;
  auto props_key = drive(f.fh, h, oauth::unwrap_key_with_token(h, access, t["wrappedEncryptionKey"].get<std::string>()));
  REQUIRE(props_key);
  auto props = drive(f.fh, h, oauth::decrypt_props(h, *props_key, t["grant"]["encryptedProps"].get<std::string>()));
  REQUIRE(props);
  REQUIRE((*props)["login"] == "octocat");
}

TEST_CASE("without a resource the access token's audience is the origin", "[oauth][token][resource]") {
  Fixture f;
  auto r = f.exchange(f.code());
  REQUIRE(r.status == 200);
  REQUIRE(body_json(r)["resource"] == "http://localhost:8788");
  const auto keys = flow::keys_with_prefix(f.fh, "token:");
  REQUIRE(keys.size() == 1);
  REQUIRE(flow::kv_json(f.fh, keys[0])["audience"] == "http://localhost:8788");
}

TEST_CASE("after the exchange the grant holds no code: no authCodeWrappedKey or codeChallenge, a refreshTokenId",
          "[oauth][token][schema]") {
  Fixture f;
  const std::string code = f.code();
  const std::string key = f.grant_key_of(code);
  const std::string metadata_before = f.fh.kv.at(key).metadata;
  const Json before = flow::kv_json(f.fh, key);
  auto r = f.exchange(code);
  REQUIRE(r.status == 200);
  const std::string refresh = body_json(r)["refresh_token"].get<std::string>();
  const Json g = flow::kv_json(f.fh, key);
  REQUIRE_FALSE(g.contains("authCodeWrappedKey"));
  REQUIRE_FALSE(g.contains("codeChallenge"));
  REQUIRE_FALSE(g.contains("codeChallengeMethod"));
  REQUIRE(g["refreshTokenId"] == flow::hex_sha256(f.fh, refresh));
  REQUIRE(g["refreshTokenWrappedKey"].is_string());
  for (const char* kept : {"id", "clientId", "userId", "scope", "encryptedProps", "createdAt", "resource", "redirectUri"})
    REQUIRE(g[kept] == before[kept]);
  // Same key metadata; the grant now lives as long as its refresh token.
  REQUIRE(f.fh.kv.at(key).metadata == metadata_before);
  REQUIRE(f.fh.kv.at(key).ttl_seconds >= static_cast<std::uint64_t>(app::refresh_token_ttl_seconds));
  REQUIRE(g["expiresAt"] == f.fh.now_ms / 1000 + app::refresh_token_ttl_seconds);

  // The refresh token opens the props too.
  host::Host h;
  auto k = drive(f.fh, h, oauth::unwrap_key_with_token(h, refresh, g["refreshTokenWrappedKey"].get<std::string>()));
  REQUIRE(k);
  REQUIRE(drive(f.fh, h, oauth::decrypt_props(h, *k, g["encryptedProps"].get<std::string>())));
}

TEST_CASE("ACCESS_TOKEN_TTL below KV's 60 s minimum: KV keeps the record 60 s, the reply and record say the TTL",
          "[oauth][token][expiry]") {
  app::Config c = flow::test_config();
  c.access_token_ttl = 1;
  Fixture f(c);
  auto r = f.exchange(f.code());
  REQUIRE(r.status == 200);
  REQUIRE(body_json(r)["expires_in"] == 1);
  const auto keys = flow::keys_with_prefix(f.fh, "token:");
  REQUIRE(keys.size() == 1);
  REQUIRE(f.fh.kv.at(keys[0]).ttl_seconds == 60);
  REQUIRE(flow::kv_json(f.fh, keys[0])["expiresAt"] == f.fh.now_ms / 1000 + 1);
}

TEST_CASE("a storage failure at /token is 503 temporarily_unavailable and leaves the code redeemable", "[oauth][token][faults]") {
  Fixture f;
  const std::string code = f.code();
  const std::string key = f.grant_key_of(code);
  const std::string before = f.fh.kv.at(key).value;
  f.fh.fail_kv = true;
  auto r = f.exchange(code);
  require_error(r, 503, "temporarily_unavailable");
  REQUIRE(header_or_empty(r, "retry-after") == "5");
  f.fh.fail_kv = false;
  REQUIRE(f.fh.kv.at(key).value == before);
  REQUIRE(f.exchange(code).status == 200);
}

TEST_CASE("a failure mirroring the redeemed grant into KV still hands out the tokens: the grant's object holds the truth",
          "[oauth][token][faults]") {
  Fixture f;
  const std::string code = f.code();
  const std::string key = f.grant_key_of(code);
  const std::string before = f.fh.kv.at(key).value;
  auto grant_put_fails = flow::failing(f.fh, [](const host::Operation& op) {
    return op.kind == host::OpKind::kv_put && op.key.rfind("grant:", 0) == 0;
  });
  auto r = flow::run_with(f.app, f.fh, fake::post_form("/token", flow::code_form(code) + "&client_id=" + f.client.client_id),
                          grant_put_fails);
  REQUIRE(r.status == 200);
  REQUIRE(f.fh.kv.at(key).value == before);                    // the KV mirror is stale…
  REQUIRE(f.fh.grant_states.at(key).find("authCodeWrappedKey") == std::string::npos);  // …the object is not
  // So the code cannot be redeemed again, whatever KV still says: it is a replay.
  auto again = f.exchange(code);
  REQUIRE(again.status == 400);
  REQUIRE(fake::body_json(again)["error"] == "invalid_grant");
}

TEST_CASE("two redemptions of one code never both succeed: the loser revokes the grant", "[oauth][token][concurrency]") {
  Fixture f;
  const std::string code = f.code();
  const std::string key = f.grant_key_of(code);
  // The second redemption read the grant before the first one committed (a stale snapshot):
  // simulate by committing a different state in the object between its read and its swap.
  bool interfered = false;
  auto race = flow::failing(f.fh, [&](const host::Operation& op) {
    if (op.kind == host::OpKind::grant_swap && !interfered) {
      interfered = true;
      f.fh.grant_states[key] = "{\"winner\":true}";
    }
    return false;
  });
  auto r = flow::run_with(f.app, f.fh, fake::post_form("/token", flow::code_form(code) + "&client_id=" + f.client.client_id), race);
  REQUIRE(r.status == 400);
  REQUIRE(fake::body_json(r)["error"] == "invalid_grant");
  REQUIRE(f.fh.grant_states.at(key) == "revoked");
  REQUIRE(flow::keys_with_prefix(f.fh, "token:").empty());
}

// DESIGN.md Rule 3: host failures answer 503 and never leave a half-written grant: the access token
// is written before the grant gives up its code, so a failed write leaves the code redeemable.
TEST_CASE("a failure writing the access token leaves no half-done exchange: a retry of the code succeeds",
          "[oauth][token][faults]") {
  Fixture f;
  const std::string code = f.code();
  auto token_put_fails = flow::failing(f.fh, [](const host::Operation& op) {
    return op.kind == host::OpKind::kv_put && op.key.rfind("token:", 0) == 0;
  });
  auto r = flow::run_with(f.app, f.fh, fake::post_form("/token", flow::code_form(code) + "&client_id=" + f.client.client_id),
                          token_put_fails);
  REQUIRE(r.status == 503);
  REQUIRE(flow::keys_with_prefix(f.fh, "token:").empty());
  const Json g = flow::kv_json(f.fh, f.grant_key_of(code));
  CHECK(g.contains("authCodeWrappedKey"));  // the code was not consumed
  auto retry = f.exchange(code);
  CHECK(retry.status == 200);
}

TEST_CASE("a grant type the client did not register is unauthorized_client; refresh belongs to the code flow",
          "[oauth][token]") {
  Fixture f;
  auto code_only = flow::register_client(f.app, f.fh, Json{{"redirect_uris", Json::array({fake::test_redirect_uri})},
                                                           {"token_endpoint_auth_method", "none"},
                                                           {"grant_types", Json::array({"authorization_code"})}});
  // As workers-oauth-provider 1.2.3 (whose records default to ["authorization_code"]): a client
  // registered for the code flow may refresh; this bad token is then simply invalid.
  require_error(f.token("grant_type=refresh_token&refresh_token=x&client_id=" + code_only.client_id), 400, "invalid_grant");
  require_error(f.token("grant_type=password&username=a&password=b&client_id=" + f.client.client_id), 400, "unauthorized_client");
  require_error(f.token("grant_type=client_credentials&client_id=" + f.client.client_id), 400, "unauthorized_client");
}

// Refresh rotation itself is covered in token_refresh_test.cpp; these are the rule 4 details around it.
TEST_CASE("an access token issued by a refresh keeps the grant's audience and the layout", "[oauth][token][refresh]") {
  Fixture f;
  auto first = f.exchange(f.code({fake::test_redirect_uri, "st4te", flow::verifier,
                                  "&resource=" + http::form_encode("http://localhost:8788/mcp")}));
  REQUIRE(first.status == 200);
  const std::string refresh = body_json(first)["refresh_token"].get<std::string>();
  f.fh.now_ms += 10 * 1000;
  auto r = f.token("grant_type=refresh_token&refresh_token=" + http::form_encode(refresh) + "&client_id=" + f.client.client_id);
  REQUIRE(r.status == 200);
  REQUIRE(body_json(r)["resource"] == "http://localhost:8788/mcp");
  const std::string access = body_json(r)["access_token"].get<std::string>();
  auto parts = oauth::split_token(access);
  const std::string key = "token:octocat:" + parts->grant_id + ":" + flow::hex_sha256(f.fh, access);
  const Json t = flow::kv_json(f.fh, key);
  REQUIRE(t["audience"] == "http://localhost:8788/mcp");
  REQUIRE(t["expiresAt"] == f.fh.now_ms / 1000 + 3600);
  const Json g = flow::kv_json(f.fh, f.grant_key_of(refresh));
  REQUIRE(g["previousRefreshTokenId"] == flow::hex_sha256(f.fh, refresh));
  REQUIRE(g["refreshTokenId"] == flow::hex_sha256(f.fh, body_json(r)["refresh_token"].get<std::string>()));
  REQUIRE(t["grant"]["encryptedProps"] == g["encryptedProps"]);
}

// RFC 6749 §6: a refresh may ask for less than was granted; what it issues then has only that scope.
TEST_CASE("a refresh that narrows the scope issues an access token with only the narrowed scope",
          "[oauth][token][refresh]") {
  Fixture f;
  auto first = f.exchange(f.code({fake::test_redirect_uri, "st4te", flow::verifier, "&scope=read%20write"}));
  REQUIRE(first.status == 200);
  REQUIRE(body_json(first)["scope"] == "read write");
  const std::string refresh = body_json(first)["refresh_token"].get<std::string>();
  auto r = f.token("grant_type=refresh_token&refresh_token=" + http::form_encode(refresh) + "&client_id=" +
                   f.client.client_id + "&scope=read");
  REQUIRE(r.status == 200);
  const std::string access = body_json(r)["access_token"].get<std::string>();
  auto parts = oauth::split_token(access);
  const Json t = flow::kv_json(f.fh, "token:octocat:" + parts->grant_id + ":" + flow::hex_sha256(f.fh, access));
  CHECK(t["scope"] == Json::array({"read"}));
  CHECK(body_json(r)["scope"] == "read");
}

// The metadata document names /token as revocation_endpoint (RFC 7009 §2.1: POST token=…).
TEST_CASE("the revocation endpoint the metadata names revokes a token (RFC 7009)", "[oauth][token][revoke]") {
  Fixture f;
  auto first = f.exchange(f.code());
  REQUIRE(first.status == 200);
  const std::string access = body_json(first)["access_token"].get<std::string>();
  auto r = f.token("token=" + http::form_encode(access) + "&token_type_hint=access_token&client_id=" + f.client.client_id);
  CHECK(r.status == 200);
  CHECK(mcp_status(f, access) == 401);
}

// Fuzzing: a stored grant without encryptedProps made issue_access_token read a missing key of a
// const Json (nlohmann asserts; undefined behaviour under NDEBUG in the wasm build), and a
// createdAt of -2^63 overflowed `now - createdAt`.
TEST_CASE("a stored grant missing encryptedProps or with createdAt -2^63 does not abort the code exchange",
          "[oauth][token][fuzz]") {
  Fixture f;
  const std::string c = f.code();
  const std::string key = f.grant_key_of(c);
  Json grant = flow::kv_json(f.fh, key);
  Json tampered = grant;
  tampered["createdAt"] = std::numeric_limits<std::int64_t>::min();
  f.fh.kv[key].value = json::dump(tampered);
  auto expired = f.exchange(c);
  REQUIRE(expired.status == 400);
  REQUIRE(body_json(expired)["error"] == "invalid_grant");

  grant.erase("encryptedProps");
  f.fh.kv[key].value = json::dump(grant);
  auto r = f.exchange(c);
  REQUIRE(r.status == 200);
  // The token record is written whole; without props it opens no GitHub tool, nothing more.
  const std::string token = body_json(r)["access_token"].get<std::string>();
  auto parts = oauth::split_token(token);
  const Json record = flow::kv_json(f.fh, oauth::token_key(parts->user_id, parts->grant_id, flow::hex_sha256(f.fh, token)));
  REQUIRE(record["grant"]["encryptedProps"] == "");
  REQUIRE(record["grant"]["clientId"] == f.client.client_id);
}

// Fuzzing: a client_id longer than a KV key may be (512 bytes) reached KV, which throws, and the
// client got 503 temporarily_unavailable; no such client can exist.
TEST_CASE("/token with a client_id longer than a KV key can be is an unknown client, asked of no storage",
          "[oauth][token][fuzz]") {
  Fixture f;
  f.fh.log.clear();
  auto r = f.token("grant_type=authorization_code&code=x&code_verifier=y&client_id=" + std::string(600, 'c'));
  REQUIRE(r.status == 401);
  REQUIRE(body_json(r)["error"] == "invalid_client");
  REQUIRE(f.fh.count(host::OpKind::kv_get) == 0);
}

// The code's SHA-256 matched its grant, so a failure opening its wrapped key is the host's, not a
// bad code: 503, and the code stays redeemable (it used to be invalid_grant, and the client gave up).
TEST_CASE("a host failure opening the code's key is 503 and leaves the code redeemable", "[oauth][token][faults]") {
  Fixture f;
  const std::string code = f.code();
  for (host::OpKind kind : {host::OpKind::hmac_sha256, host::OpKind::aes_kw_unwrap}) {
    auto fails = flow::failing(f.fh, [kind](const host::Operation& op) { return op.kind == kind; });
    auto r = flow::run_with(f.app, f.fh, fake::post_form("/token", flow::code_form(code) + "&client_id=" + f.client.client_id), fails);
    require_error(r, 503, "temporarily_unavailable");
  }
  REQUIRE(f.exchange(code).status == 200);
}

// grant_state.hpp rule 5. The unredeemed grant's KV record expires with its code (10 minutes); when
// the mirror of the redeemed grant failed, the object records it, so the grant is not taken for
// revoked once that record expires.
TEST_CASE("a failed KV mirror at the code exchange does not end the grant when the code's KV record expires",
          "[oauth][token][faults]") {
  Fixture f;
  const std::string code = f.code();
  const std::string key = f.grant_key_of(code);
  auto grant_put_fails = flow::failing(f.fh, [](const host::Operation& op) {
    return op.kind == host::OpKind::kv_put && op.key.rfind("grant:", 0) == 0;
  });
  auto r = flow::run_with(f.app, f.fh, fake::post_form("/token", flow::code_form(code) + "&client_id=" + f.client.client_id),
                          grant_put_fails);
  REQUIRE(r.status == 200);
  REQUIRE(f.fh.grant_states.at(key).find("\"mirrorPending\":true") != std::string::npos);
  f.fh.now_ms += (app::authorization_code_ttl_seconds + 60) * 1000;
  REQUIRE(f.fh.kv.count(key) == 1);  // still there in the map, but expired:
  REQUIRE(f.fh.perform(host::op_kv_get(key)).status == host::OpStatus::not_found);
  const std::string refresh = body_json(r)["refresh_token"].get<std::string>();
  auto refreshed = f.token("grant_type=refresh_token&refresh_token=" + http::form_encode(refresh) + "&client_id=" + f.client.client_id);
  REQUIRE(refreshed.status == 200);
  // The refresh rewrote the mirror, and the object no longer carries the mark.
  REQUIRE(flow::kv_json(f.fh, key).contains("refreshTokenId"));
  REQUIRE(f.fh.grant_states.at(key).find("mirrorPending") == std::string::npos);
  // A grant removed from KV by another writer (scripts/grants, the TypeScript library) still ends.
  f.fh.kv.erase(key);
  const std::string next = body_json(refreshed)["refresh_token"].get<std::string>();
  require_error(f.token("grant_type=refresh_token&refresh_token=" + http::form_encode(next) + "&client_id=" + f.client.client_id),
                400, "invalid_grant");
}

// store.hpp rule 3: a revocation that stopped half way leaves the KV grant, and whoever presents a
// token or the code of that grant finishes it. (It used to delete the KV grant first, so the
// tokens a failure left behind could never be found again, and a retry answered 200 without them.)
TEST_CASE("a revocation that stopped half way is finished by the retry", "[oauth][token][revoke][faults]") {
  Fixture f;
  auto first = f.exchange(f.code());
  REQUIRE(first.status == 200);
  const std::string access = body_json(first)["access_token"].get<std::string>();
  const std::string refresh = body_json(first)["refresh_token"].get<std::string>();
  const std::string key = f.grant_key_of(refresh);
  const std::string revoke = "token=" + http::form_encode(refresh) + "&client_id=" + f.client.client_id;
  auto deletes_fail = flow::failing(f.fh, [](const host::Operation& op) { return op.kind == host::OpKind::kv_delete; });
  require_error(flow::run_with(f.app, f.fh, fake::post_form("/token", revoke), deletes_fail), 503, "temporarily_unavailable");
  REQUIRE(f.fh.grant_states.at(key) == "revoked");  // final at once: nothing can be minted
  REQUIRE(f.fh.kv.count(key) == 1);                  // the mark of the cleanup still to do
  REQUIRE(mcp_status(f, access) == 200);             // the access token until then
  REQUIRE(f.token(revoke).status == 200);
  REQUIRE(f.fh.kv.count(key) == 0);
  REQUIRE(flow::keys_with_prefix(f.fh, "token:").empty());
  REQUIRE(mcp_status(f, access) == 401);
}

TEST_CASE("/token: a client_id longer than max_client_id_length is invalid_client, without a storage read", "[oauth][token][limits]") {
  Fixture f;
  f.fh.log.clear();
  auto r = f.token("grant_type=authorization_code&code=x&client_id=" + std::string(app::max_client_id_length + 1, 'c'));
  require_error(r, 401, "invalid_client");
  REQUIRE(f.fh.log.empty());
}
