#include "oauth/store.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "app/limits.hpp"

#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/sign_in.hpp"
#include "wire/reader_writer.hpp"

using flow::drive;
using json::Json;

namespace {

void put(fake::FakeHost& fh, const std::string& key, const std::string& value) { fh.kv[key] = fake::KvEntry{value, "", 0, 0}; }

// Runs `task` and returns, per parked batch, the operations asked for.
template <class T>
std::vector<std::vector<host::Operation>> batches_of(fake::FakeHost& fh, host::Host& h, async::Task<T>& task) {
  std::vector<std::vector<host::Operation>> out;
  task.start();
  while (!task.done()) {
    out.push_back(h.parked());
    std::vector<host::OpResult> results;
    for (const auto& op : h.parked()) results.push_back(fh.perform(op));
    h.complete(std::move(results));
    h.resume();
  }
  return out;
}

}  // namespace

TEST_CASE("records live under client:{id}, grant:{user}:{grant} and token:{user}:{grant}:{id}", "[oauth][store]") {
  REQUIRE(oauth::client_key("abc") == "client:abc");
  REQUIRE(oauth::grant_key("octocat", "G123") == "grant:octocat:G123");
  REQUIRE(oauth::token_key("octocat", "G123", "ffee") == "token:octocat:G123:ffee");
}

TEST_CASE("a read tells an absent record from a storage failure", "[oauth][store][faults]") {
  fake::FakeHost fh;
  host::Host h;
  auto absent = drive(fh, h, oauth::get_json(h, "grant:nobody:x"));
  REQUIRE(absent);
  REQUIRE_FALSE(*absent);

  put(fh, "grant:u:g", R"({"id":"g","extra":[1,2]})");
  auto present = drive(fh, h, oauth::get_json(h, "grant:u:g"));
  REQUIRE(present);
  REQUIRE(*present);
  REQUIRE((**present)["extra"] == Json::array({1, 2}));

  fh.fail_kv = true;
  auto failed = drive(fh, h, oauth::get_json(h, "grant:u:g"));
  REQUIRE_FALSE(failed);  // never taken for "absent"
  auto failed_client = drive(fh, h, oauth::get_client(h, "anything"));
  REQUIRE_FALSE(failed_client);
  fh.fail_kv = false;

  // A record that is not a JSON object is unreadable storage, not an absence.
  put(fh, "grant:u:bad", "not json");
  REQUIRE_FALSE(drive(fh, h, oauth::get_json(h, "grant:u:bad")));
  put(fh, "grant:u:array", "[1,2]");
  REQUIRE_FALSE(drive(fh, h, oauth::get_json(h, "grant:u:array")));
  REQUIRE(fh.log.back().kind == host::OpKind::kv_get);
  REQUIRE(fh.log.back().key == "grant:u:array");
}

