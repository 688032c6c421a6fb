#pragma once

#include <memory>
#include <optional>
#include <string>

class OGRSpatialReference;

namespace parkatlas::geo {

/// An immutable coordinate reference system, or "unknown" when empty.
/// Axis order is always the traditional GIS order (easting/longitude first), whatever the
/// authority declares. Cheap to copy (shared, immutable). Reading from several threads is safe;
/// transforms are made per thread (see Transform).
class Crs {
public:
    Crs() = default;

    /// "EPSG:4547", "4547", WKT (1 or 2, ESRI flavour too), a PROJ string or PROJJSON.
    /// Throws CrsError naming the input when PROJ cannot make sense of it.
    static Crs fromUserInput(const std::string& definition);
    /// Copies an OGR spatial reference (may be null: gives an empty Crs).
    static Crs fromOgr(const OGRSpatialReference* srs);
    static Crs fromEpsg(int code);

    bool isEmpty() const { return !m_srs; }
    bool isGeographic() const;
    bool isProjected() const;

    /// The CRS's own name, for instance "CGCS2000 / 3-degree Gauss-Kruger CM 114E".
    std::string name() const;
    /// The EPSG code when the CRS is, or is identified with high confidence as, an EPSG CRS.
    std::optional<int> epsg() const;
    /// "EPSG:4547" or, failing that, the name.
    std::string label() const;
    std::string wkt() const;
    /// The datum's name, for instance "China 2000" or "Xian 1980".
    std::string datumName() const;
    /// Ellipsoid semi-major axis (m) and inverse flattening.
    double semiMajorM() const;
    double inverseFlattening() const;
    /// Linear unit of a projected CRS in metres (1 for metres, 0.3048006... for US feet).
    double linearUnitM() const;
    /// The geographic CRS this one is based on (for a geographic CRS, itself).
    Crs geographic() const;
    /// Central meridian (degrees) and false easting (m) when this is a Transverse Mercator
    /// (Gauss-Krüger) projection.
    std::optional<double> centralMeridianDeg() const;
    std::optional<double> falseEastingM() const;

    bool isSameAs(const Crs& other) const;

    /// The spatial reference itself (never null unless isEmpty()). Not to be modified.
    const OGRSpatialReference* ogr() const { return m_srs.get(); }

private:
    explicit Crs(std::shared_ptr<const OGRSpatialReference> srs) : m_srs(std::move(srs)) {}
    std::shared_ptr<const OGRSpatialReference> m_srs;
};

} // namespace parkatlas::geo
