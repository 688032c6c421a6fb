#include "geo/model/geometry_store.h"

#include "geo/huge_pages.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace parkatlas::geo {

namespace {

// Arrays of this many bytes and more are asked to sit on huge pages (see reserveOnHugePages).
constexpr std::size_t kHugePageArrayBytes = std::size_t(16) << 20;

/// Reserves room for `count` elements in `array` (which must be empty) and, when that is big,
/// asks for huge pages behind it (adviseHugePages): the bulk arrays are first written by the
/// readers' threads, 47 000 page faults of 4 KB for the 190 MB of a million plots' coordinates.
template <typename Vector> void reserveOnHugePages(Vector& array, std::size_t count)
{
    if (array.capacity() >= count)
        return; // room already made (and likely touched): nothing to gain
    array.reserve(count);
    adviseHugePages(array.data(), count * sizeof(typename Vector::value_type),
                    kHugePageArrayBytes);
}

} // namespace

const char* toString(GeometryKind kind)
{
    switch (kind) {
    case GeometryKind::None:
        return "none";
    case GeometryKind::Point:
        return "point";
    case GeometryKind::Line:
        return "line";
    case GeometryKind::Polygon:
        return "polygon";
    }
    return "none";
}

std::size_t GeometryStore::ringCount(std::size_t feature, std::size_t part) const
{
    const std::size_t globalPart = m_featureParts[feature] + part;
    return m_partRings[globalPart + 1] - m_partRings[globalPart];
}

RingView GeometryStore::ring(std::size_t feature, std::size_t part, std::size_t ring) const
{
    const std::size_t globalPart = m_featureParts[feature] + part;
    return ringAt(m_partRings[globalPart] + ring);
}

RingView GeometryStore::ringAt(std::size_t globalRing) const
{
    const std::size_t begin = m_ringVertices[globalRing];
    const std::size_t end = m_ringVertices[globalRing + 1];
    return RingView{std::span<const double>(m_xy.data() + 2 * begin, 2 * (end - begin))};
}

