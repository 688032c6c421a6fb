#pragma once

#include "geo/model/geometry_store.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// A point of a shape being edited, in the layer's (map) CRS.
struct EditPoint {
    double x = 0;
    double y = 0;
    bool operator==(const EditPoint&) const = default;
};

/// A ring as an editor sees it: open (the first vertex is not repeated at the end).
using EditRing = std::vector<EditPoint>;

/// A polygon: rings[0] is the outer ring, the others holes.
struct EditPolygon {
    std::vector<EditRing> rings;
};

/// Where a vertex is: polygon `part`, `ring` of it, `vertex` of the ring; for a line, `part` is
/// the line and `ring` is 0.
struct VertexRef {
    std::size_t part = 0;
    std::size_t ring = 0;
    std::size_t vertex = 0;
    bool operator==(const VertexRef&) const = default;
};

/// The point of a segment nearest to a position: the segment from `from` to the next vertex.
struct SegmentHit {
    VertexRef from;
    EditPoint at;
    double distance = 0;
};

/// The geometry of one feature while it is edited: small, mutable, plain vectors (never the
/// flat GeometryStore, which only appends). Polygon (one or more parts) or Line (one or more
/// parts). Converted to and from the store and ISO WKB exactly (no rounding).
struct EditGeometry {
    GeometryKind kind = GeometryKind::None;
    std::vector<EditPolygon> polygons;         // kind Polygon
    std::vector<std::vector<EditPoint>> lines; // kind Line

    bool isEmpty() const;
    std::size_t vertexCount() const;
    Envelope envelope() const;

    /// Feature `feature` of `store` (Polygon or Line kind; closing vertices dropped). Throws
    /// GeometryError for a store of another kind.
    static EditGeometry fromStore(const GeometryStore& store, std::size_t feature);
    /// ISO or extended WKB of a (Multi)Polygon or (Multi)LineString, either byte order; Z/M
    /// dropped. No bytes (a feature without geometry) give an empty EditGeometry (kind None).
    /// Throws IoError saying what is wrong with the WKB (truncated, a Point, bytes left over …).
    static EditGeometry fromWkb(const unsigned char* wkb, std::size_t size);
    static EditGeometry fromWkb(const std::vector<unsigned char>& wkb)
    {
        return fromWkb(wkb.data(), wkb.size());
    }
    /// ISO WKB (little endian, 2D) with closed rings: Polygon or LineString when there is one
    /// part and `multi` is false, else MultiPolygon / MultiLineString. No bytes when empty.
    std::vector<unsigned char> toWkb(bool multi = false) const;
    /// Appends this as one feature (an empty feature when empty). Throws GeometryError when
    /// `store` holds another kind.
    void appendTo(GeometryStore& store) const;

    /// The vertex list `ref` is in (a ring of a polygon, or a line).
    const std::vector<EditPoint>& path(const VertexRef& ref) const;
    std::vector<EditPoint>& path(const VertexRef& ref);
    bool isRing(const VertexRef& /*ref*/) const { return kind == GeometryKind::Polygon; }
};

/// The point of segment a–b nearest to `p` (a or b themselves at the ends, exactly).
EditPoint nearestOnSegment(EditPoint a, EditPoint b, EditPoint p);

/// The vertex nearest to `p` within `tolerance` (map units), or nullopt.
std::optional<VertexRef> nearestVertex(const EditGeometry& geometry, EditPoint p, double tolerance);
/// The segment nearest to `p` within `tolerance`, or nullopt. A ring's closing segment (last
/// vertex to first) counts.
std::optional<SegmentHit> nearestSegment(const EditGeometry& geometry, EditPoint p,
                                         double tolerance);

/// The geometry with vertex `ref` moved to `to`.
EditGeometry withVertexMoved(EditGeometry geometry, const VertexRef& ref, EditPoint to);
/// The geometry with `p` inserted after vertex `after` (on the segment that starts there).
EditGeometry withVertexInserted(EditGeometry geometry, const VertexRef& after, EditPoint p);
/// The geometry without vertex `ref`; nullopt when that would leave a ring under 3 vertices
/// or a line under 2 (delete the feature instead).
std::optional<EditGeometry> withVertexRemoved(EditGeometry geometry, const VertexRef& ref);

/// Why the geometry is not valid (GEOS's reason and where, e.g. "Self-intersection at 512
/// 3100"), or "" when it is valid (or empty). Uses a GEOS context of the calling thread.
std::string validityProblem(const EditGeometry& geometry);

/// Splits a polygon (one or more parts) by a polyline drawn across it. Returns the pieces,
/// largest first, each a single polygon (holes kept), when the line cuts the polygon into two or
/// more; an empty list when it does not cut it through (it ends inside, or misses). The pieces
/// cover the polygon exactly (their areas add up to its area within floating-point rounding).
/// Of a polygon of several parts, the parts the line does not cut come back as pieces too.
std::vector<EditGeometry> splitPolygon(const EditGeometry& polygon,
                                       const std::vector<EditPoint>& line);

/// Merges polygons into one (their union). When the union is more than one part and
/// `allowMulti` is false (the layer holds single polygons), returns nullopt and sets `why`
/// ("the features do not overlap or share an edge: the union has 2 parts"); likewise when there
/// is nothing to merge or GEOS fails. `why` is cleared on success.
std::optional<EditGeometry> mergePolygons(const std::vector<EditGeometry>& polygons,
                                          bool allowMulti, std::string* why = nullptr);

} // namespace parkatlas::geo
