#pragma once

#include "geo/envelope.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace parkatlas::geo {

/// What a layer's features are. A layer holds one kind; points, lines and polygons are never
/// mixed in one store (a GeometryCollection is split by the reader, see io/reader.h).
enum class GeometryKind { None, Point, Line, Polygon };

const char* toString(GeometryKind kind);

/// One ring (polygon) or path (line) or single point: interleaved x,y.
struct RingView {
    std::span<const double> xy; // size() == 2 * vertexCount()
    std::size_t vertexCount() const { return xy.size() / 2; }
    double x(std::size_t i) const { return xy[2 * i]; }
    double y(std::size_t i) const { return xy[2 * i + 1]; }
};

/// An allocator whose resize() leaves new elements uninitialised (no zero-fill): big arrays are
/// then first written by the threads that fill them, not by a memset on one core.
template <typename T> struct DefaultInitAllocator : std::allocator<T> {
    template <typename U> struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    using std::allocator<T>::allocator;
    template <typename U> void construct(U* p) noexcept { ::new (static_cast<void*>(p)) U; }
    template <typename U, typename... Args> void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

template <typename T> using UninitVector = std::vector<T, DefaultInitAllocator<T>>;

/// Geometry of many features in flat arrays: about 16 bytes a vertex plus 4 bytes a ring, 4 a
/// part and 36 a feature (offsets and envelope). Hierarchy: feature → parts → rings → vertices.
/// A polygon part has its exterior ring first, then its holes; a line part has one ring (its
/// path); a point part has one ring of one vertex. A feature with no parts is empty (null
/// geometry). Coordinates are 2D in the layer's CRS; rings are stored as read (closed rings keep
/// their repeated last vertex).
///
/// Not thread-safe for writing; any number of threads may read a finished store.
class GeometryStore {
public:
    explicit GeometryStore(GeometryKind kind = GeometryKind::None) : m_kind(kind) {}

    GeometryKind kind() const { return m_kind; }
    void setKind(GeometryKind kind) { m_kind = kind; }

    std::size_t featureCount() const { return m_featureParts.size() - 1; }
    std::size_t partCount(std::size_t feature) const
    {
        return m_featureParts[feature + 1] - m_featureParts[feature];
    }
    std::size_t totalVertexCount() const { return m_xy.size() / 2; }
    std::size_t totalRingCount() const { return m_ringVertices.size() - 1; }

    /// Rings of part `part` (0-based within the feature) of feature `feature`.
    std::size_t ringCount(std::size_t feature, std::size_t part) const;
    RingView ring(std::size_t feature, std::size_t part, std::size_t ring) const;
    const Envelope& envelope(std::size_t feature) const { return m_envelopes[feature]; }
    bool isEmpty(std::size_t feature) const { return partCount(feature) == 0; }

    /// Global indices, for loops that walk everything at once.
    std::uint32_t firstPart(std::size_t feature) const { return m_featureParts[feature]; }
    std::uint32_t firstRing(std::size_t globalPart) const { return m_partRings[globalPart]; }
    RingView ringAt(std::size_t globalRing) const;

    /// Building. A feature is open from beginFeature() until the next beginFeature() or
    /// endFeature(); parts and rings likewise.
    void beginFeature();
    void beginPart();
    void beginRing();
    void addVertex(double x, double y);
    void endFeature();

    /// Appends one feature parsed from (ISO or extended) WKB, 2D/Z/M/ZM; Z and M are dropped.
    /// Point/MultiPoint, LineString/MultiLineString, Polygon/MultiPolygon, and collections of
    /// those matching kind(). Returns false (and appends an empty feature) for anything it cannot
    /// parse or that does not match kind(); *problem says why.
    bool appendWkb(const unsigned char* wkb, std::size_t size, const char** problem = nullptr);
    /// Appends an empty feature (null geometry).
    void appendEmpty();
    /// Arrays sized exactly for a bulk fill: `features`, `parts`, `rings` and `vertices` in all.
    /// The offsets' first entries are 0; everything else is uninitialised and must be written
    /// by the filler (several threads may fill disjoint ranges), then checked with
    /// finishBulk(). Replaces the store's contents.
    struct BulkArrays {
        double* xy;                 // 2 × vertices
        std::uint32_t* ringEnds;    // rings: end vertex of ring i (ringVertices[i + 1])
        std::uint32_t* partEnds;    // parts: end ring of part j
        std::uint32_t* featureEnds; // features: end part of feature k
        Envelope* envelopes;        // features
    };
    BulkArrays beginBulk(std::size_t features, std::size_t parts, std::size_t rings,
                         std::size_t vertices);
    /// Checks that the offsets written since beginBulk() are consistent (non-decreasing, ending
    /// at the sizes given); throws std::logic_error if not.
    void finishBulk();

    /// Appends every feature of `other` (same kind) after this store's.
    void append(const GeometryStore& other);
    /// Removes the last feature (for a reader that finds it unusable after appending).
    void popFeature();

    std::span<const double> coordinates() const { return m_xy; }
    Envelope extent() const;
    std::size_t memoryBytes() const;
    void reserve(std::size_t features, std::size_t vertices);
    void shrinkToFit();

    /// Transforms every coordinate in place with f(double* xy, size_t pointCount), then
    /// recomputes the envelopes.
    template <typename F> void transformAll(F&& f)
    {
        if (!m_xy.empty())
            f(m_xy.data(), m_xy.size() / 2);
        recomputeEnvelopes();
    }
    void recomputeEnvelopes();

private:
    GeometryKind m_kind;
    UninitVector<double> m_xy;
    UninitVector<std::uint32_t> m_ringVertices{0}; // ring i: vertices [r[i], r[i+1])
    UninitVector<std::uint32_t> m_partRings{0};    // part j: rings [p[j], p[j+1])
    UninitVector<std::uint32_t> m_featureParts{0}; // feature k: parts [f[k], f[k+1])
    UninitVector<Envelope> m_envelopes;
    bool m_featureOpen = false;
};

/// Feature `feature` of a polygon or line store as ISO WKB (MultiPolygon, MultiLineString or
/// MultiPoint, little-endian), rings closed; empty for an empty feature.
std::vector<unsigned char> featureWkb(const GeometryStore& store, std::size_t feature);

} // namespace parkatlas::geo
