#include "oauth/authorization.hpp"

#include <catch2/catch.hpp>

#include "app/limits.hpp"
#include "base/bytes.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/sign_in.hpp"

using flow::drive;
using flow::header_or_empty;
using json::Json;

namespace {

oauth::AuthRequest a_request() {
  oauth::AuthRequest r;
  r.client_id = "client0123456789";
  r.redirect_uri = "http://127.0.0.1:9999/callback";
  r.state = "st4te";
  r.code_challenge = "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0";
  r.resource = "http://localhost:8788/mcp";
  r.scope = {"read", "write"};
  r.issued_at = 1'750'000'000;
  return r;
}

const Json props{{"login", "octocat"}, {"id", 583231}, {"name", "The Octocat"}, {"email", nullptr}, {"accessToken", "gho_abc"}};

struct Completed {
  http::Response response;
  std::string code;
  std::string grant_key;
};

Completed complete(fake::FakeHost& fh, flow::Context& c, const oauth::AuthRequest& request, const std::string& user = "octocat") {
  host::Host h;
  Completed out;
  out.response = drive(fh, h, oauth::complete_authorization(h, c.at(fh.now_ms), request, user, props));
  out.code = fake::query_value(header_or_empty(out.response, "location"), "code");
  auto parts = oauth::split_token(out.code);
  if (parts) out.grant_key = oauth::grant_key(parts->user_id, parts->grant_id);
  return out;
}

}  // namespace

