// One thread and several give the same results: the plan check, the audit, the areas and the
// shapefile reader, on the sample park and on a synthetic park big enough that every worker
// gets work. Run under ThreadSanitizer by `scripts/test --tsan`, which also makes the shared
// state (Crs facts, issue sinks, the workers' own GDAL/GEOS/PROJ objects) race-checked.

#include "geo/crs/crs.h"
#include "geo/crs/transform.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/measure/layer_measure.h"
#include "geo/parallel.h"
#include "geo/rules/audit.h"
#include "geo/rules/compliance.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

using namespace parkatlas::geo;
namespace fs = std::filesystem;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;
constexpr unsigned kManyThreads = 4;

/// Sets PARKATLAS_THREADS for the life of the guard (the tests run one at a time).
class ThreadsVariable {
public:
    explicit ThreadsVariable(const std::string& value)
    {
        if (const char* old = std::getenv(kThreadsVariable))
            m_old = old;
        ::setenv(kThreadsVariable, value.c_str(), 1);
    }
    ~ThreadsVariable()
    {
        if (m_old)
            ::setenv(kThreadsVariable, m_old->c_str(), 1);
        else
            ::unsetenv(kThreadsVariable);
    }

private:
    std::optional<std::string> m_old;
};

std::string exact(double value)
{
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

/// Everything a finding says, numbers to the last bit.
std::string describe(const Finding& finding)
{
    std::ostringstream out;
    out << finding.rule << " | " << finding.layer << " |";
    for (std::int64_t fid : finding.fids)
        out << ' ' << fid;
    out << " | " << finding.featureId << " | " << exact(finding.areaMu) << " | "
        << finding.reasonZh << " | " << finding.reasonEn << " | " << finding.clause << " |";
    for (const Evidence& e : finding.evidence) {
        out << ' ' << e.name << '=';
        if (const double* d = std::get_if<double>(&e.value))
            out << exact(*d);
        else if (const std::string* s = std::get_if<std::string>(&e.value))
            out << *s;
        else
            out << "unknown";
    }
    out << " | wkb " << finding.geometryWkb.size() << ':';
    for (unsigned char byte : finding.geometryWkb)
        out << static_cast<int>(byte) << ',';
    return out.str();
}

std::vector<std::string> described(const std::vector<Finding>& findings)
{
    std::vector<std::string> out;
    for (const Finding& finding : findings)
        out.push_back(describe(finding));
    return out;
}

/// Issues in any order (workers report as they go): sorted.
std::vector<std::string> sortedIssues(const IssueList& issues)
{
    std::vector<std::string> out;
    for (const Issue& issue : issues.issues())
        out.push_back(std::to_string(static_cast<int>(issue.severity)) + " " + issue.path + " " +
                      issue.layer + " " + std::to_string(issue.fid) + " " + issue.message);
    std::sort(out.begin(), out.end());
    return out;
}

struct CheckRun {
    std::vector<std::string> findings;
    std::vector<std::string> issues;
};

CheckRun check(const Park& park, unsigned threads)
{
    ComplianceOptions options;
    options.threads = threads;
    IssueList issues;
    const ComplianceResult result = checkCompliance(park, options, issues);
    return {described(result.findings), sortedIssues(issues)};
}

CheckRun audit(const Park& park, unsigned threads)
{
    AuditOptions options;
    options.asOf = *Date::parse("2024-06-30");
    options.threads = threads;
    IssueList issues;
    const AuditResult result = runAudit(park, options, issues);
    CheckRun run{described(result.findings), sortedIssues(issues)};
    for (const ParcelMeasure& parcel : result.parcels)
        run.findings.push_back(exact(parcel.areaM2) + " " + exact(parcel.coveredShare) + " " +
                               exact(parcel.footprintM2) + " " +
                               (parcel.validGeometry ? "valid" : "invalid"));
    return run;
}

/// Per feature areas (or lengths) and the totals, to the last bit.
std::vector<std::string> areas(const Layer& layer, unsigned threads)
{
    NullIssueSink issues;
    const LayerMeasure measure = measureLayer(layer, AreaMethod::Ellipsoidal, issues, {}, threads);
    std::vector<std::string> out;
    for (double a : measure.areaM2)
        out.push_back(exact(a));
    for (double l : measure.lengthM)
        out.push_back(exact(l));
    out.push_back("total " + exact(measure.totalAreaM2) + " " + exact(measure.totalLengthM) + " " +
                  std::to_string(measure.unknownCount));
    return out;
}

/// The same park, all of it, read from `source`.
Park loadWhole(const std::string& source)
{
    IssueList issues;
    return loadPark(discoverPark(source), {}, issues);
}

// ---- A synthetic park: a grid of plots in EPSG:4547, big enough for every worker -----------

constexpr int kGrid = 36;      // plots a side: 1296 parcels
constexpr double kPlotM = 60;  // a plot's side
constexpr double kX0 = 497000; // near the sample park
constexpr double kY0 = 3373000;

std::string ring(double x0, double y0, double x1, double y1)
{
    std::ostringstream out;
    out.precision(12);
    out << "[[" << x0 << ',' << y0 << "],[" << x1 << ',' << y0 << "],[" << x1 << ',' << y1
        << "],[" << x0 << ',' << y1 << "],[" << x0 << ',' << y0 << "]]";
    return out.str();
}

/// A GeoJSON file of `features` (each "geometry":…,"properties":…) in EPSG:4547.
void writeGeoJson(const fs::path& path, const std::vector<std::string>& features)
{
    std::ofstream out(path);
    out << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
        << R"("urn:ogc:def:crs:EPSG::4547"}},"features":[)";
    for (std::size_t i = 0; i < features.size(); ++i)
        out << (i ? ",\n" : "\n") << R"({"type":"Feature",)" << features[i] << '}';
    out << "]}\n";
}

/// "\"2013-02-01\"" or null.
std::string dateOrNull(bool known, int year, const char* monthDay)
{
    std::ostringstream out;
    if (known)
        out << '"' << year << monthDay << '"';
    else
        out << "null";
    return out.str();
}

std::string polygon(const std::string& rings, const std::string& properties)
{
    return R"("geometry":{"type":"Polygon","coordinates":[)" + rings + R"(]},"properties":{)" +
           properties + "}";
}

/// A folder park: parcels (some outside the boundary, some over a protected area or a road's
/// red line, some overlapping, a duplicated id, a bow-tie, uses off their zone, idle ones),
/// plan zones, boundary, protected area, a road and building footprints.
fs::path writeSyntheticPark()
{
    const fs::path dir = parkatlas::test::scratch("threads_synthetic_park");
    const char* zoneUses[] = {"M1", "M2", "W1", "R2"};
    std::vector<std::string> parcels, zones, buildings;
    int id = 0;
    for (int row = 0; row < kGrid; ++row) {
        for (int col = 0; col < kGrid; ++col) {
            ++id;
            const double x0 = kX0 + col * kPlotM, y0 = kY0 + row * kPlotM;
            // Every 29th plot reaches 8 m into its neighbour: overlapping parcels.
            const double grow = id % 29 == 0 ? 8 : 0;
            std::string rings = ring(x0, y0, x0 + kPlotM + grow, y0 + kPlotM);
            if (id == 400) { // a bow-tie: invalid geometry
                std::ostringstream bowTie;
                bowTie.precision(12);
                bowTie << "[[" << x0 << ',' << y0 << "],[" << x0 + kPlotM << ',' << y0 + kPlotM
                       << "],[" << x0 + kPlotM << ',' << y0 << "],[" << x0 << ',' << y0 + kPlotM
                       << "],[" << x0 << ',' << y0 << "]]";
                rings = bowTie.str();
            }
            const char* zoneUse = zoneUses[((row / 4) + (col / 4)) % 4];
            const char* use = id % 7 == 0 ? "R2" : id % 11 == 0 ? "M" : zoneUse;
            const int year = 2012 + id % 10;
            const bool started = id % 5 != 0;
            const bool stopped = id % 13 == 0;
            std::ostringstream p;
            p << R"("parcel_id":"SY-)" << (id % 97 == 0 ? id - 1 : id) << R"(","land_use":")" << use
              << R"(","supply_dt":")" << year << R"(-03-01","agr_start":")" << year
              << R"(-09-01","agr_finish":")" << year + 2 << R"(-09-01","act_start":)"
              << dateOrNull(started, year + 1, "-02-01") << R"(,"stopped":)"
              << dateOrNull(stopped, year + 1, "-08-01")
              << R"(,"invest_tot":)" << 3000 + id % 17 * 400 << R"(,"invested":)"
              << (id % 3 == 0 ? 200 : 2800 + id % 17 * 300) << R"(,"built_area":)"
              << (id % 4 == 0 ? 300 : 2400) << R"(,"floor_area":)" << 1500 + id % 9 * 900
              << R"(,"tax":)" << (id % 6 == 0 ? "null" : std::to_string(10 + id % 23 * 7))
              << R"(,"status":")" << (started ? "在建" : "未动工") << '"';
            parcels.push_back(polygon(rings, p.str()));
            if (id % 3 != 0) { // a footprint on two plots in three
                const double inset = 10 + id % 5 * 4;
                buildings.push_back(polygon(
                    ring(x0 + inset, y0 + inset, x0 + kPlotM - inset, y0 + kPlotM - inset),
                    R"("floors":)" + std::to_string(1 + id % 6)));
            }
        }
    }
    for (int row = 0; row < kGrid; row += 4)
        for (int col = 0; col < kGrid; col += 4) {
            const double x0 = kX0 + col * kPlotM, y0 = kY0 + row * kPlotM;
            std::ostringstream z;
            z << R"("zone_id":"Z)" << row << '-' << col << R"(","land_use":")"
              << zoneUses[((row / 4) + (col / 4)) % 4] << R"(","far_min":1.0,"far_max":2.5)"
              << R"(,"cover_min":0.3,"green_max":0.2)";
            zones.push_back(polygon(ring(x0, y0, x0 + 4 * kPlotM, y0 + 4 * kPlotM), z.str()));
        }
    writeGeoJson(dir / "parcels.geojson", parcels);
    writeGeoJson(dir / "plan_zones.geojson", zones);
    writeGeoJson(dir / "buildings.geojson", buildings);
    // The boundary leaves out the last two columns and cuts one diagonally; the road crosses
    // the middle, slightly slanted.
    const double side = kGrid * kPlotM;
    std::ostringstream boundary, road;
    boundary.precision(12);
    road.precision(12);
    boundary << R"("geometry":{"type":"Polygon","coordinates":[[[)" << kX0 << ',' << kY0 << "],["
             << kX0 + side - 2 * kPlotM << ',' << kY0 << "],[" << kX0 + side - 3.5 * kPlotM << ','
             << kY0 + side << "],[" << kX0 << ',' << kY0 + side << "],[" << kX0 << ',' << kY0
             << R"(]]]},"properties":{"name":"synthetic","kind":"核准范围"})";
    road << R"("geometry":{"type":"LineString","coordinates":[[)" << kX0 << ','
         << kY0 + side / 2 + 7 << "],[" << kX0 + side << ',' << kY0 + side / 2 - 11
         << R"(]]},"properties":{"name":"中路","road_class":"主干道","width_m":24,"stage":"在建"})";
    writeGeoJson(dir / "boundary.geojson", {boundary.str()});
    writeGeoJson(dir / "protected.geojson",
                 {polygon(ring(kX0 + 100, kY0 + 100, kX0 + 530, kY0 + 410),
                          R"("kind":"永久基本农田")")});
    writeGeoJson(dir / "roads.geojson", {road.str()});
    return dir;
}

