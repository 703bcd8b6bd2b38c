#include "oauth/bearer.hpp"

#include <catch2/catch.hpp>

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

using Checked = base::Result<app::Principal, http::Response>;

struct Fixture {
  app::App app;
  fake::FakeHost fh;
  flow::Context context;
  fake::SignedIn user;
  explicit Fixture(app::Config c = flow::test_config(), std::string resource = "") : app(c) {
    context.config = c;
    fake::script_github(fh);
    if (resource.empty()) {
      user = fake::sign_in(app, fh);
    } else {
      auto client = flow::register_public(app, fh);
      user.client_id = client.client_id;
      flow::AuthorizeOptions o;
      o.extra_query = "&resource=" + http::form_encode(resource);
      user.code = flow::code_for(app, fh, client.client_id, o);
      auto r = flow::exchange(app, fh, user.code, client.client_id);
      REQUIRE(r.status == 200);
      user.access_token = body_json(r)["access_token"].get<std::string>();
      user.refresh_token = body_json(r)["refresh_token"].get<std::string>();
    }
    fh.log.clear();
  }

  // The gate alone, for `path` with these headers.
  Checked check(const std::string& path, std::vector<http::Header> headers) {
    http::Request request = fake::get(path, std::move(headers));
    auto url = http::split_url(request.url);
    REQUIRE(url);
    host::Host h;
    return drive(fh, h, oauth::authenticate_bearer(request, *url, h, context.at(fh.now_ms)));
  }
  Checked check_token(const std::string& path, const std::string& token) {
    return check(path, {{"authorization", "Bearer " + token}});
  }
  std::string token_key() {
    auto parts = oauth::split_token(user.access_token);
    return oauth::token_key(parts->user_id, parts->grant_id, flow::hex_sha256(fh, user.access_token));
  }
};

const std::string mcp_metadata = "http://localhost:8788/.well-known/oauth-protected-resource/mcp";
const std::string sse_metadata = "http://localhost:8788/.well-known/oauth-protected-resource/sse";

std::string challenge_without_error(const std::string& metadata) {
  return "Bearer realm=\"OAuth\", resource_metadata=\"" + metadata + "\"";
}

void require_invalid_token(const Checked& c, const std::string& metadata = mcp_metadata) {
  REQUIRE_FALSE(c);
  const http::Response& r = c.error();
  REQUIRE(r.status == 401);
  const std::string www = header_or_empty(r, "www-authenticate");
  INFO(www);
  REQUIRE(www.rfind(challenge_without_error(metadata) + ", error=\"invalid_token\"", 0) == 0);
  REQUIRE(body_json(r)["error"] == "invalid_token");
}

void require_no_token_challenge(const Checked& c, const std::string& metadata = mcp_metadata) {
  REQUIRE_FALSE(c);
  REQUIRE(c.error().status == 401);
  REQUIRE(header_or_empty(c.error(), "www-authenticate") == challenge_without_error(metadata));
}

}  // namespace

TEST_CASE("only Authorization: Bearer <one token> is read, the scheme in any case", "[oauth][bearer]") {
  Fixture f;
  const std::string& t = f.user.access_token;
  REQUIRE(f.check("/mcp", {{"authorization", "Bearer " + t}}));
  REQUIRE(f.check("/mcp", {{"authorization", "bearer " + t}}));
  REQUIRE(f.check("/mcp", {{"authorization", "BEARER " + t}}));
  REQUIRE(f.check("/mcp", {{"authorization", "Bearer   " + t + " "}}));
  f.fh.log.clear();
  require_no_token_challenge(f.check("/mcp", {}));
  require_no_token_challenge(f.check("/mcp", {{"authorization", "Bearer " + t + " " + t}}));
  require_no_token_challenge(f.check("/mcp", {{"authorization", "Bearer " + t + "," + t}}));
  require_no_token_challenge(f.check("/mcp", {{"authorization", "Basic " + t}}));
  require_no_token_challenge(f.check("/mcp", {{"authorization", "Bearer"}}));
  require_no_token_challenge(f.check("/mcp", {{"authorization", "Bearer "}}));
  require_no_token_challenge(f.check("/mcp", {{"authorization", t}}));
  REQUIRE(f.fh.log.empty());
}

