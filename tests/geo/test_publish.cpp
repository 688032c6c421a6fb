#include "geo/error.h"
#include "geo/issue.h"
#include "geo/measure/layer_measure.h"
#include "geo/publish/web_site.h"
#include "geo/session/park_session.h"
#include "geo/units.h"

#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <cpl_json.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace parkatlas::geo {
namespace {

namespace fs = std::filesystem;

const std::string kSample = std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg";

/// The web page's folder, with MapLibre installed (scripts/setup); "" when it is not.
std::string pageWithLibrary()
{
    const std::string page = webPageDirectory();
    if (!fs::exists(fs::path(page) / "node_modules" / "maplibre-gl" / "dist" / "maplibre-gl.js"))
        return {};
    return page;
}

WebSiteOptions optionsFor(WebProfile profile, const std::string& page)
{
    WebSiteOptions options;
    options.profile = profile;
    options.pageDirectory = page;
    options.auditDate = Date::fromYmd(2026, 6, 30);
    options.publishedAt = "2026-12-04 12:00 UTC";
    return options;
}

TEST(PublishTest, SampleParkBecomesACompleteSiteWithTheEnginesAreas)
{
    const std::string page = pageWithLibrary();
    if (page.empty())
        GTEST_SKIP() << "MapLibre GL JS is not installed in web/node_modules (scripts/setup)";
    const fs::path out = test::scratch("publish-internal") / "site";
    auto session = ParkSession::open(kSample);
    IssueList issues;
    const WebSiteResult result =
        publishWebSite(*session, out.string(), optionsFor(WebProfile::Internal, page), issues);

    EXPECT_GT(result.features, 2000u);
    EXPECT_GT(result.findings, 0u);
    EXPECT_GT(result.tiles, 10u);
    EXPECT_LT(result.minZoom, result.maxZoom);
    for (const char* file : {"index.html", "app.js", "lib/maplibre-gl.js", "data/site.json",
                             "data/search.json", "data/tiles.json", "tiles/metadata.json"})
        EXPECT_TRUE(fs::exists(out / file)) << file;

    // The search index's area of the first parcel is measureLayer's, rounded to 2 decimals.
    const auto park = session->park({Role::Parcels}, issues);
    const ParkLayer* parcels = park->layer(Role::Parcels);
    ASSERT_NE(parcels, nullptr);
    const LayerMeasure measured = measureLayer(*parcels->layer, AreaMethod::Ellipsoidal, issues);
    char expected[64];
    std::snprintf(expected, sizeof expected, "\"%s\",\"%s\",\"%.2f\"",
                  parcels->layer->attributes.text(0, parcels->field("parcel_id")).c_str(),
                  parcels->layer->attributes.text(0, parcels->field("owner")).c_str(),
                  measured.areaM2[0] / kSquareMetresPerMu);
    EXPECT_NE(test::fileBytes(out / "data" / "search.json").find(expected), std::string::npos)
        << expected;
    // No hidden temporary is left beside the site.
    for (const auto& entry : fs::directory_iterator(out.parent_path()))
        EXPECT_EQ(entry.path().filename(), "site");
}

TEST(PublishTest, PublicProfileCarriesNoOwnerAndNoFindings)
{
    const std::string page = pageWithLibrary();
    if (page.empty())
        GTEST_SKIP() << "MapLibre GL JS is not installed in web/node_modules (scripts/setup)";
    const fs::path out = test::scratch("publish-public") / "site";
    auto session = ParkSession::open(kSample);
    IssueList issues;
    const WebSiteResult result =
        publishWebSite(*session, out.string(), optionsFor(WebProfile::Public, page), issues);
    EXPECT_EQ(result.findings, 0u);
    const std::string site = test::fileBytes(out / "data" / "site.json");
    EXPECT_EQ(site.find("\"owner\""), std::string::npos);
    EXPECT_EQ(site.find("\"tax\""), std::string::npos);
    EXPECT_EQ(site.find("\"findings\""), std::string::npos);
    // One owner of the sample, in no file of the site.
    const std::string owner = "武汉天通机电设备有限公司";
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
        if (entry.is_regular_file() && entry.path().parent_path().filename() != "lib") {
            EXPECT_EQ(test::fileBytes(entry.path()).find(owner), std::string::npos) << entry.path();
        }
    }
}

