#pragma once

#include "geo/model/geometry_store.h"

#include <cstddef>
#include <memory>

namespace parkatlas::geo {

/// A proof, cheap and exact-or-silent, that two valid polygons' interiors do not meet, for the
/// common case of a clean cadastre: neighbours that share whole edges vertex for vertex, or touch
/// at corners. Returns true only when it can prove the interiors disjoint; false means "not
/// proven" (they may overlap, or the configuration needs an exact overlay: a vertex lying on the
/// other's edge, nearly collinear edges, equal envelopes, multipolygons), and the caller asks
/// GEOS. It never returns true for polygons whose interiors meet.
///
/// How: every orientation is decided by a floating-point filter (Shewchuk's error bound) or
/// refused; zero is accepted only between identical points. Then (1) no edge of one properly
/// crosses an edge of the other, (2) each edge of either is either an edge of the other or,
/// judged by its midpoint, outside the other; so neither boundary enters the other's interior.
/// A polygon's interior is connected, so two such interiors that still met would be equal,
/// which equal envelopes would show; those are refused. Both features must be valid single
/// polygons (holes allowed); anything else returns false.
///
/// Costs about a microsecond for plot-sized polygons, against tens for a GEOS relate.
bool provesInteriorsDisjoint(const GeometryStore& a, std::size_t featureA, const GeometryStore& b,
                             std::size_t featureB);

/// A proof, cheap and exact-or-silent, that a polygon is valid as GEOS judges it
/// (GEOSisValid), for the common case of a plot: one polygon of one ring (no holes) whose
/// coordinates are finite, with at least three distinct vertices, and whose ring is simple:
/// no two edges meet except consecutive ones at their common vertex. Returns true only when it
/// can prove that; false means "not proven" (holes, several parts, a long ring, a vertex
/// repeated away from its neighbours, edges too nearly collinear or crossing), and the caller
/// asks GEOS. Orientations are decided as in provesInteriorsDisjoint (a floating-point filter,
/// refused when unsure), so it never returns true for a ring GEOS finds invalid.
bool provesValidSimplePolygon(const GeometryStore& store, std::size_t feature);

/// Where polygon `a` lies against polygon `b`, proven cheaply and exactly, or not at all.
enum class Placement {
    Unsure, ///< not proven: the caller asks GEOS
    Inside, ///< every point of `a` lies in `b`'s interior: GEOS finds them intersecting, and `b`
            ///< containing `a`
    Apart,  ///< `a` and `b` share no point: GEOS finds them not intersecting
};

/// The outline of a valid polygon (the edges of every ring, and a vertex of each ring), made once
/// for many placement proofs (provesPlacement): a plan zone against the plots it may hold, a
/// road's red line against the plots along it.
class PolygonOutline {
public:
    PolygonOutline();
    ~PolygonOutline();
    PolygonOutline(PolygonOutline&&) noexcept;
    PolygonOutline& operator=(PolygonOutline&&) noexcept;

    /// Feature `feature` of `store` when it is a single polygon (holes allowed) whose rings have
    /// three vertices or more; false (and an unusable outline) otherwise.
    bool assign(const GeometryStore& store, std::size_t feature);
    bool usable() const;

    struct Data;

private:
    /// assign's steps: clear(), then addRing() for the shell and each hole (`vertices` pairs
    /// x0 y0 x1 y1 …, closed or not); addRing returns false, and the outline is unusable, for a
    /// ring of fewer than three vertices or with a coordinate that is not finite.
    void clear();
    bool addRing(const double* xy, std::size_t vertices);

    friend Placement provesPlacement(const PolygonOutline& a, const PolygonOutline& b);
    std::unique_ptr<Data> m_data;
};

/// Where polygon `a` lies against polygon `b` (see Placement). Both outlines must be of valid
/// polygons (GEOSisValid). Inside and Apart need the boundaries to be apart: every pair of edges
/// is proven not to meet by orientations that the floating-point filter of
/// provesInteriorsDisjoint settles (an edge pair that touches, crosses or is too nearly collinear
/// gives Unsure). Then each ring lies wholly on one side of the other polygon's boundary, which
/// one vertex of it tells (a crossing count that refuses any point too near an edge): Inside when
/// every ring of `a` is in `b` and every ring of `b` outside `a`, Apart when every ring of each is
/// outside the other. A valid polygon is connected, so these are exact. Costs a few microseconds
/// for a plot against a zone of a few dozen edges.
Placement provesPlacement(const PolygonOutline& a, const PolygonOutline& b);

} // namespace parkatlas::geo