namespace {
void checkIndexRoom(std::size_t value)
{
    if (value >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("geometry store is full (more than 4 billion vertices)");
}
} // namespace

void GeometryStore::beginFeature()
{
    endFeature();
    m_featureOpen = true;
}

void GeometryStore::beginPart()
{
    m_partRings.push_back(m_partRings.back());
}

void GeometryStore::beginRing()
{
    m_ringVertices.push_back(m_ringVertices.back());
    ++m_partRings.back();
}

void GeometryStore::addVertex(double x, double y)
{
    m_xy.push_back(x);
    m_xy.push_back(y);
    checkIndexRoom(m_xy.size() / 2);
    ++m_ringVertices.back();
}

void GeometryStore::endFeature()
{
    if (!m_featureOpen)
        return;
    m_featureOpen = false;
    // Parts and rings opened since the last feature belong to it. beginPart()/beginRing() push
    // a new end offset; the "current" part/ring is always the last one.
    m_featureParts.push_back(static_cast<std::uint32_t>(m_partRings.size() - 1));
    Envelope envelope;
    const std::size_t feature = featureCount() - 1;
    for (std::size_t p = m_featureParts[feature]; p < m_featureParts[feature + 1]; ++p)
        for (std::size_t r = m_partRings[p]; r < m_partRings[p + 1]; ++r)
            for (std::size_t v = m_ringVertices[r]; v < m_ringVertices[r + 1]; ++v)
                envelope.expand(m_xy[2 * v], m_xy[2 * v + 1]);
    m_envelopes.push_back(envelope);
}

void GeometryStore::appendEmpty()
{
    beginFeature();
    endFeature();
}

GeometryStore::BulkArrays GeometryStore::beginBulk(std::size_t features, std::size_t parts,
                                                   std::size_t rings, std::size_t vertices)
{
    checkIndexRoom(vertices);
    checkIndexRoom(rings);
    checkIndexRoom(parts);
    m_featureOpen = false;
    m_xy.clear();
    reserveOnHugePages(m_xy, 2 * vertices);
    m_xy.resize(2 * vertices);
    m_ringVertices.assign(1, 0);
    m_ringVertices.resize(rings + 1);
    m_partRings.assign(1, 0);
    m_partRings.resize(parts + 1);
    m_featureParts.assign(1, 0);
    m_featureParts.resize(features + 1);
    m_envelopes.clear();
    reserveOnHugePages(m_envelopes, features);
    m_envelopes.resize(features);
    return BulkArrays{m_xy.data(), m_ringVertices.data() + 1, m_partRings.data() + 1,
                      m_featureParts.data() + 1, m_envelopes.data()};
}

void GeometryStore::finishBulk()
{
    auto monotonic = [](const auto& offsets, std::size_t end) {
        for (std::size_t i = 1; i < offsets.size(); ++i)
            if (offsets[i] < offsets[i - 1])
                return false;
        return offsets.back() == end;
    };
    if (!monotonic(m_ringVertices, m_xy.size() / 2) ||
        !monotonic(m_partRings, m_ringVertices.size() - 1) ||
        !monotonic(m_featureParts, m_partRings.size() - 1))
        throw std::logic_error("GeometryStore::finishBulk: inconsistent offsets");
}

void GeometryStore::append(const GeometryStore& other)
{
    endFeature();
    const std::uint32_t vertexBase = static_cast<std::uint32_t>(m_xy.size() / 2);
    const std::uint32_t ringBase = static_cast<std::uint32_t>(m_ringVertices.size() - 1);
    const std::uint32_t partBase = static_cast<std::uint32_t>(m_partRings.size() - 1);
    checkIndexRoom(m_xy.size() / 2 + other.m_xy.size() / 2);
    m_xy.insert(m_xy.end(), other.m_xy.begin(), other.m_xy.end());
    for (std::size_t i = 1; i < other.m_ringVertices.size(); ++i)
        m_ringVertices.push_back(vertexBase + other.m_ringVertices[i]);
    for (std::size_t i = 1; i < other.m_partRings.size(); ++i)
        m_partRings.push_back(ringBase + other.m_partRings[i]);
    for (std::size_t i = 1; i < other.m_featureParts.size(); ++i)
        m_featureParts.push_back(partBase + other.m_featureParts[i]);
    m_envelopes.insert(m_envelopes.end(), other.m_envelopes.begin(), other.m_envelopes.end());
}

void GeometryStore::popFeature()
{
    endFeature();
    if (featureCount() == 0)
        return;
    m_featureParts.pop_back();
    const std::uint32_t partEnd = m_featureParts.back();
    m_partRings.resize(partEnd + 1);
    const std::uint32_t ringEnd = m_partRings.back();
    m_ringVertices.resize(ringEnd + 1);
    m_xy.resize(2 * static_cast<std::size_t>(m_ringVertices.back()));
    m_envelopes.pop_back();
}

Envelope GeometryStore::extent() const
{
    Envelope all;
    for (const Envelope& e : m_envelopes)
        all.expand(e);
    return all;
}

std::size_t GeometryStore::memoryBytes() const
{
    return m_xy.capacity() * sizeof(double) +
           (m_ringVertices.capacity() + m_partRings.capacity() + m_featureParts.capacity()) *
               sizeof(std::uint32_t) +
           m_envelopes.capacity() * sizeof(Envelope);
}

void GeometryStore::reserve(std::size_t features, std::size_t vertices)
{
    m_xy.reserve(2 * vertices);
    m_featureParts.reserve(features + 1);
    m_envelopes.reserve(features);
}

void GeometryStore::shrinkToFit()
{
    m_xy.shrink_to_fit();
    m_ringVertices.shrink_to_fit();
    m_partRings.shrink_to_fit();
    m_featureParts.shrink_to_fit();
    m_envelopes.shrink_to_fit();
}

void GeometryStore::recomputeEnvelopes()
{
    for (std::size_t f = 0; f < featureCount(); ++f) {
        Envelope envelope;
        for (std::size_t p = m_featureParts[f]; p < m_featureParts[f + 1]; ++p)
            for (std::size_t r = m_partRings[p]; r < m_partRings[p + 1]; ++r)
                for (std::size_t v = m_ringVertices[r]; v < m_ringVertices[r + 1]; ++v)
                    envelope.expand(m_xy[2 * v], m_xy[2 * v + 1]);
        m_envelopes[f] = envelope;
    }
}

// ---- WKB ----------------------------------------------------------------------------------

namespace {

class WkbReader {
public:
    WkbReader(const unsigned char* data, std::size_t size) : m_data(data), m_size(size) {}

