// Fuzz target: base64url, base64 and hex (base/bytes.hpp).
//
// Input: bytes, read both as text to decode and as bytes to encode.
// Checks: decoding accepts only the canonical encoding (encode(decode(t)) == t) and
// decode(encode(b)) == b, for both alphabets; constant_time_equal agrees with ==.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.hpp"
#include "support/fuzz_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto d = base::base64url_decode(in); d && base::base64url_encode(*d) != in)
    fuzz::fail("base64url_decode accepted a non-canonical text");
  if (auto d = base::base64_decode(in); d && base::base64_encode(*d) != in)
    fuzz::fail("base64_decode accepted a non-canonical text");
  auto url = base::base64url_decode(base::base64url_encode(in));
  if (!url || *url != in) fuzz::fail("base64url does not round-trip");
  auto std64 = base::base64_decode(base::base64_encode(in));
  if (!std64 || *std64 != in) fuzz::fail("base64 does not round-trip");
  if (base::hex_encode(in).size() != 2 * in.size()) fuzz::fail("hex length");
  const std::string_view a = in.substr(0, in.size() / 2);
  const std::string_view b = in.substr(in.size() / 2);
  if (base::constant_time_equal(a, b) != (a == b)) fuzz::fail("constant_time_equal disagrees with ==");
  return 0;
}
