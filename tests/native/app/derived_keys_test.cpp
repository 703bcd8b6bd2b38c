#include "app/derived_keys.hpp"

#include <catch2/catch.hpp>

#include <set>

#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"

using flow::drive;

TEST_CASE("key(label) = HMAC-SHA256(COOKIE_ENCRYPTION_KEY, label)", "[app][derived_keys]") {
  fake::FakeHost fh;
  host::Host h;
  app::Config config = flow::test_config();
  app::DerivedKeys keys;
  auto k = drive(fh, h, keys.get(h, config, app::key_labels::consent_request));
  REQUIRE(k);
  REQUIRE(k->size() == 32);
  REQUIRE(*k == fh.perform(host::op_hmac_sha256(flow::cookie_key, app::key_labels::consent_request)).bytes);
}

TEST_CASE("purposes never share a key", "[app][derived_keys]") {
  fake::FakeHost fh;
  host::Host h;
  app::Config config = flow::test_config();
  app::DerivedKeys keys;
  std::set<std::string> seen;
  for (const char* label : {app::key_labels::session_id, app::key_labels::consent_request, app::key_labels::approvals}) {
    auto k = drive(fh, h, keys.get(h, config, label));
    REQUIRE(k);
    seen.insert(*k);
  }
  REQUIRE(seen.size() == 3);
  // Another secret, other keys.
  app::Config other = config;
  other.cookie_encryption_key = "another-key";
  app::DerivedKeys other_keys;
  auto k = drive(fh, h, other_keys.get(h, other, app::key_labels::approvals));
  REQUIRE(seen.count(*k) == 0);
}

TEST_CASE("without COOKIE_ENCRYPTION_KEY: Err 500 naming the secret, and the host is not asked", "[app][derived_keys][config]") {
  fake::FakeHost fh;
  host::Host h;
  app::Config config = flow::test_config();
  config.cookie_encryption_key.clear();
  app::DerivedKeys keys;
  auto k = drive(fh, h, keys.get(h, config, app::key_labels::approvals));
  REQUIRE_FALSE(k);
  REQUIRE(k.error().status == 500);
  REQUIRE(k.error().body.find("COOKIE_ENCRYPTION_KEY") != std::string::npos);
  REQUIRE(fh.log.empty());
}

TEST_CASE("a host failure deriving a key is Err 503 and is not cached", "[app][derived_keys][faults]") {
  fake::FakeHost fh;
  host::Host h;
  app::Config config = flow::test_config();
  app::DerivedKeys keys;
  auto failed = drive(h, keys.get(h, config, app::key_labels::approvals),
                      flow::failing(fh, [](const host::Operation&) { return true; }));
  REQUIRE_FALSE(failed);
  REQUIRE(failed.error().status == 503);
  auto short_mac = drive(h, keys.get(h, config, app::key_labels::approvals), [](const host::Operation&) {
    return host::OpResult{host::OpStatus::ok, "short"};
  });
  REQUIRE_FALSE(short_mac);
  REQUIRE(short_mac.error().status == 503);
  fh.log.clear();
  auto ok = drive(fh, h, keys.get(h, config, app::key_labels::approvals));
  REQUIRE(ok);
  REQUIRE(fh.log.size() == 1);
}

TEST_CASE("keys are cached per instance: the second use asks the host nothing", "[app][derived_keys]") {
  fake::FakeHost fh;
  host::Host h;
  app::Config config = flow::test_config();
  app::DerivedKeys keys;
  auto first = drive(fh, h, keys.get(h, config, app::key_labels::session_id));
  REQUIRE(fh.count(host::OpKind::hmac_sha256) == 1);
  auto second = drive(fh, h, keys.get(h, config, app::key_labels::session_id));
  REQUIRE(fh.count(host::OpKind::hmac_sha256) == 1);
  REQUIRE(*first == *second);
  // Idempotent: another instance derives the same key.
  app::DerivedKeys fresh;
  auto third = drive(fh, h, fresh.get(h, config, app::key_labels::session_id));
  REQUIRE(*third == *first);
  REQUIRE(fh.count(host::OpKind::hmac_sha256) == 2);
}