TEST_CASE("a token in the query string is refused outright with 400 (RFC 6750 §2.3 unsupported)", "[oauth][bearer]") {
  Fixture f;
  auto c = f.check("/mcp?access_token=" + f.user.access_token, {{"authorization", "Bearer " + f.user.access_token}});
  REQUIRE_FALSE(c);
  REQUIRE(c.error().status == 400);
  REQUIRE(body_json(c.error())["error"] == "invalid_request");
  REQUIRE(header_or_empty(c.error(), "www-authenticate").find("error=\"invalid_request\"") != std::string::npos);
  REQUIRE_FALSE(f.check("/mcp?x=1&access_token=", {}));
  REQUIRE(f.fh.log.empty());
  // Through the app as well.
  http::Request r = fake::mcp_post(fake::initialize_body(), {{"authorization", "Bearer " + f.user.access_token}});
  r.url += "?access_token=" + f.user.access_token;
  REQUIRE(f.fh.run(f.app, r).status == 400);
}

TEST_CASE("a token without the issued shape is invalid_token, without a storage read", "[oauth][bearer]") {
  Fixture f;
  for (const std::string& bad : {std::string("garbage"), f.user.access_token + "x", f.user.access_token.substr(1 + f.user.access_token.find(':')),
                                 std::string("octocat:short:") + std::string(32, 'a')}) {
    INFO(bad);
    require_invalid_token(f.check_token("/mcp", bad));
  }
  REQUIRE(f.fh.log.empty());
}

TEST_CASE("the token's record must exist: an unknown or revoked token is invalid_token", "[oauth][bearer]") {
  Fixture f;
  auto ok = f.check_token("/mcp", f.user.access_token);
  REQUIRE(ok);
  // One hash, one read of token:{user}:{grant}:{sha256 hex}.
  REQUIRE(f.fh.log.size() == 2);
  REQUIRE(f.fh.log[0].kind == host::OpKind::sha256);
  REQUIRE(f.fh.log[1].kind == host::OpKind::kv_get);
  REQUIRE(f.fh.log[1].key == f.token_key());

  std::string other = f.user.access_token;
  other.back() = other.back() == 'A' ? 'B' : 'A';
  require_invalid_token(f.check_token("/mcp", other));
  f.fh.kv.erase(f.token_key());
  require_invalid_token(f.check_token("/mcp", f.user.access_token));
}

TEST_CASE("access tokens expire after ACCESS_TOKEN_TTL, checked in code while KV still holds the record",
          "[oauth][bearer][expiry]") {
  app::Config c = flow::test_config();
  c.access_token_ttl = 1;
  Fixture f(c);
  const std::int64_t issued = f.fh.now_ms;
  REQUIRE(f.check_token("/mcp", f.user.access_token));
  f.fh.now_ms = issued + 999;
  REQUIRE(f.check_token("/mcp", f.user.access_token));
  f.fh.now_ms = issued + 1000;
  auto expired = f.check_token("/mcp", f.user.access_token);
  require_invalid_token(expired);
  REQUIRE(body_json(expired.error())["error_description"].get<std::string>().find("expired") != std::string::npos);
  // KV still has it (its TTL is at least 60 s): the refusal came from expiresAt.
  REQUIRE(f.fh.kv.count(f.token_key()) == 1);
  REQUIRE(f.fh.kv.at(f.token_key()).expires_at_ms > f.fh.now_ms);
  // End to end: /mcp answers 401.
  f.fh.bearer = f.user.access_token;
  REQUIRE(f.fh.run(f.app, fake::mcp_post(fake::initialize_body())).status == 401);
}

