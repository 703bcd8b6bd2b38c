#include "app/mcp_endpoint.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "app/app.hpp"
#include "app/limits.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using fake::body_json;
using fake::call_body;
using fake::header;
using fake::initialize_body;
using fake::mcp_post;
using json::Json;

namespace {

app::Config test_config() {
  app::Config c = flow::test_config();
  c.access_token_ttl = 30 * 24 * 3600;  // outlives the sessions these tests age
  return c;
}

struct Fixture {
  app::App app{test_config()};
  fake::FakeHost host;
  fake::SignedIn user = fake::sign_in_as_bearer(app, host);

  std::string open_session(const std::string& version = "2025-06-18") {
    auto r = host.run(app, mcp_post(initialize_body(version)));
    REQUIRE(r.status == 200);
    const std::string* id = header(r, "mcp-session-id");
    REQUIRE(id != nullptr);
    return *id;
  }
  http::Response post(const std::string& session, std::string body, std::vector<http::Header> extra = {}) {
    extra.push_back({"mcp-session-id", session});
    return host.run(app, mcp_post(std::move(body), std::move(extra)));
  }
};

}  // namespace

TEST_CASE("initialize opens a session and negotiates the version", "[app][mcp][session]") {
  Fixture f;
  for (const char* v : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}) {
    auto r = f.host.run(f.app, mcp_post(initialize_body(v)));
    REQUIRE(r.status == 200);
    REQUIRE(body_json(r)["result"]["protocolVersion"] == v);
    REQUIRE(body_json(r)["result"]["serverInfo"]["name"] == "remote-mcp-github-oauth-cpp");
    REQUIRE(body_json(r)["result"]["capabilities"]["tools"].is_object());
    const std::string* id = header(r, "mcp-session-id");
    REQUIRE(id);
    for (char c : *id) REQUIRE((c > 0x20 && c < 0x7f));
  }
  auto r = f.host.run(f.app, mcp_post(initialize_body("1999-01-01")));
  REQUIRE(body_json(r)["result"]["protocolVersion"] == "2025-11-25");
  // Issuing asks for randomness and a MAC, and writes nothing: the only reads are the bearer checks.
  REQUIRE(f.host.count(host::OpKind::random) == 5);
  REQUIRE(f.host.count(host::OpKind::kv_get) == 5);
  REQUIRE(f.host.count(host::OpKind::kv_put) == 0);
}

TEST_CASE("two sessions never share an id", "[app][mcp][session]") {
  Fixture f;
  REQUIRE(f.open_session() != f.open_session());
}

TEST_CASE("tools/call add through a session", "[app][mcp][tools]") {
  Fixture f;
  const auto sid = f.open_session();
  f.host.log.clear();
  f.host.batch_sizes.clear();
  auto r = f.post(sid, call_body("tools/call", {{"name", "add"}, {"arguments", {{"a", 2}, {"b", 3}}}}));
  REQUIRE(r.status == 200);
  REQUIRE(*header(r, "content-type") == "application/json");
  const Json body = body_json(r);
  REQUIRE(body["id"] == 2);
  REQUIRE(body["result"]["content"][0]["text"] == "5");
  REQUIRE_FALSE(body["result"].contains("isError"));
  // The bearer check (token hash, then its record), then the session check as one parallel
  // batch: the MAC and the tombstone lookup. Nothing decrypts the props for `add`.
  REQUIRE(f.host.batch_sizes == std::vector<std::size_t>{1, 1, 2});
  REQUIRE(f.host.log.size() == 4);
  REQUIRE(f.host.log[0].kind == host::OpKind::sha256);
  REQUIRE(f.host.log[1].kind == host::OpKind::kv_get);
  REQUIRE(f.host.log[1].key.rfind("token:octocat:", 0) == 0);
  REQUIRE(f.host.log[2].kind == host::OpKind::hmac_sha256);
  REQUIRE(f.host.log[3].kind == host::OpKind::kv_get);
  REQUIRE(f.host.log[3].key.rfind("mcp-session-ended:", 0) == 0);
  REQUIRE(f.host.count(host::OpKind::aes_gcm_decrypt) == 0);
}

TEST_CASE("requests without a session are refused with 400", "[app][mcp][session]") {
  Fixture f;
  auto r = f.host.run(f.app, mcp_post(call_body("tools/list")));
  REQUIRE(r.status == 400);
  REQUIRE(body_json(r)["error"]["code"] == -32600);
  REQUIRE(body_json(r)["id"].is_null());
}

