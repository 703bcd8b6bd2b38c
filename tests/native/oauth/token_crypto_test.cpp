#include "oauth/token_crypto.hpp"

#include <catch2/catch.hpp>

#include <set>

#include "base/bytes.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"

using flow::drive;
using json::Json;

namespace {

std::string wrapping_key() {
  return std::string(reinterpret_cast<const char*>(oauth::wrapping_key_hmac_key.data()), oauth::wrapping_key_hmac_key.size());
}

const std::string a_token = "octocat:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

// Every operation a performer was asked for, with all its fields.
struct Recorder {
  fake::FakeHost& fh;
  std::vector<host::Operation> ops;
  flow::Performer performer() {
    return [this](const host::Operation& op) {
      ops.push_back(op);
      return fh.perform(op);
    };
  }
};

flow::Performer all_fail() {
  return [](const host::Operation&) { return host::OpResult{host::OpStatus::failed, "down"}; };
}

}  // namespace

TEST_CASE("random strings map one host byte to one base64url character (byte % 64)", "[oauth][token_crypto]") {
  host::Host h;
  const std::string bytes{'\x00', '\x19', '\x1a', '\x33', '\x34', '\x3d', '\x3e', '\x3f', '\x40', '\x7f', '\x80', '\xff'};
  std::vector<host::Operation> asked;
  auto s = drive(h, oauth::random_string(h, bytes.size()), [&](const host::Operation& op) {
    asked.push_back(op);
    return host::OpResult{host::OpStatus::ok, bytes};
  });
  REQUIRE(s);
  REQUIRE(*s == "AZaz09-_A_A_");
  REQUIRE(asked.size() == 1);
  REQUIRE(asked[0].kind == host::OpKind::random);
  REQUIRE(asked[0].n == bytes.size());
}