    bool byte(std::uint8_t& out)
    {
        if (m_pos + 1 > m_size)
            return false;
        out = m_data[m_pos++];
        return true;
    }
    bool uint32(std::uint32_t& out, bool littleEndian)
    {
        if (m_pos + 4 > m_size)
            return false;
        unsigned char b[4];
        std::memcpy(b, m_data + m_pos, 4);
        if (!littleEndian)
            std::reverse(b, b + 4);
        std::memcpy(&out, b, 4); // x86-64 and aarch64 are little-endian
        m_pos += 4;
        return true;
    }
    bool float64(double& out, bool littleEndian)
    {
        if (m_pos + 8 > m_size)
            return false;
        unsigned char b[8];
        std::memcpy(b, m_data + m_pos, 8);
        if (!littleEndian)
            std::reverse(b, b + 8);
        std::memcpy(&out, b, 8);
        m_pos += 8;
        return true;
    }
    bool skip(std::size_t bytes)
    {
        if (bytes > m_size - m_pos)
            return false;
        m_pos += bytes;
        return true;
    }
    std::size_t remaining() const { return m_size - m_pos; }

private:
    const unsigned char* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

struct WkbHeader {
    bool littleEndian = true;
    std::uint32_t baseType = 0; // 1..7
    int dimensions = 2;
};

bool readHeader(WkbReader& in, WkbHeader& header)
{
    std::uint8_t order = 0;
    if (!in.byte(order) || order > 1)
        return false;
    header.littleEndian = order == 1;
    std::uint32_t type = 0;
    if (!in.uint32(type, header.littleEndian))
        return false;
    bool hasZ = false, hasM = false;
    // Extended WKB (PostGIS/GDAL) flags, then ISO thousands.
    if (type & 0x80000000u)
        hasZ = true;
    if (type & 0x40000000u)
        hasM = true;
    if (type & 0x20000000u) // SRID present
        return false;
    type &= 0x0FFFFFFFu;
    const std::uint32_t thousands = type / 1000;
    type %= 1000;
    if (thousands == 1 || thousands == 3)
        hasZ = true;
    if (thousands == 2 || thousands == 3)
        hasM = true;
    header.baseType = type;
    header.dimensions = 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0);
    return true;
}

} // namespace

bool GeometryStore::appendWkb(const unsigned char* wkb, std::size_t size, const char** problem)
{
    auto fail = [&](const char* why) {
        if (problem)
            *problem = why;
        // Roll back whatever was appended for this feature.
        return false;
    };

    const std::size_t xyMark = m_xy.size();
    const std::size_t ringMark = m_ringVertices.size();
    const std::size_t partMark = m_partRings.size();

    WkbReader in(wkb, size);
    bool ok = true;
    const char* why = nullptr;

    // Reads `count` points of a ring/path into the current ring.
    auto readPoints = [&](const WkbHeader& h, std::uint32_t count) -> bool {
        if (static_cast<std::size_t>(count) * 8 * h.dimensions > in.remaining()) {
            why = "WKB is shorter than its point count says";
            return false;
        }
        for (std::uint32_t i = 0; i < count; ++i) {
            double x = 0, y = 0;
            in.float64(x, h.littleEndian);
            in.float64(y, h.littleEndian);
            in.skip(8 * (h.dimensions - 2));
            m_xy.push_back(x);
            m_xy.push_back(y);
        }
        checkIndexRoom(m_xy.size() / 2);
        m_ringVertices.back() += count;
        return true;
    };

    auto readSimple = [&](const WkbHeader& h) -> bool {
        std::uint32_t count = 0;
        switch (h.baseType) {
        case 1: { // Point
            double x = 0, y = 0;
            if (!in.float64(x, h.littleEndian) || !in.float64(y, h.littleEndian) ||
                !in.skip(8 * (h.dimensions - 2))) {
                why = "truncated point";
                return false;
            }
            if (m_kind != GeometryKind::Point) {
                why = "a point in a layer of another kind";
                return false;
            }
            if (std::isnan(x) && std::isnan(y))
                return true; // POINT EMPTY
            m_partRings.push_back(m_partRings.back());
            m_ringVertices.push_back(m_ringVertices.back());
            ++m_partRings.back();
            m_xy.push_back(x);
            m_xy.push_back(y);
            ++m_ringVertices.back();
            return true;
        }
        case 2: // LineString
            if (m_kind != GeometryKind::Line) {
                why = "a line in a layer of another kind";
                return false;
            }
            if (!in.uint32(count, h.littleEndian)) {
                why = "truncated line";
                return false;
            }
            if (count == 0)
                return true;
            m_partRings.push_back(m_partRings.back());
            m_ringVertices.push_back(m_ringVertices.back());
            ++m_partRings.back();
            return readPoints(h, count);
        case 3: { // Polygon
            if (m_kind != GeometryKind::Polygon) {
                why = "a polygon in a layer of another kind";
                return false;
            }
            if (!in.uint32(count, h.littleEndian)) {
                why = "truncated polygon";
                return false;
            }
            if (count == 0)
                return true;
            if (count > in.remaining() / 4) {
                why = "WKB is shorter than its ring count says";
                return false;
            }
            m_partRings.push_back(m_partRings.back());
            for (std::uint32_t r = 0; r < count; ++r) {
                std::uint32_t points = 0;
                if (!in.uint32(points, h.littleEndian)) {
                    why = "truncated ring";
                    return false;
                }
                m_ringVertices.push_back(m_ringVertices.back());
                ++m_partRings.back();
                if (!readPoints(h, points))
                    return false;
            }
            return true;
        }
        default:
            why = "a geometry type that is not a point, line or polygon";
            return false;
        }
    };

    // Collections nest; depth is bounded so hostile input cannot recurse forever.
    auto readAny = [&](auto&& self, int depth) -> bool {
        WkbHeader h;
        if (!readHeader(in, h)) {
            why = "not a WKB geometry";
            return false;
        }
        if (h.baseType >= 4 && h.baseType <= 7) {
            if (depth > 8) {
                why = "geometry collections nested too deep";
                return false;
            }
            std::uint32_t count = 0;
            if (!in.uint32(count, h.littleEndian)) {
                why = "truncated collection";
                return false;
            }
            if (count > in.remaining() / 5) {
                why = "WKB is shorter than its member count says";
                return false;
            }
            for (std::uint32_t i = 0; i < count; ++i)
                if (!self(self, depth + 1))
                    return false;
            return true;
        }
        return readSimple(h);
    };

    beginFeature();
    ok = readAny(readAny, 0);
    if (!ok) {
        m_xy.resize(xyMark);
        m_ringVertices.resize(ringMark);
        m_partRings.resize(partMark);
    }
    endFeature();
    if (!ok)
        return fail(why ? why : "invalid WKB");
    return true;
}

namespace {

void putU8(std::vector<unsigned char>& out, unsigned char v)
{
    out.push_back(v);
}
void putU32(std::vector<unsigned char>& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void putDouble(std::vector<unsigned char>& out, double v)
{
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<unsigned char>(bits >> (8 * i)));
}
void putPoints(std::vector<unsigned char>& out, RingView ring, bool close)
{
    const std::size_t n = ring.vertexCount();
    const bool needsClosing =
        close && n > 0 && (ring.x(0) != ring.x(n - 1) || ring.y(0) != ring.y(n - 1));
    putU32(out, static_cast<std::uint32_t>(n + (needsClosing ? 1 : 0)));
    for (std::size_t i = 0; i < n; ++i) {
        putDouble(out, ring.x(i));
        putDouble(out, ring.y(i));
    }
    if (needsClosing) {
        putDouble(out, ring.x(0));
        putDouble(out, ring.y(0));
    }
}

} // namespace

std::vector<unsigned char> featureWkb(const GeometryStore& store, std::size_t feature)
{
    std::vector<unsigned char> out;
    if (store.isEmpty(feature))
        return out;
    const std::size_t parts = store.partCount(feature);
    putU8(out, 1);
    switch (store.kind()) {
    case GeometryKind::Polygon:
        putU32(out, 6);
        putU32(out, static_cast<std::uint32_t>(parts));
        for (std::size_t part = 0; part < parts; ++part) {
            putU8(out, 1);
            putU32(out, 3);
            const std::size_t rings = store.ringCount(feature, part);
            putU32(out, static_cast<std::uint32_t>(rings));
            for (std::size_t r = 0; r < rings; ++r)
                putPoints(out, store.ring(feature, part, r), true);
        }
        break;
    case GeometryKind::Line:
        putU32(out, 5);
        putU32(out, static_cast<std::uint32_t>(parts));
        for (std::size_t part = 0; part < parts; ++part) {
            putU8(out, 1);
            putU32(out, 2);
            putPoints(out, store.ring(feature, part, 0), false);
        }
        break;
    case GeometryKind::Point:
        putU32(out, 4);
        putU32(out, static_cast<std::uint32_t>(parts));
        for (std::size_t part = 0; part < parts; ++part) {
            const RingView point = store.ring(feature, part, 0);
            putU8(out, 1);
            putU32(out, 1);
            putDouble(out, point.x(0));
            putDouble(out, point.y(0));
        }
        break;
    case GeometryKind::None:
        out.clear();
        break;
    }
    return out;
}

} // namespace parkatlas::geo
