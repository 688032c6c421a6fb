#pragma once

#include "geo/model/geometry_store.h"

#include <cstddef>

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

} // namespace parkatlas::geo
