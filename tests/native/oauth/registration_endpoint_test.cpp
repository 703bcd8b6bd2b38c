#include "oauth/registration_endpoint.hpp"

#include <catch2/catch.hpp>

#include "oauth/token_crypto.hpp"

#include <limits>

#include "http/form.hpp"
#include "support/sign_in.hpp"

#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using fake::body_json;
using fake::header;
using json::Json;

namespace {

void require_no_store_error(const http::Response& r, int status, const std::string& error) {
  REQUIRE(r.status == status);
  REQUIRE(*header(r, "cache-control") == "no-store");
  REQUIRE(*header(r, "content-type") == "application/json");
  REQUIRE(body_json(r)["error"] == error);
  REQUIRE(body_json(r)["error_description"].is_string());
}

const char* valid_body = R"({"redirect_uris":["https://app.example/cb"],"client_name":"Tool"})";

}  // namespace

TEST_CASE("registration takes a JSON object by POST within the body limit, else a no-store error",
          "[oauth][register]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;

  auto get = fh.run(app, fake::get("/register"));
  require_no_store_error(get, 405, "invalid_request");
  REQUIRE(*header(get, "allow") == "POST");

  http::Request big = fake::post_json("/register", "");
  big.body_too_large = true;
  require_no_store_error(fh.run(app, big), 413, "invalid_client_metadata");

  http::Request text = fake::post_json("/register", valid_body);
  text.headers.back().second = "text/plain";
  require_no_store_error(fh.run(app, text), 415, "invalid_client_metadata");

  for (const char* body : {"", "{", "[]", "\"x\"", "42", "null"})
    require_no_store_error(fh.run(app, fake::post_json("/register", body)), 400, "invalid_client_metadata");
  require_no_store_error(fh.run(app, fake::post_json("/register", std::string(200, '[') + std::string(200, ']'))), 400,
                         "invalid_client_metadata");

  // Metadata rules (oauth/client_metadata.hpp) answer per RFC 7591 §3.2.2.
  require_no_store_error(fh.run(app, fake::post_json("/register", R"j({"redirect_uris":["javascript:alert(1)"]})j")), 400,
                         "invalid_redirect_uri");
  require_no_store_error(fh.run(app, fake::post_json("/register", R"({"redirect_uris":[]})")), 400, "invalid_redirect_uri");
  require_no_store_error(
      fh.run(app, fake::post_json("/register", R"({"redirect_uris":["https://a.example/cb"],"grant_types":"x"})")), 400,
      "invalid_client_metadata");

  // Nothing was asked of the host for any of them.
  REQUIRE(fh.log.empty());
  REQUIRE(fh.kv.empty());
}

TEST_CASE("a confidential client gets a 32-character secret once; only its SHA-256 hex is stored",
          "[oauth][register]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto r = fh.run(app, fake::post_json("/register", valid_body));
  REQUIRE(r.status == 201);
  REQUIRE(*header(r, "cache-control") == "no-store");
  const Json reply = body_json(r);
  const std::string id = reply["client_id"].get<std::string>();
  const std::string secret = reply["client_secret"].get<std::string>();
  REQUIRE(id.size() == 16);
  REQUIRE(secret.size() == 32);
  // The registration (and so the secret) ends after 90 days unless used (renewed at half-life).
  REQUIRE(reply["client_secret_expires_at"] == fh.now_ms / 1000 + app::registration_ttl_seconds);
  REQUIRE(reply["client_secret_issued_at"] == fh.now_ms / 1000);
  REQUIRE(reply["client_id_issued_at"] == fh.now_ms / 1000);
  REQUIRE(reply["token_endpoint_auth_method"] == "client_secret_basic");
  REQUIRE(reply["redirect_uris"] == Json::array({"https://app.example/cb"}));
  REQUIRE(reply["grant_types"] == Json::array({"authorization_code", "refresh_token"}));
  REQUIRE(reply["response_types"] == Json::array({"code"}));
  REQUIRE(reply["client_name"] == "Tool");

  const Json record = flow::kv_json(fh, "client:" + id);
  REQUIRE(record["clientSecret"] == flow::hex_sha256(fh, secret));
  REQUIRE(record["registrationExpiresAt"] == fh.now_ms / 1000 + app::registration_ttl_seconds);
  REQUIRE(fh.kv.at("client:" + id).ttl_seconds == static_cast<std::uint64_t>(app::registration_ttl_seconds));
  // The secret itself is nowhere in storage.
  for (const auto& [k, v] : fh.kv) REQUIRE(v.value.find(secret) == std::string::npos);
}

TEST_CASE("a public client (token_endpoint_auth_method none) gets no secret and stores none", "[oauth][register]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto r = fh.run(app, fake::post_json("/register", R"({"redirect_uris":["http://127.0.0.1:9999/callback"],"token_endpoint_auth_method":"none"})"));
  REQUIRE(r.status == 201);
  const Json reply = body_json(r);
  REQUIRE_FALSE(reply.contains("client_secret"));
  REQUIRE_FALSE(reply.contains("client_secret_expires_at"));
  REQUIRE(reply["token_endpoint_auth_method"] == "none");
  const Json record = flow::kv_json(fh, "client:" + reply["client_id"].get<std::string>());
  REQUIRE_FALSE(record.contains("clientSecret"));
  REQUIRE(record["tokenEndpointAuthMethod"] == "none");
  // Only the client id was drawn: no secret, no hash.
  REQUIRE(fh.count(host::OpKind::random) == 1);
  REQUIRE(fh.count(host::OpKind::sha256) == 0);
}

TEST_CASE("the client record is written under client:{clientId} in the 1.2.3 layout before the reply",
          "[oauth][register][schema]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto r = fh.run(app, fake::post_json("/register", R"({
      "redirect_uris":["https://app.example/cb","http://localhost:3000/cb"],
      "client_name":"Tool","client_uri":"https://app.example","logo_uri":"https://app.example/logo.png",
      "contacts":["ops@app.example"],"token_endpoint_auth_method":"client_secret_post","unknown_field":1})"));
  REQUIRE(r.status == 201);
  const Json reply = body_json(r);
  const std::string id = reply["client_id"].get<std::string>();

  // Operations: client id and secret from one random draw, the secret's hash, one put without
  // metadata.
  REQUIRE(fh.log.size() == 3);
  REQUIRE(fh.log[0].kind == host::OpKind::random);
  REQUIRE(fh.log[1].kind == host::OpKind::sha256);
  REQUIRE(fh.log[2].kind == host::OpKind::kv_put);
  REQUIRE(fh.log[2].key == "client:" + id);
  REQUIRE(reply["client_secret"].get<std::string>().size() == oauth::token_secret_length);
  REQUIRE(id.size() == oauth::client_id_length);
  REQUIRE(reply["client_secret"].get<std::string>().find(id) == std::string::npos);  // two parts, not one
  REQUIRE(fh.kv.size() == 1);
  const auto& entry = fh.kv.at("client:" + id);
  REQUIRE(entry.ttl_seconds == static_cast<std::uint64_t>(app::registration_ttl_seconds));  // 90 days
  REQUIRE(entry.metadata.empty());

  const Json record = flow::kv_json(fh, "client:" + id);
  REQUIRE(record["clientId"] == id);
  REQUIRE(record["redirectUris"] == Json::array({"https://app.example/cb", "http://localhost:3000/cb"}));
  REQUIRE(record["tokenEndpointAuthMethod"] == "client_secret_post");
  REQUIRE(record["clientSecret"] == flow::hex_sha256(fh, reply["client_secret"].get<std::string>()));
  REQUIRE(record["clientName"] == "Tool");
  REQUIRE(record["clientUri"] == "https://app.example");
  REQUIRE(record["logoUri"] == "https://app.example/logo.png");
  REQUIRE(record["contacts"] == Json::array({"ops@app.example"}));
  REQUIRE(record["grantTypes"] == Json::array({"authorization_code", "refresh_token"}));
  REQUIRE(record["responseTypes"] == Json::array({"code"}));
  REQUIRE(record["registrationDate"] == fh.now_ms / 1000);
  REQUIRE_FALSE(record.contains("unknown_field"));
  REQUIRE_FALSE(record.contains("client_name"));  // camelCase only, as 1.2.3 stores it
}

TEST_CASE("a storage failure while registering is 503 temporarily_unavailable and stores nothing",
          "[oauth][register][faults]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  fh.fail_kv = true;
  auto r = fh.run(app, fake::post_json("/register", valid_body));
  require_no_store_error(r, 503, "temporarily_unavailable");
  REQUIRE(body_json(r).dump().find("client_secret") == std::string::npos);
  fh.fail_kv = false;
  REQUIRE(fh.kv.empty());
  fh.log.clear();

  // Randomness failing is a 503 as well, before anything is written.
  auto no_random = flow::failing(fh, [](const host::Operation& op) { return op.kind == host::OpKind::random; });
  auto r2 = flow::run_with(app, fh, fake::post_json("/register", valid_body), no_random);
  require_no_store_error(r2, 503, "temporarily_unavailable");
  REQUIRE(fh.count(host::OpKind::kv_put) == 0);
  REQUIRE(fh.kv.empty());
}

TEST_CASE("two registrations never share a client id", "[oauth][register]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto a = flow::register_client(app, fh, Json{{"redirect_uris", Json::array({"https://a.example/cb"})}});
  auto b = flow::register_client(app, fh, Json{{"redirect_uris", Json::array({"https://a.example/cb"})}});
  REQUIRE(a.client_id != b.client_id);
  REQUIRE(a.client_secret != b.client_secret);
  REQUIRE(fh.kv.size() == 2);
}

TEST_CASE("a registration is renewed by a successful token request past half its life, and only then", "[oauth][register]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  const auto s = fake::sign_in(app, fh);
  const std::string key = "client:" + s.client_id;
  const auto first_expiry = flow::kv_json(fh, key)["registrationExpiresAt"].get<std::int64_t>();
  auto refresh = [&](const std::string& token) {
    return fh.run(app, fake::post_form("/token", "grant_type=refresh_token&refresh_token=" + http::form_encode(token) +
                                                     "&client_id=" + s.client_id));
  };
  fh.now_ms += 10LL * 24 * 3600 * 1000;  // day 10: more than half left, no write
  auto r = refresh(s.refresh_token);
  REQUIRE(r.status == 200);
  REQUIRE(flow::kv_json(fh, key)["registrationExpiresAt"] == first_expiry);
  fh.now_ms += 20LL * 24 * 3600 * 1000;  // day 30 of the grant; refresh tokens end then, so sign in again
  auto again = fake::sign_in(app, fh);
  (void)again;
  fh.now_ms += 20LL * 24 * 3600 * 1000;  // day 50: less than half of the first registration left
  const auto other = fake::sign_in(app, fh);  // registers anew; now use the first client's code flow
  (void)other;
  auto code = flow::code_for(app, fh, s.client_id);
  REQUIRE(flow::exchange(app, fh, code, s.client_id).status == 200);
  REQUIRE(flow::kv_json(fh, key)["registrationExpiresAt"] == fh.now_ms / 1000 + app::registration_ttl_seconds);
}

// Fuzzing: `registrationExpiresAt - now` overflowed for a stored -2^63.
TEST_CASE("a registrationExpiresAt that is not a safe integer is never renewed and never overflows",
          "[oauth][register][fuzz]") {
  fake::FakeHost fh;
  for (const json::Json& bad : {json::Json(std::numeric_limits<std::int64_t>::min()),
                                json::Json(std::numeric_limits<std::uint64_t>::max()), json::Json(1.5e9)}) {
    INFO(json::dump(bad));
    const json::Json record{{"clientId", "abc"}, {"registrationExpiresAt", bad}};
    host::Host h;
    REQUIRE_FALSE(flow::drive(fh, h, oauth::renew_registration_if_due(h, record, fh.now_ms / 1000)));
  }
  REQUIRE(fh.count(host::OpKind::kv_put) == 0);
}
