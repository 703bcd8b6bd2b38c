#include "app/sse_endpoint.hpp"

#include <catch2/catch.hpp>

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
using json::Json;

namespace {

app::Config test_config(std::string key = flow::cookie_key) {
  app::Config c = flow::test_config();
  c.cookie_encryption_key = std::move(key);
  c.access_token_ttl = 30 * 24 * 3600;  // outlives the sessions these tests age
  return c;
}

http::Request get_sse() {
  http::Request r;
  r.method = "GET";
  r.url = std::string(fake::origin) + "/sse";
  r.headers = {{"host", "localhost:8788"}, {"accept", "text/event-stream"}};
  return r;
}

http::Request post_message(const std::string& endpoint, std::string body) {
  http::Request r = fake::mcp_post(std::move(body));
  r.url = std::string(fake::origin) + endpoint;
  return r;
}

struct Fixture {
  app::App app{test_config()};
  fake::FakeHost host;
  fake::SignedIn user = fake::sign_in_as_bearer(app, host);

  // Opens a stream; returns the endpoint URL path and its key in the user's mailbox.
  std::pair<std::string, std::string> open_stream() {
    auto r = host.run(app, get_sse());
    REQUIRE(r.status == 200);
    REQUIRE(r.stream);
    const std::string prefix = "event: endpoint\ndata: ";
    REQUIRE(r.body.rfind(prefix, 0) == 0);
    const std::string endpoint = r.body.substr(prefix.size(), r.body.find('\n', prefix.size()) - prefix.size());
    return {endpoint, json::parse(r.stream->init).value->at("session").get<std::string>()};
  }
};

}  // namespace

TEST_CASE("sse_event frames one event, one data line per line", "[app][sse]") {
  REQUIRE(app::sse_event("message", "{}") == "event: message\ndata: {}\n\n");
  REQUIRE(app::sse_event("x", "a\nb") == "event: x\ndata: a\ndata: b\n\n");
}

TEST_CASE("GET /sse opens a stream on a mailbox with an endpoint event", "[app][sse]") {
  Fixture f;
  auto r = f.host.run(f.app, get_sse());
  REQUIRE(r.status == 200);
  REQUIRE(*header(r, "content-type") == "text/event-stream");
  REQUIRE(*header(r, "cache-control") == "no-cache");
  REQUIRE(r.body.rfind("event: endpoint\ndata: /sse/message?sessionId=s1.", 0) == 0);
  REQUIRE(r.body.substr(r.body.size() - 2) == "\n\n");
  REQUIRE(r.stream);
  REQUIRE(r.stream->keepalive_ms == 20000);
  REQUIRE(r.stream->keepalive == ": keepalive\n\n");
  REQUIRE(r.stream->mailbox == "user:octocat");  // one mailbox per user holds all of its streams
  const Json record = *json::parse(r.stream->init).value;
  REQUIRE(record["session"].get<std::string>().size() == 22);  // base64url of the id's 16 random bytes
  REQUIRE(record["user"] == "octocat");  // the owner: the signed-in user and client
  REQUIRE(record["client"] == f.user.client_id);
  REQUIRE(record["protocolVersion"].is_null());
  REQUIRE(record["createdAt"] == f.host.now_ms);
  REQUIRE(record["maxStreams"] == app::default_sse_streams_per_user);
  // Two streams: one mailbox, two sessions.
  auto second = f.host.run(f.app, get_sse());
  REQUIRE(second.stream->mailbox == r.stream->mailbox);
  REQUIRE(json::parse(second.stream->init).value->at("session") != record["session"]);
}

TEST_CASE("GET /sse refuses other methods and a non-SSE Accept", "[app][sse]") {
  Fixture f;
  http::Request post = get_sse();
  post.method = "POST";
  auto r = f.host.run(f.app, post);
  REQUIRE(r.status == 405);
  REQUIRE(*header(r, "allow") == "GET");
  http::Request html = get_sse();
  html.headers[1].second = "text/html";
  REQUIRE(f.host.run(f.app, html).status == 406);
}

