#include "wire/reader_writer.hpp"

namespace wire {

void Writer::u16(std::uint16_t v) {
  for (int i = 0; i < 2; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
}
void Writer::u32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
}
void Writer::u64(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
}
void Writer::bytes(std::string_view s) {
  u32(static_cast<std::uint32_t>(s.size()));
  out_.append(s);
}

bool Reader::take(std::size_t n, std::string_view& out) {
  if (n > in_.size()) {
    in_ = {};
    return false;
  }
  out = in_.substr(0, n);
  in_.remove_prefix(n);
  return true;
}

namespace {
template <class T>
bool read_le(std::string_view raw, T& v) {
  v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<std::uint8_t>(raw[i])) << (8 * i);
  return true;
}
}  // namespace

bool Reader::u8(std::uint8_t& v) {
  std::string_view raw;
  return take(1, raw) && read_le(raw, v);
}
bool Reader::u16(std::uint16_t& v) {
  std::string_view raw;
  return take(2, raw) && read_le(raw, v);
}
bool Reader::u32(std::uint32_t& v) {
  std::string_view raw;
  return take(4, raw) && read_le(raw, v);
}
bool Reader::u64(std::uint64_t& v) {
  std::string_view raw;
  return take(8, raw) && read_le(raw, v);
}
bool Reader::bytes(std::string& s) {
  std::uint32_t n = 0;
  std::string_view raw;
  if (!u32(n) || !take(n, raw)) return false;
  s.assign(raw);
  return true;
}

}  // namespace wire
