#include "geo/crs/crs.h"

#include "geo/error.h"

#include <ogr_spatialref.h>

#include <cpl_conv.h>
#include <cpl_error.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

namespace parkatlas::geo {

/// What a Crs knows, read from an OGR spatial reference once, on the thread that made the Crs,
/// and never changed: any number of threads may read it.
struct Crs::Facts {
    std::string wkt;      // WKT 2 (2019), one line
    std::string projJson; // what PROJ is given
    std::string key;      // the per-thread cache's key: the WKT, or the PROJJSON without one
    std::string name;
    bool geographic = false;
    bool projected = false;
    std::string datumName;
    double semiMajorM = 0;
    double inverseFlattening = 0;
    double linearUnitM = 1;
    std::optional<double> centralMeridianDeg;
    std::optional<double> falseEastingM;
    std::optional<int> epsg; // declared on the root, or identified by PROJ
    std::shared_ptr<const Facts> base; // a projected CRS's base (null: none or failed)
};

namespace {

std::string exported(const OGRSpatialReference& srs, bool json)
{
    char* text = nullptr;
    OGRErr err = OGRERR_NONE;
    if (json) {
        err = srs.exportToPROJJSON(&text, nullptr);
    } else {
        const char* options[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
        err = srs.exportToWkt(&text, options);
    }
    std::string result = err == OGRERR_NONE && text ? text : "";
    CPLFree(text);
    return result;
}

/// The EPSG code `srs` declares, or failing that the one PROJ identifies it as with high
/// confidence (ESRI-flavoured .prj files carry no authority). Asked of the original object, on
/// the thread that makes the Crs: identification needs the ESRI flavour, which a copy rebuilt
/// from WKT 2 no longer has.
std::optional<int> epsgOf(const OGRSpatialReference& srs)
{
    const char* authority = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (authority && code && EQUAL(authority, "EPSG"))
        return std::atoi(code);
    int matchCount = 0;
    int* confidences = nullptr;
    OGRSpatialReferenceH* matches = srs.FindMatches(nullptr, &matchCount, &confidences);
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

/// This thread's own spatial reference for `facts`, made on first use. One per distinct
/// definition for the life of the thread (a process meets a handful of CRSs), so the pointer
/// stays valid for the thread's life. Destroyed at thread exit, before GDAL's own per-thread
/// PROJ context: GDAL 3.6 keeps that context in a C++ thread_local too, and thread_locals die in
/// the reverse order of their construction, so GDAL's is made first (a spatial reference that
/// reads the PROJ database) and outlives the cache. Made after it, it died first, and each
/// reference destroyed at thread exit made a new context that nothing freed (LeakSanitizer).
const OGRSpatialReference* threadSpatialReference(const Crs::Facts& facts)
{
    thread_local const bool gdalContextFirst = [] {
        OGRSpatialReference warm;
        CPLPushErrorHandler(CPLQuietErrorHandler);
        warm.importFromEPSG(4326);
        CPLPopErrorHandler();
        return true;
    }();
    (void)gdalContextFirst;
    thread_local std::unordered_map<std::string, std::unique_ptr<OGRSpatialReference>> cache;
    if (auto it = cache.find(facts.key); it != cache.end())
        return it->second.get();
    auto srs = std::make_unique<OGRSpatialReference>();
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRErr err = facts.wkt.empty() ? OGRERR_FAILURE : srs->importFromWkt(facts.wkt.c_str());
    if (err != OGRERR_NONE && !facts.projJson.empty()) {
        srs = std::make_unique<OGRSpatialReference>();
        err = srs->SetFromUserInput(facts.projJson.c_str());
    }
    CPLPopErrorHandler();
    if (err != OGRERR_NONE)
        throw CrsError("cannot rebuild the coordinate system '" + facts.name +
                       "' from its definition (" + CPLGetLastErrorMsg() + ")");
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return cache.emplace(facts.key, std::move(srs)).first->second.get();
}

} // namespace

Crs Crs::fromSpatialReference(const OGRSpatialReference& srs)
{
    auto facts = std::make_shared<Facts>();
    facts->wkt = exported(srs, false);
    facts->projJson = exported(srs, true);
    if (facts->wkt.empty() && facts->projJson.empty())
        throw CrsError("cannot export the coordinate system '" +
                       std::string(srs.GetName() ? srs.GetName() : "") + "'");
    facts->key = facts->wkt.empty() ? "PROJJSON " + facts->projJson : facts->wkt;
    facts->name = srs.GetName() ? srs.GetName() : "";
    facts->geographic = srs.IsGeographic();
    facts->projected = srs.IsProjected();
    const char* datum = srs.GetAttrValue("DATUM");
    facts->datumName = datum ? datum : "";
    // GDAL gives the WKT1 spelling ("Xian_1980"); people read "Xian 1980".
    std::replace(facts->datumName.begin(), facts->datumName.end(), '_', ' ');
    facts->semiMajorM = srs.GetSemiMajor();
    facts->inverseFlattening = srs.GetInvFlattening();
    facts->linearUnitM = facts->projected ? srs.GetLinearUnits() : 1.0;
    if (facts->projected) {
        const char* projection = srs.GetAttrValue("PROJECTION");
        OGRErr err = OGRERR_NONE;
        if (projection &&
            (EQUAL(projection, SRS_PT_TRANSVERSE_MERCATOR) || EQUAL(projection, "Gauss_Kruger"))) {
            const double cm = srs.GetNormProjParm(SRS_PP_CENTRAL_MERIDIAN, 0.0, &err);
            if (err == OGRERR_NONE) {
                facts->centralMeridianDeg = cm;
                facts->falseEastingM =
                    srs.GetNormProjParm(SRS_PP_FALSE_EASTING, 0.0) * srs.GetLinearUnits();
            }
        }
    }
    facts->epsg = epsgOf(srs);
    if (!facts->geographic) {
        // Derived from the original too, for the same reason as the EPSG code.
        OGRSpatialReference base;
        if (base.CopyGeogCSFrom(&srs) == OGRERR_NONE && base.IsGeographic())
            facts->base = fromSpatialReference(base).m_facts;
    }
    return Crs(std::move(facts));
}

Crs Crs::fromUserInput(const std::string& definition)
{
    OGRSpatialReference srs;
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const OGRErr err = srs.SetFromUserInput(
        definition.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get());
    CPLPopErrorHandler();
    if (err != OGRERR_NONE) {
        std::string detail = CPLGetLastErrorMsg();
        throw CrsError("cannot understand the coordinate system '" + definition + "'" +
                       (detail.empty() ? "" : " (" + detail + ")"));
    }
    return fromSpatialReference(srs);
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
    return fromSpatialReference(*srs);
}

Crs Crs::fromEpsg(int code)
{
    OGRSpatialReference srs;
    if (srs.importFromEPSG(code) != OGRERR_NONE)
        throw CrsError("unknown EPSG code " + std::to_string(code));
    return fromSpatialReference(srs);
}

const OGRSpatialReference* Crs::ogr() const
{
    return m_facts ? threadSpatialReference(*m_facts) : nullptr;
}

bool Crs::isGeographic() const
{
    return m_facts && m_facts->geographic;
}
bool Crs::isProjected() const
{
    return m_facts && m_facts->projected;
}

std::string Crs::name() const
{
    return m_facts ? m_facts->name : std::string();
}

std::optional<int> Crs::epsg() const
{
    return m_facts ? m_facts->epsg : std::nullopt;
}

std::string Crs::label() const
{
    if (!m_facts)
        return "unknown";
    if (auto code = epsg())
        return "EPSG:" + std::to_string(*code);
    return name();
}

std::string Crs::wkt() const
{
    return m_facts ? m_facts->wkt : std::string();
}

std::string Crs::projJson() const
{
    return m_facts ? m_facts->projJson : std::string();
}

std::string Crs::datumName() const
{
    return m_facts ? m_facts->datumName : std::string();
}

double Crs::semiMajorM() const
{
    return m_facts ? m_facts->semiMajorM : 0.0;
}
double Crs::inverseFlattening() const
{
    return m_facts ? m_facts->inverseFlattening : 0.0;
}

double Crs::linearUnitM() const
{
    return m_facts ? m_facts->linearUnitM : 1.0;
}

Crs Crs::geographic() const
{
    if (!m_facts)
        return {};
    if (m_facts->geographic)
        return *this;
    if (!m_facts->base)
        throw CrsError("cannot derive the geographic CRS of '" + name() + "'");
    return Crs(m_facts->base);
}

std::optional<double> Crs::centralMeridianDeg() const
{
    return m_facts ? m_facts->centralMeridianDeg : std::nullopt;
}

std::optional<double> Crs::falseEastingM() const
{
    return m_facts ? m_facts->falseEastingM : std::nullopt;
}

bool Crs::isSameAs(const Crs& other) const
{
    if (isEmpty() || other.isEmpty())
        return isEmpty() && other.isEmpty();
    if (m_facts == other.m_facts || m_facts->key == other.m_facts->key)
        return true;
    const char* options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                             "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    return ogr()->IsSame(other.ogr(), options);
}

} // namespace parkatlas::geo
