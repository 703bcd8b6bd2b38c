#include "oauth/grant_state.hpp"

#include <vector>

#include "oauth/store.hpp"

namespace oauth {

namespace {
constexpr char kRevoked[] = "revoked";
constexpr char kMirrorPending[] = "mirrorPending";  // a field only the object's copy carries
}  // namespace

std::vector<host::Operation> grant_read_ops(const std::string& grant_key) {
  std::vector<host::Operation> ops;
  if (!is_storable_key(grant_key)) return ops;  // no grant can live under it (oauth/store.hpp)
  ops.push_back(host::op_grant_read(grant_key));
  ops.push_back(host::op_kv_get(grant_key));
  return ops;
}

HostResult<GrantSnapshot> grant_snapshot(host::OpResult* results) {
  GrantSnapshot snap;
  if (!results) return snap;
  host::OpResult& state = results[0];
  host::OpResult& kv = results[1];
  if (state.status == host::OpStatus::failed || kv.status == host::OpStatus::failed)
    return base::Err{HostFailure{"grant read"}};
  if (state.ok()) {
    snap.text = std::move(state.bytes);
    if (snap.text == kRevoked) {
      snap.cleanup_pending = kv.ok();
      return snap;
    }
    auto parsed = json::parse(snap.text);
    if (!parsed.value || !parsed.value->is_object()) return base::Err{HostFailure{"grant state is not a JSON object"}};
    const json::Json* pending = json::find(*parsed.value, kMirrorPending);
    const bool mirror_pending = pending && pending->is_boolean() && pending->get<bool>();
    // Gone from KV: revoked or expired by another writer (the TypeScript library, scripts/grants),
    // unless our own mirror of the object's state never made it there.
    if (kv.status == host::OpStatus::not_found && !mirror_pending) return snap;
    if (kv.ok() && kv.bytes != snap.text) {
      auto other = json::parse(kv.bytes);
      if (other.value && other.value->is_object()) snap.kv_record = std::move(*other.value);
    }
    parsed.value->erase(kMirrorPending);
    snap.record = std::move(*parsed.value);
    return snap;
  }
  if (kv.status == host::OpStatus::not_found) return snap;
  snap.text = std::move(kv.bytes);
  auto parsed = json::parse(snap.text);
  if (!parsed.value || !parsed.value->is_object()) return base::Err{HostFailure{"grant record is not a JSON object"}};
  snap.record = std::move(*parsed.value);
  return snap;
}

async::Task<HostResult<GrantSnapshot>> read_grant(host::Host& host, const std::string& grant_key) {
  std::vector<host::Operation> ops = grant_read_ops(grant_key);
  if (ops.empty()) co_return grant_snapshot(nullptr);
  std::vector<host::OpResult> r = co_await host.perform(std::move(ops));
  co_return grant_snapshot(r.data());
}

async::Task<HostResult<bool>> swap_grant(host::Host& host, const std::string& grant_key, const GrantSnapshot& seen,
                                         const json::Json& next, std::int64_t expires_at) {
  host::OpResult r = co_await host.perform_one(
      host::op_grant_swap(grant_key, seen.text, json::dump(next), static_cast<std::uint64_t>(std::max<std::int64_t>(expires_at, 0))));
  if (r.status == host::OpStatus::failed) co_return base::Err{HostFailure{"grant state swap"}};
  co_return r.ok();
}

async::Task<bool> mark_mirror_pending(host::Host& host, const std::string& grant_key, const json::Json& committed,
                                      std::int64_t expires_at) {
  json::Json marked = committed;
  marked[kMirrorPending] = true;
  host::OpResult r = co_await host.perform_one(host::op_grant_swap(
      grant_key, json::dump(committed), json::dump(marked), static_cast<std::uint64_t>(std::max<std::int64_t>(expires_at, 0))));
  co_return r.ok();
}

async::Task<HostResult<bool>> mark_revoked(host::Host& host, const std::string& grant_key, std::int64_t keep_until) {
  host::OpResult r = co_await host.perform_one(
      host::op_grant_swap(grant_key, "", kRevoked, static_cast<std::uint64_t>(std::max<std::int64_t>(keep_until, 0))));
  if (!r.ok()) co_return base::Err{HostFailure{"grant state revoke"}};
  co_return true;
}

}  // namespace oauth