TEST_CASE("the audience must be this origin with a path that is a segment prefix of the request path",
          "[oauth][bearer][audience]") {
  SECTION("a token for the origin covers /mcp and /sse") {
    Fixture f;
    REQUIRE(f.check_token("/mcp", f.user.access_token));
    REQUIRE(f.check_token("/sse", f.user.access_token));
    REQUIRE(f.check_token("/sse/message", f.user.access_token));
  }
  SECTION("a token for /mcp covers /mcp only") {
    Fixture f(flow::test_config(), "http://localhost:8788/mcp");
    REQUIRE(f.check_token("/mcp", f.user.access_token));
    require_invalid_token(f.check_token("/sse", f.user.access_token), sse_metadata);
    require_invalid_token(f.check_token("/sse/message", f.user.access_token), sse_metadata);
    f.fh.bearer = f.user.access_token;
    REQUIRE(f.fh.run(f.app, fake::mcp_post(fake::initialize_body())).status == 200);
  }
  SECTION("a record whose audience is another origin is refused") {
    Fixture f;
    Json record = flow::kv_json(f.fh, f.token_key());
    record["audience"] = "https://other.example";
    f.fh.kv[f.token_key()].value = json::dump(record);
    require_invalid_token(f.check_token("/mcp", f.user.access_token));
    // Several audiences (0.x): refused unless one covers the request.
    record["audience"] = Json::array({"https://other.example", "https://another.example/mcp"});
    f.fh.kv[f.token_key()].value = json::dump(record);
    require_invalid_token(f.check_token("/mcp", f.user.access_token));
  }
  SECTION("records of 0.x: no audience means this server; several mean any of them") {
    Fixture f;
    Json record = flow::kv_json(f.fh, f.token_key());
    record.erase("audience");
    f.fh.kv[f.token_key()].value = json::dump(record);
    REQUIRE(f.check_token("/mcp", f.user.access_token));
    record["audience"] = Json::array({"https://other.example", "http://localhost:8788"});
    f.fh.kv[f.token_key()].value = json::dump(record);
    REQUIRE(f.check_token("/mcp", f.user.access_token));
  }
  SECTION("the same token presented to a server under another origin is refused") {
    Fixture f;
    f.context.config.public_origin = "https://mcp.example.com";
    http::Request request = fake::get("/mcp", {{"authorization", "Bearer " + f.user.access_token}});
    auto url = http::split_url(request.url);
    host::Host h;
    oauth::OAuthContext other{f.context.config, f.context.keys, "https://mcp.example.com", {f.fh.now_ms}};
    auto c = drive(f.fh, h, oauth::authenticate_bearer(request, *url, h, other));
    REQUIRE_FALSE(c);
    REQUIRE(c.error().status == 401);
  }
}

TEST_CASE("audience_covers: same origin; \"/\" covers all; otherwise a prefix ending at a segment boundary",
          "[oauth][bearer][audience]") {
  const std::string o = "http://localhost:8788";
  REQUIRE(oauth::audience_covers("http://localhost:8788/mcp", o, "/mcp"));
  REQUIRE(oauth::audience_covers("http://localhost:8788/mcp", o, "/mcp/x"));
  REQUIRE(oauth::audience_covers("http://localhost:8788/mcp/", o, "/mcp/x"));
  REQUIRE_FALSE(oauth::audience_covers("http://localhost:8788/mcp", o, "/mcpx"));
  REQUIRE_FALSE(oauth::audience_covers("http://localhost:8788/mcp", o, "/"));
  REQUIRE_FALSE(oauth::audience_covers("http://localhost:8788/mcp", o, "/sse"));
  REQUIRE_FALSE(oauth::audience_covers("http://localhost:8788/mcp/x", o, "/mcp"));
  REQUIRE(oauth::audience_covers("http://localhost:8788/", o, "/anything/at/all"));
  REQUIRE(oauth::audience_covers("http://localhost:8788", o, "/mcp"));
  REQUIRE_FALSE(oauth::audience_covers("https://localhost:8788/mcp", o, "/mcp"));
  REQUIRE_FALSE(oauth::audience_covers("http://localhost:8789/mcp", o, "/mcp"));
  REQUIRE_FALSE(oauth::audience_covers("http://localhost:8788.evil.example/mcp", o, "/mcp"));
  REQUIRE_FALSE(oauth::audience_covers("http://evil.example/", o, "/mcp"));
  REQUIRE_FALSE(oauth::audience_covers("http://localhost:8788/mcp?x=1", o, "/mcp"));
  REQUIRE_FALSE(oauth::audience_covers("not a url", o, "/mcp"));
  REQUIRE_FALSE(oauth::audience_covers("", o, "/mcp"));
}

