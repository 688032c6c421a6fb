#include "app/desktop/feature_measurement.h"

#include "geo/error.h"
#include "geo/measure/area.h"

#include <cmath>
#include <exception>

namespace parkatlas::desktop {

FeatureMeasurement measureFeature(const geo::Layer& layer, std::size_t feature)
{
    FeatureMeasurement measurement;
    measurement.kind = layer.geometry.kind();
    if (feature >= layer.geometry.featureCount())
        return measurement;
    const std::int64_t fid = feature < layer.fids.size() ? layer.fids[feature] : -1;
    try {
        switch (measurement.kind) {
        case geo::GeometryKind::Polygon: {
            geo::AreaCalculator ellipsoidal(layer.crs, geo::AreaMethod::Ellipsoidal);
            measurement.ellipsoidalM2 = ellipsoidal.areaM2(layer.geometry, feature, fid);
            if (layer.crs.isGeographic()) {
                measurement.problem = "planar area: the map CRS is geographic";
            } else {
                geo::AreaCalculator planar(layer.crs, geo::AreaMethod::Planar);
                measurement.planarM2 = planar.areaM2(layer.geometry, feature, fid);
            }
            break;
        }
        case geo::GeometryKind::Line: {
            geo::AreaCalculator calculator(layer.crs, geo::AreaMethod::Ellipsoidal);
            measurement.lengthM =
                calculator.lengthM(layer.geometry, feature, geo::LengthMethod::Geodesic, fid);
            break;
        }
        case geo::GeometryKind::Point:
        case geo::GeometryKind::None:
            break;
        }
    } catch (const std::exception& error) {
        measurement.problem = error.what();
    }
    return measurement;
}

double totalEllipsoidalAreaM2(const geo::Layer& layer, std::span<const std::uint32_t> features,
                              std::size_t* unknownCount)
{
    if (unknownCount)
        *unknownCount = 0;
    if (layer.geometry.kind() != geo::GeometryKind::Polygon || features.empty())
        return 0;
    try {
        geo::AreaCalculator calculator(layer.crs, geo::AreaMethod::Ellipsoidal);
        double total = 0;
        for (const std::uint32_t feature : features) {
            const double areaM2 = calculator.areaM2(layer.geometry, feature);
            if (std::isfinite(areaM2))
                total += areaM2;
            else if (unknownCount)
                ++*unknownCount;
        }
        return total;
    } catch (const std::exception&) {
        if (unknownCount)
            *unknownCount = features.size();
        return 0;
    }
}

} // namespace parkatlas::desktop