TEST_CASE("POST /sse/message answers 202 and delivers the reply to the stream", "[app][sse]") {
  Fixture f;
  auto [endpoint, mailbox] = f.open_stream();
  auto r = f.host.run(f.app, post_message(endpoint, initialize_body("2024-11-05", 7)));
  REQUIRE(r.status == 202);
  REQUIRE(r.body == "Accepted");
  const auto& box = f.host.mailboxes.at(mailbox);
  REQUIRE(box.delivered.size() == 1);
  REQUIRE(box.delivered[0].rfind("event: message\ndata: ", 0) == 0);
  const Json reply = *json::parse(box.delivered[0].substr(21, box.delivered[0].size() - 23)).value;
  REQUIRE(reply["id"] == 7);
  REQUIRE(reply["result"]["protocolVersion"] == "2024-11-05");
  REQUIRE(box.record["protocolVersion"] == "2024-11-05");  // the mailbox keeps the negotiated version

  REQUIRE(f.host.run(f.app, post_message(endpoint, call_body("tools/call", {{"name", "add"}, {"arguments", {{"a", 2}, {"b", 3}}}}, 8))).status == 202);
  REQUIRE(box.delivered.size() == 2);
  REQUIRE(box.delivered[1].find(R"("text":"5")") != std::string::npos);

  // A notification delivers nothing but still needs a live session.
  REQUIRE(f.host.run(f.app, post_message(endpoint, R"({"jsonrpc":"2.0","method":"notifications/initialized"})")).status == 202);
  REQUIRE(box.delivered.size() == 2);
}

TEST_CASE("a batch is delivered as one event holding the array", "[app][sse][batch]") {
  Fixture f;
  auto [endpoint, mailbox] = f.open_stream();
  const std::string batch = "[" + call_body("ping", nullptr, 1) + "," + call_body("tools/list", nullptr, 2) + "]";
  REQUIRE(f.host.run(f.app, post_message(endpoint, batch)).status == 202);
  const auto& delivered = f.host.mailboxes.at(mailbox).delivered;
  REQUIRE(delivered.size() == 1);
  const Json replies = *json::parse(delivered[0].substr(21, delivered[0].size() - 23)).value;
  REQUIRE(replies.is_array());
  REQUIRE(replies.size() == 2);
}

TEST_CASE("POST /sse/message session errors", "[app][sse][session]") {
  Fixture f;
  auto [endpoint, mailbox] = f.open_stream();

  SECTION("missing sessionId is 400") {
    REQUIRE(f.host.run(f.app, post_message("/sse/message", call_body("ping"))).status == 400);
    REQUIRE(f.host.run(f.app, post_message("/sse/message?sessionId=", call_body("ping"))).status == 400);
  }
  SECTION("malformed and forged ids are 404 and reach no mailbox") {
    f.host.log.clear();
    REQUIRE(f.host.run(f.app, post_message("/sse/message?sessionId=nonsense", call_body("ping"))).status == 404);
    std::string forged = endpoint;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    REQUIRE(f.host.run(f.app, post_message(forged, call_body("ping"))).status == 404);
    REQUIRE(f.host.count(host::OpKind::mailbox_deliver) == 0);
  }
  SECTION("a Streamable HTTP session id is not an SSE session id") {
    auto init = f.host.run(f.app, fake::mcp_post(initialize_body()));
    const std::string mcp_id = *header(init, "mcp-session-id");
    REQUIRE(f.host.run(f.app, post_message("/sse/message?sessionId=" + mcp_id, call_body("ping"))).status == 404);
    // …and the other way round.
    const std::string sse_id = endpoint.substr(endpoint.find('=') + 1);
    REQUIRE(f.host.run(f.app, fake::mcp_post(call_body("ping"), {{"mcp-session-id", sse_id}})).status == 404);
  }
  SECTION("an id signed with another key is 404") {
    app::App other(test_config("another-key"));
    REQUIRE(f.host.run(other, post_message(endpoint, call_body("ping"))).status == 404);
  }
  SECTION("a closed stream ends the session") {
    f.host.mailboxes.at(mailbox).stream_open = false;
    REQUIRE(f.host.run(f.app, post_message(endpoint, call_body("ping"))).status == 404);
  }
  SECTION("an unreachable mailbox is 503") {
    f.host.fail_mailbox = true;
    REQUIRE(f.host.run(f.app, post_message(endpoint, call_body("ping"))).status == 503);
  }
  SECTION("a mailbox owned by someone else does not deliver") {
    f.host.mailboxes.at(mailbox).record["user"] = "someone-else";
    REQUIRE(f.host.run(f.app, post_message(endpoint, call_body("ping"))).status == 404);
    REQUIRE(f.host.mailboxes.at(mailbox).delivered.empty());
  }
}