TEST_CASE("a 401 names the resource metadata document; error=\"invalid_token\" only when a token was sent",
          "[oauth][bearer]") {
  Fixture f;
  require_no_token_challenge(f.check("/mcp", {}), mcp_metadata);
  require_no_token_challenge(f.check("/sse", {}), sse_metadata);
  require_no_token_challenge(f.check("/sse/message", {}), sse_metadata);
  auto no_token = f.check("/mcp", {});
  REQUIRE(header_or_empty(no_token.error(), "www-authenticate").find("error=") == std::string::npos);
  REQUIRE(header_or_empty(no_token.error(), "cache-control") == "no-store");
  require_invalid_token(f.check_token("/mcp", "nonsense"), mcp_metadata);
  require_invalid_token(f.check_token("/sse", "nonsense"), sse_metadata);
  // Through the app: the same header on the MCP route's 401.
  auto r = f.fh.run(f.app, fake::mcp_post(fake::initialize_body()));
  REQUIRE(r.status == 401);
  REQUIRE(header_or_empty(r, "www-authenticate") == challenge_without_error(mcp_metadata));
}

TEST_CASE("a storage failure during the bearer check is 503, never a pass", "[oauth][bearer][faults]") {
  Fixture f;
  f.fh.fail_kv = true;
  auto c = f.check_token("/mcp", f.user.access_token);
  REQUIRE_FALSE(c);
  REQUIRE(c.error().status == 503);
  REQUIRE(body_json(c.error())["error"] == "temporarily_unavailable");
  f.fh.bearer = f.user.access_token;
  REQUIRE(f.fh.run(f.app, fake::mcp_post(fake::initialize_body())).status == 503);
  f.fh.fail_kv = false;
  REQUIRE(f.check_token("/mcp", f.user.access_token));
  // A hash failure too.
  host::Host h;
  http::Request request = fake::get("/mcp", {{"authorization", "Bearer " + f.user.access_token}});
  auto url = http::split_url(request.url);
  auto failed = drive(h, oauth::authenticate_bearer(request, *url, h, f.context.at(f.fh.now_ms)),
                      flow::failing(f.fh, [](const host::Operation& op) { return op.kind == host::OpKind::sha256; }));
  REQUIRE_FALSE(failed);
  REQUIRE(failed.error().status == 503);
}

TEST_CASE("a token record without its grant summary or wrapped key is invalid_token", "[oauth][bearer]") {
  Fixture f;
  const Json record = flow::kv_json(f.fh, f.token_key());
  for (const char* field : {"grant", "wrappedEncryptionKey", "expiresAt"}) {
    INFO(field);
    Json damaged = record;
    damaged.erase(field);
    f.fh.kv[f.token_key()].value = json::dump(damaged);
    require_invalid_token(f.check_token("/mcp", f.user.access_token));
  }
}

TEST_CASE("the gate names the caller and decrypts nothing; open_props gives {login,id,name,email,accessToken}",
          "[oauth][bearer][props]") {
  Fixture f;
  auto who = f.check_token("/mcp", f.user.access_token);
  REQUIRE(who);
  REQUIRE(who->user == "octocat");
  REQUIRE(who->client == f.user.client_id);
  REQUIRE(who->grant_id == oauth::split_token(f.user.access_token)->grant_id);
  REQUIRE(who->token == f.user.access_token);
  REQUIRE(f.fh.count(host::OpKind::aes_gcm_decrypt) == 0);
  REQUIRE(f.fh.count(host::OpKind::aes_kw_unwrap) == 0);

  host::Host h;
  auto props = drive(f.fh, h, oauth::open_props(h, *who));
  REQUIRE(props);
  REQUIRE(*props == Json{{"login", "octocat"}, {"id", 583231}, {"name", "The Octocat"}, {"email", nullptr}, {"accessToken", "gho_testtoken"}});
  REQUIRE(f.fh.count(host::OpKind::aes_kw_unwrap) == 1);
  REQUIRE(f.fh.count(host::OpKind::aes_gcm_decrypt) == 1);

  // Another token string cannot open them.
  app::Principal forged = *who;
  forged.token.back() = forged.token.back() == 'A' ? 'B' : 'A';
  REQUIRE_FALSE(drive(f.fh, h, oauth::open_props(h, forged)));
}

