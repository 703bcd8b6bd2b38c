#include "app/signed_value.hpp"

#include <catch2/catch.hpp>

#include "base/bytes.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"

using flow::drive;

namespace {

struct Fixture {
  fake::FakeHost fh;
  host::Host h;
  app::Config config = flow::test_config();
  app::DerivedKeys keys;

  std::string sign(const char* label, const std::string& payload) {
    auto r = drive(fh, h, app::sign_value(h, config, keys, label, payload));
    REQUIRE(r);
    return *r;
  }
  base::Result<std::optional<std::string>, http::Response> open(const char* label, const std::string& value) {
    return drive(fh, h, app::open_signed(h, config, keys, label, value));
  }
  std::optional<std::string> opened(const char* label, const std::string& value) {
    auto r = open(label, value);
    REQUIRE(r);
    return *r;
  }
};

}  // namespace

TEST_CASE("a signed value is base64url(payload).base64url(HMAC-SHA256(key(label), label || payload))",
          "[app][signed_value]") {
  Fixture f;
  const char* label = app::key_labels::consent_request;
  const std::string payload = R"({"clientId":"abc"})";
  const std::string value = f.sign(label, payload);
  const std::string key = f.fh.perform(host::op_hmac_sha256(flow::cookie_key, label)).bytes;
  const std::string mac = f.fh.perform(host::op_hmac_sha256(key, std::string(label) + payload)).bytes;
  REQUIRE(value == base::base64url_encode(payload) + "." + base::base64url_encode(mac));
  REQUIRE(f.opened(label, value) == payload);
}

TEST_CASE("any payload bytes survive signing and opening", "[app][signed_value]") {
  Fixture f;
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (const std::string& payload : {std::string(), bytes, std::string("a.b.c")}) {
    const std::string value = f.sign(app::key_labels::approvals, payload);
    REQUIRE(f.opened(app::key_labels::approvals, value) == payload);
  }
}

TEST_CASE("a value signed for one purpose never opens for another", "[app][signed_value]") {
  Fixture f;
  const std::string value = f.sign(app::key_labels::consent_request, "[\"client\"]");
  REQUIRE_FALSE(f.opened(app::key_labels::approvals, value));
  REQUIRE_FALSE(f.opened(app::key_labels::session_id, value));
  REQUIRE(f.opened(app::key_labels::consent_request, value));
}

TEST_CASE("open_signed gives nullopt for anything malformed or forged", "[app][signed_value]") {
  Fixture f;
  const char* label = app::key_labels::approvals;
  const std::string value = f.sign(label, "[\"a\"]");
  const auto dot = value.find('.');
  std::string flipped_payload = value;
  flipped_payload[0] = flipped_payload[0] == 'W' ? 'X' : 'W';
  std::string flipped_mac = value;
  flipped_mac.back() = flipped_mac.back() == 'A' ? 'B' : 'A';
  const std::string other_payload = base::base64url_encode("[\"b\"]") + value.substr(dot);
  const std::vector<std::string> bad = {
      "",
      "nodot",
      ".",
      value.substr(0, dot),
      value.substr(0, dot) + ".",
      value.substr(dot),
      value + "A",
      value.substr(0, value.size() - 1),
      value.substr(0, dot) + "." + base::base64url_encode(std::string(31, 'x')),
      value.substr(0, dot) + "." + base::base64url_encode(std::string(33, 'x')),
      value.substr(0, dot) + "!." + value.substr(dot + 1),
      value.substr(0, dot) + "." + value.substr(dot + 1) + "=",
      flipped_payload,
      flipped_mac,
      other_payload,
      std::string(8200, 'A') + value.substr(dot),
  };
  for (const auto& v : bad) {
    INFO(v.substr(0, 80));
    REQUIRE_FALSE(f.opened(label, v));
  }
}

TEST_CASE("a value signed under another COOKIE_ENCRYPTION_KEY does not open", "[app][signed_value]") {
  Fixture a;
  Fixture b;
  b.config.cookie_encryption_key = "another-key";
  const std::string value = a.sign(app::key_labels::approvals, "[\"a\"]");
  REQUIRE_FALSE(b.opened(app::key_labels::approvals, value));
}

TEST_CASE("Err only when COOKIE_ENCRYPTION_KEY is missing (500) or the host failed (503)", "[app][signed_value][faults]") {
  Fixture good;
  const std::string value = good.sign(app::key_labels::approvals, "x");

  Fixture f;
  f.config.cookie_encryption_key.clear();
  auto signed_without = drive(f.fh, f.h, app::sign_value(f.h, f.config, f.keys, app::key_labels::approvals, "x"));
  REQUIRE_FALSE(signed_without);
  REQUIRE(signed_without.error().status == 500);
  REQUIRE(signed_without.error().body.find("COOKIE_ENCRYPTION_KEY") != std::string::npos);
  auto opened_without = f.open(app::key_labels::approvals, value);
  REQUIRE_FALSE(opened_without);
  REQUIRE(opened_without.error().status == 500);
  REQUIRE(f.fh.log.empty());

  Fixture down;
  auto hmac_fails = flow::failing(down.fh, [](const host::Operation& op) { return op.kind == host::OpKind::hmac_sha256; });
  auto s = drive(down.h, app::sign_value(down.h, down.config, down.keys, app::key_labels::approvals, "x"), hmac_fails);
  REQUIRE_FALSE(s);
  REQUIRE(s.error().status == 503);
  auto o = drive(down.h, app::open_signed(down.h, down.config, down.keys, app::key_labels::approvals, value), hmac_fails);
  REQUIRE_FALSE(o);
  REQUIRE(o.error().status == 503);

  // The key derived, then the MAC itself failing, is a 503 as well.
  Fixture half;
  REQUIRE(half.sign(app::key_labels::approvals, "warm the key cache") != "");
  auto s2 = drive(half.h, app::sign_value(half.h, half.config, half.keys, app::key_labels::approvals, "x"),
                  flow::failing(half.fh, [](const host::Operation&) { return true; }));
  REQUIRE_FALSE(s2);
  REQUIRE(s2.error().status == 503);
}
