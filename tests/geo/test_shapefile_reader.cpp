#include "geo/io/shapefile_reader.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/measure/area.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace parkatlas::geo;
namespace fs = std::filesystem;

namespace {

const std::string kRealdata = PARKATLAS_REALDATA;

/// Planar area as a polygon store means it: exterior minus holes, parts added.
double structuredArea(const GeometryStore& store, std::size_t feature)
{
    double total = 0;
    for (std::size_t p = 0; p < store.partCount(feature); ++p)
        for (std::size_t r = 0; r < store.ringCount(feature, p); ++r) {
            const double a = std::fabs(planarRingAreaSigned(store.ring(feature, p, r).xy));
            total += r == 0 ? a : -a;
        }
    return total;
}

std::vector<std::vector<double>> ringsOf(const GeometryStore& store, std::size_t feature)
{
    std::vector<std::vector<double>> rings;
    for (std::size_t p = 0; p < store.partCount(feature); ++p)
        for (std::size_t r = 0; r < store.ringCount(feature, p); ++r) {
            const auto xy = store.ring(feature, p, r).xy;
            rings.emplace_back(xy.begin(), xy.end());
        }
    std::sort(rings.begin(), rings.end());
    return rings;
}

std::vector<std::string> realShapefiles()
{
    std::vector<std::string> paths;
    for (const auto& entry : fs::recursive_directory_iterator(kRealdata)) {
        std::string ext = entry.path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
        if (ext == ".shp")
            paths.push_back(entry.path().string());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

} // namespace

TEST(ShapefileReaderTest, AgreesWithGdalOnEveryRealShapefile)
{
    std::size_t compared = 0;
    for (const std::string& path : realShapefiles()) {
        if (!canReadShapefileGeometry(path))
            continue;
        IssueList issues;
        ReadOptions viaGdal;
        viaGdal.requireCrs = false;
        viaGdal.directShapefileGeometry = false;
        Layer reference;
        try {
            reference = readLayer({path, ""}, viaGdal, issues);
        } catch (const std::exception&) {
            continue; // GDAL cannot read it at all: nothing to compare with
        }
        if (issues.count(Issue::Severity::Error) > 0)
            continue; // GDAL stopped at a corrupt record; compared in the next test
        IssueList directIssues;
        const ShapefileGeometry direct = readShapefileGeometry(path, directIssues);
        SCOPED_TRACE(path);
        ASSERT_EQ(direct.fids, reference.fids);
        ASSERT_EQ(direct.geometry.kind(), reference.geometry.kind());
        for (std::size_t f = 0; f < direct.fids.size(); ++f) {
            ASSERT_EQ(ringsOf(direct.geometry, f), ringsOf(reference.geometry, f))
                << "feature " << f;
            if (direct.geometry.kind() == GeometryKind::Polygon) {
                const double a = structuredArea(direct.geometry, f);
                const double b = structuredArea(reference.geometry, f);
                EXPECT_NEAR(a, b, 1e-9 * std::max(1.0, std::fabs(b))) << "feature " << f;
            }
        }
        ++compared;
    }
    EXPECT_GT(compared, 40u);
}

TEST(ShapefileReaderTest, CorruptRecordsAreReportedWithTheirFid)
{
    const std::string path =
        kRealdata + "/peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/buggymultipoly.shp";
    IssueList issues;
    const ShapefileGeometry direct = readShapefileGeometry(path, issues);
    ASSERT_GE(issues.count(Issue::Severity::Error), 1u);
    EXPECT_GE(issues.issues().front().fid, 0);
    EXPECT_EQ(direct.geometry.featureCount(), direct.fids.size());
}

TEST(ShapefileReaderTest, SampleParcelsReadTheSameBothWays)
{
    const std::string path = std::string(PARKATLAS_SAMPLE_DIR) + "/shp/parcels.shp";
    IssueList issues;
    ReadOptions fast, slow;
    slow.directShapefileGeometry = false;
    const Layer a = readLayer({path, ""}, fast, issues);
    const Layer b = readLayer({path, ""}, slow, issues);
    ASSERT_EQ(a.featureCount(), b.featureCount());
    EXPECT_EQ(a.geometry.coordinates().size(), b.geometry.coordinates().size());
    EXPECT_EQ(a.attributes.text(10, 1), b.attributes.text(10, 1));
}