TEST_CASE("random strings take their entropy only from the host and refuse a short answer", "[oauth][token_crypto]") {
  fake::FakeHost fh;
  host::Host h;
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto s = drive(fh, h, oauth::random_string(h, oauth::token_secret_length));
    REQUIRE(s);
    REQUIRE(s->size() == 32);
    for (char c : *s)
      REQUIRE(((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'));
    seen.insert(*s);
  }
  REQUIRE(seen.size() == 20);
  REQUIRE(fh.count(host::OpKind::random) == 20);
  REQUIRE(fh.log.size() == 20);
  auto short_answer = drive(h, oauth::random_string(h, 8), [](const host::Operation&) {
    return host::OpResult{host::OpStatus::ok, "1234"};
  });
  REQUIRE_FALSE(short_answer);
}

TEST_CASE("a token id is the lowercase hex SHA-256 of the token string", "[oauth][token_crypto]") {
  fake::FakeHost fh;
  host::Host h;
  auto id = drive(fh, h, oauth::sha256_hex(h, a_token));
  REQUIRE(id);
  // python3: hashlib.sha256(b"octocat:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB").hexdigest()
  REQUIRE(*id == "cd765ad6cff141eb43d6aa0894d9d65fa150c6dea137a00b1142b58e113b1249");
  auto abc = drive(fh, h, oauth::sha256_hex(h, "abc"));
  REQUIRE(*abc == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  REQUIRE(fh.count(host::OpKind::sha256) == 2);
}

TEST_CASE("the PKCE S256 value is base64url SHA-256 without padding", "[oauth][token_crypto]") {
  fake::FakeHost fh;
  host::Host h;
  auto c = drive(fh, h, oauth::sha256_base64url(h, "abc"));
  REQUIRE(c);
  REQUIRE(*c == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

TEST_CASE("props are AES-256-GCM under a fresh random key with an all-zero IV, base64 of ciphertext||tag",
          "[oauth][token_crypto]") {
  fake::FakeHost fh;
  host::Host h;
  Recorder rec{fh, {}};
  const Json props{{"login", "octocat"}, {"id", 583231}, {"name", "The Octocat"}, {"email", nullptr}, {"accessToken", "gho_x"}};
  auto sealed = drive(h, oauth::encrypt_props(h, props), rec.performer());
  REQUIRE(sealed);
  REQUIRE(sealed->key.size() == 32);
  REQUIRE(rec.ops.size() == 2);
  REQUIRE(rec.ops[0].kind == host::OpKind::random);
  REQUIRE(rec.ops[0].n == 32);
  REQUIRE(rec.ops[1].kind == host::OpKind::aes_gcm_encrypt);
  REQUIRE(rec.ops[1].key == sealed->key);
  REQUIRE(rec.ops[1].extra == std::string(12, '\0'));
  REQUIRE(rec.ops[1].data == json::dump(props));

  auto ciphertext = base::base64_decode(sealed->encrypted);
  REQUIRE(ciphertext);
  REQUIRE(ciphertext->size() == json::dump(props).size() + 16);
  auto opened = fh.perform(host::op_aes_gcm_decrypt(sealed->key, std::string(12, '\0'), *ciphertext));
  REQUIRE(opened.ok());
  REQUIRE(opened.bytes == json::dump(props));

  auto round = drive(fh, h, oauth::decrypt_props(h, sealed->key, sealed->encrypted));
  REQUIRE(round);
  REQUIRE(*round == props);

  auto again = drive(fh, h, oauth::encrypt_props(h, props));
  REQUIRE(again);
  REQUIRE(again->key != sealed->key);  // each key encrypts once
  REQUIRE(again->encrypted != sealed->encrypted);
}

TEST_CASE("props do not open under another key, altered or not base64", "[oauth][token_crypto]") {
  fake::FakeHost fh;
  host::Host h;
  auto sealed = drive(fh, h, oauth::encrypt_props(h, Json{{"login", "octocat"}}));
  REQUIRE(sealed);
  REQUIRE_FALSE(drive(fh, h, oauth::decrypt_props(h, std::string(32, 'k'), sealed->encrypted)));
  auto bytes = *base::base64_decode(sealed->encrypted);
  bytes[0] ^= 1;
  REQUIRE_FALSE(drive(fh, h, oauth::decrypt_props(h, sealed->key, base::base64_encode(bytes))));
  REQUIRE_FALSE(drive(fh, h, oauth::decrypt_props(h, sealed->key, "not base64!")));
}

TEST_CASE("the props key is wrapped with AES-KW under HMAC-SHA256(WRAPPING_KEY_HMAC_KEY, token)",
          "[oauth][token_crypto]") {
  // The reference's constant, byte for byte (0x22, 0x7e, … 0xca, 0x43).
  REQUIRE(oauth::wrapping_key_hmac_key.front() == 0x22);
  REQUIRE(oauth::wrapping_key_hmac_key[1] == 0x7e);
  REQUIRE(oauth::wrapping_key_hmac_key.back() == 0x43);

  fake::FakeHost fh;
  host::Host h;
  const std::string key(32, '\x5a');
  Recorder rec{fh, {}};
  auto wrapped = drive(h, oauth::wrap_key_with_token(h, a_token, key), rec.performer());
  REQUIRE(wrapped);
  REQUIRE(rec.ops.size() == 2);
  REQUIRE(rec.ops[0].kind == host::OpKind::hmac_sha256);
  REQUIRE(rec.ops[0].key == wrapping_key());
  REQUIRE(rec.ops[0].data == a_token);
  REQUIRE(rec.ops[1].kind == host::OpKind::aes_kw_wrap);

  const std::string kek = fh.perform(host::op_hmac_sha256(wrapping_key(), a_token)).bytes;
  auto raw = base::base64_decode(*wrapped);
  REQUIRE(raw);
  REQUIRE(raw->size() == 40);
  auto unwrapped = fh.perform(host::op_aes_kw_unwrap(kek, *raw));
  REQUIRE(unwrapped.ok());
  REQUIRE(unwrapped.bytes == key);

  auto back = drive(fh, h, oauth::unwrap_key_with_token(h, a_token, *wrapped));
  REQUIRE(back);
  REQUIRE(*back == key);
}

TEST_CASE("holding the token opens the props key; its id or another token does not", "[oauth][token_crypto]") {
  fake::FakeHost fh;
  host::Host h;
  auto wrapped = drive(fh, h, oauth::wrap_key_with_token(h, a_token, std::string(32, '\x11')));
  REQUIRE(wrapped);
  auto id = drive(fh, h, oauth::sha256_hex(h, a_token));
  REQUIRE_FALSE(drive(fh, h, oauth::unwrap_key_with_token(h, *id, *wrapped)));
  REQUIRE_FALSE(drive(fh, h, oauth::unwrap_key_with_token(h, "octocat:AAAAAAAAAAAAAAAA:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", *wrapped)));
  REQUIRE_FALSE(drive(fh, h, oauth::unwrap_key_with_token(h, a_token, "%%%")));
}

TEST_CASE("every host failure is an Err, never a value", "[oauth][token_crypto][faults]") {
  host::Host h;
  REQUIRE_FALSE(drive(h, oauth::random_string(h, 16), all_fail()));
  REQUIRE_FALSE(drive(h, oauth::sha256_hex(h, "x"), all_fail()));
  REQUIRE_FALSE(drive(h, oauth::sha256_base64url(h, "x"), all_fail()));
  REQUIRE_FALSE(drive(h, oauth::encrypt_props(h, Json{{"a", 1}}), all_fail()));
  REQUIRE_FALSE(drive(h, oauth::decrypt_props(h, std::string(32, 'k'), base::base64_encode("0123456789abcdef0")), all_fail()));
  REQUIRE_FALSE(drive(h, oauth::wrap_key_with_token(h, a_token, std::string(32, 'k')), all_fail()));
  REQUIRE_FALSE(drive(h, oauth::unwrap_key_with_token(h, a_token, base::base64_encode(std::string(40, 'w'))), all_fail()));

  // A failure of the second step counts too (the HMAC succeeds, the wrap fails).
  fake::FakeHost fh;
  auto second_fails = flow::failing(fh, [](const host::Operation& op) { return op.kind == host::OpKind::aes_kw_wrap; });
  REQUIRE_FALSE(drive(h, oauth::wrap_key_with_token(h, a_token, std::string(32, 'k')), second_fails));
  auto encrypt_fails = flow::failing(fh, [](const host::Operation& op) { return op.kind == host::OpKind::aes_gcm_encrypt; });
  REQUIRE_FALSE(drive(h, oauth::encrypt_props(h, Json{{"a", 1}}), encrypt_fails));
  // A digest of the wrong size is a failure, not a short id.
  auto short_digest = drive(h, oauth::sha256_hex(h, "x"), [](const host::Operation&) {
    return host::OpResult{host::OpStatus::ok, "short"};
  });
  REQUIRE_FALSE(short_digest);
}

TEST_CASE("tokens are user:grant16:secret32, split from the right", "[oauth][token_crypto]") {
  const std::string grant(16, 'G');
  const std::string secret(32, 's');
  auto p = oauth::split_token("octocat:" + grant + ":" + secret);
  REQUIRE(p);
  REQUIRE(p->user_id == "octocat");
  REQUIRE(p->grant_id == grant);

  auto colon_user = oauth::split_token("a:b:c:" + grant + ":" + secret);
  REQUIRE(colon_user);
  REQUIRE(colon_user->user_id == "a:b:c");

  REQUIRE_FALSE(oauth::split_token(""));
  REQUIRE_FALSE(oauth::split_token("garbage"));
  REQUIRE_FALSE(oauth::split_token(":" + grant + ":" + secret));                      // no user
  REQUIRE_FALSE(oauth::split_token("octocat:" + grant.substr(1) + ":" + secret));     // grant 15
  REQUIRE_FALSE(oauth::split_token("octocat:" + grant + "G:" + secret));              // grant 17
  REQUIRE_FALSE(oauth::split_token("octocat:" + grant + ":" + secret + "s"));         // secret 33
  REQUIRE_FALSE(oauth::split_token("octocat:" + grant + ":" + secret.substr(1)));     // secret 31
  REQUIRE_FALSE(oauth::split_token("octocat:" + grant + ":" + secret.substr(1) + "="));  // not base64url
  REQUIRE_FALSE(oauth::split_token("octocat:" + grant.substr(1) + "+:" + secret));
  REQUIRE(oauth::split_token("octocat:" + std::string(16, '-') + ":" + std::string(32, '_')));
}

TEST_CASE("random_strings splits one draw; a short answer is an Err", "[oauth][token_crypto]") {
  fake::FakeHost fh;
  Recorder rec{fh};
  host::Host h;
  std::vector<std::size_t> lengths{16, 32};
  auto drawn = drive(h, oauth::random_strings(h, lengths), rec.performer());
  REQUIRE(drawn);
  REQUIRE(rec.ops.size() == 1);
  REQUIRE(rec.ops[0].n == 48);
  REQUIRE((*drawn)[0].size() == 16);
  REQUIRE((*drawn)[1].size() == 32);
  auto short_answer = drive(h, oauth::random_strings(h, lengths), [](const host::Operation&) {
    return host::OpResult{host::OpStatus::ok, std::string(47, 'x')};
  });
  REQUIRE_FALSE(short_answer);
}

TEST_CASE("minting several tokens gives the ids and wrapped keys of minting each alone",
          "[oauth][token_crypto]") {
  fake::FakeHost fh;
  host::Host h;
  const std::string other = "octocat:AAAAAAAAAAAAAAAA:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
  std::vector<std::string> tokens{a_token, other};
  std::vector<host::Operation> with;
  with.push_back(host::op_random(3));
  fh.batch_sizes.clear();
  auto minting = drive(h, oauth::mint_start(h, tokens, std::move(with)), [&](const host::Operation& op) { return fh.perform(op); });
  REQUIRE(minting);
  REQUIRE(minting->with_results.size() == 1);
  REQUIRE(minting->with_results[0].bytes.size() == 3);
  const std::string key(32, 'k');
  auto wrapped = drive(fh, h, oauth::mint_wrap(h, minting->keks, key));
  REQUIRE(wrapped);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    REQUIRE(minting->ids[i] == flow::hex_sha256(fh, tokens[i]));
    auto opened = drive(fh, h, oauth::unwrap_key_with_token(h, tokens[i], (*wrapped)[i]));
    REQUIRE(opened);
    REQUIRE(*opened == key);
  }
  // A failed id or KEK is an Err; a failed `with` operation is the caller's to read.
  auto failed_kek = drive(h, oauth::mint_start(h, tokens, std::vector<host::Operation>()),
                          flow::failing(fh, [](const host::Operation& op) { return op.kind == host::OpKind::hmac_sha256; }));
  REQUIRE_FALSE(failed_kek);
  std::vector<host::Operation> failing_with;
  failing_with.push_back(host::op_random(3));
  auto failed_with = drive(h, oauth::mint_start(h, tokens, std::move(failing_with)),
                           flow::failing(fh, [](const host::Operation& op) { return op.kind == host::OpKind::random; }));
  REQUIRE(failed_with);
  REQUIRE_FALSE(failed_with->with_results[0].ok());
  REQUIRE_FALSE(drive(h, oauth::mint_wrap(h, minting->keks, key), all_fail()));
}
