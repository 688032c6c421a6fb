#pragma once

#include "geo/model/geometry_store.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace parkatlas::geo {

/// An R-tree (Boost.Geometry, packed by sort-tile-recursive) over the envelopes of a layer's
/// features, for candidate searches: the exact test follows in GEOS. Built once; any number of
/// threads may query a finished index. Empty envelopes (null geometries, or features a rule
/// leaves out) are not indexed.
class EnvelopeIndex {
public:
    EnvelopeIndex();
    /// Indexes envelope i as feature i, grown by `margin` (units of the coordinates) on every
    /// side.
    explicit EnvelopeIndex(const std::vector<Envelope>& envelopes, double margin = 0);
    /// Indexes every non-empty feature of `store` for which include(i) is true.
    template <typename Include>
    EnvelopeIndex(const GeometryStore& store, Include&& include)
        : EnvelopeIndex(envelopesOf(store, include))
    {
    }
    ~EnvelopeIndex();
    EnvelopeIndex(EnvelopeIndex&&) noexcept;
    EnvelopeIndex& operator=(EnvelopeIndex&&) noexcept;

    /// Features whose envelopes intersect `envelope` (touching counts), in no set order.
    void query(const Envelope& envelope, std::vector<std::uint32_t>& out) const;
    bool empty() const;

private:
    template <typename Include>
    static std::vector<Envelope> envelopesOf(const GeometryStore& store, Include& include)
    {
        std::vector<Envelope> envelopes(store.featureCount());
        for (std::size_t i = 0; i < envelopes.size(); ++i)
            if (include(i))
                envelopes[i] = store.envelope(i);
        return envelopes;
    }
    struct Tree;
    std::unique_ptr<Tree> m_tree;
};

} // namespace parkatlas::geo