TEST_CASE("a client record stored under another id's key is no client", "[oauth][store]") {
  fake::FakeHost fh;
  host::Host h;
  put(fh, "client:victim", R"({"clientId":"attacker","redirectUris":["https://evil.example/cb"]})");
  auto c = drive(fh, h, oauth::get_client(h, "victim"));
  REQUIRE(c);
  REQUIRE_FALSE(*c);
  put(fh, "client:good", R"({"clientId":"good","redirectUris":["https://ok.example/cb"]})");
  auto g = drive(fh, h, oauth::get_client(h, "good"));
  REQUIRE(g);
  REQUIRE(*g);
  REQUIRE((*g)->id() == "good");
}

TEST_CASE("a client record reads as the reference defines its fields and defaults", "[oauth][store]") {
  oauth::Client bare{Json{{"clientId", "c1"}, {"redirectUris", {"https://a.example/cb", 7, "https://b.example/cb"}}}};
  REQUIRE(bare.id() == "c1");
  REQUIRE(bare.name().empty());
  REQUIRE(bare.redirect_uris() == std::vector<std::string>{"https://a.example/cb", "https://b.example/cb"});
  REQUIRE(bare.auth_method() == "client_secret_basic");
  REQUIRE(bare.secret_hash() == nullptr);
  REQUIRE(bare.allows_grant_type("authorization_code"));
  REQUIRE(bare.allows_grant_type("refresh_token"));
  REQUIRE_FALSE(bare.allows_grant_type("client_credentials"));

  oauth::Client full{Json{{"clientId", "c2"},
                          {"clientName", "Tool"},
                          {"tokenEndpointAuthMethod", "none"},
                          {"clientSecret", "abcd"},
                          {"grantTypes", Json::array({"authorization_code"})}}};
  REQUIRE(full.name() == "Tool");
  REQUIRE(full.auth_method() == "none");
  REQUIRE(*full.secret_hash() == "abcd");
  REQUIRE(full.allows_grant_type("authorization_code"));
  REQUIRE(full.allows_grant_type("refresh_token"));  // part of the code flow, as in 1.2.3
  REQUIRE_FALSE(full.allows_grant_type("client_credentials"));
}

TEST_CASE("grant key metadata is {clientId, resource, redirectUri}, dropped when over 1024 bytes", "[oauth][store]") {
  const Json grant{{"clientId", "c1"}, {"resource", "http://localhost:8788/mcp"}, {"redirectUri", "http://127.0.0.1:9/cb"},
                   {"encryptedProps", "xxx"}, {"authCodeId", "yyy"}};
  auto meta = json::parse(oauth::grant_key_metadata(grant));
  REQUIRE(meta.value);
  REQUIRE(*meta.value == Json{{"clientId", "c1"}, {"resource", "http://localhost:8788/mcp"}, {"redirectUri", "http://127.0.0.1:9/cb"}});

  auto minimal = json::parse(oauth::grant_key_metadata(Json{{"clientId", "c1"}}));
  REQUIRE(*minimal.value == Json{{"clientId", "c1"}});

  const Json huge{{"clientId", "c1"}, {"redirectUri", "https://a.example/" + std::string(1100, 'x')}};
  REQUIRE(oauth::grant_key_metadata(huge).empty());
}

TEST_CASE("fields this server does not know survive when it rewrites a record", "[oauth][store][token]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  fake::script_github(fh);
  auto client = flow::register_public(app, fh);
  const std::string code = flow::code_for(app, fh, client.client_id);
  auto grants = flow::keys_with_prefix(fh, "grant:octocat:");
  REQUIRE(grants.size() == 1);
  Json grant = flow::kv_json(fh, grants[0]);
  grant["futureField"] = Json{{"kept", true}};
  grant["metadata"] = Json{{"from", "another server"}};
  fh.kv[grants[0]].value = json::dump(grant);

  REQUIRE(flow::exchange(app, fh, code, client.client_id).status == 200);
  Json rewritten = flow::kv_json(fh, grants[0]);
  REQUIRE(rewritten["futureField"] == Json{{"kept", true}});
  REQUIRE(rewritten["metadata"] == Json{{"from", "another server"}});
  REQUIRE_FALSE(rewritten.contains("authCodeWrappedKey"));
}

TEST_CASE("list_keys returns every key under the prefix, page after page", "[oauth][store]") {
  fake::FakeHost fh;
  host::Host h;
  for (int i = 0; i < 2500; ++i) put(fh, "token:u:g:" + std::to_string(100000 + i), "{}");
  put(fh, "token:u:other:1", "{}");
  put(fh, "grant:u:g", "{}");
  auto keys = drive(fh, h, oauth::list_keys(h, "token:u:g:"));
  REQUIRE(keys);
  REQUIRE(keys->size() == 2500);
  REQUIRE(std::all_of(keys->begin(), keys->end(), [](const oauth::ListedKey& k) { return k.name.rfind("token:u:g:", 0) == 0; }));
  REQUIRE(fh.count(host::OpKind::kv_list) == 3);
  fh.fail_kv = true;
  REQUIRE_FALSE(drive(fh, h, oauth::list_keys(h, "token:u:g:")));
}

TEST_CASE("revoking a grant deletes all its tokens and the grant, and nothing else", "[oauth][store]") {
  fake::FakeHost fh;
  host::Host h;
  put(fh, "grant:octocat:GGGGGGGGGGGGGGGG", "{}");
  put(fh, "token:octocat:GGGGGGGGGGGGGGGG:aa", "{}");
  put(fh, "token:octocat:GGGGGGGGGGGGGGGG:bb", "{}");
  put(fh, "grant:octocat:HHHHHHHHHHHHHHHH", "{}");
  put(fh, "token:octocat:HHHHHHHHHHHHHHHH:cc", "{}");
  put(fh, "token:octocat2:GGGGGGGGGGGGGGGG:dd", "{}");
  auto r = drive(fh, h, oauth::revoke_grant(h, "octocat", "GGGGGGGGGGGGGGGG", fh.now_ms / 1000));
  REQUIRE(r);
  REQUIRE(fh.kv.count("grant:octocat:GGGGGGGGGGGGGGGG") == 0);
  REQUIRE(fh.kv.count("token:octocat:GGGGGGGGGGGGGGGG:aa") == 0);
  REQUIRE(fh.kv.count("token:octocat:GGGGGGGGGGGGGGGG:bb") == 0);
  REQUIRE(fh.kv.count("grant:octocat:HHHHHHHHHHHHHHHH") == 1);
  REQUIRE(fh.kv.count("token:octocat:HHHHHHHHHHHHHHHH:cc") == 1);
  REQUIRE(fh.kv.count("token:octocat2:GGGGGGGGGGGGGGGG:dd") == 1);
  // The revocation is final in the grant's object first, then the tokens found by prefix (with the
  // trailing ':') leave KV, then the grant.
  REQUIRE(fh.log[0].kind == host::OpKind::grant_swap);
  REQUIRE(fh.grant_states.at("grant:octocat:GGGGGGGGGGGGGGGG") == "revoked");
  REQUIRE(fh.log[1].kind == host::OpKind::kv_list);
  REQUIRE(fh.log[1].key == "token:octocat:GGGGGGGGGGGGGGGG:");
  REQUIRE(fh.log.back().kind == host::OpKind::kv_delete);
  REQUIRE(fh.log.back().key == "grant:octocat:GGGGGGGGGGGGGGGG");
  REQUIRE(fh.count(host::OpKind::kv_delete) == 3);
}

TEST_CASE("a storage failure while revoking is an Err", "[oauth][store][faults]") {
  fake::FakeHost fh;
  host::Host h;
  put(fh, "grant:u:GGGGGGGGGGGGGGGG", "{}");
  fh.fail_kv = true;
  REQUIRE_FALSE(drive(fh, h, oauth::revoke_grant(h, "u", "GGGGGGGGGGGGGGGG", 1750000000)));
  fh.fail_kv = false;
  REQUIRE(fh.kv.count("grant:u:GGGGGGGGGGGGGGGG") == 1);
  // Deletes failing after the listing worked.
  auto deletes_fail = flow::failing(fh, [](const host::Operation& op) { return op.kind == host::OpKind::kv_delete; });
  REQUIRE_FALSE(drive(h, oauth::revoke_grant(h, "u", "GGGGGGGGGGGGGGGG", 1750000000), deletes_fail));
}

// store.hpp rule 3: the object says "revoked" before anything leaves KV (from then on nothing can
// mint a token from the grant), and the KV grant leaves last, so a grant still in KV after a failure
// marks a cleanup still to do. The token deletes are one batch (the shim runs it in parallel).
TEST_CASE("revoke_grant marks the object, deletes the tokens, and the KV grant last", "[oauth][store]") {
  fake::FakeHost fh;
  host::Host h;
  put(fh, "grant:u:GGGGGGGGGGGGGGGG", "{}");
  put(fh, "token:u:GGGGGGGGGGGGGGGG:aa", "{}");
  put(fh, "token:u:GGGGGGGGGGGGGGGG:bb", "{}");
  auto task = oauth::revoke_grant(h, "u", "GGGGGGGGGGGGGGGG", 1750000000);
  auto batches = batches_of(fh, h, task);
  REQUIRE(batches.front().front().kind == host::OpKind::grant_swap);
  std::size_t grant_batch = 0, last_token_batch = 0;
  for (std::size_t i = 0; i < batches.size(); ++i)
    for (const auto& op : batches[i]) {
      if (op.kind != host::OpKind::kv_delete) continue;
      if (op.key.rfind("grant:", 0) == 0) grant_batch = i;
      if (op.key.rfind("token:", 0) == 0) last_token_batch = i;
    }
  REQUIRE(last_token_batch < grant_batch);
  REQUIRE(batches[last_token_batch].size() == 2);
  REQUIRE(batches[grant_batch].size() == 1);
  REQUIRE(fh.kv.empty());
}

// Fuzzing: keys over KV's 512 bytes (a long client_id) reached KV, which throws: a 503.
TEST_CASE("a key KV cannot hold reads as absent without asking KV", "[oauth][store][fuzz]") {
  fake::FakeHost fh;
  host::Host h;
  REQUIRE(oauth::is_storable_key("client:abc"));
  REQUIRE(oauth::is_storable_key(std::string(512, 'k')));
  REQUIRE_FALSE(oauth::is_storable_key(std::string(513, 'k')));
  REQUIRE_FALSE(oauth::is_storable_key(""));
  REQUIRE_FALSE(oauth::is_storable_key("client:\xff"));  // the shim would read it as U+FFFD
  auto client = drive(fh, h, oauth::get_client(h, std::string(600, 'c')));
  REQUIRE(client);
  REQUIRE_FALSE(*client);
  auto record = drive(fh, h, oauth::get_json(h, "client:\xff"));
  REQUIRE(record);
  REQUIRE_FALSE(*record);
  REQUIRE(fh.log.empty());
}

// Fuzzing: a listing reply with a name shorter than the prefix made a caller's substr throw
// (an abort under -fno-exceptions). KV never lists outside the prefix; the core does not trust it.
TEST_CASE("list_keys drops names outside the prefix, so revoke_grant deletes none of them", "[oauth][store][fuzz]") {
  fake::FakeHost fh;
  put(fh, "grant:u:GGGGGGGGGGGGGGGG", "{}");
  put(fh, "token:u:GGGGGGGGGGGGGGGG:aa", "{}");
  put(fh, "client:victim", "{}");
  auto lying_list = [&fh](const host::Operation& op) -> host::OpResult {
    if (op.kind != host::OpKind::kv_list) return fh.perform(op);
    wire::Writer w;
    w.u8(1);
    w.bytes("");
    w.u32(3);
    for (const char* name : {"token:u:GGGGGGGGGGGGGGGG:aa", "client:victim", "t"}) {
      w.bytes(name);
      w.bytes("");
    }
    return {host::OpStatus::ok, std::move(w.buffer())};
  };
  host::Host h;
  auto keys = drive(h, oauth::list_keys(h, "token:u:GGGGGGGGGGGGGGGG:"), lying_list);
  REQUIRE(keys);
  REQUIRE(keys->size() == 1);
  REQUIRE(keys->front().name == "token:u:GGGGGGGGGGGGGGGG:aa");
  REQUIRE(drive(h, oauth::revoke_grant(h, "u", "GGGGGGGGGGGGGGGG", 1750000000), lying_list));
  REQUIRE(fh.kv.count("client:victim") == 1);
  REQUIRE(fh.kv.count("token:u:GGGGGGGGGGGGGGGG:aa") == 0);
}

// limits.hpp kv_list_page_size: listing follows KV's cursor past one page (a grant with more tokens
// than one page holds is revoked whole).
TEST_CASE("revoking a grant with more tokens than one KV list page deletes them all", "[oauth][store][limits]") {
  fake::FakeHost fh;
  host::Host h;
  put(fh, "grant:u:GGGGGGGGGGGGGGGG", "{}");
  for (std::size_t i = 0; i < app::kv_list_page_size + 5; ++i) put(fh, "token:u:GGGGGGGGGGGGGGGG:" + std::to_string(100000 + i), "{}");
  REQUIRE(drive(fh, h, oauth::revoke_grant(h, "u", "GGGGGGGGGGGGGGGG", 1750000000)));
  REQUIRE(fh.kv.empty());
  REQUIRE(fh.count(host::OpKind::kv_list) == 2);
}

// limits.hpp revoked_grant_memory_seconds: the object says "revoked" for 31 days, past any refresh
// token the grant had (30 days), so a stale KV mirror can never bring it back.
TEST_CASE("a revoked grant's object remembers it for 31 days", "[oauth][store][limits]") {
  fake::FakeHost fh;
  host::Host h;
  std::uint64_t keep_until = 0;
  auto capture = [&](const host::Operation& op) {
    if (op.kind == host::OpKind::grant_swap) keep_until = op.n;
    return fh.perform(op);
  };
  REQUIRE(drive(h, oauth::revoke_grant(h, "u", "GGGGGGGGGGGGGGGG", 1750000000), capture));
  REQUIRE(keep_until == 1750000000 + static_cast<std::uint64_t>(app::revoked_grant_memory_seconds));
  REQUIRE(app::revoked_grant_memory_seconds > app::refresh_token_ttl_seconds);
}