TEST_CASE("forged, malformed and foreign session ids get 404", "[app][mcp][session]") {
  Fixture f;
  std::string sid = f.open_session();
  std::string tampered = sid;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  REQUIRE(f.post(tampered, call_body("ping")).status == 404);
  REQUIRE(f.post("nonsense", call_body("ping")).status == 404);
  REQUIRE(f.post("s1.AAAA.BBBB", call_body("ping")).status == 404);
  REQUIRE(f.post(std::string(600, 'x'), call_body("ping")).status == 404);

  app::Config other = test_config();
  other.cookie_encryption_key = "another-key";
  app::App other_app(other);
  auto r = f.host.run(other_app, mcp_post(call_body("ping"), {{"mcp-session-id", sid}}));
  REQUIRE(r.status == 404);
  REQUIRE(f.post(sid, call_body("ping")).status == 200);
}

TEST_CASE("session ids expire after their maximum age", "[app][mcp][session]") {
  Fixture f;
  const auto sid = f.open_session();
  f.host.now_ms += (app::session_max_age_seconds - 10) * 1000;
  REQUIRE(f.post(sid, call_body("ping")).status == 200);
  f.host.now_ms += 20 * 1000;
  REQUIRE(f.post(sid, call_body("ping")).status == 404);
}

TEST_CASE("DELETE ends a session with a tombstone until the id's maximum age", "[app][mcp][session]") {
  Fixture f;
  const auto sid = f.open_session();
  http::Request del = mcp_post("", {{"mcp-session-id", sid}});
  del.method = "DELETE";
  const auto before = f.host.kv.size();
  auto r = f.host.run(f.app, del);
  REQUIRE(r.status == 204);
  REQUIRE(f.host.kv.size() == before + 1);
  const auto tombstone = std::find_if(f.host.kv.begin(), f.host.kv.end(),
                                      [](const auto& e) { return e.first.rfind("mcp-session-ended:", 0) == 0; });
  REQUIRE(tombstone != f.host.kv.end());
  const auto& entry = tombstone->second;
  REQUIRE(entry.ttl_seconds >= static_cast<std::uint64_t>(app::session_max_age_seconds));
  REQUIRE(entry.ttl_seconds <= static_cast<std::uint64_t>(app::session_max_age_seconds) + 1);

  REQUIRE(f.post(sid, call_body("ping")).status == 404);
  REQUIRE(f.host.run(f.app, del).status == 404);

  http::Request no_id = mcp_post("");
  no_id.method = "DELETE";
  REQUIRE(f.host.run(f.app, no_id).status == 400);
}

TEST_CASE("storage failure while verifying is 503, never a pass", "[app][mcp][session][faults]") {
  Fixture f;
  const auto sid = f.open_session();
  f.host.fail_kv = true;
  REQUIRE(f.post(sid, call_body("ping")).status == 503);
  http::Request del = mcp_post("", {{"mcp-session-id", sid}});
  del.method = "DELETE";
  REQUIRE(f.host.run(f.app, del).status == 503);
  f.host.fail_kv = false;
  REQUIRE(f.post(sid, call_body("ping")).status == 200);  // nothing was half-ended
}

TEST_CASE("a missing COOKIE_ENCRYPTION_KEY fails closed: no sign-in, no session", "[app][mcp][config]") {
  Fixture f;  // signed in while the key was set
  app::Config c = test_config();
  c.cookie_encryption_key.clear();
  app::App a(c);
  // The token still opens the gate, but no session can be issued or verified without the key.
  auto r = f.host.run(a, mcp_post(initialize_body()));
  REQUIRE(r.status == 500);
  REQUIRE(r.body.find("COOKIE_ENCRYPTION_KEY") != std::string::npos);
  REQUIRE(f.host.count(host::OpKind::hmac_sha256) == 0);
  // And nobody new can sign in.
  auto page = f.host.run(a, fake::get("/authorize?response_type=code&client_id=" + f.user.client_id));
  REQUIRE(page.status == 500);
  REQUIRE(page.body.find("COOKIE_ENCRYPTION_KEY") != std::string::npos);
}