const fs::path& syntheticPark()
{
    static const fs::path dir = writeSyntheticPark();
    return dir;
}

} // namespace

TEST(ThreadsTest, ExplicitWorkerCountIsUsedHoweverLittleTheWork)
{
    EXPECT_EQ(workerCount(10, 4), 4u);
    EXPECT_EQ(workerCount(3, 4), 3u) << "never more workers than items";
    EXPECT_EQ(workerCount(0, 4), 1u);
    {
        const ThreadsVariable variable("3");
        EXPECT_EQ(requestedWorkerCount(), 3u);
        EXPECT_EQ(workerCount(10), 3u);
        EXPECT_EQ(workerCount(10, 2), 2u) << "an option wins over the environment";
    }
    for (const char* ignored : {"", "0", "x", "-2", "3x"}) {
        const ThreadsVariable variable(ignored);
        EXPECT_EQ(requestedWorkerCount(), 0u) << ignored;
        EXPECT_EQ(workerCount(10), 1u) << "too little work for a second thread";
    }
}

TEST(ThreadsTest, SampleParkCheckIsTheSameOnOneThreadAndOnSeveral)
{
    const Park park = loadWhole(kSample + "/park.gpkg");
    const CheckRun one = check(park, 1);
    ASSERT_FALSE(one.findings.empty());
    const CheckRun many = check(park, kManyThreads);
    EXPECT_EQ(one.findings, many.findings);
    EXPECT_EQ(one.issues, many.issues);
}

