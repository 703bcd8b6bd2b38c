#include "wire/codec.hpp"

namespace wire {

namespace {
// A count of (name, value) pairs the rest of the input cannot hold (each takes at least two u32
// lengths) is corrupt: refused before anything is reserved for it. How many headers a request may
// have is a policy (app/limits.hpp, answered 431 by the App), not the decoder's business.
bool plausible_pairs(std::uint32_t count, const Reader& r) { return count <= r.remaining() / 8; }
}  // namespace

std::optional<DecodedRequest> decode_request(std::string_view in) {
  Reader r(in);
  DecodedRequest d;
  std::uint64_t now = 0;
  std::uint32_t count = 0;
  std::uint8_t too_large = 0;
  if (!r.u64(now) || !r.bytes(d.request.method) || !r.bytes(d.request.url) || !r.u32(count) || !plausible_pairs(count, r))
    return std::nullopt;
  d.request.headers.resize(count);
  for (auto& h : d.request.headers)
    if (!r.bytes(h.first) || !r.bytes(h.second)) return std::nullopt;
  if (!r.u8(too_large) || too_large > 1 || !r.bytes(d.request.body) || !r.at_end()) return std::nullopt;
  d.request.body_too_large = too_large == 1;
  d.context.now_ms = static_cast<std::int64_t>(now);
  return d;
}

std::optional<app::EnvEntries> decode_env(std::string_view in) {
  Reader r(in);
  std::uint32_t count = 0;
  if (!r.u32(count) || !plausible_pairs(count, r)) return std::nullopt;
  app::EnvEntries env(count);
  for (auto& e : env)
    if (!r.bytes(e.first) || !r.bytes(e.second)) return std::nullopt;
  if (!r.at_end()) return std::nullopt;
  return env;
}

std::optional<std::vector<host::OpResult>> decode_results(std::string_view in, std::size_t expected) {
  Reader r(in);
  std::uint32_t count = 0;
  if (!r.u32(count) || count != expected) return std::nullopt;
  std::vector<host::OpResult> results(count);
  for (auto& res : results) {
    std::uint8_t status = 0;
    if (!r.u8(status) || status > 2 || !r.bytes(res.bytes)) return std::nullopt;
    res.status = static_cast<host::OpStatus>(status);
  }
  if (!r.at_end()) return std::nullopt;
  return results;
}

std::string encode_parked(const std::vector<host::Operation>& ops) {
  Writer w;
  w.u8(0);
  w.u32(static_cast<std::uint32_t>(ops.size()));
  for (const auto& op : ops) {
    w.u8(static_cast<std::uint8_t>(op.kind));
    w.bytes(op.key);
    w.bytes(op.data);
    w.bytes(op.extra);
    w.u64(op.n);
  }
  return std::move(w.buffer());
}

std::string encode_response(const http::Response& response) {
  Writer w;
  w.u8(1);
  w.u16(response.status);
  w.u32(static_cast<std::uint32_t>(response.headers.size()));
  for (const auto& [name, value] : response.headers) {
    w.bytes(name);
    w.bytes(value);
  }
  w.bytes(response.body);
  w.u8(response.stream ? 1 : 0);
  if (response.stream) {
    w.bytes(response.stream->mailbox);
    w.bytes(response.stream->init);
    w.u32(response.stream->keepalive_ms);
    w.bytes(response.stream->keepalive);
  }
  w.bytes(response.log);
  return std::move(w.buffer());
}

std::string encode_request(const http::Request& request, const app::RequestContext& ctx) {
  Writer w;
  w.u64(static_cast<std::uint64_t>(ctx.now_ms));
  w.bytes(request.method);
  w.bytes(request.url);
  w.u32(static_cast<std::uint32_t>(request.headers.size()));
  for (const auto& [name, value] : request.headers) {
    w.bytes(name);
    w.bytes(value);
  }
  w.u8(request.body_too_large ? 1 : 0);
  w.bytes(request.body);
  return std::move(w.buffer());
}

std::string encode_env(const app::EnvEntries& env) {
  Writer w;
  w.u32(static_cast<std::uint32_t>(env.size()));
  for (const auto& [name, value] : env) {
    w.bytes(name);
    w.bytes(value);
  }
  return std::move(w.buffer());
}

std::string encode_results(const std::vector<host::OpResult>& results) {
  Writer w;
  w.u32(static_cast<std::uint32_t>(results.size()));
  for (const auto& r : results) {
    w.u8(static_cast<std::uint8_t>(r.status));
    w.bytes(r.bytes);
  }
  return std::move(w.buffer());
}

}  // namespace wire
