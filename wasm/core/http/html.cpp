#include "http/html.hpp"

#include <cstddef>

namespace http {

namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

struct Utf8Step {
  std::size_t length;  // of the sequence, or of the maximal ill-formed subpart (>= 1)
  bool well_formed;
};

// Unicode §3.9 Table 3-7, one sequence starting at s[i].
Utf8Step utf8_step(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {1, true};
  std::size_t trail_count = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trail_count = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    trail_count = 2;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    trail_count = 3;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return {1, false};  // 0x80..0xC1, 0xF5..0xFF
  }
  for (std::size_t n = 1; n <= trail_count; ++n) {
    if (i + n >= s.size()) return {n, false};
    const unsigned char trail = byte(i + n);
    if (trail < low || trail > high) return {n, false};
    low = 0x80;
    high = 0xBF;
  }
  return {trail_count + 1, true};
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const Utf8Step step = utf8_step(bytes, i);
    if (!step.well_formed) return false;
    i += step.length;
  }
  return true;
}

std::string scrub_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const Utf8Step step = utf8_step(bytes, i);
    if (step.well_formed) out.append(bytes.substr(i, step.length));
    else out.append(replacement_character);
    i += step.length;
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Step step = utf8_step(text, i);
    if (!step.well_formed) {
      out.append(replacement_character);
    } else if (step.length > 1) {
      out.append(text.substr(i, step.length));
    } else {
      switch (text[i]) {
        case '&': out.append("&amp;"); break;
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '"': out.append("&quot;"); break;
        case '\'': out.append("&#39;"); break;
        default: out.push_back(text[i]);
      }
    }
    i += step.length;
  }
  return out;
}

}  // namespace http