TEST(ThreadsTest, SampleParkAuditAndAreasAreTheSameOnOneThreadAndOnSeveral)
{
    const Park park = loadWhole(kSample + "/park.gpkg");
    const CheckRun one = audit(park, 1);
    ASSERT_FALSE(one.findings.empty());
    const CheckRun many = audit(park, kManyThreads);
    EXPECT_EQ(one.findings, many.findings);
    EXPECT_EQ(one.issues, many.issues);
    for (const ParkLayer& layer : park.layers)
        EXPECT_EQ(areas(*layer.layer, 1), areas(*layer.layer, kManyThreads)) << layer.layer->name;
}

TEST(ThreadsTest, SyntheticParkCheckAuditAndAreasAreTheSameOnOneThreadAndOnSeveral)
{
    const Park park = loadWhole(syntheticPark().string());
    const ParkLayer* parcels = park.layer(Role::Parcels);
    ASSERT_TRUE(parcels);
    ASSERT_EQ(parcels->layer->featureCount(), static_cast<std::size_t>(kGrid * kGrid));
    const CheckRun one = check(park, 1);
    // The park is built to trip every kind of plan finding; say which ones it did.
    std::set<std::string> rules;
    for (const std::string& finding : one.findings)
        rules.insert(finding.substr(0, finding.find(' ')));
    for (const char* rule : {"land_use_mismatch", "outside_boundary", "road_red_line",
                             "protected_overlap", "overlapping_parcels", "duplicate_id",
                             "invalid_geometry"})
        EXPECT_TRUE(rules.count(rule)) << rule << " did not fire on the synthetic park";
    for (unsigned threads : {2u, 3u, kManyThreads}) {
        const CheckRun many = check(park, threads);
        EXPECT_EQ(one.findings, many.findings) << threads << " threads";
        EXPECT_EQ(one.issues, many.issues) << threads << " threads";
    }
    const CheckRun auditOne = audit(park, 1);
    ASSERT_GT(auditOne.findings.size(), park.layer(Role::Parcels)->layer->featureCount());
    const CheckRun auditMany = audit(park, kManyThreads);
    EXPECT_EQ(auditOne.findings, auditMany.findings);
    EXPECT_EQ(auditOne.issues, auditMany.issues);
    for (const ParkLayer& layer : park.layers)
        EXPECT_EQ(areas(*layer.layer, 1), areas(*layer.layer, kManyThreads)) << layer.layer->name;
}

