// Fuzz target: untrusted JSON (json/json.hpp): the depth pre-check, nlohmann in non-throwing
// mode, dump with replacement of invalid UTF-8, number_text.
//
// Input: the first byte picks the depth limit (0..255), the rest is the JSON text.
// Checks: an accepted value nests no deeper than the limit; dump of it parses back to an equal
// value; dump of a string holding the raw input (any bytes) never aborts and parses back;
// number_text never aborts on a parsed number.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json/json.hpp"
#include "support/fuzz_host.hpp"

namespace {

std::size_t depth_of(const json::Json& v) {
  if (!v.is_structured()) return 0;
  std::size_t deepest = 0;
  for (const auto& child : v) deepest = std::max(deepest, depth_of(child));
  return deepest + 1;
}

void visit_numbers(const json::Json& v) {
  if (v.is_number()) (void)json::number_text(v.get<double>());
  if (v.is_structured())
    for (const auto& child : v) visit_numbers(child);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t max_depth = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  auto parsed = json::parse(text, max_depth);
  if (parsed.value) {
    if (depth_of(*parsed.value) > max_depth) fuzz::fail("a value deeper than the limit was accepted");
    const std::string out = json::dump(*parsed.value);
    auto again = json::parse(out, max_depth);
    if (!again.value || *again.value != *parsed.value) fuzz::fail("dump does not parse back: " + out);
    visit_numbers(*parsed.value);
    (void)json::get_string(*parsed.value, "method");
    (void)json::get_object(*parsed.value, "params");
  }
  const std::string raw = json::dump(json::Json(std::string(text)));
  if (!json::parse(raw).value) fuzz::fail("dump of a raw string does not parse back");
  return 0;
}