TEST_CASE("notifications alone get 202 and no body", "[app][mcp]") {
  Fixture f;
  const auto sid = f.open_session();
  auto r = f.post(sid, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  REQUIRE(r.status == 202);
  REQUIRE(r.body.empty());
  // A client's response to a server request is accepted the same way.
  REQUIRE(f.post(sid, R"({"jsonrpc":"2.0","id":"x","result":{}})").status == 202);
}

TEST_CASE("HTTP-level refusals", "[app][mcp][http]") {
  Fixture f;
  const auto sid = f.open_session();

  SECTION("GET and other methods are 405 with Allow") {
    for (const char* m : {"GET", "PUT", "PATCH"}) {
      http::Request req = mcp_post("");
      req.method = m;
      auto r = f.host.run(f.app, req);
      REQUIRE(r.status == 405);
      REQUIRE(*header(r, "allow") == "POST, DELETE");
    }
  }
  SECTION("wrong Content-Type is 415") {
    http::Request req = mcp_post(call_body("ping"), {{"mcp-session-id", sid}});
    req.headers[1].second = "text/plain";
    REQUIRE(f.host.run(f.app, req).status == 415);
    req.headers[1].second = "Application/JSON; charset=utf-8";
    REQUIRE(f.host.run(f.app, req).status == 200);
  }
  SECTION("an Accept without JSON is 406") {
    http::Request req = mcp_post(call_body("ping"), {{"mcp-session-id", sid}});
    req.headers[2].second = "text/html";
    REQUIRE(f.host.run(f.app, req).status == 406);
  }
  SECTION("a body over the limit is 413") {
    http::Request req = mcp_post("", {{"mcp-session-id", sid}});
    req.body_too_large = true;
    auto r = f.host.run(f.app, req);
    REQUIRE(r.status == 413);
    REQUIRE(body_json(r)["error"]["code"] == -32600);
  }
  SECTION("MCP-Protocol-Version must be supported") {
    auto r = f.post(sid, call_body("ping"), {{"mcp-protocol-version", "1999-01-01"}});
    REQUIRE(r.status == 400);
    REQUIRE(body_json(r)["error"]["code"] == -32600);
    REQUIRE(f.post(sid, call_body("ping"), {{"mcp-protocol-version", "2025-06-18"}}).status == 200);
  }
  SECTION("unknown paths are 404") {
    http::Request req = mcp_post("");
    req.url = std::string(fake::origin) + "/nope";
    REQUIRE(f.host.run(f.app, req).status == 404);
  }
}

// The conformance suite's server-sse-multiple-streams (@modelcontextprotocol/conformance 0.1.16):
// a session negotiated at 2025-11-25, then three tools/list posted with MCP-Protocol-Version
// 2025-03-26. The spec's 400 is only for an invalid or unsupported version (MCP 2025-11-25
// basic/transports §protocol version header); a supported one is served under its own rules.
TEST_CASE("a supported MCP-Protocol-Version other than the session's is served under its own rules",
          "[app][mcp][version]") {
  Fixture f;
  const auto sid = f.open_session("2025-11-25");
  for (int id = 1000; id < 1003; ++id) {
    auto r = f.post(sid, call_body("tools/list", Json::object(), id), {{"mcp-protocol-version", "2025-03-26"}});
    REQUIRE(r.status == 200);
    REQUIRE(*header(r, "content-type") == "application/json");
    REQUIRE(body_json(r)["id"] == id);
    REQUIRE(body_json(r)["result"]["tools"][0]["name"] == "add");
  }
  // Its rules, not the session's: 2025-03-26 has batches, 2025-11-25 has none.
  const std::string batch = "[" + call_body("ping", nullptr, 1) + "," + call_body("ping", nullptr, 2) + "]";
  REQUIRE(f.post(sid, batch, {{"mcp-protocol-version", "2025-03-26"}}).status == 200);
  REQUIRE(f.post(sid, batch, {{"mcp-protocol-version", "2025-11-25"}}).status == 400);
  // Still refused whatever the session: an unsupported version, and a session that is not valid.
  REQUIRE(f.post(sid, call_body("ping"), {{"mcp-protocol-version", "2025-13-01"}}).status == 400);
  REQUIRE(f.post(sid + "x", call_body("ping"), {{"mcp-protocol-version", "2025-03-26"}}).status == 404);
}

TEST_CASE("bad JSON never crashes and gets a clear error", "[app][mcp][input]") {
  Fixture f;
  const auto sid = f.open_session();
  auto expect_parse_error = [&](const std::string& body) {
    auto r = f.post(sid, body);
    REQUIRE(r.status == 400);
    REQUIRE(body_json(r)["error"]["code"] == -32700);
    REQUIRE(body_json(r)["id"].is_null());
  };
  expect_parse_error("{");
  expect_parse_error("");
  expect_parse_error(R"({"jsonrpc":"2.0","id":1,"method":"ping"} trailing)");
  expect_parse_error(std::string(100, '[') + std::string(100, ']'));
  expect_parse_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xff\xfe\"}");
  // Invalid messages are -32600, with the id when it was valid.
  auto r = f.post(sid, R"({"jsonrpc":"1.0","id":7,"method":"ping"})");
  REQUIRE(r.status == 400);
  REQUIRE(body_json(r)["error"]["code"] == -32600);
  REQUIRE(body_json(r)["id"] == 7);
  REQUIRE(f.post(sid, R"({"jsonrpc":"2.0","id":null,"method":"ping"})").status == 400);
  REQUIRE(f.post(sid, R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})").status == 400);
  REQUIRE(f.post(sid, R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})").status == 400);
  REQUIRE(f.post(sid, R"("just a string")").status == 400);
}

