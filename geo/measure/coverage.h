#pragma once

#include "geo/progress.h"

#include <cstddef>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Layer;

/// Building coverage of each plot (建筑系数 / 建筑密度 from footprints): the union of the
/// footprints within the plot, in the plane of the plots' CRS. Both layers must be in one CRS
/// (a loaded Park is).
struct PlotCoverage {
    /// Footprint area inside the plot over the plot's area, both planar; 0..1. NaN when the plot
    /// is invalid or empty (unknown, never 0).
    double share = 0;
    /// The plot's planar area and the covered part of it, in the CRS's units squared.
    double plotPlanarArea = 0;
    double coveredPlanarArea = 0;
    bool validPlot = true;
};

/// One entry per plot, row order. Plots that GEOS finds invalid are reported to `issues`
/// (warning, with file, layer and fid) and get a NaN share; invalid footprints are repaired
/// (MakeValid) for the sum only and reported. Runs on `threads` workers (0: one per core), each
/// with its own GEOS context. Throws Cancelled when `progress` says so.
std::vector<PlotCoverage> plotCoverage(const Layer& plots, const Layer& buildings,
                                       IssueSink& issues, unsigned threads = 0,
                                       const ProgressCallback& progress = {});

/// Only the validity of each plot (GEOS isValid), for when there is no buildings layer.
std::vector<bool> plotValidity(const Layer& plots, IssueSink& issues);

} // namespace parkatlas::geo
