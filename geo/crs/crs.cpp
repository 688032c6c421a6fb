#include "geo/crs/crs.h"

#include "geo/error.h"

#include <ogr_spatialref.h>

#include <cpl_error.h>

#include <algorithm>

namespace parkatlas::geo {

namespace {

std::shared_ptr<const OGRSpatialReference> adopt(std::unique_ptr<OGRSpatialReference> srs)
{
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return std::shared_ptr<const OGRSpatialReference>(std::move(srs));
}

} // namespace

Crs Crs::fromUserInput(const std::string& definition)
{
    auto srs = std::make_unique<OGRSpatialReference>();
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const OGRErr err = srs->SetFromUserInput(
        definition.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get());
    CPLPopErrorHandler();
    if (err != OGRERR_NONE) {
        std::string detail = CPLGetLastErrorMsg();
        throw CrsError("cannot understand the coordinate system '" + definition + "'" +
                       (detail.empty() ? "" : " (" + detail + ")"));
    }
    return Crs(adopt(std::move(srs)));
}

Crs Crs::fromOgr(const OGRSpatialReference* srs)
{
    if (!srs)
        return {};
    // A GeoPackage's srs_id 0 and -1 are its way of saying "no CRS"; GDAL names them.
    const char* name = srs->GetName();
    if (name && (STARTS_WITH(name, "Undefined geographic SRS") ||
                 STARTS_WITH(name, "Undefined cartesian SRS") || EQUAL(name, "Undefined SRS")))
        return {};
    return Crs(adopt(std::unique_ptr<OGRSpatialReference>(srs->Clone())));
}

Crs Crs::fromEpsg(int code)
{
    auto srs = std::make_unique<OGRSpatialReference>();
    if (srs->importFromEPSG(code) != OGRERR_NONE)
        throw CrsError("unknown EPSG code " + std::to_string(code));
    return Crs(adopt(std::move(srs)));
}

bool Crs::isGeographic() const
{
    return m_srs && m_srs->IsGeographic();
}
bool Crs::isProjected() const
{
    return m_srs && m_srs->IsProjected();
}

std::string Crs::name() const
{
    if (!m_srs)
        return {};
    const char* n = m_srs->GetName();
    return n ? n : "";
}

std::optional<int> Crs::epsg() const
{
    if (!m_srs)
        return std::nullopt;
    const char* authority = m_srs->GetAuthorityName(nullptr);
    const char* code = m_srs->GetAuthorityCode(nullptr);
    if (authority && code && EQUAL(authority, "EPSG"))
        return std::atoi(code);
    // ESRI-flavoured .prj files carry no authority: ask PROJ for a confident identification.
    int matchCount = 0;
    int* confidences = nullptr;
    OGRSpatialReferenceH* matches = m_srs->FindMatches(nullptr, &matchCount, &confidences);
    std::optional<int> found;
    if (matches && matchCount > 0 && confidences[0] >= 90) {
        auto* best = OGRSpatialReference::FromHandle(matches[0]);
        const char* bestAuthority = best->GetAuthorityName(nullptr);
        const char* bestCode = best->GetAuthorityCode(nullptr);
        if (bestAuthority && bestCode && EQUAL(bestAuthority, "EPSG"))
            found = std::atoi(bestCode);
    }
    OSRFreeSRSArray(matches);
    CPLFree(confidences);
    return found;
}

std::string Crs::label() const
{
    if (!m_srs)
        return "unknown";
    if (auto code = epsg())
        return "EPSG:" + std::to_string(*code);
    return name();
}

std::string Crs::wkt() const
{
    if (!m_srs)
        return {};
    char* text = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
    m_srs->exportToWkt(&text, options);
    std::string result = text ? text : "";
    CPLFree(text);
    return result;
}

std::string Crs::datumName() const
{
    if (!m_srs)
        return {};
    const char* datum = m_srs->GetAttrValue("DATUM");
    std::string name = datum ? datum : "";
    // GDAL gives the WKT1 spelling ("Xian_1980"); people read "Xian 1980".
    std::replace(name.begin(), name.end(), '_', ' ');
    return name;
}

double Crs::semiMajorM() const
{
    return m_srs ? m_srs->GetSemiMajor() : 0.0;
}
double Crs::inverseFlattening() const
{
    return m_srs ? m_srs->GetInvFlattening() : 0.0;
}

double Crs::linearUnitM() const
{
    if (!m_srs || !m_srs->IsProjected())
        return 1.0;
    return m_srs->GetLinearUnits();
}

Crs Crs::geographic() const
{
    if (!m_srs)
        return {};
    if (m_srs->IsGeographic())
        return *this;
    auto geog = std::make_unique<OGRSpatialReference>();
    if (geog->CopyGeogCSFrom(m_srs.get()) != OGRERR_NONE)
        throw CrsError("cannot derive the geographic CRS of '" + name() + "'");
    return Crs(adopt(std::move(geog)));
}

std::optional<double> Crs::centralMeridianDeg() const
{
    if (!m_srs || !m_srs->IsProjected())
        return std::nullopt;
    const char* projection = m_srs->GetAttrValue("PROJECTION");
    if (!projection ||
        !(EQUAL(projection, SRS_PT_TRANSVERSE_MERCATOR) || EQUAL(projection, "Gauss_Kruger")))
        return std::nullopt;
    OGRErr err = OGRERR_NONE;
    const double cm = m_srs->GetNormProjParm(SRS_PP_CENTRAL_MERIDIAN, 0.0, &err);
    if (err != OGRERR_NONE)
        return std::nullopt;
    return cm;
}

std::optional<double> Crs::falseEastingM() const
{
    if (!centralMeridianDeg())
        return std::nullopt;
    return m_srs->GetNormProjParm(SRS_PP_FALSE_EASTING, 0.0) * m_srs->GetLinearUnits();
}

bool Crs::isSameAs(const Crs& other) const
{
    if (isEmpty() || other.isEmpty())
        return isEmpty() && other.isEmpty();
    if (m_srs == other.m_srs)
        return true;
    const char* options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                             "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    return m_srs->IsSame(other.m_srs.get(), options);
}

} // namespace parkatlas::geo