TEST_CASE("batches follow the negotiated version", "[app][mcp][batch]") {
  Fixture f;
  const std::string batch = "[" + call_body("ping", nullptr, 1) + "," + call_body("tools/list", nullptr, 2) + "]";

  SECTION("2025-03-26 answers a batch with an array") {
    const auto sid = f.open_session("2025-03-26");
    auto r = f.post(sid, batch);
    REQUIRE(r.status == 200);
    const Json body = body_json(r);
    REQUIRE(body.is_array());
    REQUIRE(body.size() == 2);
    REQUIRE(body[1]["result"]["tools"].size() == 2);  // add, userInfoOctokit (octocat may not generate images)
    // An invalid member is answered in place.
    auto mixed = f.post(sid, "[" + call_body("ping", nullptr, 1) + R"(,{"jsonrpc":"2.0","id":3}])");
    REQUIRE(mixed.status == 200);
    REQUIRE(body_json(mixed)[1]["error"]["code"] == -32600);
  }
  SECTION("2025-06-18 refuses batches") {
    const auto sid = f.open_session("2025-06-18");
    auto r = f.post(sid, batch, {{"mcp-protocol-version", "2025-06-18"}});
    REQUIRE(r.status == 400);
    REQUIRE(body_json(r)["error"]["code"] == -32600);
  }
  SECTION("without MCP-Protocol-Version the 2025-03-26 rules apply") {
    const auto sid = f.open_session("2025-06-18");
    REQUIRE(f.post(sid, batch).status == 200);
  }
  SECTION("initialize inside a batch, empty and oversized batches are refused") {
    const auto sid = f.open_session("2025-03-26");
    REQUIRE(f.post(sid, "[" + initialize_body() + "]").status == 400);
    REQUIRE(f.post(sid, "[]").status == 400);
    std::string big = "[";
    for (std::size_t i = 0; i <= app::max_batch_messages; ++i) big += (i ? "," : "") + call_body("ping", nullptr, 1);
    REQUIRE(f.post(sid, big + "]").status == 400);
  }
}

// limits.hpp session_clock_skew_seconds: an id issued up to 5 minutes "in the future" (another
// isolate's clock) is accepted; further ahead it is not one of ours.
TEST_CASE("a session id issued more than 300 s in the future is 404", "[app][mcp][session][limits]") {
  Fixture f;
  const auto sid = f.open_session();
  const std::int64_t issued = f.host.now_ms;
  f.host.now_ms = issued - (app::session_clock_skew_seconds - 1) * 1000;
  REQUIRE(f.post(sid, call_body("ping")).status == 200);
  f.host.now_ms = issued - (app::session_clock_skew_seconds + 1) * 1000;
  REQUIRE(f.post(sid, call_body("ping")).status == 404);
}

// limits.hpp max_request_headers, max_request_header_bytes: checked before anything else, on every
// route, without a host operation.
TEST_CASE("more than 256 request headers, or more than 64 KiB of them, is 431", "[app][http][limits]") {
  Fixture f;
  const auto sid = f.open_session();
  for (const std::string path : {"/mcp", "/token", "/authorize", "/"}) {
    INFO(path);
    const http::Header auth{"authorization", "Bearer " + f.user.access_token};  // counted like any other
    http::Request many = mcp_post(call_body("ping"), {{"mcp-session-id", sid}, auth});
    many.url = std::string(fake::origin) + path;
    while (many.headers.size() < app::max_request_headers) many.headers.push_back({"x-filler", "1"});
    REQUIRE(f.host.run(f.app, many).status != 431);
    many.headers.push_back({"x-filler", "1"});
    f.host.log.clear();
    auto r = f.host.run(f.app, many);
    REQUIRE(r.status == 431);
    REQUIRE(f.host.log.empty());

    http::Request big = mcp_post(call_body("ping"), {{"mcp-session-id", sid}, auth});
    big.url = many.url;
    std::size_t bytes = 0;
    for (const auto& [n, v] : big.headers) bytes += n.size() + v.size();
    big.headers.push_back({"x-big", std::string(app::max_request_header_bytes - bytes - 5, 'b')});
    REQUIRE(f.host.run(f.app, big).status != 431);
    big.headers.back().second += "b";
    REQUIRE(f.host.run(f.app, big).status == 431);
  }
}
