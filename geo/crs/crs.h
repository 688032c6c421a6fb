#pragma once

#include <memory>
#include <optional>
#include <string>

class OGRSpatialReference;

namespace parkatlas::geo {

/// An immutable coordinate reference system, or "unknown" when empty.
/// Axis order is always the traditional GIS order (easting/longitude first), whatever the
/// authority declares.
///
/// Thread-safety by construction: a Crs holds facts only (its WKT 2, PROJJSON, name, datum,
/// ellipsoid, projection parameters …), computed once when it is made and never changed, so
/// copies may be read from any number of threads at once. No GDAL or PROJ object is shared
/// between threads: what needs one (ogr(), isSameAs(), geographic(), Transform) builds it from
/// the facts in the calling thread (see ogr()).
class Crs {
public:
    Crs() = default;

    /// "EPSG:4547", "4547", WKT (1 or 2, ESRI flavour too), a PROJ string or PROJJSON.
    /// Throws CrsError naming the input when PROJ cannot make sense of it.
    static Crs fromUserInput(const std::string& definition);
    /// Takes the facts of an OGR spatial reference (may be null: gives an empty Crs). The
    /// reference is only read, on the calling thread, and not kept.
    static Crs fromOgr(const OGRSpatialReference* srs);
    static Crs fromEpsg(int code);

    bool isEmpty() const { return !m_facts; }
    bool isGeographic() const;
    bool isProjected() const;

    /// The CRS's own name, for instance "CGCS2000 / 3-degree Gauss-Kruger CM 114E".
    std::string name() const;
    /// The EPSG code when the CRS is, or is identified with high confidence as, an EPSG CRS
    /// (found when the Crs is made).
    std::optional<int> epsg() const;
    /// "EPSG:4547" or, failing that, the name.
    std::string label() const;
    /// WKT 2 (2019), one line.
    std::string wkt() const;
    /// PROJJSON, what PROJ itself is given (Transform): it keeps ESRI-born definitions whole.
    std::string projJson() const;
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

    /// This thread's own OGR spatial reference for the CRS (null when isEmpty()), made from the
    /// facts on the thread's first call and kept for the life of the thread, one per distinct
    /// definition: the pointer must not leave the calling thread, and is not to be modified
    /// (Clone() it to hand GDAL a reference it will own).
    const OGRSpatialReference* ogr() const;

    struct Facts;

private:
    explicit Crs(std::shared_ptr<const Facts> facts) : m_facts(std::move(facts)) {}
    static Crs fromSpatialReference(const OGRSpatialReference& srs);
    std::shared_ptr<const Facts> m_facts;
};

} // namespace parkatlas::geo
