#include "mcp/session_id.hpp"

#include <catch2/catch.hpp>

TEST_CASE("session ids round-trip their claims", "[mcp][session]") {
  mcp::SessionClaims c{mcp::SessionKind::legacy_sse, "2025-06-18", 1750000000, std::string(16, '\x07'), "user:1", "client:a"};
  const std::string signed_bytes = mcp::serialize_claims(c);
  const std::string id = mcp::encode_session_id(signed_bytes, std::string(32, 'm'));
  REQUIRE(id.rfind("s1.", 0) == 0);
  auto d = mcp::decode_session_id(id);
  REQUIRE(d);
  REQUIRE(d->claims.kind == mcp::SessionKind::legacy_sse);
  REQUIRE(d->claims.protocol_version == "2025-06-18");
  REQUIRE(d->claims.issued_at == 1750000000);
  REQUIRE(d->claims.nonce == c.nonce);
  REQUIRE(d->claims.user == "user:1");
  REQUIRE(d->claims.client == "client:a");
  REQUIRE(d->signed_bytes == signed_bytes);
  REQUIRE(d->mac == std::string(32, 'm'));
}

TEST_CASE("claims serialise unambiguously", "[mcp][session]") {
  mcp::SessionClaims a{mcp::SessionKind::streamable_http, "v", 1, std::string(16, 'n'), "ab", "c"};
  mcp::SessionClaims b{mcp::SessionKind::streamable_http, "v", 1, std::string(16, 'n'), "a", "bc"};
  REQUIRE(mcp::serialize_claims(a) != mcp::serialize_claims(b));
}

TEST_CASE("malformed session ids are refused", "[mcp][session]") {
  mcp::SessionClaims c{mcp::SessionKind::streamable_http, "2025-06-18", 5, std::string(16, 'n'), "", ""};
  const std::string good = mcp::encode_session_id(mcp::serialize_claims(c), std::string(32, 'm'));
  REQUIRE(mcp::decode_session_id(good));
  REQUIRE(mcp::decode_session_id(mcp::encode_session_id("3:mcp1:v1:516:nnnnnnnnnnnnnnnn0:0:", std::string(32, 'm'))));
  REQUIRE_FALSE(mcp::decode_session_id(""));
  REQUIRE_FALSE(mcp::decode_session_id("s2" + good.substr(2)));
  REQUIRE_FALSE(mcp::decode_session_id(good + "."));
  REQUIRE_FALSE(mcp::decode_session_id(good.substr(0, good.size() - 2)));  // short MAC
  REQUIRE_FALSE(mcp::decode_session_id(std::string(600, 'a')));
  // Wrong nonce length, negative time, trailing bytes, leading zeros in a length.
  // Unknown transport kind, too.
  for (const std::string& claims :
       {std::string("3:mcp1:v1:55:nnnnn0:0:"), std::string("3:mcp1:v2:-116:nnnnnnnnnnnnnnnn0:0:"),
        mcp::serialize_claims(c) + "x", std::string("3:mcp01:v1:5" "16:nnnnnnnnnnnnnnnn0:0:"),
        std::string("3:xyz1:v1:516:nnnnnnnnnnnnnnnn0:0:")}) {
    REQUIRE_FALSE(mcp::decode_session_id(mcp::encode_session_id(claims, std::string(32, 'm'))));
  }
}

TEST_CASE("the tombstone key and the stream key name the session's nonce; the mailbox its user", "[mcp][session][storage]") {
  mcp::SessionClaims c{mcp::SessionKind::legacy_sse, "", 5, std::string(16, '\0'), "octocat", "client"};
  REQUIRE(mcp::session_tombstone_key(c) == "mcp-session-ended:AAAAAAAAAAAAAAAAAAAAAA");
  REQUIRE(mcp::session_stream_key(c) == "AAAAAAAAAAAAAAAAAAAAAA");
  REQUIRE(mcp::session_mailbox_name(c) == "user:octocat");
}