TEST_CASE("the grant is stored as 1.2.3's completeAuthorization stores it, for the code's 10 minutes",
          "[oauth][authorization][schema]") {
  fake::FakeHost fh;
  flow::Context c;
  auto done = complete(fh, c, a_request());
  REQUIRE(done.response.status == 302);
  REQUIRE(done.grant_key.rfind("grant:octocat:", 0) == 0);

  // One put: the grant, with TTL 600 and the key metadata 1.2.3 writes.
  REQUIRE(fh.count(host::OpKind::kv_put) == 1);
  REQUIRE(fh.kv.size() == 1);
  const auto& entry = fh.kv.at(done.grant_key);
  REQUIRE(entry.ttl_seconds == 600);
  REQUIRE(entry.expires_at_ms == fh.now_ms + 600 * 1000);
  auto meta = json::parse(entry.metadata);
  REQUIRE(meta.value);
  REQUIRE(*meta.value == Json{{"clientId", "client0123456789"},
                              {"resource", "http://localhost:8788/mcp"},
                              {"redirectUri", "http://127.0.0.1:9999/callback"}});

  const Json grant = flow::kv_json(fh, done.grant_key);
  auto parts = oauth::split_token(done.code);
  REQUIRE(grant["id"] == parts->grant_id);
  REQUIRE(grant["userId"] == "octocat");
  REQUIRE(grant["clientId"] == "client0123456789");
  REQUIRE(grant["scope"] == Json::array({"read", "write"}));
  REQUIRE(grant["metadata"].is_object());
  REQUIRE(grant["createdAt"] == fh.now_ms / 1000);
  REQUIRE(grant["authCodeId"] == flow::hex_sha256(fh, done.code));
  REQUIRE(grant["codeChallenge"] == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  REQUIRE(grant["codeChallengeMethod"] == "S256");
  REQUIRE(grant["resource"] == "http://localhost:8788/mcp");
  REQUIRE(grant["redirectUri"] == "http://127.0.0.1:9999/callback");
  REQUIRE(grant["encryptedProps"].is_string());
  REQUIRE(grant["authCodeWrappedKey"].is_string());
  // Neither the code nor the props are stored in the clear.
  REQUIRE(entry.value.find(done.code) == std::string::npos);
  REQUIRE(entry.value.find("gho_abc") == std::string::npos);
}

TEST_CASE("the code opens the props: its wrapped key unwraps with the code and decrypts encryptedProps",
          "[oauth][authorization]") {
  fake::FakeHost fh;
  flow::Context c;
  auto done = complete(fh, c, a_request());
  const Json grant = flow::kv_json(fh, done.grant_key);
  host::Host h;
  auto key = drive(fh, h, oauth::unwrap_key_with_token(h, done.code, grant["authCodeWrappedKey"].get<std::string>()));
  REQUIRE(key);
  auto opened = drive(fh, h, oauth::decrypt_props(h, *key, grant["encryptedProps"].get<std::string>()));
  REQUIRE(opened);
  REQUIRE(*opened == props);
  // The code's hash does not.
  REQUIRE_FALSE(drive(fh, h, oauth::unwrap_key_with_token(h, grant["authCodeId"].get<std::string>(),
                                                          grant["authCodeWrappedKey"].get<std::string>())));
}

TEST_CASE("the code has the token format user:grant16:secret32", "[oauth][authorization]") {
  fake::FakeHost fh;
  flow::Context c;
  auto done = complete(fh, c, a_request(), "some:user");
  auto parts = oauth::split_token(done.code);
  REQUIRE(parts);
  REQUIRE(parts->user_id == "some:user");
  REQUIRE(parts->grant_id.size() == 16);
  REQUIRE(done.code.size() == std::string("some:user").size() + 1 + 16 + 1 + 32);
  REQUIRE(fh.kv.count("grant:some:user:" + parts->grant_id) == 1);
  auto other = complete(fh, c, a_request(), "some:user");
  REQUIRE(other.code != done.code);
  REQUIRE(other.grant_key != done.grant_key);
}

TEST_CASE("the reply redirects to the client with code, state and iss (RFC 9207)", "[oauth][authorization]") {
  fake::FakeHost fh;
  flow::Context c;
  auto done = complete(fh, c, a_request());
  const std::string location = header_or_empty(done.response, "location");
  REQUIRE(location.rfind("http://127.0.0.1:9999/callback?code=", 0) == 0);
  REQUIRE(fake::query_value(location, "state") == "st4te");
  REQUIRE(fake::query_value(location, "iss") == "http://localhost:8788");
  REQUIRE(header_or_empty(done.response, "cache-control") == "no-store");

  oauth::AuthRequest no_state = a_request();
  no_state.state.clear();
  no_state.redirect_uri = "https://app.example/cb?keep=1";
  auto second = complete(fh, c, no_state);
  const std::string l2 = header_or_empty(second.response, "location");
  REQUIRE(l2.rfind("https://app.example/cb?keep=1&code=", 0) == 0);
  REQUIRE(l2.find("state=") == std::string::npos);
  REQUIRE(fake::query_value(l2, "iss") == "http://localhost:8788");
}

TEST_CASE("a host failure completing an authorization is a 503 page and hands out no code", "[oauth][authorization][faults]") {
  for (host::OpKind kind : {host::OpKind::random, host::OpKind::aes_gcm_encrypt, host::OpKind::sha256,
                            host::OpKind::hmac_sha256, host::OpKind::aes_kw_wrap, host::OpKind::kv_put}) {
    INFO(static_cast<int>(kind));
    fake::FakeHost fh;
    flow::Context c;
    host::Host h;
    auto r = drive(h, oauth::complete_authorization(h, c.at(fh.now_ms), a_request(), "octocat", props),
                   flow::failing(fh, [kind](const host::Operation& op) { return op.kind == kind; }));
    REQUIRE(r.status == 503);
    REQUIRE(header_or_empty(r, "content-type").rfind("text/html", 0) == 0);  // the browser is on this path
    REQUIRE(header_or_empty(r, "location").empty());
    REQUIRE(fh.kv.empty());
  }
  fake::FakeHost fh;
  fh.fail_kv = true;
  flow::Context c;
  host::Host h;
  auto r = drive(fh, h, oauth::complete_authorization(h, c.at(fh.now_ms), a_request(), "octocat", props));
  REQUIRE(r.status == 503);
  REQUIRE(fh.kv.empty());
}

TEST_CASE("a new authorization of the same user and client revokes the earlier grant", "[oauth][authorization]") {
  app::Config c = flow::test_config();
  app::App app(c);
  fake::FakeHost fh;
  const auto first = fake::sign_in(app, fh);
  const auto other_client = fake::sign_in(app, fh);  // same user, another client: kept
  // The same user signs in again through the first client.
  fake::FakeHost& h = fh;
  const std::string old_grant = "grant:octocat:" + first.access_token.substr(8, 16);  // "octocat:" + grant id
  REQUIRE(h.kv.count(old_grant) == 1);
  h.bearer.clear();
  auto exchanged = flow::exchange(app, h, flow::code_for(app, h, first.client_id), first.client_id);
  REQUIRE(exchanged.status == 200);
  const std::string again = fake::body_json(exchanged)["access_token"].get<std::string>();
  REQUIRE(h.kv.count(old_grant) == 0);
  REQUIRE(h.grant_states.at(old_grant) == "revoked");
  // The old access token no longer opens the gate; the other client's still does.
  h.bearer = first.access_token;
  REQUIRE(h.run(app, fake::mcp_post(fake::initialize_body())).status == 401);
  h.bearer = other_client.access_token;
  REQUIRE(h.run(app, fake::mcp_post(fake::initialize_body())).status == 200);
  h.bearer = again;
  REQUIRE(h.run(app, fake::mcp_post(fake::initialize_body())).status == 200);
}

// limits.hpp kv_max_metadata_bytes: a grant's KV metadata (clientId, resource, redirectUri) that
// would exceed Workers KV's 1024 bytes is left off (the grant is then read when listing), instead
// of failing the put and the sign-in (the FakeHost refuses oversized metadata, as KV does).
TEST_CASE("a grant whose key metadata would pass KV's 1024 bytes is stored without metadata", "[oauth][authorization][limits]") {
  fake::FakeHost fh;
  flow::Context c;
  oauth::AuthRequest request = a_request();
  request.redirect_uri = "http://127.0.0.1:9999/" + std::string(app::kv_max_metadata_bytes, 'p');
  auto done = complete(fh, c, request);
  REQUIRE(done.response.status == 302);
  REQUIRE(fh.kv.at(done.grant_key).metadata.empty());
  // A second sign-in still finds (and replaces) it, reading the record instead of the metadata.
  auto again = complete(fh, c, request);
  REQUIRE(again.response.status == 302);
  REQUIRE(fh.grant_states.at(done.grant_key) == "revoked");
  REQUIRE(fh.kv.count(done.grant_key) == 0);
}

// Listing the user's grants skips, without parsing, metadata that cannot name the client (no
// backslash, no client id in the text); metadata that spells the id with JSON escapes is parsed,
// and its grant replaced like any other.
TEST_CASE("earlier grants are recognised by their metadata however it spells the client id", "[oauth][authorization]") {
  fake::FakeHost fh;
  flow::Context c;
  const oauth::AuthRequest request = a_request();  // client0123456789
  auto put_grant = [&](const std::string& id, const std::string& metadata) {
    const std::string key = "grant:octocat:" + id;
    fh.kv[key] = fake::KvEntry{json::dump(Json{{"id", id}, {"userId", "octocat"}}), metadata, 0, 0};
    return key;
  };
  const std::string escaped = put_grant("EEEEEEEEEEEEEEEE", R"({"clientId":"\u0063lient0123456789","resource":"http://localhost:8788/mcp"})");
  const std::string other = put_grant("OOOOOOOOOOOOOOOO", R"({"clientId":"another-client00","resource":"http://localhost:8788/mcp"})");
  const std::string other_resource = put_grant("RRRRRRRRRRRRRRRR", R"({"clientId":"client0123456789","resource":"http://localhost:8788/other"})");
  auto done = complete(fh, c, request);
  REQUIRE(done.response.status == 302);
  REQUIRE(fh.kv.count(escaped) == 0);  // the same client, spelled with an escape: replaced
  REQUIRE(fh.grant_states.at(escaped) == "revoked");
  REQUIRE(fh.kv.count(other) == 1);  // another client: kept
  REQUIRE(fh.kv.count(other_resource) == 1);  // the same client for another resource: kept
  REQUIRE(fh.kv.count(done.grant_key) == 1);
}