TEST(PublishTest, FolderThatIsNotEmptyIsRefusedAndKept)
{
    const std::string page = pageWithLibrary();
    if (page.empty())
        GTEST_SKIP() << "MapLibre GL JS is not installed in web/node_modules (scripts/setup)";
    const fs::path out = test::scratch("publish-full");
    {
        std::FILE* file = std::fopen((out / "mine.txt").c_str(), "w");
        ASSERT_NE(file, nullptr);
        std::fputs("mine", file);
        std::fclose(file);
    }
    auto session = ParkSession::open(kSample);
    IssueList issues;
    EXPECT_THROW(
        publishWebSite(*session, out.string(), optionsFor(WebProfile::Public, page), issues),
        IoError);
    EXPECT_EQ(test::fileBytes(out / "mine.txt"), "mine");
    EXPECT_FALSE(fs::exists(out / "index.html"));
}

} // namespace
} // namespace parkatlas::geo

namespace parkatlas::geo {
namespace {

/// Every feature of every tile under `tiles` (z/x/y.pbf), read back with GDAL's MVT reader: per
/// tile name, the sorted texts "layer|field=value|…|WKT" of its features (in Web Mercator).
std::map<std::string, std::vector<std::string>> tileFeatures(const fs::path& tiles)
{
    std::map<std::string, std::vector<std::string>> features;
    for (const auto& entry : fs::recursive_directory_iterator(tiles)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".pbf")
            continue;
        const std::string name = fs::relative(entry.path(), tiles).string();
        std::vector<std::string>& texts = features[name];
        // The tile as it is, not as the tile set's metadata.json describes its layers.
        const char* const noMetadata[] = {"METADATA_FILE=", nullptr};
        GDALDataset* dataset =
            GDALDataset::Open(entry.path().c_str(), GDAL_OF_VECTOR, nullptr, noMetadata);
        EXPECT_NE(dataset, nullptr) << name;
        if (!dataset)
            continue;
        for (OGRLayer* layer : dataset->GetLayers()) {
            for (const auto& feature : *layer) {
                std::string text = layer->GetName();
                for (int field = 0; field < feature->GetFieldCount(); ++field)
                    if (feature->IsFieldSetAndNotNull(field))
                        text += std::string("|") + feature->GetFieldDefnRef(field)->GetNameRef() +
                                "=" + feature->GetFieldAsString(field);
                if (const OGRGeometry* geometry = feature->GetGeometryRef())
                    text += "|" + geometry->exportToWkt();
                texts.push_back(std::move(text));
            }
        }
        GDALClose(dataset);
        std::sort(texts.begin(), texts.end());
    }
    return features;
}

TEST(PublishTest, TilesCutInBandsHoldTheSameFeaturesAsOneWriterAZoom)
{
    const std::string page = pageWithLibrary();
    if (page.empty())
        GTEST_SKIP() << "MapLibre GL JS is not installed in web/node_modules (scripts/setup)";
    const fs::path folder = test::scratch("publish-bands");
    auto session = ParkSession::open(kSample);
    IssueList issues;
    // One GDAL writer a zoom, given every feature (how publish cut the tiles before bands) …
    WebSiteOptions whole = optionsFor(WebProfile::Internal, page);
    whole.tileBandFeatures = std::numeric_limits<std::size_t>::max();
    const WebSiteResult one = publishWebSite(*session, (folder / "whole").string(), whole, issues);
    // … and many writers a zoom, each given the features of a band of a few hundred.
    WebSiteOptions banded = optionsFor(WebProfile::Internal, page);
    banded.tileBandFeatures = 300;
    const WebSiteResult many =
        publishWebSite(*session, (folder / "banded").string(), banded, issues);

    EXPECT_EQ(one.tileBands, static_cast<std::size_t>(one.maxZoom - one.minZoom + 1));
    EXPECT_GT(many.tileBands, 3 * one.tileBands);
    EXPECT_EQ(many.tiles, one.tiles);
    EXPECT_EQ(many.features, one.features);
    const auto expected = tileFeatures(folder / "whole" / "tiles");
    const auto actual = tileFeatures(folder / "banded" / "tiles");
    ASSERT_EQ(expected.size(), one.tiles);
    std::size_t features = 0;
    std::set<std::string> layers;
    for (const auto& [tile, texts] : expected) {
        const auto it = actual.find(tile);
        ASSERT_NE(it, actual.end()) << "tile " << tile << " is missing from the banded site";
        EXPECT_EQ(it->second, texts) << "tile " << tile;
        features += texts.size();
        for (const std::string& text : texts)
            layers.insert(text.substr(0, text.find('|')));
    }
    EXPECT_EQ(actual.size(), expected.size());
    // The comparison covered the park's layers, the findings and the plots available for supply.
    EXPECT_GT(features, one.features);
    EXPECT_TRUE(layers.count("parcels") && layers.count("findings") && layers.count("roads"))
        << layers.size();
    EXPECT_EQ(test::fileBytes(folder / "banded" / "data" / "search.json"),
              test::fileBytes(folder / "whole" / "data" / "search.json"));
    EXPECT_EQ(test::fileBytes(folder / "banded" / "data" / "tiles.json"),
              test::fileBytes(folder / "whole" / "data" / "tiles.json"));
    // No band's folder is left in the site.
    for (const auto& entry : fs::directory_iterator(folder / "banded"))
        EXPECT_EQ(entry.path().filename().string().find("tiles.band"), std::string::npos);
}

} // namespace
} // namespace parkatlas::geo

