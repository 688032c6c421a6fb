#include "geo/model/envelope_index.h"

// Boost 1.74's rtree pulls in a header it has itself deprecated; the notice is not ours to fix.
#ifndef BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_ALLOW_DEPRECATED_HEADERS
#endif
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <iterator>

namespace parkatlas::geo {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {
using Point = bg::model::point<double, 2, bg::cs::cartesian>;
using Box = bg::model::box<Point>;
using Value = std::pair<Box, std::uint32_t>;

Box boxOf(const Envelope& e, double margin)
{
    return Box(Point(e.minX - margin, e.minY - margin), Point(e.maxX + margin, e.maxY + margin));
}
} // namespace

struct EnvelopeIndex::Tree {
    bgi::rtree<Value, bgi::rstar<16>> rtree;
};

EnvelopeIndex::EnvelopeIndex() : m_tree(std::make_unique<Tree>()) {}

EnvelopeIndex::EnvelopeIndex(const std::vector<Envelope>& envelopes, double margin)
{
    std::vector<Value> values;
    values.reserve(envelopes.size());
    for (std::size_t i = 0; i < envelopes.size(); ++i)
        if (!envelopes[i].isEmpty())
            values.emplace_back(boxOf(envelopes[i], margin), static_cast<std::uint32_t>(i));
    // The range constructor packs the tree (sort-tile-recursive): faster to build and query.
    m_tree = std::make_unique<Tree>(Tree{{values.begin(), values.end()}});
}

EnvelopeIndex::~EnvelopeIndex() = default;
EnvelopeIndex::EnvelopeIndex(EnvelopeIndex&&) noexcept = default;
EnvelopeIndex& EnvelopeIndex::operator=(EnvelopeIndex&&) noexcept = default;

bool EnvelopeIndex::empty() const
{
    return m_tree->rtree.empty();
}

void EnvelopeIndex::query(const Envelope& envelope, std::vector<std::uint32_t>& out) const
{
    out.clear();
    if (envelope.isEmpty())
        return;
    std::vector<Value> hits;
    m_tree->rtree.query(bgi::intersects(boxOf(envelope, 0)), std::back_inserter(hits));
    out.reserve(hits.size());
    for (const Value& hit : hits)
        out.push_back(hit.second);
}

} // namespace parkatlas::geo
