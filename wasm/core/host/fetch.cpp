#include "host/fetch.hpp"

#include "wire/reader_writer.hpp"

namespace host {

namespace {
constexpr std::uint32_t kMaxHeaders = 256;

void write_headers(wire::Writer& w, const std::vector<http::Header>& headers) {
  w.u32(static_cast<std::uint32_t>(headers.size()));
  for (const auto& [name, value] : headers) {
    w.bytes(name);
    w.bytes(value);
  }
}

bool read_headers(wire::Reader& r, std::vector<http::Header>& headers) {
  std::uint32_t n = 0;
  if (!r.u32(n) || n > kMaxHeaders) return false;
  headers.resize(n);
  for (auto& h : headers)
    if (!r.bytes(h.first) || !r.bytes(h.second)) return false;
  return true;
}
}  // namespace

Operation op_fetch(const FetchRequest& request) {
  wire::Writer head;
  head.bytes(request.method);
  write_headers(head, request.headers);
  return {OpKind::fetch, request.url, request.body, request.timeout_ms, std::move(head.buffer())};
}

std::optional<FetchRequest> decode_fetch_operation(const Operation& op) {
  if (op.kind != OpKind::fetch) return std::nullopt;
  FetchRequest req;
  wire::Reader r(op.extra);
  if (!r.bytes(req.method) || !read_headers(r, req.headers) || !r.at_end()) return std::nullopt;
  req.url = op.key;
  req.body = op.data;
  req.timeout_ms = static_cast<std::uint32_t>(op.n);
  return req;
}

std::string encode_fetch_response(const FetchResponse& response) {
  wire::Writer w;
  w.u16(response.status);
  write_headers(w, response.headers);
  w.bytes(response.body);
  return std::move(w.buffer());
}

std::optional<FetchResponse> decode_fetch_response(std::string_view bytes) {
  FetchResponse resp;
  wire::Reader r(bytes);
  if (!r.u16(resp.status) || !read_headers(r, resp.headers) || !r.bytes(resp.body) || !r.at_end()) return std::nullopt;
  return resp;
}

}  // namespace host
