// Fuzz target: the boundary encoding (wire/codec.hpp) and the fetch payloads (host/fetch.hpp),
// as the core decodes what the shim hands it.
//
// Input: the first byte picks the decoder (request, env, results, fetch response, fetch head);
// for results the second byte is the expected count. The rest is the encoded bytes.
// Checks: the encoding is canonical: whatever decodes encodes back to exactly the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "host/fetch.hpp"
#include "support/fuzz_host.hpp"
#include "wire/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t which = data[0] % 5;
  const std::size_t expected = data[1];
  const std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);
  switch (which) {
    case 0:
      if (auto d = wire::decode_request(in); d && wire::encode_request(d->request, d->context) != in)
        fuzz::fail("decode_request is not canonical");
      break;
    case 1:
      if (auto d = wire::decode_env(in); d && wire::encode_env(*d) != in) fuzz::fail("decode_env is not canonical");
      break;
    case 2:
      if (auto d = wire::decode_results(in, expected); d && (d->size() != expected || wire::encode_results(*d) != in))
        fuzz::fail("decode_results is not canonical");
      break;
    case 3:
      if (auto d = host::decode_fetch_response(in); d && host::encode_fetch_response(*d) != in)
        fuzz::fail("decode_fetch_response is not canonical");
      break;
    case 4: {
      host::Operation op{host::OpKind::fetch, "https://api.github.com/user", "body", 1000, std::string(in)};
      if (auto d = host::decode_fetch_operation(op); d && host::op_fetch(*d).extra != in)
        fuzz::fail("decode_fetch_operation is not canonical");
      break;
    }
  }
  return 0;
}
