#pragma once

#include "geo/crs/crs.h"
#include "geo/model/layer.h"

#include <cstddef>
#include <limits>
#include <span>
#include <string>

namespace parkatlas::desktop {

/// The size of one feature as the Identify panel shows it. Polygons: area by the ellipsoidal
/// and the planar method; lines: geodesic length; points: nothing. NaN where a method does not
/// apply (planar in a geographic CRS) or failed; `problem` then says why.
struct FeatureMeasurement {
    geo::GeometryKind kind = geo::GeometryKind::None;
    double ellipsoidalM2 = std::numeric_limits<double>::quiet_NaN();
    double planarM2 = std::numeric_limits<double>::quiet_NaN();
    double lengthM = std::numeric_limits<double>::quiet_NaN();
    std::string problem;
};

/// Measures `feature` of `layer` with geo::AreaCalculator in the layer's CRS: the map CRS,
/// since layers are reprojected into it on load (for a park, its Gauss-Krüger zone). Never
/// throws. Cheap (one PROJ set-up a call); call it on the thread that shows the result.
FeatureMeasurement measureFeature(const geo::Layer& layer, std::size_t feature);

/// The ellipsoidal area in m² of `features` of a polygon layer, summed unrounded; features
/// whose area is unknown (NaN) are left out and counted in `unknownCount`. 0 for other kinds.
double totalEllipsoidalAreaM2(const geo::Layer& layer, std::span<const std::uint32_t> features,
                              std::size_t* unknownCount = nullptr);

} // namespace parkatlas::desktop
