#pragma once

#include "geo/measure/boundary_points.h"
#include "geo/model/geometry_store.h"
#include "geo/model/envelope_index.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// The four sides of a plot in a 四至 (东至, 南至, 西至, 北至), in that order.
enum class Side { East, South, West, North };

/// "东至", "南至", "西至", "北至".
const char* chineseName(Side side);

/// What one side of a plot faces: a neighbouring plot or a road.
struct SideNeighbour {
    enum class Kind { Plot, Road };
    Kind kind = Kind::Plot;
    std::size_t feature = 0; // in the plots' or the roads' store (a road: its first feature)
    std::string name;        // as given to the finder (roads of one name are one neighbour)
    double facingLengthM = 0; // the length of the plot's boundary that faces it, metres
};

struct FourSides {
    /// Per side (Side order), what it faces, longest facing length first. A neighbour is listed
    /// when it faces at least FourSidesOptions::minShare of that side's boundary.
    std::array<std::vector<SideNeighbour>, 4> sides;
    /// Per side, the boundary length (m) that faces nothing within reach, and in all.
    std::array<double, 4> facingNothingM{};
    std::array<double, 4> sideLengthM{};
};

struct FourSidesOptions {
    /// How far out from its boundary a plot looks for a neighbour or a road centre line, in
    /// metres: a road's red line is the plot's edge, its centre line half a road width away
    /// (main roads are 40–60 m wide in parks), and the plot across the road is further.
    double reachM = 40;
    /// The boundary is probed every this many metres (at least once per edge, at most 64).
    double sampleStepM = 2;
    /// A neighbour facing less than this share of a side is left out (a corner touch).
    double minShare = 0.05;
};

/// Finds the 四至 of plots: from each exterior edge of a plot, probes along the outward normal
/// (the boundary runs clockwise, so outward is to its left) and takes the first thing met: a
/// plot of the same layer the probe starts in or crosses into, or a road centre line it
/// crosses, within reach. Each probe counts for the boundary length it stands for, shared
/// between the sides its normal points to by the squares of the normal's components (an edge
/// facing due east counts wholly east, a 45° corner cut half south and half west, so a cut
/// corner does not list the road round the corner). Holes are not looked out of.
///
/// Owns nothing but its indexes and names: `plots` and `roads` must outlive it. Any number of
/// threads may call find() on one finder.
class FourSidesFinder {
public:
    /// `plots`: the polygon layer the plots belong to, `plotNames` one per feature (the name a
    /// sheet shows: "权利人（宗地代码）"). `roads` may be null (no road layer); `roadNames` one
    /// per road feature ("" for a road with no name: it is listed as 道路). `unitM` is the
    /// CRS's linear unit in metres.
    FourSidesFinder(const GeometryStore& plots, std::vector<std::string> plotNames,
                    const GeometryStore* roads, std::vector<std::string> roadNames, double unitM,
                    FourSidesOptions options = {});

    /// The 四至 of plot `plot`, from its boundary points (boundaryPoints(plots, plot, unitM)).
    FourSides find(std::size_t plot, const BoundaryPoints& points) const;

    /// Plot features other than `except` whose envelopes meet `envelope` (for drawing the
    /// neighbours), ascending.
    std::vector<std::uint32_t> plotsNear(const Envelope& envelope, std::size_t except) const;
    /// Road features whose envelopes meet `envelope`, ascending.
    std::vector<std::uint32_t> roadsNear(const Envelope& envelope) const;

    const std::string& plotName(std::size_t feature) const { return m_plotNames[feature]; }
    const std::string& roadName(std::size_t feature) const { return m_roadNames[feature]; }

private:
    const GeometryStore& m_plots;
    std::vector<std::string> m_plotNames;
    const GeometryStore* m_roads;
    std::vector<std::string> m_roadNames;
    double m_unitM;
    FourSidesOptions m_options;
    EnvelopeIndex m_plotIndex;
    EnvelopeIndex m_roadIndex;
};

} // namespace parkatlas::geo