TEST_CASE("POST /sse/message shares the /mcp body rules", "[app][sse][http]") {
  Fixture f;
  auto [endpoint, mailbox] = f.open_stream();
  http::Request bad_type = post_message(endpoint, call_body("ping"));
  bad_type.headers[1].second = "text/plain";
  REQUIRE(f.host.run(f.app, bad_type).status == 415);
  http::Request too_large = post_message(endpoint, "");
  too_large.body_too_large = true;
  REQUIRE(f.host.run(f.app, too_large).status == 413);
  auto bad_json = f.host.run(f.app, post_message(endpoint, "{"));
  REQUIRE(bad_json.status == 400);
  REQUIRE(body_json(bad_json)["error"]["code"] == -32700);
  http::Request get = post_message(endpoint, "");
  get.method = "GET";
  auto r = f.host.run(f.app, get);
  REQUIRE(r.status == 405);
  REQUIRE(*header(r, "allow") == "POST");
  REQUIRE(f.host.mailboxes.at(mailbox).delivered.empty());
}

// limits.hpp default_sse_streams_per_user, SSE_MAX_STREAMS_PER_USER: the core tells the user's
// mailbox the cap with each stream; the mailbox (worker-shim/sse_session.js, emulated by the
// FakeHost) closes the oldest stream when one more opens, so a user's streams stay bounded and a
// client that leaked streams is never locked out. The closed stream's session then answers 404.
TEST_CASE("opening more streams than SSE_MAX_STREAMS_PER_USER closes the user's oldest", "[app][sse][limits]") {
  app::Config c = test_config();
  c.sse_max_streams_per_user = 2;
  app::App app(c);
  fake::FakeHost host;
  fake::sign_in_as_bearer(app, host);
  std::vector<std::pair<std::string, std::string>> streams;  // endpoint, session
  for (int i = 0; i < 3; ++i) {
    auto r = host.run(app, get_sse());
    REQUIRE(r.status == 200);
    REQUIRE(json::parse(r.stream->init).value->at("maxStreams") == 2);
    const std::string prefix = "event: endpoint\ndata: ";
    streams.emplace_back(r.body.substr(prefix.size(), r.body.find('\n', prefix.size()) - prefix.size()),
                         json::parse(r.stream->init).value->at("session").get<std::string>());
  }
  REQUIRE_FALSE(host.mailboxes.at(streams[0].second).stream_open);
  auto gone = host.run(app, post_message(streams[0].first, call_body("ping")));
  REQUIRE(gone.status == 404);
  REQUIRE(body_json(gone)["error"]["message"] == "Session not found: open a new stream with GET /sse");
  REQUIRE(host.run(app, post_message(streams[1].first, call_body("ping"))).status == 202);
  REQUIRE(host.run(app, post_message(streams[2].first, call_body("ping"))).status == 202);
  // Another user's streams are not counted.
  fake::FakeHost other = host;
  other.bearer.clear();
  auto hubot = fake::sign_in(app, other, fake::GitHubUser{"hubot", 480938, "Hubot"});
  other.bearer = hubot.access_token;
  REQUIRE(other.run(app, get_sse()).stream->mailbox == "user:hubot");
  REQUIRE(other.mailboxes.at(streams[1].second).stream_open);
  REQUIRE(other.mailboxes.at(streams[2].second).stream_open);
}
