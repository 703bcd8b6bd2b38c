// The native driver must compute what WebCrypto computes in the shim: standard vectors.
#include "support/fake_host.hpp"

#include <catch2/catch.hpp>

#include "base/bytes.hpp"

namespace {

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

TEST_CASE("AES-KW matches RFC 3394 §4.6 (256-bit KEK, 256-bit key)", "[support][crypto]") {
  fake::FakeHost h;
  const std::string kek = unhex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
  const std::string key = unhex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
  auto wrapped = h.perform(host::op_aes_kw_wrap(kek, key));
  REQUIRE(wrapped.ok());
  REQUIRE(base::hex_encode(wrapped.bytes) == "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
  auto unwrapped = h.perform(host::op_aes_kw_unwrap(kek, wrapped.bytes));
  REQUIRE(unwrapped.ok());
  REQUIRE(unwrapped.bytes == key);
  std::string tampered = wrapped.bytes;
  tampered[3] ^= 1;
  REQUIRE(h.perform(host::op_aes_kw_unwrap(kek, tampered)).status == host::OpStatus::failed);
}

TEST_CASE("AES-256-GCM matches the GCM spec's test case 14", "[support][crypto]") {
  fake::FakeHost h;
  const std::string key(32, '\0');
  const std::string iv(12, '\0');
  auto sealed = h.perform(host::op_aes_gcm_encrypt(key, iv, std::string(16, '\0')));
  REQUIRE(sealed.ok());
  REQUIRE(base::hex_encode(sealed.bytes) == "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
  auto opened = h.perform(host::op_aes_gcm_decrypt(key, iv, sealed.bytes));
  REQUIRE(opened.ok());
  REQUIRE(opened.bytes == std::string(16, '\0'));
  std::string tampered = sealed.bytes;
  tampered.back() ^= 1;
  REQUIRE(h.perform(host::op_aes_gcm_decrypt(key, iv, tampered)).status == host::OpStatus::failed);
}

TEST_CASE("SHA-256 and HMAC-SHA256 match FIPS 180 and RFC 4231 vectors", "[support][crypto]") {
  fake::FakeHost h;
  REQUIRE(base::hex_encode(h.perform(host::op_sha256("abc")).bytes) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  REQUIRE(base::hex_encode(h.perform(host::op_hmac_sha256("Jefe", "what do ya want for nothing?")).bytes) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("fault injection: the Nth operation of a kind fails once, before or after its effect", "[support][faults]") {
  fake::FakeHost h;
  h.fail_once(fake::Fault::nth_of(1, host::OpKind::kv_put));  // the 2nd KV put
  REQUIRE(h.perform(host::op_kv_put("a", "1", 0)).ok());
  REQUIRE(h.perform(host::op_kv_get("a")).ok());  // not counted: another kind
  REQUIRE(h.perform(host::op_kv_put("b", "2", 0)).status == host::OpStatus::failed);
  REQUIRE(h.faulted);
  REQUIRE(h.faulted->key == "b");
  REQUIRE(h.kv.count("b") == 0);                 // failed before its effect
  REQUIRE(h.perform(host::op_kv_put("c", "3", 0)).ok());  // once only
  REQUIRE(h.performed == 4);

  h.fail_once(fake::Fault{0, {}, true});  // the next operation of any kind, after its effect
  REQUIRE(h.perform(host::op_kv_put("d", "4", 0)).status == host::OpStatus::failed);
  REQUIRE(h.kv.at("d").value == "4");            // the write landed; only its answer was lost

  h.fail_kinds = {host::OpKind::kv_delete};
  REQUIRE(h.perform(host::op_kv_delete("d")).status == host::OpStatus::failed);
  REQUIRE(h.kv.count("d") == 1);
  REQUIRE(h.perform(host::op_kv_get("d")).ok());
}