TEST_CASE("props round-trip: encrypt_props, wrap under the access token, open_props with that token", "[oauth][bearer][props]") {
  fake::FakeHost fh;
  host::Host h;
  const Json props{{"login", "hubot"}, {"id", 480938}, {"name", nullptr}, {"email", "hubot@example.com"}, {"accessToken", "gho_h"}};
  auto sealed = drive(fh, h, oauth::encrypt_props(h, props));
  REQUIRE(sealed);
  const std::string token = "hubot:" + std::string(16, 'G') + ":" + std::string(32, 's');
  auto wrapped = drive(fh, h, oauth::wrap_key_with_token(h, token, sealed->key));
  REQUIRE(wrapped);
  const app::Principal who{"hubot", "client", std::string(16, 'G'), token, *wrapped, sealed->encrypted};
  auto opened = drive(fh, h, oauth::open_props(h, who));
  REQUIRE(opened);
  REQUIRE(*opened == props);
  // Exactly: HMAC (the KEK), unwrap, decrypt.
  fh.log.clear();
  REQUIRE(drive(fh, h, oauth::open_props(h, who)));
  REQUIRE(fh.log.size() == 3);
  REQUIRE(fh.log[0].kind == host::OpKind::hmac_sha256);
  REQUIRE(fh.log[1].kind == host::OpKind::aes_kw_unwrap);
  REQUIRE(fh.log[2].kind == host::OpKind::aes_gcm_decrypt);
  // A host failure is an Err, never props.
  REQUIRE_FALSE(drive(h, oauth::open_props(h, who), flow::failing(fh, [](const host::Operation& op) {
                        return op.kind == host::OpKind::aes_gcm_decrypt;
                      })));
}

// Fuzzing: an expiresAt of 1e300 was converted to int64 (undefined behaviour; UBSan aborts).
TEST_CASE("a token record's expiresAt far out of range is compared, never converted", "[oauth][bearer][fuzz]") {
  Fixture f;
  const std::string key = f.token_key();
  Json record = flow::kv_json(f.fh, key);
  record["expiresAt"] = 1e300;  // far future: still a valid token
  f.fh.kv[key].value = json::dump(record);
  REQUIRE(f.check_token("/mcp", f.user.access_token));
  // The isolate's token cache keeps the expiry as int64 milliseconds: clamped, not converted.
  app::AuthCache cache(60000);
  http::Request request = fake::get("/mcp", {{"authorization", "Bearer " + f.user.access_token}});
  auto url = http::split_url(request.url);
  oauth::OAuthContext ctx = f.context.at(f.fh.now_ms);
  ctx.cache = &cache;
  host::Host h;
  REQUIRE(drive(f.fh, h, oauth::authenticate_bearer(request, *url, h, ctx)));
  REQUIRE(cache.token(f.user.access_token, f.fh.now_ms));
  record["expiresAt"] = -1e300;  // far past
  f.fh.kv[key].value = json::dump(record);
  auto r = f.check_token("/mcp", f.user.access_token);
  REQUIRE_FALSE(r);
  REQUIRE(r.error().status == 401);
  REQUIRE(header_or_empty(r.error(), "www-authenticate").find("expired") != std::string::npos);
}

// limits.hpp max_login_length: the user part of a token is a GitHub login. A longer one is no token
// of ours; reading it would exceed KV's 512-byte keys, a storage failure (503) instead of a 401.
TEST_CASE("a token whose user part is longer than a login is invalid_token, without a storage read", "[oauth][bearer][limits]") {
  Fixture f;
  const std::string secret = f.user.access_token.substr(f.user.access_token.find(':'));  // ":grant:secret"
  const std::string at_limit = std::string(app::max_login_length, 'u') + secret;
  const std::string past_limit = std::string(app::max_login_length + 1, 'u') + secret;
  REQUIRE(oauth::split_token(at_limit));
  require_invalid_token(f.check_token("/mcp", past_limit));
  REQUIRE(f.fh.log.empty());
  require_invalid_token(f.check_token("/mcp", std::string(600, 'u') + secret));
  REQUIRE(f.fh.log.empty());
}
