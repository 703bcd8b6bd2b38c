#include "app/auth_cache.hpp"

#include <algorithm>

namespace app {

template <typename V>
void AuthCache::make_room(std::map<std::string, Entry<V>>& map, std::int64_t now_ms) {
  if (map.size() < max_entries) return;
  for (auto it = map.begin(); it != map.end();) it = it->second.until_ms <= now_ms ? map.erase(it) : std::next(it);
  if (map.size() >= max_entries) map.clear();
}

const CachedToken* AuthCache::token(const std::string& token, std::int64_t now_ms) {
  const auto it = tokens_.find(token);
  if (it == tokens_.end()) return nullptr;
  if (now_ms >= it->second.until_ms) {
    tokens_.erase(it);
    return nullptr;
  }
  return &it->second.value;
}

void AuthCache::remember_token(const std::string& token, CachedToken entry, std::int64_t now_ms, std::uint64_t epoch) {
  if (ttl_ms_ <= 0 || epoch != epoch_) return;
  const std::int64_t until = std::min(now_ms + ttl_ms_, entry.expires_at_ms);
  if (until <= now_ms) return;
  make_room(tokens_, now_ms);
  entry.who.token.clear();
  tokens_[token] = Entry<CachedToken>{std::move(entry), until};
}

const json::Json* AuthCache::props(const std::string& token, std::int64_t now_ms) {
  const CachedToken* entry = this->token(token, now_ms);
  return entry && entry->props ? &*entry->props : nullptr;
}

void AuthCache::remember_props(const std::string& token, json::Json props, std::uint64_t epoch) {
  if (epoch != epoch_) return;
  const auto it = tokens_.find(token);
  if (it != tokens_.end()) it->second.value.props = std::move(props);
}

void AuthCache::forget_token(const std::string& token) {
  ++epoch_;
  tokens_.erase(token);
}

void AuthCache::forget_session(const std::string& id) {
  ++epoch_;
  sessions_.erase(id);
}

void AuthCache::forget_grant(std::string_view user_id, std::string_view grant_id) {
  ++epoch_;
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    const Principal& p = it->second.value.who;
    it = p.user == user_id && p.grant_id == grant_id ? tokens_.erase(it) : std::next(it);
  }
}

const mcp::SessionClaims* AuthCache::session(const std::string& id, std::int64_t now_ms) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  if (now_ms >= it->second.until_ms) {
    sessions_.erase(it);
    return nullptr;
  }
  return &it->second.value;
}

void AuthCache::remember_session(const std::string& id, mcp::SessionClaims claims, std::int64_t now_ms,
                                 std::int64_t valid_until_ms, std::uint64_t epoch) {
  if (ttl_ms_ <= 0 || epoch != epoch_) return;
  const std::int64_t until = std::min(now_ms + ttl_ms_, valid_until_ms);
  if (until <= now_ms) return;
  make_room(sessions_, now_ms);
  sessions_[id] = Entry<mcp::SessionClaims>{std::move(claims), until};
}

}  // namespace app
