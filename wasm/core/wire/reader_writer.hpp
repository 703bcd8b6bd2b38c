// Little-endian integers and length-prefixed byte strings: the one byte format of the boundary
// (wire/codec.hpp) and of operation payloads (host/fetch.hpp).
//
// A Reader never reads past its end: every read reports failure instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wire {

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void bytes(std::string_view s);
  std::string& buffer() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u8(std::uint8_t& v);
  bool u16(std::uint16_t& v);
  bool u32(std::uint32_t& v);
  bool u64(std::uint64_t& v);
  bool bytes(std::string& s);
  bool at_end() const { return in_.empty(); }
  std::size_t remaining() const { return in_.size(); }

 private:
  bool take(std::size_t n, std::string_view& out);
  std::string_view in_;
};

}  // namespace wire
