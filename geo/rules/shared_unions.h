#pragma once

// Unions of reference geometries shared by the workers of one rule step: many works strips
// reach the same acquisition batches (a road's segments and the roads that meet them), and the
// union of the same geometries in the same order is the same union, so it is made once.

#include "geo/model/geos_context.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace parkatlas::geo {

/// Whether the rules share unions through SharedUnions (on). Off is the reference path, each
/// union made where it is needed; the tests switch it off to hold the two to the same findings.
inline std::atomic<bool>& sharedUnionsEnabled()
{
    static std::atomic<bool> enabled{true};
    return enabled;
}

/// The unions most recently made, by the indices of their parts (in the order united), kept as
/// clones that no GEOS operation ever reads but GEOSGeom_clone_r under the lock: a worker takes
/// its own clone, whose coordinates and structure are the union's, so every overlay with it
/// gives the same bits as with a union it made itself. At most `capacity` are kept (the least
/// recently used go first): works are handed out in order and their neighbours come soon.
class SharedUnions {
public:
    explicit SharedUnions(bool enabled = sharedUnionsEnabled(), std::size_t capacity = 4096)
        : m_enabled(enabled), m_capacity(capacity)
    {
    }

    /// The union of the geometries `key` names, made by `unite` (which returns null when GEOS
    /// fails) unless an earlier call with the same key made it. Null when `unite` fails.
    GeosGeomPtr unionOf(GeosContext& geos, const std::vector<std::uint32_t>& key,
                        const std::function<GeosGeomPtr()>& unite)
    {
        if (!m_enabled)
            return unite();
        {
            std::lock_guard lock(m_mutex);
            if (auto it = m_entries.find(key); it != m_entries.end()) {
                m_recent.splice(m_recent.begin(), m_recent, it->second.second);
                ++m_hits;
                return geos.own(GEOSGeom_clone_r(geos.handle(), it->second.first.get()));
            }
        }
        GeosGeomPtr made = unite();
        if (!made)
            return made;
        GeosGeomPtr kept = geos.own(GEOSGeom_clone_r(geos.handle(), made.get()));
        if (!kept)
            return made;
        std::lock_guard lock(m_mutex);
        ++m_made;
        if (m_entries.count(key))
            return made; // another worker made it meanwhile: the same bits
        m_recent.push_front(key);
        m_entries.emplace(key, std::make_pair(std::move(kept), m_recent.begin()));
        if (m_entries.size() > m_capacity) {
            m_entries.erase(m_recent.back());
            m_recent.pop_back();
        }
        return made;
    }

    /// Unions taken from the cache, and made, so far.
    std::size_t hits() const
    {
        std::lock_guard lock(m_mutex);
        return m_hits;
    }
    std::size_t made() const
    {
        std::lock_guard lock(m_mutex);
        return m_made;
    }

private:
    using Key = std::vector<std::uint32_t>;
    bool m_enabled;
    std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::list<Key> m_recent;
    std::map<Key, std::pair<GeosGeomPtr, std::list<Key>::iterator>> m_entries;
    std::size_t m_hits = 0, m_made = 0;
};

} // namespace parkatlas::geo