namespace parkatlas::geo {
namespace {

/// One feature read back from a tile: its layer, its zoom, its fields, its area in the tile's
/// Web Mercator (0 for a line or a point).
struct TileRecord {
    std::string layer;
    int zoom = 0;
    std::map<std::string, std::string> fields;
    double area = 0;
};

std::vector<TileRecord> tileRecords(const fs::path& tiles)
{
    std::vector<TileRecord> records;
    for (const auto& entry : fs::recursive_directory_iterator(tiles)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".pbf")
            continue;
        const int zoom = std::stoi(entry.path().parent_path().parent_path().filename().string());
        const char* const noMetadata[] = {"METADATA_FILE=", nullptr};
        GDALDataset* dataset =
            GDALDataset::Open(entry.path().c_str(), GDAL_OF_VECTOR, nullptr, noMetadata);
        EXPECT_NE(dataset, nullptr) << entry.path();
        if (!dataset)
            continue;
        for (OGRLayer* layer : dataset->GetLayers())
            for (const auto& feature : *layer) {
                TileRecord record{layer->GetName(), zoom, {}, 0};
                for (int field = 0; field < feature->GetFieldCount(); ++field)
                    if (feature->IsFieldSetAndNotNull(field))
                        record.fields[feature->GetFieldDefnRef(field)->GetNameRef()] =
                            feature->GetFieldAsString(field);
                if (const OGRGeometry* geometry = feature->GetGeometryRef())
                    if (const auto* surface = dynamic_cast<const OGRSurface*>(geometry))
                        record.area = surface->get_Area();
                    else if (const auto* surfaces = dynamic_cast<const OGRMultiSurface*>(geometry))
                        record.area = surfaces->get_Area();
                records.push_back(std::move(record));
            }
        GDALClose(dataset);
    }
    return records;
}

TEST(PublishTest, SmallFeaturesAreTheirClassesDissolvedBelowTheirDetailZoom)
{
    const std::string page = pageWithLibrary();
    if (page.empty())
        GTEST_SKIP() << "MapLibre GL JS is not installed in web/node_modules (scripts/setup)";
    const fs::path folder = test::scratch("publish-dissolve");
    auto session = ParkSession::open(kSample);
    IssueList issues;
    const WebSiteResult dissolved = publishWebSite(
        *session, (folder / "dissolved").string(), optionsFor(WebProfile::Internal, page), issues);
    WebSiteOptions everyFeature = optionsFor(WebProfile::Internal, page);
    everyFeature.dissolveBelowPixels = 0;
    const WebSiteResult whole =
        publishWebSite(*session, (folder / "whole").string(), everyFeature, issues);
    EXPECT_EQ(dissolved.features, whole.features);

    // site.json says from which zoom the sample's plots (hundreds of metres) are in the tiles:
    // below the zoom that shows the whole park, above the site's lowest.
    CPLJSONDocument site;
    ASSERT_TRUE(site.Load((folder / "dissolved" / "data" / "site.json").string()));
    int detail = -1;
    for (const CPLJSONObject& layer : site.GetRoot().GetArray("layers"))
        if (layer.GetString("id") == "parcels")
            detail = layer.GetInteger("detail_minzoom", -1);
    ASSERT_GT(detail, dissolved.minZoom);
    EXPECT_LT(detail, dissolved.maxZoom - 3);
    EXPECT_EQ(test::fileBytes(folder / "whole" / "data" / "site.json").find("detail_minzoom"),
              std::string::npos);

    // The classes' share of the area at the zoom below: the legend's (the engine's areas in mu),
    // within a few per cent (the cells are one screen pixel, 8 tile units).
    std::map<std::string, double> legendMu;
    double legendTotal = 0;
    for (const CPLJSONObject& entry : site.GetRoot().GetArray("legend"))
        if (entry.GetString("layer") == "parcels") {
            legendMu[entry.GetString("label")] += std::stod(entry.GetString("area_mu", "0"));
            legendTotal += std::stod(entry.GetString("area_mu", "0"));
        }
    std::map<std::string, double> pieceArea;
    double pieceTotal = 0;
    std::map<int, std::size_t> parcelsAt;
    std::map<int, std::size_t> wholeParcelsAt;
    for (const TileRecord& record : tileRecords(folder / "dissolved" / "tiles")) {
        if (record.layer == "parcels")
            ++parcelsAt[record.zoom];
        if (record.zoom >= detail || (record.layer != "parcels" && record.layer != "findings"))
            continue;
        // A piece: its class, its fill, no outline, no feature id, no area, no rule.
        EXPECT_TRUE(record.fields.count("_class")) << record.layer;
        EXPECT_FALSE(record.fields.count("_fid") || record.fields.count("_stroke") ||
                     record.fields.count("area_mu") || record.fields.count("rule"))
            << record.layer << " at zoom " << record.zoom;
        if (record.layer == "parcels") {
            EXPECT_TRUE(legendMu.count(record.fields.at("_class"))) << record.fields.at("_class");
            EXPECT_TRUE(record.fields.count("_fill"));
            if (record.zoom == detail - 1) {
                pieceArea[record.fields.at("_class")] += record.area;
                pieceTotal += record.area;
            }
        }
    }
    ASSERT_GT(pieceTotal, 0);
    for (const auto& [label, mu] : legendMu)
        EXPECT_NEAR(pieceArea[label] / pieceTotal, mu / legendTotal, 0.03) << label;
    for (const TileRecord& record : tileRecords(folder / "whole" / "tiles"))
        if (record.layer == "parcels")
            ++wholeParcelsAt[record.zoom];
    // Fewer features to draw below the detail zoom (the sample's 498 plots in a few dozen
    // patches), the same from it on.
    for (int zoom = dissolved.minZoom; zoom < detail; ++zoom)
        EXPECT_LT(parcelsAt[zoom] * 4, wholeParcelsAt[zoom]) << "zoom " << zoom;
    const auto expected = tileFeatures(folder / "whole" / "tiles");
    const auto actual = tileFeatures(folder / "dissolved" / "tiles");
    int deepest = detail;
    for (const CPLJSONObject& layer : site.GetRoot().GetArray("layers"))
        deepest = std::max(deepest, layer.GetInteger("detail_minzoom", -1));
    std::size_t compared = 0;
    for (const auto& [tile, texts] : expected) {
        if (std::stoi(tile.substr(0, tile.find('/'))) < deepest)
            continue;
        const auto it = actual.find(tile);
        ASSERT_NE(it, actual.end()) << tile;
        EXPECT_EQ(it->second, texts) << "tile " << tile;
        ++compared;
    }
    EXPECT_GT(compared, 100u);
}

} // namespace
} // namespace parkatlas::geo