TEST(ThreadsTest, EnvironmentVariableSetsTheWorkersOfTheCheckAndTheStreamedReader)
{
    // PARKATLAS_THREADS reaches the parts that have no option of their own: the shapefile
    // reader that measures straight from the file.
    const std::string shp = kSample + "/shp/parcels.shp";
    IssueList issues;
    const Crs crs = Crs::fromEpsg(4547);
    std::vector<std::string> results[2];
    CheckRun checks[2];
    const Park park = loadWhole(syntheticPark().string());
    for (int run = 0; run < 2; ++run) {
        const ThreadsVariable variable(run == 0 ? "1" : "3");
        const auto streamed = measureShapefile(shp, crs, AreaMethod::Ellipsoidal, issues);
        ASSERT_TRUE(streamed);
        for (double a : streamed->measure.areaM2)
            results[run].push_back(exact(a));
        results[run].push_back(exact(streamed->measure.totalAreaM2));
        checks[run] = check(park, 0);
    }
    EXPECT_EQ(results[0], results[1]);
    EXPECT_EQ(checks[0].findings, checks[1].findings);
}

TEST(ThreadsTest, CrsCopiesAreUsedFromManyThreadsAtOnce)
{
    // One Crs, copied into every worker: each builds its own OGR and PROJ objects from the
    // facts, so they agree with the thread that made it and with each other.
    const Crs gaussKruger = Crs::fromEpsg(4547);
    const Crs esri = Crs::fromUserInput(
        R"(PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]])");
    double expected[2] = {500000, 3375000};
    Transform(gaussKruger, gaussKruger.geographic()).forward(expected, 1);
    const bool sameOnMaker = esri.isSameAs(gaussKruger);
    std::vector<std::string> failures[kManyThreads];
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < kManyThreads; ++t)
        pool.emplace_back([&, t, gk = gaussKruger, other = esri] {
            for (int i = 0; i < 20; ++i) {
                if (!gk.isSameAs(Crs(gk)) || other.isSameAs(Crs()))
                    failures[t].push_back("isSameAs is wrong");
                if (other.isSameAs(gk) != sameOnMaker)
                    failures[t].push_back("isSameAs differs from the thread that made the Crs");
                if (other.epsg() != 4547)
                    failures[t].push_back("the ESRI spelling is not identified as 4547");
                if (gk.geographic().epsg() != 4490)
                    failures[t].push_back("the geographic CRS is not 4490");
                if (!gk.ogr() || !gk.ogr()->IsProjected())
                    failures[t].push_back("no OGR object of the thread's own");
                double xy[2] = {500000, 3375000};
                Transform(other, gk.geographic()).forward(xy, 1);
                if (std::fabs(xy[0] - expected[0]) > 1e-9 || std::fabs(xy[1] - expected[1]) > 1e-9)
                    failures[t].push_back("a different transform result");
            }
        });
    for (std::thread& thread : pool)
        thread.join();
    for (unsigned t = 0; t < kManyThreads; ++t)
        EXPECT_TRUE(failures[t].empty()) << "thread " << t << ": " << failures[t].front();
}
