#pragma once

#include "geo/model/geometry_store.h"

#include <cstddef>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// One ring of a plot as a surveyor numbers it (界址点): clockwise (x east, y north), starting
/// at its north-westernmost point, without the repeated closing point.
struct BoundaryRing {
    std::size_t part = 0; // the feature's part it belongs to (0-based, as stored)
    bool hole = false;    // an interior ring (a hole) of that part
    int firstNumber = 1;  // the number of its first point: J<firstNumber>
    /// x,y interleaved, in the layer's CRS.
    std::vector<double> xy;
    /// Edge i runs from point i to point i + 1; the last one closes the ring back to point 0.
    /// Metres (planar, in the layer's projection, converted with its linear unit).
    std::vector<double> edgeLengthM;

    std::size_t pointCount() const { return xy.size() / 2; }
    double x(std::size_t i) const { return xy[2 * i]; }
    double y(std::size_t i) const { return xy[2 * i + 1]; }
    /// "J<n>" of point i.
    std::string pointName(std::size_t i) const;
};

/// The boundary points of one plot, ring by ring, numbered J1, J2 … across its rings.
struct BoundaryPoints {
    std::vector<BoundaryRing> rings;
    /// Rings left out and why ("part 2, ring 1: fewer than 3 distinct points"), and rings of
    /// no area: what the sheet prints as its problems.
    std::vector<std::string> problems;

    std::size_t pointCount() const;
};

/// The boundary points of polygon feature `feature` of `store` (throws GeometryError for a
/// store of points or lines), as surveyors number them (宗地界址点编号):
/// - every ring (exterior and holes alike) runs clockwise, whatever its stored orientation;
/// - each ring starts at its north-westernmost point: the vertex nearest the north-west corner
///   of the ring's envelope; ties (a diamond, a rotated square) go to the more northern vertex,
///   then the more western one, so the start does not depend on where the stored ring began;
/// - numbering runs on from ring to ring: each part's exterior, then its holes; parts and the
///   holes of a part in the order of their first points (north first, then west);
/// - the repeated closing vertex and vertices repeating their predecessor exactly are dropped
///   (an edge of zero length is no edge); any other edge is kept, however short.
/// `unitM` is the CRS's linear unit in metres (Crs::linearUnitM()), for the edge lengths.
/// Stateless; any thread.
BoundaryPoints boundaryPoints(const GeometryStore& store, std::size_t feature, double unitM = 1);

} // namespace parkatlas::geo
